"""The loss plots: one frame's update and repaint with 8 racers, each 10⁶ steps in."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .common import Row, entry, median_ms, race_window

HISTORY_STEPS = 1_000_000
STEPS_PER_TICK = 10  # 600 steps/s at 60 Hz
WARM_STEPS = 3000  # real steps first: the runs then move slowly, as 10⁶ steps in


def long_history(run: Any, steps: int, seed: int) -> None:
    """Give `run` the history `steps` steps leave (a History keeps every stride-th row).

    The run's own rows so far come first; the rest is a plateau around where it stands now,
    with 5% noise (every pixel column has distinct lows and highs to draw), laid out exactly
    as History.append would have left it. The run carries on from step `steps`.
    """
    from ..core.history import History

    old = run.history
    real = old.columns()
    stride = 1
    while steps // stride + 1 > old.capacity:
        stride *= 2
    rng = np.random.default_rng(seed)
    t = np.arange(0, steps + 1, stride)
    early = np.searchsorted(real["step"], t[t <= run.steps])
    late = len(t) - len(early)
    noise = 1.0 + 0.05 * rng.standard_normal((late, 2))
    loss = np.concatenate((real["loss"][early], run.loss * noise[:, 0]))
    grad = np.concatenate((real["grad_norm"][early], run.grad_norm * noise[:, 1]))
    params = np.concatenate((real["params"][early], np.tile(run.params, (late, 1))))
    history = History(old.dim, old.capacity)
    for k in range(len(t)):
        history.append(int(t[k]), params[k], float(loss[k]), float(grad[k]), run.lr)
    history.stride = stride
    history.append(steps, run.params, run.loss, run.grad_norm, run.lr)
    run.history = history
    run.steps = steps


def naive_plots(model: Any, size: Any) -> tuple[Any, Any]:
    """Today's way, naively: a PlotDataItem per curve given the full history on every tick,
    auto-ranged, with a legend; returns (widget, tick function)."""
    import pyqtgraph as pg
    from PySide6.QtTest import QTest

    widget = pg.GraphicsLayoutWidget()
    widget.resize(size)
    plots = [widget.addPlot(row=r, col=0) for r in range(2)]
    for plot in plots:
        plot.setLogMode(x=False, y=True)
    legend = plots[0].addLegend()
    curves = []
    for _, cfg in model.active_runs():
        pen = pg.mkPen(cfg.color)
        curves.append((cfg, [plot.plot(pen=pen, name=cfg.title) for plot in plots]))
    assert len(legend.items) == len(curves)
    widget.show()
    QTest.qWaitForWindowExposed(widget)

    def tick() -> None:
        for cfg, items in curves:
            cols = cfg.live_run.history.columns()
            for item, column in zip(items, ("loss", "grad_norm"), strict=True):
                y = cols[column]
                keep = y > 0.0
                item.setData(cols["step"][keep], y[keep])
        widget.grab()

    return widget, tick


def bench_plots_update(reps: int) -> Row:
    """CPU time of one frame of the plots (update + paint), 8 racers with 10⁶-step
    histories, against the naive way in the same run.

    Each tick takes 10 steps (untimed, the views not told); then the plots are told, redraw
    and paint their whole view (a grab: the window's flush to the screen is shared by every
    view in a frame and left out, for both ways). Also reported: `full_redraw_ms`, a frame
    whose range changed (every curve rebuilt), which happens now and then as a race grows,
    and `window_repaint_ms`, a repaint of the view in place, the window's compositing of its
    OpenGL view included. The naive way is pyqtgraph's own curves, fed whole histories.
    """
    from PySide6.QtWidgets import QApplication

    window = race_window(WARM_STEPS)
    model, panel = window.model, window.plots
    runs = [cfg.live_run for _, cfg in model.active_runs()]
    for seed, run in enumerate(runs):
        long_history(run, HISTORY_STEPS, seed)
    assert len(runs) == 8 and all(len(r.history) > 3000 for r in runs)
    panel.refresh()
    QApplication.processEvents()
    graphics = panel.graphics

    def advance() -> None:
        model.blockSignals(True)
        model.step(STEPS_PER_TICK)
        model.blockSignals(False)

    def update() -> None:
        panel._on_stepped()
        panel._on_frame()

    def ours() -> None:
        update()
        graphics.grab()

    def full() -> None:
        for plot in panel.plots:
            for curve in plot.curves:
                curve.series.clear()
        ours()

    def in_window() -> None:
        update()
        graphics.repaint()

    ours_ms = median_ms(ours, reps, time.thread_time, advance)
    full_ms = median_ms(full, max(3, reps // 2), time.thread_time, advance)
    window_ms = median_ms(in_window, max(3, reps // 2), time.thread_time, advance)
    for cfg in (c for _, c in model.active_runs()):  # the plots kept up with every run
        assert panel.plotted(cfg.title)[0][-1] == cfg.live_run.steps > HISTORY_STEPS

    naive, naive_tick = naive_plots(model, graphics.size())
    baseline_ms = median_ms(naive_tick, reps, time.thread_time, advance)
    naive.close()
    window.close()
    QApplication.processEvents()
    return entry(
        "plots_update_8",
        ours_ms,
        baseline_ms,
        full_redraw_ms=round(full_ms, 3),
        window_repaint_ms=round(window_ms, 3),
    )


LIVE_SECONDS = 4.0


def bench_plots_live(reps: int) -> Row:
    """CPU per painted frame of the plots (their redraw and their view's paint) in the real
    8-racer window racing at 1,000 steps/s, against the main thread's CPU per frame in the same
    race (the whole frame the plots are a share of; the ratio is frame ÷ plots).

    Also reported: the plots' medians over frames whose ranges stayed (`steady_ms`) and moved
    (`moved_ms`, axes and curves redrawn: a few times a second early in a race), and how
    many frames moved.
    """
    import statistics

    from PySide6.QtCore import QEventLoop, QTimer

    from ..app.docks.plot_canvas import PlotCanvas
    from ..app.docks.plots import PlotsPanel
    from .live import _close, _race_window

    frames: list[tuple[bool, float]] = []  # (a range moved, plots' CPU ms) per paint
    pending = {"ms": 0.0}
    paint, refresh = PlotCanvas.paintEvent, PlotsPanel.refresh
    watched: list[PlotsPanel] = []
    shown: list[object] = []

    def timed_refresh(self: PlotsPanel, tight: bool = False) -> None:
        t0 = time.thread_time()
        refresh(self, tight)
        if self in watched:
            pending["ms"] += 1000.0 * (time.thread_time() - t0)

    def timed_paint(self: Any, event: Any) -> None:
        t0, before = time.thread_time(), pending["ms"]
        paint(self, event)
        if watched and self is watched[0].graphics:
            now = [p.shown for p in watched[0].plots]
            moved, shown[:] = now != shown, now
            ms = 1000.0 * (time.thread_time() - t0) + before  # a redraw inside counts once
            frames.append((moved, ms))
            pending["ms"] = 0.0

    # patched before the window is built: Qt then calls the timed paint
    PlotsPanel.refresh = timed_refresh  # type: ignore[method-assign]
    PlotCanvas.paintEvent = timed_paint  # type: ignore[method-assign]
    try:
        window = _race_window()
        watched.append(window.plots)
        shown[:] = [p.shown for p in window.plots.plots]
        loop = QEventLoop()
        QTimer.singleShot(int(LIVE_SECONDS * 1000 * max(1, reps // 10)), loop.quit)
        t0 = time.thread_time()
        window.stepper.play()
        loop.exec()
        window.stepper.pause()
        main_ms = 1000.0 * (time.thread_time() - t0)
    finally:
        PlotsPanel.refresh = refresh  # type: ignore[method-assign]
        PlotCanvas.paintEvent = paint  # type: ignore[method-assign]
    _close(window)
    steady = [ms for moved, ms in frames if not moved]
    moved = [ms for m, ms in frames if m]
    n = max(len(frames), 1)
    return entry(
        "plots_live_8",
        sum(ms for _, ms in frames) / n,
        main_ms / n,
        steady_ms=round(statistics.median(steady or [0.0]), 3),
        moved_ms=round(statistics.median(moved or [0.0]), 3),
        frames=len(frames),
        moved_frames=len(moved),
    )
