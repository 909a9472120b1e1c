"""The 3D view: surface rebuilds and paints, and repaints while the race plays."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from OpenGL import GL
from PySide6 import QtGui
from PySide6.QtTest import QTest

from ..render.colormap import map_colors
from ..render.heightmap import HeightMap
from ..render.path_geometry import build_path_geometry
from .common import Row, entry, pyqtgraph_view, race_window, unit_entry


def bench_surface(reps: int) -> Row:
    """Landscape change → 256×256 surface buffers ready, vs GLSurfacePlotItem + paint."""
    from .surface import bench_surface_rebuild

    return bench_surface_rebuild(256, reps)


# --- paint3d_128: one paintGL of the race, ours against pyqtgraph's items ------------------------

VIEW_SIZE = (800, 700)
GRID = 128
HISTORY_STEPS = 20_000  # every history is full (4,096 kept rows per racer)
STEPS_PER_FRAME = 10


def race_model() -> Any:
    """The race scene with 8 racers that never converge, HISTORY_STEPS in."""
    from ..app.model import StudioModel

    model = StudioModel()
    model.load_scene("race")
    for name in ("nesterov", "adagrad", "adamw", "nadam"):
        model.add_run(name, {"lr": 1e-4})
    model.set_tol(0.0)
    model.set_max_steps(10_000_000)
    for _, cfg in model.active_runs():
        if cfg.run is not None:
            cfg.run.step(HISTORY_STEPS)
    return model


def race_paths(model: Any) -> list[tuple[tuple[float, float, float], np.ndarray, np.ndarray]]:
    """(colour, params, losses) of every racer, as the main window hands them to the view."""
    from ..theme import hex_to_rgb

    paths = []
    for _, cfg in model.active_runs():
        cols = cfg.live_run.history.columns()
        paths.append((hex_to_rgb(cfg.color), cols["params"], cols["loss"]))
    return paths


def _show(view: Any) -> None:
    """Show a GL view (ours, whose GL window is `surface`, or pyqtgraph's QOpenGLWidget,
    with the depth buffer ours has and, as ours on software GL, no multisampling)."""
    if not hasattr(view, "surface"):
        fmt = QtGui.QSurfaceFormat.defaultFormat()
        fmt.setDepthBufferSize(24)
        fmt.setSamples(0)
        view.setFormat(fmt)
    view.resize(*VIEW_SIZE)
    view.show()
    if not QTest.qWaitForWindowExposed(getattr(view, "surface", view)):
        raise RuntimeError("the benchmark view was never exposed (is there a display?)")


def _paint_cpu_ms(view: Any, frame: Callable[[], None], reps: int) -> float:
    """Median main-thread CPU ms of paintGL, after frame() changed the scene each time; the
    GL work is waited for outside the timing so frames do not queue up."""
    return _paint_cpu(view, frame, reps)[0]


def _paint_cpu(view: Any, frame: Callable[[], None], reps: int) -> tuple[float, float]:
    """Median CPU ms of paintGL: on the main thread, and of the whole process from the
    paint until its GL work is done (software GL rasterizes in threads of its own)."""
    times: list[float] = []
    process: list[float] = []
    paint = view.paintGL

    def timed() -> None:
        start = time.thread_time()
        paint()
        times.append((time.thread_time() - start) * 1000.0)

    view.paintGL = timed
    for _ in range(2):  # warm-up: shaders, first uploads
        view.repaint()
    times.clear()
    for _ in range(reps):
        frame()
        start = time.process_time()
        view.repaint()
        view.makeCurrent()
        GL.glFinish()
        process.append((time.process_time() - start) * 1000.0)
        view.doneCurrent()
    view.paintGL = paint
    return statistics.median(times), statistics.median(process)


def _ours(model: Any, reps: int, orbit: bool) -> tuple[tuple[float, float], dict[str, Any]]:
    from ..render.view3d import LandscapeView3D

    view = LandscapeView3D()
    view.set_auto_coarsen(False)
    _show(view)
    view.set_grid_size(GRID)
    view.set_landscape(model.landscape)
    view.set_paths(race_paths(model))

    def frame() -> None:
        model.step(STEPS_PER_FRAME)
        view.set_paths(race_paths(model))
        if orbit:
            view.orbit(1.0, 0.0)

    try:
        return _paint_cpu(view, frame, reps), view.camera_state()
    finally:
        view.close()
        view.deleteLater()


def _baseline(model: Any, camera: dict[str, Any], reps: int) -> float:
    import pyqtgraph.opengl as gl

    view = pyqtgraph_view()
    _show(view)
    view.setCameraPosition(
        pos=QtGui.QVector3D(*camera["center"]),
        distance=camera["distance"],
        elevation=camera["elevation"],
        azimuth=camera["azimuth"],
    )
    view.opts["fov"] = camera["fov"]
    hm = HeightMap(model.landscape)
    grid = hm.param_grid(GRID)
    z = hm.z_from_loss(hm.loss(grid))
    colors = map_colors(z / hm.height).astype(np.float32) / 255.0
    xs = hm.world_xy(grid[0, :, :])[:, 0]
    ys = hm.world_xy(grid[:, 0, :])[:, 1]
    surface = gl.GLSurfacePlotItem(
        x=xs, y=ys, z=z.T, colors=colors.transpose(1, 0, 2).reshape(-1, 4), shader="shaded"
    )
    view.addItem(surface)
    lines: list[Any] = []
    heads = gl.GLScatterPlotItem(size=17.0, pxMode=True)
    heads.setGLOptions("translucent")
    view.addItem(heads)

    def frame() -> None:
        model.step(STEPS_PER_FRAME)
        geometry = build_path_geometry(hm, race_paths(model), tolerance=0.0)
        starts = np.flatnonzero(geometry.point_colors[:, 3] == 0.0) + 1
        for i, points in enumerate(np.split(geometry.points, starts[:-1])):
            if i == len(lines):
                lines.append(gl.GLLinePlotItem(width=3.0, antialias=True, mode="line_strip"))
                view.addItem(lines[i])
            lines[i].setData(pos=points, color=tuple(geometry.head_colors[i]))
        heads.setData(pos=geometry.head_positions, color=geometry.head_colors)

    try:
        frame()
        return _paint_cpu_ms(view, frame, reps)
    finally:
        view.close()
        view.deleteLater()


def bench_paint3d(reps: int) -> Row:
    """CPU ms of one paintGL of the race (8 racers, full histories, grid 128, 800×700) while
    it plays, ours vs the pyqtgraph items; also ours while the camera orbits every frame, and
    the process CPU of each of ours until its GL work is done (llvmpipe's threads)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    model = race_model()
    reps = max(reps, 5)
    (ours, ours_process), camera = _ours(model, reps, orbit=False)
    (orbiting, orbiting_process), _ = _ours(model, reps, orbit=True)
    baseline = _baseline(model, camera, reps)
    app.processEvents()
    segments = sum(len(p[1]) - 1 for p in race_paths(model))
    return entry(
        "paint3d_128",
        ours,
        baseline,
        ours_orbiting_ms=round(orbiting, 3),
        ours_process_ms=round(ours_process, 3),
        ours_orbiting_process_ms=round(orbiting_process, 3),
        path_segments=segments,
    )


def bench_race_repaints(reps: int) -> Row:
    """3D repaints per second while the 8-racer race plays in a 1600×1000 window (the whole
    window's work per frame: stepping, plots, readouts and the 3D paint), and the CPU of the
    3D paintGL among it."""
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtWidgets import QApplication

    seconds = 3.0 if reps <= 7 else 5.0
    window = race_window(HISTORY_STEPS, size=(1600, 1000))
    view = window.view3d
    frames: list[float] = []
    paint_cpu: list[float] = []
    paint = view.paintGL

    def timed() -> None:
        start = time.thread_time()
        paint()
        paint_cpu.append((time.thread_time() - start) * 1000.0)

    view.paintGL = timed  # type: ignore[method-assign]
    clock = QElapsedTimer()
    view.frameSwapped.connect(lambda: frames.append(clock.elapsed() / 1000.0))
    window.stepper.play()
    clock.start()
    while clock.elapsed() < seconds * 1000.0:
        QApplication.processEvents()
    window.stepper.pause()
    view.paintGL = paint  # type: ignore[method-assign]
    window.close()
    QApplication.processEvents()
    rate = (len(frames) - 1) / (frames[-1] - frames[0]) if len(frames) > 1 else 0.0
    return unit_entry(
        "race_repaints_1600",
        rate,
        "/s",
        30.0,
        paint3d_cpu_ms=round(statistics.median(paint_cpu), 3) if paint_cpu else None,
        note="baseline is the target (30 repaints a second), not a rival",
    )
