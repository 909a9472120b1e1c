"""Live playback: one UI tick with 8 racers."""

from __future__ import annotations

import time

import numpy as np

from .common import Row, entry, median_ms, race_window


def bench_tick(reps: int) -> Row:
    """CPU time of one tick: 8 runs × 10 steps, 100,000-step histories, plots and paths.

    The naive tick keeps every step and hands all of it to the plots and the 3D paths.
    """
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    window = race_window(100_000)
    model, stepper = window.model, window.stepper
    stepper._carry = 0.0
    ours = median_ms(stepper._on_tick, reps, time.thread_time)
    runs = [c.run for c in model.runs if c.run is not None]
    assert len(runs) == len(model.runs) and all(r.steps > 100_000 for r in runs)

    # Naive: full, undecimated histories (100,000 rows per run) redrawn every tick.
    full = {
        i: np.cumsum(np.random.default_rng(i).normal(size=(100_000, 4)), axis=0)
        for i in range(len(model.runs))
    }
    plot = pg.PlotWidget()
    curves = [plot.plot() for _ in full]
    grads = [plot.plot() for _ in full]

    def naive_tick() -> None:
        model.step(10)
        paths = []
        for i, run in enumerate(runs):
            latest = run.history.latest
            assert latest is not None  # every run has stepped 100,000 times
            h = full[i] = np.vstack([full[i], np.tile(latest[1:5], (10, 1))])
            steps = np.arange(len(h))
            curves[i].setData(steps, np.abs(h[:, 2]) + 1e-9)
            grads[i].setData(steps, np.abs(h[:, 3]) + 1e-9)
            paths.append(((1.0, 0.5, 0.0), h[:, :2], h[:, 2]))
        window.view3d.set_paths(paths)

    baseline = median_ms(naive_tick, max(3, reps // 2), time.thread_time)
    window.close()
    QApplication.processEvents()
    return entry("tick_8_runs", ours, baseline)
