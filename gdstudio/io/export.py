"""Export the studio: pictures of its views, animations of the race, trajectories and data.

The extension of the path picks the format (.png .svg .gif .mp4 .csv .json); every file is
written atomically. Views render offscreen, so the window need not be shown (it must live
in a GUI application with OpenGL for the 3D view: under Xvfb when there is no display).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsView, QWidget

from ..app.palette import MINIMUM_COLOR, hex_to_rgb
from .export_animation import Progress, encoder_size, frame_count, frame_steps, write_animation
from .export_data import export_dataset_csv, export_trajectories_csv, export_trajectories_json
from .export_files import check_writable, write_bytes_atomic, write_image_atomic
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
from .export_graphics import render_graphics_image, render_graphics_svg

if TYPE_CHECKING:
    from ..app.main_window import MainWindow
    from ..app.model import StudioModel
    from ..render.view3d import LandscapeView3D

__all__ = [
    "ANIMATION_FORMATS", "DATA_FORMATS", "FORMATS", "MAX_SIDE", "PICTURE_FORMATS", "VIEWS",
    "VIEW_TITLES", "ExportCancelled", "ExportError", "Progress", "check_export", "check_size",
    "default_size", "export", "export_3d_png", "export_animation", "export_dataset_csv",
    "export_graphics_png", "export_graphics_svg", "export_trajectories_csv",
    "export_trajectories_json", "export_window_png", "format_of", "grab_window", "race_length",
    "qimage_to_rgb", "render_view", "run_race", "view_widget",
]

RACE_CHUNK = 1000
BLACK_LEVEL = 8


# --- choosing what to write --------------------------------------------------------------------


def check_export(window: MainWindow, view: str | None, fmt: str) -> None:
    """ExportError with one clear line if `view` cannot be written as `fmt` right now."""
    check_view_format(view, fmt)
    if view == "3d" and fmt not in DATA_FORMATS and window.model.landscape.dim != 2:
        raise ExportError("this landscape has one parameter, so there is no 3D view; "
                          "use the contour view")


def view_widget(window: MainWindow, view: str) -> QWidget:
    """The widget whose picture `view` is."""
    return {"3d": window.view3d, "contour": window.contour.plot,
            "plots": window.plots.graphics, "window": window}[view]


def default_size(window: MainWindow, view: str, scale: float = 2.0) -> tuple[int, int]:
    """Picture size for `view`: `scale` × its size on screen (the window: its own size)."""
    size = view_widget(window, view).size()
    if view == "contour" and not window.contour.isVisible():
        size = window.stack.size()  # once shown, the contour view fills the central area
    if view == "window":
        scale = 1.0
    return max(1, round(size.width() * scale)), max(1, round(size.height() * scale))


# --- pictures ----------------------------------------------------------------------------------


def export_3d_png(view3d: LandscapeView3D, path: str | os.PathLike[str], width: int,
                  height: int, transparent: bool = False) -> None:
    """Render the 3D view offscreen at width×height (same camera) and write it as PNG."""
    check_size(width, height)
    check_writable(path)
    write_image_atomic(path, view3d.render_image(width, height, transparent=transparent))


def export_graphics_png(view: QGraphicsView, path: str | os.PathLike[str], width: int,
                        height: int) -> None:
    """Write a pyqtgraph view (contour view, plots) as a width×height PNG."""
    check_size(width, height)
    check_writable(path)
    write_image_atomic(path, render_graphics_image(view, width, height))


def export_graphics_svg(view: QGraphicsView, path: str | os.PathLike[str], width: int,
                        height: int, title: str = "") -> None:
    """Write a pyqtgraph view as SVG: curves and paths as vector paths, images embedded."""
    check_size(width, height)
    check_writable(path)
    write_bytes_atomic(path, render_graphics_svg(view, width, height, title))


def grab_window(window: MainWindow) -> QImage:
    """The whole window as an image, the 3D view's OpenGL picture included."""
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    view = window.view3d
    if view.isVisible() and view.width() > 0 and view.height() > 0:
        ratio = image.devicePixelRatio()
        top_left = view.mapTo(window, QPoint(0, 0))
        rect = QRect(round(top_left.x() * ratio), round(top_left.y() * ratio),
                     round(view.width() * ratio), round(view.height() * ratio))
        if _is_black(image.copy(rect)):
            # some platforms leave OpenGL widgets out of grabs: paint the 3D view in
            picture = view.render_image(rect.width(), rect.height())
            painter = QPainter(image)
            painter.resetTransform()
            painter.drawImage(rect.topLeft(), picture)
            painter.end()
    return image


