"""Export pictures and animations of what the caller hands over, and trajectories and data.

Exporters receive what they draw, never the window: a render callback (the 3D view's
`render_image(width, height, transparent=...)`), a pyqtgraph QGraphicsView or a view that
paints itself (export_graphics.View), an image, or for
an animation a frame callback and the race to step. Which widget that is belongs to the app
(gdstudio.app.export.sources). The extension of the path picks the format (.png .svg .gif
.mp4 .csv .json); every file is written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from .export_animation import Progress, encoder_size, frame_count, frame_steps, write_animation
from .export_data import export_dataset_csv, export_trajectories_csv, export_trajectories_json
from .export_decor import Decor, DecorFrames, decorated
from .export_files import check_writable, write_bytes_atomic
from .export_formats import (
    ANIMATION_FORMATS,
    DATA_FORMATS,
    FORMATS,
    MAX_SIDE,
    PICTURE_FORMATS,
    VIEW_TITLES,
    VIEWS,
    ExportCancelled,
    ExportError,
    check_size,
    check_view_format,
    format_of,
)
from .export_graphics import View, render_graphics_image, render_graphics_svg, write_image_atomic

__all__ = [
    "ANIMATION_FORMATS",
    "DATA_FORMATS",
    "Decor",
    "FORMATS",
    "MAX_SIDE",
    "PICTURE_FORMATS",
    "VIEWS",
    "VIEW_TITLES",
    "ExportCancelled",
    "ExportError",
    "Progress",
    "Render3D",
    "RenderFrame",
    "Stepper",
    "check_animation",
    "check_size",
    "check_view_format",
    "export_3d_png",
    "export_animation",
    "export_dataset_csv",
    "export_graphics_png",
    "export_graphics_svg",
    "export_image_png",
    "export_trajectories_csv",
    "export_trajectories_json",
    "fit_image",
    "format_of",
    "is_black",
    "qimage_pixels",
    "qimage_to_rgb",
]

BLACK_LEVEL = 8
_PACKED_FORMATS = (QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32)


class Render3D(Protocol):
    """Renders the 3D view offscreen at width×height (LandscapeView3D.render_image)."""

    def __call__(self, width: int, height: int, *, transparent: bool = False) -> QImage: ...


RenderFrame = Callable[[int, int], QImage]
"""The picture an animation shows at the race's current step, at width×height."""


class Stepper(Protocol):
    """What an animation steps: core.race.Race, or the app's model stepping its race."""

    def reset(self) -> None:
        """Every run back to the start."""

    def step(self, n: int = 1) -> int:
        """Advance every running run by up to n steps; the most taken."""

    def length(self) -> int:
        """Steps from the start until every run stops; left reset to the start."""


# --- pictures ----------------------------------------------------------------------------------


def export_3d_png(
    render_3d: Render3D,
    path: str | os.PathLike[str],
    width: int,
    height: int,
    transparent: bool = False,
    decor: Decor | None = None,
) -> None:
    """Render the 3D view offscreen (same camera) below the decor's band, width×height in
    all, and write it as PNG."""
    check_size(width, height)
    check_writable(path)
    background = QColor(0, 0, 0, 0) if transparent else None
    image = decorated(
        decor or Decor(),
        width,
        height,
        lambda w, h: render_3d(w, h, transparent=transparent),
        background,
    )
    write_image_atomic(path, image)


def export_graphics_png(
    view: View,
    path: str | os.PathLike[str],
    width: int,
    height: int,
    decor: Decor | None = None,
) -> None:
    """Write a view (the contour view's pyqtgraph scene, the plots) as a width×height PNG."""
    check_size(width, height)
    check_writable(path)
    write_image_atomic(path, render_graphics_image(view, width, height, decor))


def export_graphics_svg(
    view: View,
    path: str | os.PathLike[str],
    width: int,
    height: int,
    title: str = "",
    decor: Decor | None = None,
) -> None:
    """Write a view as SVG: curves and paths as vector paths, images embedded."""
    check_size(width, height)
    check_writable(path)
    write_bytes_atomic(path, render_graphics_svg(view, width, height, title, decor))


def export_image_png(
    image: QImage, path: str | os.PathLike[str], width: int | None = None, height: int | None = None
) -> None:
    """Write an image (e.g. a window grab) as PNG, scaled to width×height if given."""
    if width is not None and height is not None:
        check_size(width, height)
        image = fit_image(image, width, height)
    check_writable(path)
    write_image_atomic(path, image)


