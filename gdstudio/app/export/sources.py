"""What each export of the main window draws: the window's side of io.export.

io.export writes what it is handed (a render callback, a view, an image, a race);
this module knows which widget that is, makes the views live for rendering (the window
"shown" off the desktop, the contour page current) and hands them over.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QAction, QImage, QPainter
from PySide6.QtWidgets import QGraphicsView, QMenu, QStackedWidget, QStatusBar, QWidget

from ...core.race import Race
from ...io.export import (
    ANIMATION_FORMATS,
    DATA_FORMATS,
    VIEW_TITLES,
    ExportError,
    Progress,
    check_animation,
    check_size,
    check_view_format,
    export_3d_png,
    export_graphics_png,
    export_graphics_svg,
    export_image_png,
    export_trajectories_csv,
    export_trajectories_json,
    fit_image,
    format_of,
)
from ...io.export import export_animation as write_race_animation
from ...io.export_files import check_writable
from ...io.export_graphics import View, render_graphics_image
from ...io.trajectories import Racer, Trajectories
from ...theme import MINIMUM_COLOR, TEXT_COLOR, hex_to_rgb255
from ..drawn import view_dim
from .decor import ALL, Decorations, decor_of
from .live import showing, window_size

if TYPE_CHECKING:
    from ...render.view3d import LandscapeView3D
    from ..contour import ContourView
    from ..docks.plots import PlotsPanel
    from ..model import StudioModel
    from ..stepper import Stepper


class ExportWindow(Protocol):
    """The main window as exports see it: its model, views and menus (a structural type, so
    the export modules need not import main_window, which imports them)."""

    model: StudioModel
    view3d: LandscapeView3D
    stack: QStackedWidget
    stepper: Stepper
    file_menu: QMenu
    actions_by_name: dict[str, QAction]

    @property
    def contour(self) -> ContourView:
        """The contour view (the window builds it on first use)."""

    @property
    def plots(self) -> PlotsPanel:
        """The loss plots (the window builds them on first use)."""

    def window(self) -> QWidget:
        """The window as a widget (QWidget.window(): itself)."""

    def finish_start_up(self) -> None:
        """Build the docks start-up leaves for after the first frame, now."""

    def windowTitle(self) -> str:  # noqa: N802 - Qt's name
        """The title bar's text."""

    def statusBar(self) -> QStatusBar:  # noqa: N802 - Qt's name
        """The window's status bar."""


# --- which widget ------------------------------------------------------------------------------


def check_export(window: ExportWindow, view: str | None, fmt: str) -> None:
    """ExportError with one clear line if `view` cannot be written as `fmt` right now."""
    check_view_format(view, fmt)
    if view == "3d" and fmt not in DATA_FORMATS and view_dim(window.model.landscape) != 2:
        raise ExportError(
            "this landscape has one parameter, so there is no 3D view; use the contour view"
        )


def view_widget(window: ExportWindow, view: str) -> QWidget:
    """The widget whose picture `view` is."""
    if view == "3d":
        return window.view3d
    if view == "window":
        return window.window()
    if view == "contour":
        widget: QGraphicsView = window.contour.plot
        return widget
    window.plots.flush()
    return window.plots.graphics


def graphics_view(window: ExportWindow, view: str) -> View:
    """The view of "contour" (a pyqtgraph view) or "plots" (a canvas that paints itself),
    as the graphics exporters take it.

    The plots are brought up to date first: steps taken since their last frame are drawn now,
    not from inside the exporter's render (a scene changed while it renders draws garbage).
    """
    if view == "contour":
        widget: QGraphicsView = window.contour.plot
        return widget
    window.plots.flush()
    return window.plots.graphics


def default_size(window: ExportWindow, view: str, scale: float = 2.0) -> tuple[int, int]:
    """Picture size for `view`: `scale` × its size on screen (the window: its own size)."""
    size = view_widget(window, view).size()
    if view == "contour" and not window.contour.isVisible():
        size = window.stack.size()  # once shown, the contour view fills the central area
    if view == "window":
        scale = 1.0
    return max(1, round(size.width() * scale)), max(1, round(size.height() * scale))


def grab_window(window: ExportWindow) -> QImage:
    """The whole window as an image, the 3D view's OpenGL picture included."""
    window.finish_start_up()  # every visible dock as the user sees it, not a placeholder
    window.plots.flush()  # steps not yet drawn are drawn before the grab, not inside it
    widget = window.window()
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    view = window.view3d
    if view.isVisible() and view.width() > 0 and view.height() > 0:
        ratio = image.devicePixelRatio()
        top_left = view.mapTo(widget, QPoint(0, 0))
        rect = QRect(
            round(top_left.x() * ratio),
            round(top_left.y() * ratio),
            round(view.width() * ratio),
            round(view.height() * ratio),
        )
        # a grab leaves the 3D view's native GL window out (grey): paint its picture in
        picture = view.render_image(rect.width(), rect.height())
        painter = QPainter(image)
        painter.resetTransform()
        painter.drawImage(rect.topLeft(), picture)
        painter.end()
    return image


def render_view(window: ExportWindow, view: str, width: int, height: int) -> QImage:
    """The current picture of `view` at width×height (the window is scaled to fit)."""
    check_size(width, height)
    if view == "3d":
        return window.view3d.render_image(width, height)
    if view == "window":
        return fit_image(grab_window(window), width, height)
    return render_graphics_image(graphics_view(window, view), width, height)


# --- the race ----------------------------------------------------------------------------------


