"""The stepping core: one optimizer step of a 2-parameter run, headless."""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .common import Row, unit_entry

STEPS = 2000  # steps per timed repetition
CHUNK = 16  # steps per Run.step call: a 60 Hz tick at 1,000 steps/s
RACERS = ("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam", "adamw", "nadam")


def _per_step_us(fn: Callable[[], object], steps: int, reps: int) -> float:
    """Median CPU microseconds per step of fn(), which takes `steps` steps."""
    times = []
    for _ in range(reps):
        t0 = time.thread_time()
        fn()
        times.append((time.thread_time() - t0) * 1e6 / steps)
    return statistics.median(times)


def _rosenbrock_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)])


def _numpy_adam(steps: int) -> Callable[[], object]:
    """The naive way: Adam's update written with numpy on 2-element arrays, nothing else."""
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-8

    def loop() -> None:
        p = np.array([-1.5, 2.0])
        m, v = np.zeros(2), np.zeros(2)
        for t in range(1, steps + 1):
            g = _rosenbrock_grad(p)
            m = m + (1 - beta1) * (g - m)
            v = v * beta2 + (1 - beta2) * g * g
            denom = np.sqrt(v) / (1 - beta2**t) ** 0.5 + eps
            p = p - lr / (1 - beta1**t) * (m / denom)

    return loop


def _run_steps(n: int, chunk: int, fast: bool = True) -> Callable[[], object]:
    """Run.step on Rosenbrock with Adam, `chunk` steps per call, n steps in all."""
    from ..core.landscapes import ANALYTIC
    from ..core.optimizers import make_optimizer
    from ..core.run import Run

    run = Run(ANALYTIC["rosenbrock"], make_optimizer("adam", lr=1e-3), tol=0.0, fast=fast)

    def steps() -> None:
        for _ in range(n // chunk):
            run.step(chunk)

    return steps


def _race_tick_ms(reps: int, fast: bool) -> float:
    """CPU ms of one tick's stepping: 8 racers × CHUNK steps, 100,000 steps into the race."""
    from ..core.landscapes import ANALYTIC
    from ..core.optimizers import make_optimizer
    from ..core.race import Race
    from ..core.run import Run

    land = ANALYTIC["rosenbrock"]
    race = Race(Run(land, make_optimizer(n, lr=1e-4), tol=0.0, fast=fast) for n in RACERS)
    race.step(100_000 if fast else 2_000)
    return _per_step_us(lambda: race.step(CHUNK), 1, max(reps, 20)) / 1000.0


def _torch_adam(steps: int) -> Callable[[], object] | None:
    """torch.optim.Adam on a 2-element float64 tensor, gradient set by hand; None without torch."""
    try:
        torch: Any = importlib.import_module("torch")
    except ImportError:
        return None

    def loop() -> None:
        p = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=1e-3)
        for _ in range(steps):
            with torch.no_grad():
                x, y = p[0], p[1]
                r = y - x * x
                p.grad = torch.stack([-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r])
            opt.step()

    return loop


def bench_core_step(reps: int) -> list[Row]:
    """core_step_us: Run.step per step (Adam, Rosenbrock) against a bare numpy loop and torch."""
    reps = max(reps, 5)
    ours = _per_step_us(_run_steps(STEPS, CHUNK), STEPS, reps)
    numpy_loop = _per_step_us(_numpy_adam(STEPS), STEPS, reps)
    single = _per_step_us(_run_steps(STEPS // 4, 1), STEPS // 4, reps)
    array_path = _per_step_us(_run_steps(STEPS // 4, CHUNK, fast=False), STEPS // 4, reps)
    rows = [
        unit_entry(
            "core_step_us",
            ours,
            "µs",
            numpy_loop,
            steps_per_call=CHUNK,
            one_step_per_call_us=round(single, 2),
            array_path_us=round(array_path, 2),
            race_8_tick_ms=round(_race_tick_ms(reps, True), 3),
            race_8_tick_array_path_ms=round(_race_tick_ms(reps, False), 3),
            baseline_is="a bare numpy loop: Adam on 2-element arrays, no checks or history",
        )
    ]
    torch_loop = _torch_adam(STEPS)
    if torch_loop is not None:
        torch_us = _per_step_us(torch_loop, STEPS, reps)
        rows.append(
            unit_entry(
                "core_step_us_torch",
                ours,
                "µs",
                torch_us,
                baseline_is="torch.optim.Adam on a 2-element float64 tensor",
            )
        )
    return rows
