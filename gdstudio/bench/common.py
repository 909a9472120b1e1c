"""What every benchmark module shares: medians, result rows, child processes, the race window."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app.main_window import MainWindow

Row = dict[str, Any]


def median_ms(
    fn: Callable[[], object],
    reps: int,
    clock: Callable[[], float] = time.perf_counter,
    setup: Callable[[], object] | None = None,
) -> float:
    """Median milliseconds of fn() over reps calls (setup() before each, untimed)."""
    times = []
    for _ in range(reps):
        if setup is not None:
            setup()
        t0 = clock()
        fn()
        times.append((clock() - t0) * 1000.0)
    return statistics.median(times)


def entry(name: str, ours: float, baseline: float, **extra: Any) -> Row:
    """One result row in milliseconds: ours, the naive way's, and how many times faster."""
    return {
        "name": name,
        "ours_ms": round(ours, 3),
        "baseline_ms": round(baseline, 3),
        "ratio": round(baseline / ours, 2) if ours > 0 else float("inf"),
        **extra,
    }


def unit_entry(name: str, ours: float, unit: str, baseline: float, **extra: Any) -> Row:
    """A result row for a figure that is not milliseconds ("unit", value in "ours")."""
    return {
        "name": name,
        "unit": unit,
        "ours": round(ours, 3),
        "baseline": round(baseline, 3),
        "ratio": round(ours / baseline, 3) if baseline else float("inf"),
        **extra,
    }


def process_ms(code: str, timeout: float = 120.0) -> float:
    """Milliseconds from starting `python -c code` to the time.time() it prints last."""
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
        env={**os.environ, "QT_LOGGING_RULES": "*=false"},
    )
    lines = out.stdout.strip().splitlines()
    end = float(lines[-1]) if lines else time.time()
    return (end - t0) * 1000.0


def race_window(history_steps: int, size: tuple[int, int] = (1400, 900)) -> MainWindow:
    """The race scene with 8 racers that never converge, each `history_steps` in, shown."""
    from PySide6.QtTest import QTest

    from ..app.main_window import MainWindow
    from ..app.model import StudioModel

    model = StudioModel()
    model.load_scene("race")
    for name in ("nesterov", "adagrad", "adamw", "nadam"):
        model.add_run(name, {"lr": 1e-4})
    model.set_tol(0.0)  # nobody converges: every run steps on every tick
    model.set_max_steps(10_000_000)  # the most a session allows; the histories need 100k
    for _, cfg in model.active_runs():
        if cfg.run is not None:
            cfg.run.step(history_steps)
    model.set_speed(600.0)  # 10 steps per 60 Hz tick
    window = MainWindow(model, autosave=False)
    window.resize(*size)
    window.show()
    QTest.qWaitForWindowExposed(window)
    return window


def pyqtgraph_view() -> Any:
    """A new pyqtgraph GLViewWidget (the naive baselines' view) whose items compile their
    shaders in its own context: pyqtgraph keeps compiled programs in module globals, so a
    second view's context would be handed the first one's program ids (GL_INVALID_VALUE)."""
    import pyqtgraph.opengl as gl
    from pyqtgraph.opengl import shaders

    shaders.initShaders()
    return gl.GLViewWidget()
