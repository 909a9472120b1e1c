"""Live playback with 8 racers: one UI tick, the race's real speed, CPU per animation frame."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .common import Row, entry, median_ms, race_window, unit_entry

if TYPE_CHECKING:
    from ..app.main_window import MainWindow

RACE_SPEED = 1000.0  # steps per second asked
RACE_SECONDS = 3.0  # wall time of one measured race
RACE_SIZE = (1600, 1000)
WARM_UP_S = 1.0  # a race first, unmeasured: what the window builds after showing is built
FRAME_S = 0.016  # the timer's nominal interval, which the old tick took as the time passed


class FrameClock:
    """A clock that moves one frame (16 ms) per `next_frame()`: one tick's worth of time."""

    def __init__(self) -> None:
        self.t = 0.0

    def next_frame(self) -> None:
        """Let one frame pass."""
        self.t += FRAME_S

    def __call__(self) -> float:
        return self.t


def bench_tick(reps: int) -> Row:
    """CPU time of one tick: 8 runs, 100,000-step histories, plots and paths.

    Each tick is given 16 ms of the stepper's clock at 600 steps/s (9.6 steps, carried),
    with the race playing (the readouts then refresh on their own ≤ 10 Hz timer, not in the
    tick). The naive tick takes 10 steps, keeps every one and hands all of it to the plots
    and the 3D paths.
    """
    import pyqtgraph as pg

    window = race_window(100_000)
    model, stepper = window.model, window.stepper
    clock = FrameClock()
    stepper.clock = clock
    stepper.play()  # the clock starts counting
    stepper._timer.stop()  # the tick is timed alone, not the timer
    ours = median_ms(stepper._on_tick, reps, time.thread_time, setup=clock.next_frame)
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
    _close(window)
    return entry("tick_8_runs", ours, baseline)


class RaceRun:
    """What one race of RACE_SECONDS made: steps, wall and CPU seconds, frames painted."""

    def __init__(self, steps: int, wall_s: float, cpu_s: float, frames: int) -> None:
        self.steps, self.wall_s, self.cpu_s, self.frames = steps, wall_s, cpu_s, frames

    @property
    def ratio(self) -> float:
        """Steps made ÷ steps asked in the wall time."""
        return self.steps / (RACE_SPEED * self.wall_s)

    @property
    def frame_ms(self) -> float:
        """Process CPU milliseconds per frame the 3D view painted."""
        return 1000.0 * self.cpu_s / self.frames if self.frames else float("inf")


def _race_window() -> MainWindow:
    """The 8-racer window at 1,000 steps/s, after a short race so all it builds late is built."""
    window = race_window(0, RACE_SIZE)
    window.model.set_speed(RACE_SPEED)
    _race(window, window.stepper.play, window.stepper.pause, WARM_UP_S)
    return window


def _race(
    window: MainWindow,
    play: Callable[[], None],
    stop: Callable[[], None],
    seconds: float = RACE_SECONDS,
) -> RaceRun:
    """Play the shown race for `seconds` on the real event loop; what it made."""
    from PySide6.QtCore import QEventLoop, QTimer

    frames = [0]

    def count() -> None:
        frames[0] += 1

    runs = [c.run for c in window.model.runs if c.run is not None]
    window.view3d.frameSwapped.connect(count)
    before = max(r.steps for r in runs)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    t0, c0 = time.perf_counter(), time.process_time()
    play()
    loop.exec()
    stop()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    window.view3d.frameSwapped.disconnect(count)
    return RaceRun(max(r.steps for r in runs) - before, wall, cpu, frames[0])


def _ours(window: MainWindow) -> RaceRun:
    return _race(window, window.stepper.play, window.stepper.pause)


def _frame_count_tick(window: MainWindow) -> RaceRun:
    """The old playback: each 16 ms timer tick takes speed × 16 ms of steps, late or not."""
    from PySide6.QtCore import QTimer

    model = window.model
    carry = [0.0]

    def tick() -> None:
        carry[0] += model.speed * FRAME_S
        k = int(carry[0])
        carry[0] -= k
        if k:
            model.step(k)

    timer = QTimer()
    timer.setInterval(int(FRAME_S * 1000))
    timer.timeout.connect(tick)
    return _race(window, timer.start, timer.stop)


def _close(window: MainWindow) -> None:
    """Put the window away without closing it: its speed edit would ask to save."""
    from PySide6.QtWidgets import QApplication

    window.stepper.pause()
    window.hide()
    window.deleteLater()
    QApplication.processEvents()


def bench_race_speed(reps: int) -> Row:
    """Steps made ÷ steps asked: 8 racers at 1,000 steps/s, the 1600×1000 window, 3 s each."""
    window = _race_window()
    races = [_ours(window) for _ in range(max(1, min(reps, 3)))]
    _close(window)
    ratio = statistics.median(r.ratio for r in races)
    return unit_entry(
        "race_speed_ratio",
        ratio,
        "×",
        1.0,
        steps_per_s=round(ratio * RACE_SPEED, 1),
        asked_per_s=RACE_SPEED,
    )


def bench_live_frame(reps: int) -> Row:
    """Process CPU ms per frame the 3D view painted while racing (tick + plots + 3D paint).

    Ours against the old frame-count tick in the same window, alternating, 3 s each.
    """
    window = _race_window()
    ours: list[RaceRun] = []
    old: list[RaceRun] = []
    for _ in range(max(1, min(reps, 3))):
        ours.append(_ours(window))
        old.append(_frame_count_tick(window))
    _close(window)
    return entry(
        "live_frame_8",
        statistics.median(r.frame_ms for r in ours),
        statistics.median(r.frame_ms for r in old),
        fps=round(statistics.median(r.frames / r.wall_s for r in ours), 1),
        baseline_fps=round(statistics.median(r.frames / r.wall_s for r in old), 1),
        steps_ratio=round(statistics.median(r.ratio for r in ours), 3),
        baseline_steps_ratio=round(statistics.median(r.ratio for r in old), 3),
    )