def trajectories_of(model: StudioModel) -> Trajectories:
    """The model's enabled racers as io.export_data writes them (their live runs, no copy)."""
    racers = tuple(
        Racer(cfg.run, cfg.optimizer, dict(cfg.hyper), cfg.color, cfg.title)
        for _, cfg in model.active_runs()
        if cfg.run is not None
    )
    return Trajectories(
        model.landscape_name,
        tuple(model.landscape.param_names),
        tuple(float(v) for v in model.start),
        racers,
    )


class ModelStepper:
    """The model's race as io.export steps it: the views follow each step."""

    def __init__(self, model: StudioModel) -> None:
        self.model = model

    def reset(self) -> None:
        """Every run back to the start."""
        self.model.reset()

    def step(self, n: int = 1) -> int:
        """Advance every enabled running run by up to n steps; the most taken."""
        return self.model.step(n)

    def length(self) -> int:
        """Steps until every enabled run stops (a silent Race over the runs); left at the start."""
        self.model.reset()
        return _race(self.model).length()


def run_race(model: StudioModel, steps: int | None = None) -> int:
    """Reset, then step the race `steps` times (None: until every run stops); the most taken.

    The views follow: the model takes the steps, in one call, after a silent Race measured
    how many the whole race takes.
    """
    model.reset()
    if steps is None:
        steps = _race(model).length()
    return model.step(steps) if steps > 0 else 0


def _race(model: StudioModel) -> Race:
    """The one stepping engine over the model's enabled runs (it notifies no view)."""
    return Race(cfg.run for _, cfg in model.active_runs() if cfg.run is not None)


def key_colors(model: StudioModel) -> list[tuple[int, int, int]]:
    """Colours an animation's palette must keep: each run's, the minimum's, the text's, white."""
    return [hex_to_rgb255(cfg.color) for _, cfg in model.active_runs()] + [
        hex_to_rgb255(MINIMUM_COLOR),
        hex_to_rgb255(TEXT_COLOR),
        (255, 255, 255),
    ]


# --- exporting the window ----------------------------------------------------------------------


def export_window_png(
    window: ExportWindow,
    path: str | os.PathLike[str],
    width: int | None = None,
    height: int | None = None,
) -> None:
    """Write the whole window as PNG; with a size, the window is laid out at that size first."""
    if width is not None and height is not None:
        check_size(width, height)
    check_writable(path)
    with showing(window, "window"), window_size(window, width, height):
        image = grab_window(window)
    export_image_png(image, path, width, height)


def export_animation(
    window: ExportWindow,
    path: str | os.PathLike[str],
    view: str = "3d",
    width: int | None = None,
    height: int | None = None,
    fps: float = 20.0,
    seconds: float = 5.0,
    steps: int | None = None,
    progress: Progress | None = None,
    decorations: Decorations = ALL,
) -> bool:
    """Animate the window's race from its start as GIF or MP4 (see io.export.export_animation),
    with the title, legend and step counter `decorations` asks for.

    The race is left where the animation ends; False, leaving no file, if cancelled.
    """
    check_animation(path, fps, seconds, steps, width, height)
    check_export(window, view, format_of(path))
    window.stepper.pause()
    with showing(window, view):
        if width is None or height is None:
            width, height = default_size(window, view, scale=1.0)
        return write_race_animation(
            path,
            lambda w, h: render_view(window, view, w, h),
            ModelStepper(window.model),
            width,
            height,
            fps=fps,
            seconds=seconds,
            steps=steps,
            progress=progress,
            reserved=key_colors(window.model),
            decor=decor_of(window, view, decorations, animated=True),
        )


def export(
    window: ExportWindow,
    view: str | None,
    path: str | os.PathLike[str],
    width: int | None = None,
    height: int | None = None,
    *,
    transparent: bool = False,
    fps: float = 20.0,
    seconds: float = 5.0,
    steps: int | None = None,
    progress: Progress | None = None,
    decorations: Decorations = ALL,
) -> bool:
    """Write `view` of the window to `path`, the format chosen by the extension.

    .png/.svg: a picture of the view as it is now; .gif/.mp4: an animation of the race
    (see export_animation); .csv/.json: the trajectories of every enabled run (`view` is
    ignored). Pictures carry the title and legend `decorations` asks for (see decor_of).
    Returns False if an animation was cancelled.
    """
    fmt = format_of(path)
    check_export(window, view, fmt)
    if fmt in DATA_FORMATS:
        write = export_trajectories_csv if fmt == "csv" else export_trajectories_json
        write(trajectories_of(window.model), path)
        return True
    assert view is not None  # check_export refuses a picture without a view
    if fmt in ANIMATION_FORMATS:
        return export_animation(
            window,
            path,
            view,
            width,
            height,
            fps=fps,
            seconds=seconds,
            steps=steps,
            progress=progress,
            decorations=decorations,
        )
    if view == "window":
        export_window_png(window, path, width, height)
        return True
    decor = decor_of(window, view, decorations)
    if view == "3d":
        if width is None or height is None:
            width, height = default_size(window, view)
        export_3d_png(
            window.view3d.render_image, path, width, height, transparent=transparent, decor=decor
        )
        return True
    with showing(window, view):
        if width is None or height is None:
            width, height = default_size(window, view)  # as laid out now it is showing
        target = graphics_view(window, view)
        if fmt == "svg":
            title = " — ".join(t for t in (decor.title, VIEW_TITLES[view]) if t)
            export_graphics_svg(target, path, width, height, title, decor)
        else:
            export_graphics_png(target, path, width, height, decor)
    return True
