"""What can be exported as what: views, file types and sizes (no Qt, so the CLI checks
its arguments before loading any)."""

from __future__ import annotations

import os
from pathlib import Path

VIEWS = ("3d", "contour", "plots", "window")
VIEW_TITLES = {
    "3d": "3D view",
    "contour": "Contour view",
    "plots": "Plots",
    "window": "Whole window",
}
PICTURE_FORMATS = {
    "3d": ("png",),
    "contour": ("png", "svg"),
    "plots": ("png", "svg"),
    "window": ("png",),
}
ANIMATION_FORMATS = ("gif", "mp4")
DATA_FORMATS = ("csv", "json")
FORMATS = ("png", "svg", *ANIMATION_FORMATS, *DATA_FORMATS)
MAX_SIDE = 16384


class ExportError(Exception):
    """An export that cannot be done: one line saying why (bad path, size, format...)."""


class ExportCancelled(Exception):
    """The user cancelled an export; nothing was written."""


def format_of(path: str | os.PathLike[str]) -> str:
    """The export format named by the path's extension (ExportError if unsupported)."""
    ext = Path(path).suffix.lower().lstrip(".")
    if ext not in FORMATS:
        shown = f"'.{ext}'" if ext else "no extension"
        raise ExportError(f"unsupported file type ({shown}); allowed: " + _dotted(FORMATS))
    return ext


def view_formats(view: str) -> tuple[str, ...]:
    """File types a view exports to: its picture formats and the animations."""
    return (*PICTURE_FORMATS[view], *ANIMATION_FORMATS)


def check_view_format(view: str | None, fmt: str) -> None:
    """ExportError unless `view` can be written as `fmt` (data formats need no view)."""
    if fmt in DATA_FORMATS:
        return
    if view not in VIEWS:
        raise ExportError(f"unknown view '{view}'; allowed: {', '.join(VIEWS)}")
    allowed = view_formats(view)
    if fmt not in allowed:
        raise ExportError(
            f"the {VIEW_TITLES[view]} cannot be written as .{fmt}; allowed: {_dotted(allowed)}"
        )


def check_size(width: int, height: int) -> None:
    """ExportError unless 1 ≤ width, height ≤ MAX_SIDE."""
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise ExportError(
            f"size {width}×{height} is out of range; each side must be 1..{MAX_SIDE} pixels"
        )


def _dotted(formats: tuple[str, ...]) -> str:
    return ", ".join(f".{f}" for f in formats)
