"""Learning-rate sweeps: 8 optimizers × 64 rates × 1,000 steps as one array, against lone runs."""

from __future__ import annotations

import functools
import statistics
import time

from .common import Row, entry, median_ms

RATES = 64
STEPS = 1000


def _sweep_inputs() -> tuple[object, list[tuple[str, dict[str, object]]], object]:
    from ..core.catalog import make_landscape
    from ..core.optimizers import optimizer_names
    from ..core.sweep import log_rates

    racers: list[tuple[str, dict[str, object]]] = [(name, {}) for name in optimizer_names()]
    return make_landscape("rosenbrock"), racers, log_rates(1e-5, 10.0, RATES)


def bench_sweep(reps: int) -> Row:
    """CPU ms of the 512-run sweep (tol 0: every run takes every step it can), against the same
    512 runs stepped one by one with `Run` (its scalar fast path) in the same process; also
    against lone runs on numpy arrays (Run's array path, estimated from every fourth rate).

    The machine is shared, so the lone runs are timed in `rounds` slices, each right after one
    of our sweeps: both meet the same load. Ours is the median sweep; the lone runs' time is
    the sum of the slices (every one of the 512 runs exactly once).
    """
    from ..core.optimizers import make_optimizer
    from ..core.run import Run
    from ..core.sweep import sweep

    landscape, racers, rates = _sweep_inputs()
    rows = sweep(landscape, racers, rates, STEPS, tol=0.0)  # type: ignore[arg-type]
    rounds = max(9, reps)

    def ours() -> None:
        sweep(landscape, racers, rates, STEPS, tol=0.0)  # type: ignore[arg-type]

    def lone(k: int) -> None:  # the k-th slice of the 512 runs
        for row in rows[k::rounds]:
            opt = make_optimizer(row.optimizer, lr=row.lr)
            Run(landscape, opt, tol=0.0, max_steps=STEPS).step(STEPS)  # type: ignore[arg-type]

    def array_path_quarter() -> None:  # every 4th rate, each run on numpy arrays (fast=False)
        for row in rows[::4]:
            opt = make_optimizer(row.optimizer, lr=row.lr)
            Run(landscape, opt, tol=0.0, max_steps=STEPS, fast=False).step(STEPS)  # type: ignore[arg-type]

    sweeps, one_by_one = [], 0.0
    for k in range(rounds):
        sweeps.append(median_ms(ours, 1, clock=time.process_time))
        one_by_one += median_ms(functools.partial(lone, k), 1, clock=time.process_time)
    ms = statistics.median(sweeps)
    array_path = 4 * median_ms(array_path_quarter, 1, clock=time.process_time)
    return entry(
        "sweep_8x64x1000",
        ms,
        one_by_one,
        runs=len(rows),
        rounds=rounds,
        array_path_one_by_one_ms=round(array_path, 1),  # 128 of the 512 runs, times 4
        array_path_ratio=round(array_path / ms, 1),
    )