# --- animations --------------------------------------------------------------------------------


def check_animation(
    path: str | os.PathLike[str],
    fps: float,
    seconds: float,
    steps: int | None,
    width: int | None = None,
    height: int | None = None,
) -> int:
    """ExportError with one line if the animation cannot be written; else its frame count."""
    fmt = format_of(path)
    if fmt not in ANIMATION_FORMATS:
        raise ExportError(f"an animation is written as .gif or .mp4, not .{fmt}")
    try:
        frames_total = frame_count(fps, seconds)
    except ValueError as e:
        raise ExportError(str(e)) from None
    if steps is not None and steps < 0:
        raise ExportError(f"steps must be >= 0, got {steps}")
    if width is not None and height is not None:
        check_size(width, height)
    check_writable(path)
    return frames_total


def export_animation(
    path: str | os.PathLike[str],
    render: RenderFrame,
    race: Stepper,
    width: int,
    height: int,
    fps: float = 20.0,
    seconds: float = 5.0,
    steps: int | None = None,
    progress: Progress | None = None,
    reserved: Sequence[tuple[int, int, int]] = (),
    decor: Decor | None = None,
) -> bool:
    """Animate the race from its start as GIF or MP4 (format from the path's extension).

    fps × seconds frames of `render` sample the race evenly over `steps` steps (None: until
    every run stops), each below the decor's band (its step counter showing the steps
    taken). The race is left where the animation ends. `reserved` colours keep their exact
    value in a GIF's palette. Returns False, leaving no file, when `progress(done, total)`
    returns False.
    """
    frames_total = check_animation(path, fps, seconds, steps, width, height)
    fmt = format_of(path)
    width, height = encoder_size(fmt, width, height)
    total = race.length() if steps is None else steps
    plan = frame_steps(total, frames_total)
    band = DecorFrames(decor or Decor(), width, height, max_step=total)

    def view(w: int, h: int) -> QImage:
        return fit_image(render(w, h), w, h)

    def frames() -> Iterator[np.ndarray]:
        race.reset()
        taken = 0
        for k in plan:
            if k:
                taken += race.step(k)
            image = fit_image(band.frame(view, taken), width, height)
            yield qimage_pixels(image)  # a view: `image` lives until the encoder is done

    return write_animation(
        path, fmt, frames(), frames_total, fps, progress, reserved=list(reserved)
    )


# --- helpers -----------------------------------------------------------------------------------


def qimage_pixels(image: QImage) -> np.ndarray:
    """The pixels of a QImage as an (h, w) uint32 0xAARRGGBB array.

    An RGB32 or ARGB32 image is seen without a copy: the array is valid only while `image`
    is alive and unchanged. Another format is converted, and the array is a copy.
    """
    if image.format() not in _PACKED_FORMATS:
        converted = image.convertToFormat(QImage.Format.Format_RGB32)
        copied: np.ndarray = _packed_view(converted).copy()  # made while `converted` lives
        return copied
    return _packed_view(image)


def _packed_view(image: QImage) -> np.ndarray:
    """An RGB32/ARGB32 image's pixels, (h, w) uint32, sharing the image's memory."""
    w, h, line = image.width(), image.height(), image.bytesPerLine() // 4
    data = np.frombuffer(image.constBits(), dtype=np.uint32, count=h * line)
    pixels: np.ndarray = data.reshape(h, line)[:, :w]
    return pixels


def qimage_to_rgb(image: QImage) -> np.ndarray:
    """A QImage as an (h, w, 3) uint8 RGB array (a copy)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = rgb.width(), rgb.height()
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    pixels: np.ndarray = data.reshape(h, rgb.bytesPerLine())[:, : 3 * w].reshape(h, w, 3).copy()
    return pixels


def is_black(image: QImage) -> bool:
    """True for a null or (nearly) black image: what a grab without OpenGL content gives."""
    return image.isNull() or int(qimage_to_rgb(image).max()) < BLACK_LEVEL


def fit_image(image: QImage, width: int, height: int) -> QImage:
    """The image scaled smoothly to exactly width×height (itself if it is that size)."""
    if image.width() == width and image.height() == height:
        return image
    return image.scaled(
        width,
        height,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
