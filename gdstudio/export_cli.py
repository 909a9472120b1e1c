"""`gdstudio export`: a scene or session rendered to a file, without showing a window.

Arguments are checked before Qt is loaded, so a bad one costs nothing but one line on
stderr and exit status 2. Pictures and animations need OpenGL on a display (Xvfb when
there is none); trajectories (.csv/.json) need neither.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .export_display import display_problem
from .io.export_formats import (
    ANIMATION_FORMATS,
    DATA_FORMATS,
    VIEWS,
    ExportError,
    check_size,
    check_view_format,
    format_of,
)

if TYPE_CHECKING:
    from .app.export.decor import Decorations
    from .app.main_window import MainWindow
    from .app.model import StudioModel

DEFAULT_FPS = 20.0
DEFAULT_SECONDS = 5.0
MAX_FPS = 120.0
MAX_SECONDS = 600.0
WINDOW_SIZE = (1500, 920)  # the window's default size: renders do not depend on saved layouts
_SIZE = re.compile(r"^\s*(\d+)\s*[x×X*]\s*(\d+)\s*$")
_P = TypeVar("_P", bound=argparse.ArgumentParser)  # the main parser's class (cli._Parser)


class ExportArgError(Exception):
    """A bad `gdstudio export` argument, or nothing to render on: one line, exit 2."""


@dataclass(frozen=True)
class ExportJob:
    """A checked `gdstudio export` request."""

    scene: str | None
    session: Path | None
    view: str | None
    out: Path
    fmt: str
    size: tuple[int, int] | None
    steps: int | None
    fps: float
    seconds: float
    transparent: bool
    session_doc: dict[str, Any] | None = field(default=None, repr=False)  # checked, migrated
    title: bool = True
    legend: bool = True
    step_counter: bool = True


def add_parser(sub: argparse._SubParsersAction[_P]) -> _P:
    """Register the `export` subcommand on the main parser's subparsers."""
    e = sub.add_parser(
        "export",
        help="render a scene or session to PNG/SVG/GIF/MP4, or its paths to CSV/JSON",
        description="Run a scene's race (or a saved session's) and write a picture, an "
        "animation or the trajectories, without showing a window. The extension of --out "
        "picks the format: .png .svg .gif .mp4 .csv .json. Pictures and animations need "
        "OpenGL: without a display, run under xvfb-run.",
    )
    source = e.add_mutually_exclusive_group(required=True)
    source.add_argument("--scene", metavar="ID", help="lesson scene id (see 'gdstudio list')")
    source.add_argument("--session", metavar="FILE", help="a saved .gdstudio session")
    e.add_argument(
        "--steps",
        type=int,
        metavar="N",
        help="steps of the race (default: until every run stops or reaches the "
        "scene's max steps); for .gif/.mp4 the steps the animation spans",
    )
    e.add_argument(
        "--view",
        choices=VIEWS,
        help="what to draw (required for pictures and animations): 3d (.png), "
        "contour or plots (.png, .svg), window (.png); any view as .gif/.mp4",
    )
    e.add_argument("--out", required=True, metavar="PATH", help="file to write")
    e.add_argument(
        "--size",
        metavar="WxH",
        help="picture size in pixels (default: twice the view's size; for "
        "animations and the window, their size)",
    )
    e.add_argument(
        "--fps",
        type=float,
        metavar="F",
        help=f"frames per second of .gif/.mp4 (default {DEFAULT_FPS:g})",
    )
    e.add_argument(
        "--seconds",
        type=float,
        metavar="S",
        help=f"length of .gif/.mp4 (default {DEFAULT_SECONDS:g})",
    )
    e.add_argument(
        "--transparent", action="store_true", help="3D view as .png: transparent background"
    )
    e.add_argument(
        "--no-title",
        dest="title",
        action="store_false",
        help="leave out the title (the lesson's, or the landscape's) drawn above the view",
    )
    e.add_argument(
        "--no-legend",
        dest="legend",
        action="store_false",
        help="leave out the legend of the racers in their colours (3d and contour views; "
        "the plots and the window show the plots' own)",
    )
    e.add_argument(
        "--step-counter",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=".gif/.mp4: show the steps taken in the corner of every frame (default: on)",
    )
    return e


