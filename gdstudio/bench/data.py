"""Data landscapes: edits and stochastic steps on many points."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from .common import Row, entry, median_ms

if TYPE_CHECKING:
    from ..app.main_window import MainWindow
    from ..core.fitting import DataLandscape


def bench_data_edit(reps: int) -> Row:
    """Add a point to 1,000,000 → MSE surface buffers (256×256) ready, vs from all points."""
    from ..core.data import Dataset
    from ..core.fitting import DataLandscape
    from ..render.heightmap import HeightMap

    ds = Dataset.generate(1_000_000, slope=2.0, intercept=1.0, noise=3.0, seed=0)
    meshes: list[Any] = []
    rng = np.random.default_rng(1)

    def ours() -> None:
        ds.add(float(rng.uniform(0, 10)), float(rng.uniform(0, 20)))
        ls = DataLandscape(ds, "mse")
        meshes[:] = [HeightMap(ls).sample(256, out=meshes[0] if meshes else None)]

    ours_ms = median_ms(ours, reps)

    # Naive: the loss at each grid point from all N points, (w·x + b − y)² averaged.
    # Measured on a 16×16 grid (256 × 1,000,000 terms) and scaled to 256×256 (×256).
    ls = DataLandscape(ds, "mse")
    (w0, w1), (b0, b1) = ls.bounds
    w = np.linspace(w0, w1, 16)
    b = np.linspace(b0, b1, 16)
    x, y = ds.x, ds.y

    def naive() -> None:
        out = np.empty((16, 16))
        for i, wi in enumerate(w):
            r = wi * x - y
            for j, bj in enumerate(b):
                d = r + bj
                out[i, j] = d @ d / len(x)

    naive16 = median_ms(naive, max(1, reps // 3))

    def recount() -> None:
        Dataset(ds.x, ds.y)  # the sums recomputed from every point, as without statistics

    recount_ms = median_ms(recount, 3)
    return entry(
        "data_edit_1m",
        ours_ms,
        naive16 * 256,
        baseline_measured_on="16x16 grid ×256",
        recount_all_points_ms=round(recount_ms, 3),
    )


def bench_sgd_step(reps: int) -> Row:
    """One mini-batch (32) step on 1,000,000 points vs one full-batch step over every point."""
    from ..core.data import Dataset
    from ..core.fitting import DataLandscape
    from ..core.optimizers import make_optimizer
    from ..core.run import Run

    ds = Dataset.generate(1_000_000, seed=0)
    ls = DataLandscape(ds, "mse")
    run = Run(ls, make_optimizer("sgd", lr=1e-3), batch_size=32, seed=0, tol=0)
    run.step(1)
    ours = median_ms(lambda: run.step(1), max(reps, 50))
    x, y = ds.x, ds.y
    p = np.array([0.5, 0.5])

    def full_step() -> None:
        r = p[0] * x + p[1] - y
        g = np.array([2 * (r @ x) / len(x), 2 * r.mean()])
        p[:] = p - 1e-3 * g

    baseline = median_ms(full_step, reps)
    return entry("sgd_step_1m", ours, baseline)


EDIT_POINTS = 1_000
EDIT_WINDOW = (1600, 1000)
_EDIT_TIMEOUT_S = 20.0
_SETTLE_S = 0.5  # the window left alone after start-up, before the first click


def bench_edit_block(reps: int) -> Row:
    """Longest UI-thread block after adding one point (MAE, 1,000 points, the real window).

    A 1 ms timer stamps every turn of the event loop from just before the click until the
    full surface is painted; the longest gap is the block. Baseline: the same click with the
    surface computed in place the old way (value() then grad(), each over every point).
    Also: ms from the click to the first and to the full surface painted, the UI thread's
    CPU inside the longest gap (the rest of it: waiting on the GL compositing, a loaded
    machine), the most UI CPU inside any gap (the longest turn's own work, which a loaded
    machine does not move to another gap), and the block of the same click under MSE (a
    surface that costs nothing: the rest of the window's share).
    """
    window = _edit_window()
    ours = [_measure_edit(window, i) for i in range(reps)]
    with _old_inline_surfaces():
        base = [_measure_edit(window, reps + i) for i in range(max(1, reps // 2))]
    # The same click under MSE, whose surface costs nothing: what the rest of the window costs.
    window.model.set_loss("mse")
    _spin_until(lambda: _surface_kind(window) == "full")
    floor = [_measure_edit(window, 2 * reps + i) for i in range(max(1, reps // 2))]
    window.hide()
    window.model.surface_worker.cancel()
    window.model.surface_worker.wait()
    return entry(
        "edit_block_mae_1e3",
        statistics.median(r[0] for r in ours),
        statistics.median(r[0] for r in base),
        coarse_shown_ms=round(statistics.median(r[1] for r in ours), 1),
        full_shown_ms=round(statistics.median(r[2] for r in ours), 1),
        worst_block_ms=round(max(r[0] for r in ours), 1),
        block_ui_cpu_ms=round(statistics.median(r[3] for r in ours), 1),
        most_ui_cpu_in_a_gap_ms=round(statistics.median(r[4] for r in ours), 1),
        baseline_full_shown_ms=round(statistics.median(r[2] for r in base), 1),
        mse_edit_block_ms=round(statistics.median(r[0] for r in floor), 1),
    )


def _edit_window() -> MainWindow:
    """The line-fit scene under MAE with 1,000 points, shown in 3D, its surface settled."""
    from PySide6.QtTest import QTest

    from ..app.main_window import MainWindow
    from ..app.model import StudioModel
    from ..core.data import Dataset

    model = StudioModel()
    model.load_scene("line-fit")
    model.replace_dataset(Dataset.generate(EDIT_POINTS, slope=2.0, intercept=1.0, noise=3.0))
    model.set_loss("mae")
    window = MainWindow(model, autosave=False)
    window.resize(*EDIT_WINDOW)
    window.show()
    QTest.qWaitForWindowExposed(window)
    _spin_until(lambda: window.is_started and _surface_kind(window) == "full")
    # Start-up's last deferred work (its garbage collected once) done, as when a person
    # reaches for the mouse; a first click's own first-time costs stay in the measure.
    end = time.perf_counter() + _SETTLE_S
    _spin_until(lambda: time.perf_counter() >= end)
    return window


def _surface_kind(window: MainWindow) -> str:
    """'full' once the surface drawn is the exact one of the current data, else 'coarse'."""
    model = window.model
    shown = model.display_landscape
    if shown is model.landscape:
        return "full"
    exact = getattr(shown, "exact", False) and getattr(shown, "n", 0) >= window.view3d.grid_size
    return "full" if exact and getattr(shown, "source", None) is model.landscape else "coarse"


def _spin_until(done: Callable[[], bool], timeout_s: float = _EDIT_TIMEOUT_S) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.perf_counter() + timeout_s
    while not done() and time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.001)


def _measure_edit(window: MainWindow, k: int) -> tuple[float, float, float, float, float]:
    """(longest event-loop gap, ms to the first surface painted, ms to the full one painted,
    UI-thread CPU ms inside the longest gap, the most UI-thread CPU ms inside any gap) for one
    click that adds a point in the plot."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    model, plot = window.model, window.data_panel.plot
    pos = _free_spot(window, k)
    ticks: list[tuple[float, float]] = []
    painted: dict[str, float] = {}
    pending: list[str] = []
    loop = QEventLoop()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    clicked = [0.0]

    def on_surface() -> None:
        pending.append(_surface_kind(window))

    def on_frame() -> None:
        for kind in pending:
            painted.setdefault(kind, time.perf_counter())
        pending.clear()
        if "full" in painted:
            QTimer.singleShot(30, loop.quit)  # a few more turns of the loop after it

    def click() -> None:
        clicked[0] = time.perf_counter()
        QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), pos)

    model.surfaceChanged.connect(on_surface)
    window.view3d.frameSwapped.connect(on_frame)
    timer.start()
    QTimer.singleShot(40, click)
    QTimer.singleShot(int(_EDIT_TIMEOUT_S * 1000), loop.quit)
    loop.exec()
    timer.stop()
    model.surfaceChanged.disconnect(on_surface)
    window.view3d.frameSwapped.disconnect(on_frame)
    stamps = np.array([t for t in ticks if t[0] >= clicked[0] - 0.01])
    gaps = np.diff(stamps, axis=0)
    worst = int(np.argmax(gaps[:, 0]))
    t0 = clicked[0]
    full = painted.get("full", float("nan"))
    first = min(painted.values(), default=float("nan"))
    ms = (gaps[worst, 0], first - t0, full - t0, gaps[worst, 1], gaps[:, 1].max())
    return tuple(float(v) * 1000.0 for v in ms)  # type: ignore[return-value]