def export_window_png(window: MainWindow, path: str | os.PathLike[str],
                      width: int | None = None, height: int | None = None) -> None:
    """Write the whole window as PNG; with a size, the window is laid out at that size first."""
    if width is not None and height is not None:
        check_size(width, height)
    check_writable(path)
    with _showing(window, "window"), _window_size(window, width, height):
        image = grab_window(window)
    if width is not None and height is not None:
        image = _fit(image, width, height)
    write_image_atomic(path, image)


def render_view(window: MainWindow, view: str, width: int, height: int) -> QImage:
    """The current picture of `view` at width×height (the window is scaled to fit)."""
    check_size(width, height)
    if view == "3d":
        return window.view3d.render_image(width, height)
    if view == "window":
        return _fit(grab_window(window), width, height)
    return render_graphics_image(view_widget(window, view), width, height)


# --- the race ----------------------------------------------------------------------------------


def race_length(model: StudioModel) -> int:
    """Steps until every enabled run stops (converges, diverges or reaches max steps).

    The race is run once without notifying the views, then reset to the start.
    """
    blocked = model.blockSignals(True)
    try:
        model.reset()
        while model.can_step:
            model.step(RACE_CHUNK)
        length = max((cfg.run.steps for _, cfg in model.active_runs()), default=0)
    finally:
        model.blockSignals(blocked)
    model.reset()
    return length


def run_race(model: StudioModel, steps: int | None = None) -> int:
    """Reset, then step the race `steps` times (None: until every run stops); the most taken."""
    model.reset()
    if steps is not None:
        return model.step(steps) if steps > 0 else 0
    taken = 0
    while model.can_step:
        taken += model.step(RACE_CHUNK)
    return taken


def export_animation(window: MainWindow, path: str | os.PathLike[str], view: str = "3d",
                     width: int | None = None, height: int | None = None, fps: float = 20.0,
                     seconds: float = 5.0, steps: int | None = None,
                     progress: Progress | None = None) -> bool:
    """Animate the race from its start as GIF or MP4 (format from the path's extension).

    fps × seconds frames of `view` sample the race evenly over `steps` steps (None: until
    every run stops). The race is left where the animation ends. Returns False, leaving no
    file, when `progress(done, total)` returns False.
    """
    fmt = format_of(path)
    if fmt not in ANIMATION_FORMATS:
        raise ExportError(f"an animation is written as .gif or .mp4, not .{fmt}")
    check_export(window, view, fmt)
    try:
        frames_total = frame_count(fps, seconds)
    except ValueError as e:
        raise ExportError(str(e)) from None
    if steps is not None and steps < 0:
        raise ExportError(f"steps must be >= 0, got {steps}")
    if width is not None and height is not None:
        check_size(width, height)
    check_writable(path)
    window.stepper.pause()
    model = window.model
    with _showing(window, view):
        if width is None or height is None:
            width, height = default_size(window, view, scale=1.0)
        width, height = encoder_size(fmt, width, height)
        plan = frame_steps(race_length(model) if steps is None else steps, frames_total)

        def frames() -> Iterator[np.ndarray]:
            model.reset()
            for k in plan:
                if k:
                    model.step(k)
                yield qimage_to_rgb(render_view(window, view, width, height))

        return write_animation(path, fmt, frames(), frames_total, fps, progress,
                               reserved=_key_colors(model))