def parse_size(text: str) -> tuple[int, int]:
    """'1600x900' → (1600, 900) (ExportArgError if malformed or out of range)."""
    m = _SIZE.match(text)
    if not m:
        raise ExportArgError(f"--size: expected WIDTHxHEIGHT such as 1600x900, got {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    try:
        check_size(w, h)
    except ExportError as e:
        raise ExportArgError(f"--size: {e}") from None
    return w, h


def check_args(args: argparse.Namespace) -> ExportJob:
    """Validate every argument without loading Qt (ExportArgError naming the bad one)."""
    from .io.scenes import get_scene
    from .io.session import SessionError, load_session

    if args.scene is not None:
        try:
            get_scene(args.scene)
        except ValueError as e:
            raise ExportArgError(f"--scene: {e}") from None
    session, session_doc = None, None
    if args.session is not None:
        session = Path(args.session)
        try:
            session_doc = load_session(session)  # refuses pipes, devices, huge or bad files
        except SessionError as e:
            raise ExportArgError(f"--session: {e}") from None
    out = Path(args.out)
    try:
        fmt = format_of(out)
    except ExportError as e:
        raise ExportArgError(f"--out: {e}") from None
    folder = out.parent
    if not folder.is_dir():
        raise ExportArgError(f"--out: folder {folder} does not exist")
    if out.is_dir() or not os.access(folder, os.W_OK):
        raise ExportArgError(f"--out: cannot write {out}")
    view = args.view
    drawn = fmt not in DATA_FORMATS
    if drawn and view is None:
        raise ExportArgError(f"--view is required for .{fmt}; allowed: {', '.join(VIEWS)}")
    try:
        check_view_format(view, fmt)
    except ExportError as e:
        raise ExportArgError(f"--view {view}: {e}") from None
    size = parse_size(args.size) if args.size is not None else None
    if size is not None and not drawn:
        raise ExportArgError(f"--size applies to pictures and animations, not .{fmt}")
    if args.steps is not None and args.steps < 0:
        raise ExportArgError(f"--steps: must be a whole number >= 0, got {args.steps}")
    animated = fmt in ANIMATION_FORMATS
    for name, value, top in (
        ("--fps", args.fps, MAX_FPS),
        ("--seconds", args.seconds, MAX_SECONDS),
    ):
        if value is None:
            continue
        if not animated:
            raise ExportArgError(f"{name} applies to .gif and .mp4, not .{fmt}")
        if not 0 < value <= top:
            raise ExportArgError(f"{name}: must be > 0 and at most {top:g}, got {value:g}")
    if args.transparent and not (view == "3d" and fmt == "png"):
        raise ExportArgError("--transparent applies to --view 3d with a .png file")
    if args.step_counter is not None and not animated:
        raise ExportArgError(f"--step-counter applies to .gif and .mp4, not .{fmt}")
    if not drawn and not (args.title and args.legend):
        raise ExportArgError(f"--no-title and --no-legend apply to pictures, not .{fmt}")
    return ExportJob(
        args.scene,
        session,
        view,
        out,
        fmt,
        size,
        args.steps,
        args.fps or DEFAULT_FPS,
        args.seconds or DEFAULT_SECONDS,
        args.transparent,
        session_doc,
        title=args.title,
        legend=args.legend,
        step_counter=args.step_counter is not False,
    )


def cmd_export(args: argparse.Namespace) -> int:
    """Run `gdstudio export`; ExportArgError for a bad argument or a missing display."""
    job = check_args(args)
    if job.fmt in DATA_FORMATS:
        return _export_trajectories(job)
    problem = display_problem()
    if problem is not None:
        raise ExportArgError(
            f"{problem}; pictures and animations need OpenGL on a display: "
            "run under Xvfb, e.g. xvfb-run -a gdstudio export ..."
        )
    return _export_drawn(job)


def _load_model(job: ExportJob) -> tuple[StudioModel, dict[str, Any] | None]:
    """The window's model of the scene or session (Qt is imported here, not at the top)."""
    from .app.model import StudioModel

    model = StudioModel()
    camera = None
    if job.scene is not None:
        model.load_scene(job.scene)
    elif job.session_doc is not None:
        try:
            model.restore(job.session_doc["model"])  # checked already: this is a safety net
        except ValueError as e:
            name = job.session.name if job.session else "the session"
            raise ExportArgError(f"--session: {name} cannot be used: {e}") from None
        camera = job.session_doc.get("camera")
    if job.steps is not None and job.steps > model.max_steps:
        model.set_max_steps(job.steps)
    return model, camera


def _export_trajectories(job: ExportJob) -> int:
    """Step the race with core.race.Race and write its trajectories: no Qt is imported."""
    from .io.export_data import export_trajectories_csv, export_trajectories_json
    from .io.trajectories import from_scene, from_session

    if job.scene is not None:
        race = from_scene(job.scene, job.steps)
    else:
        assert job.session_doc is not None  # check_args loaded it
        try:
            race = from_session(job.session_doc, job.steps)
        except ValueError as e:
            name = job.session.name if job.session else "the session"
            raise ExportArgError(f"--session: {name} cannot be used: {e}") from None
    race.run_race(job.steps)
    write = export_trajectories_csv if job.fmt == "csv" else export_trajectories_json
    try:
        write(race, job.out)
    except ExportError as e:
        raise ExportArgError(f"--out: {e}") from None
    return 0


def _export_drawn(job: ExportJob) -> int:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from .app.application import configure_application

    app = QApplication.instance()
    if app is None:
        configure_application()
        app = QApplication([sys.argv[0] if sys.argv else "gdstudio"])
    if not _opengl_works():
        raise ExportArgError(
            "OpenGL is not available on this display; run under Xvfb, "
            "e.g. xvfb-run -a gdstudio export ..."
        )
    model, camera = _load_model(job)
    from .app.drawn import view_dim
    from .app.export.sources import export, run_race
    from .app.main_window import MainWindow

    window = MainWindow(model, autosave=False)
    try:
        if job.view == "3d" and view_dim(model.landscape) != 2:  # a network: its slice
            raise ExportArgError(
                "--view 3d: this scene's landscape has one parameter, so "
                "there is no 3D view; use --view contour"
            )
        width, height = job.size if job.size is not None else (None, None)
        _lay_out_offscreen(window, job.size if job.view == "window" else None)
        if view_dim(model.landscape) == 2:
            if camera:
                window.view3d.set_camera_state(camera)
            elif job.view == "3d":
                _frame_3d(window, width, height, job.fmt in ANIMATION_FORMATS, job)
            else:
                window.view3d.reset_camera()  # framed for the view as laid out here
        if job.fmt not in ANIMATION_FORMATS:
            run_race(model, job.steps)
        panels = getattr(window, "network_panels", None)
        if panels is not None:
            panels.settle_slice()  # a network's slice through the weights the race ended at
        try:
            export(
                window,
                job.view,
                job.out,
                width,
                height,
                transparent=job.transparent,
                fps=job.fps,
                seconds=job.seconds,
                steps=job.steps,
                decorations=_decorations(job),
            )
        except ExportError as e:
            raise ExportArgError(f"--out: {e}") from None
    finally:
        window.hide()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return 0


def _lay_out_offscreen(window: MainWindow, size: tuple[int, int] | None) -> None:
    """Lay the window out with its default docks at `size` (default: its default size),
    "shown" so every view draws, but not on the desktop."""
    from PySide6.QtCore import QCoreApplication, Qt

    window.reset_layout()
    window.resize(*(size or WINDOW_SIZE))
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.show()
    QCoreApplication.processEvents()
    window.view3d.set_auto_coarsen(False)


def _frame_3d(
    window: MainWindow, width: int | None, height: int | None, animated: bool, job: ExportJob
) -> None:
    """Give the 3D view the aspect ratio it has in the picture (below the title and legend)
    and frame the whole surface in it."""
    from .app.export.decor import decor_of
    from .app.export.sources import default_size
    from .io.export_decor import decor_layout

    view = window.view3d
    if width is None or height is None:
        width, height = default_size(window, "3d", scale=1.0 if animated else 2.0)
    decor = decor_of(window, "3d", _decorations(job), animated)
    height = max(1, height - decor_layout(decor, width, height).band.height())
    h = max(1, view.height())
    view.resize(max(1, round(width * h / height)), h)
    view.reset_camera()


def _decorations(job: ExportJob) -> Decorations:
    from .app.export.decor import Decorations

    return Decorations(job.title, job.legend, job.step_counter)


def _opengl_works() -> bool:
    """True if an OpenGL context can be created on this platform."""
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

    surface = QOffscreenSurface()
    surface.create()
    context = QOpenGLContext()
    ok = context.create() and context.makeCurrent(surface)
    if ok:
        context.doneCurrent()
    surface.destroy()
    return ok
