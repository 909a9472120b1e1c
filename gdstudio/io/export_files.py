"""Export file writes: checked paths and atomic writes that report ExportError (no Qt)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from . import atomic
from .export_formats import ExportError


def check_writable(path: str | os.PathLike[str]) -> Path:
    """The path as a Path if its folder exists and can be written to (ExportError otherwise)."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {p}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ExportError(f"cannot write {p}: folder {folder} is not writable")
    if p.is_dir():
        raise ExportError(f"cannot write {p}: it is a folder")
    return p


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` atomically: the old file stays until the new one is whole."""
    p = check_writable(path)
    try:
        atomic.write_bytes_atomic(p, data)
    except OSError as e:
        raise ExportError(f"cannot write {p}: {e.strerror or e}") from None


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text to `path` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside `path` for writers that need a file name (encoders).

    On a normal exit the temporary file replaces `path`; on any exception (including
    ExportCancelled) it is removed and `path` is left as it was.
    """
    p = check_writable(path)
    try:
        with atomic.atomic_path(p, keep_suffix=True) as tmp:
            yield tmp
    except OSError as e:
        raise ExportError(f"cannot write {p}: {e.strerror or e}") from None