def _free_spot(window: MainWindow, k: int) -> Any:
    """A viewport position in the data plot with no point under it (a click there adds one)."""
    from PySide6.QtCore import QPointF

    plot = window.data_panel.plot
    vb = plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    rng = np.random.default_rng(k)
    for _ in range(200):
        x, y = x0 + (x1 - x0) * rng.uniform(0.1, 0.9), y0 + (y1 - y0) * rng.uniform(0.1, 0.9)
        scene = vb.mapViewToScene(QPointF(x, y))
        if plot.point_at(scene) is None:
            return plot.mapFromScene(scene)
    raise RuntimeError("no free spot in the data plot")


@contextmanager
def _old_inline_surfaces() -> Iterator[None]:
    """Surfaces computed where they are drawn, as before: value() then grad(), each a pass
    over every point for every grid point."""
    from ..app import surface_plan
    from ..core import fitting

    saved = surface_plan.INLINE_MS
    saved_grid = fitting.DataLandscape.grid_value_and_grad
    saved_reduce = fitting.DataLandscape._reduce
    surface_plan.INLINE_MS = math.inf
    del fitting.DataLandscape.grid_value_and_grad
    fitting.DataLandscape._reduce = _old_reduce  # type: ignore[method-assign]
    try:
        yield
    finally:
        surface_plan.INLINE_MS = saved
        fitting.DataLandscape.grid_value_and_grad = saved_grid  # type: ignore[method-assign]
        fitting.DataLandscape._reduce = saved_reduce  # type: ignore[method-assign]


def _old_reduce(self: DataLandscape, p: np.ndarray, want_grad: bool) -> tuple[Any, Any]:
    """The loss and gradient as computed before the fused kernel (2,000,000-element chunks)."""
    from ..core.fitting import _pointwise

    flat = p.reshape(-1, 2)
    chunk = max(1, 2_000_000 // max(1, flat.shape[0]))
    n = self.n_samples
    val, gw, gb = np.zeros(len(flat)), np.zeros(len(flat)), np.zeros(len(flat))
    w, b = flat[:, :1], flat[:, 1:]
    with np.errstate(over="ignore", invalid="ignore"):
        for lo in range(0, n, chunk):
            x = self._scaled(self._x_raw[lo : lo + chunk])[None, :]
            t = self._y[lo : lo + chunk][None, :]
            v, d = _pointwise(self.loss, self.delta, w * x + b, t)
            val += v.sum(axis=1)
            if want_grad:
                gw += d @ x[0]
                gb += d.sum(axis=1)
    grad = np.stack([gw / n, gb / n], axis=-1).reshape(p.shape)
    return (val / n).reshape(p.shape[:-1]), grad