# --- one entry point ---------------------------------------------------------------------------


def export(window: MainWindow, view: str | None, path: str | os.PathLike[str],
           width: int | None = None, height: int | None = None, *, transparent: bool = False,
           fps: float = 20.0, seconds: float = 5.0, steps: int | None = None,
           progress: Progress | None = None) -> bool:
    """Write `view` of the window to `path`, the format chosen by the extension.

    .png/.svg: a picture of the view as it is now; .gif/.mp4: an animation of the race
    (see export_animation); .csv/.json: the trajectories of every enabled run (`view` is
    ignored). Returns False if an animation was cancelled.
    """
    fmt = format_of(path)
    check_export(window, view, fmt)
    if fmt == "csv":
        export_trajectories_csv(window.model, path)
        return True
    if fmt == "json":
        export_trajectories_json(window.model, path)
        return True
    if fmt in ANIMATION_FORMATS:
        return export_animation(window, path, view, width, height, fps=fps, seconds=seconds,
                                steps=steps, progress=progress)
    if view == "window":
        export_window_png(window, path, width, height)
        return True
    if view == "3d":
        if width is None or height is None:
            width, height = default_size(window, view)
        export_3d_png(window.view3d, path, width, height, transparent=transparent)
        return True
    with _showing(window, view):
        if width is None or height is None:
            width, height = default_size(window, view)  # as laid out now it is showing
        target = view_widget(window, view)
        if fmt == "svg":
            title = f"{VIEW_TITLES[view]} — {window.windowTitle()}"
            export_graphics_svg(target, path, width, height, title)
        else:
            export_graphics_png(target, path, width, height)
    return True


# --- helpers -----------------------------------------------------------------------------------


def qimage_to_rgb(image: QImage) -> np.ndarray:
    """A QImage as an (h, w, 3) uint8 RGB array (a copy)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = rgb.width(), rgb.height()
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    return data.reshape(h, rgb.bytesPerLine())[:, : 3 * w].reshape(h, w, 3).copy()


def _key_colors(model: StudioModel) -> list[tuple[int, int, int]]:
    """Colours an animation's palette must keep: each run's, the minimum's, white."""
    hexes = [cfg.color for _, cfg in model.active_runs()] + [MINIMUM_COLOR, "#ffffff"]
    return [tuple(round(255 * c) for c in hex_to_rgb(h)) for h in hexes]


def _is_black(image: QImage) -> bool:
    return image.isNull() or int(qimage_to_rgb(image).max()) < BLACK_LEVEL


def _fit(image: QImage, width: int, height: int) -> QImage:
    if image.width() == width and image.height() == height:
        return image
    return image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


@contextlib.contextmanager
def _showing(window: MainWindow, view: str) -> Iterator[None]:
    """Make `view` live for rendering: the window "shown" off the desktop if it is hidden,
    and the contour page current while the contour view is exported from 3D mode."""
    offscreen = not window.isVisible()
    if offscreen:
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.show()
    page = window.stack.currentWidget()
    if view == "contour" and page is not window.contour:
        window.stack.setCurrentWidget(window.contour)
    try:
        yield
    finally:
        if window.stack.currentWidget() is not page:
            window.stack.setCurrentWidget(page)
        if offscreen:
            window.hide()
            window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)


@contextlib.contextmanager
def _window_size(window: MainWindow, width: int | None, height: int | None) -> Iterator[None]:
    """Lay the window out at width×height (logical pixels) for the duration."""
    if width is None or height is None:
        yield
        return
    old = window.size()
    window.resize(width, height)
    _settle()
    try:
        yield
    finally:
        window.resize(old)
        _settle()


def _settle() -> None:
    """Apply the layout requests a resize posted, now rather than at the next event loop pass."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
