"""Learning-rate sweeps: many runs of one optimizer, one per rate, stepped as one array.

`sweep_rates` runs an optimizer from the same start at every rate of a list for N steps and
reports, per rate, what a `Run` with that rate reports at the end: the final loss, the step it
reached the tolerance (if it did) and its status. The runs are rows of one (runs × d) array
stepped together (`Optimizer.step_many`), so 64 rates cost little more than one; each row's
arithmetic is a lone run's, so a sweep row equals `gdstudio run` with that rate. What the array
path does not cover (minibatches, schedules) runs as separate `Run`s: slower, same answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .checks import check_int, check_real, shown
from .errors import ConfigError
from .optimizers import make_optimizer
from .run import CONVERGED, DIVERGED, RUNNING, STOPPED, Run
from .run_base import RUNAWAY_FACTOR, RUNAWAY_MIN, SurfaceLike
from .schedules import Constant, Schedule
from .sweep_engine import SweepEngine
from .sweep_rules import plan_for

Array = np.ndarray
MAX_RATES = 4096
_CODES = (RUNNING, CONVERGED, DIVERGED, STOPPED)


@dataclass(frozen=True)
class SweepRow:
    """One rate's outcome: what a run at that rate reports after the sweep's steps."""

    optimizer: str
    lr: float
    final_loss: float
    steps_to_tol: int | None  # the step |∇L| fell below the tolerance, None if never
    status: str  # converged, diverged or stopped
    status_step: int
    # The highest loss over the last tenth of the steps (a run that ended: its final loss), so
    # a rate that hops across a valley is judged by its hops, not by where the last one landed.
    settled_loss: float = math.nan

    @property
    def status_text(self) -> str:
        """As a run says it: 'converged at step N', 'stopped at step N (max steps)'..."""
        if self.status == STOPPED:
            return f"stopped at step {self.status_step} (max steps)"
        return f"{self.status} at step {self.status_step}"


def log_rates(low: float, high: float, count: int) -> Array:
    """`count` learning rates spaced evenly in log between low and high (both included)."""
    low = check_real("lowest learning rate", low, 0.0, strict=True)
    high = check_real("highest learning rate", high, 0.0, strict=True)
    count = check_int("number of rates", count, 1, MAX_RATES)
    if high < low:
        raise ConfigError(f"the rates must go from low to high, got {low:g}:{high:g}")
    if count == 1:
        return np.array([low])
    return np.geomspace(low, high, count)


def parse_rates(text: str) -> Array:
    """Rates from 'FROM:TO:COUNT' (log-spaced) or a comma-separated list."""
    parts = text.split(":")
    try:
        if len(parts) == 3:
            return log_rates(float(parts[0]), float(parts[1]), int(parts[2]))
        if len(parts) == 1:
            rates = np.array([float(v) for v in text.split(",")])
            for r in rates:
                check_real("learning rate", float(r), 0.0, strict=False)
            return rates
    except ValueError as exc:
        if isinstance(exc, ConfigError):
            raise
    raise ConfigError(f"--lr takes FROM:TO:COUNT (e.g. 1e-5:10:64) or a list, got {shown(text)}")


Racer = tuple[str, dict[str, object]]  # an optimizer's name and its hyperparameters but lr


def sweep_rates(
    landscape: SurfaceLike,
    optimizer: str,
    rates: Sequence[float] | Array,
    steps: int,
    *,
    hyper: dict[str, object] | None = None,
    **settings: Any,
) -> list[SweepRow]:
    """Each rate's outcome after `steps` updates of one optimizer (see `sweep`)."""
    return sweep(landscape, [(optimizer, hyper or {})], rates, steps, **settings)


def sweep(
    landscape: SurfaceLike,
    racers: Sequence[Racer],
    rates: Sequence[float] | Array,
    steps: int,
    *,
    start: Sequence[float] | Array | None = None,
    tol: float = 1e-6,
    clip_norm: float | None = None,
    schedule: Schedule | None = None,
    batch_size: int | None = None,
    seed: int = 0,
) -> list[SweepRow]:
    """Every racer at every rate after `steps` updates: rows racer by racer, rate by rate.

    ConfigError for a bad setting, with the message a run would give.
    """
    rates = np.asarray(rates, dtype=np.float64).reshape(-1)
    if not 1 <= len(rates) <= MAX_RATES:
        raise ConfigError(f"a sweep takes 1 to {MAX_RATES} rates, got {len(rates)}")
    steps = check_int("steps", steps, 1)
    kinds = [(name, {k: v for k, v in hyper.items() if k != "lr"}) for name, hyper in racers]
    if not kinds:
        raise ConfigError("a sweep needs at least one optimizer")
    plain = bool(np.all(np.isfinite(rates) & (rates >= 0)))  # every rate a valid lr
    for name, hyper in kinds:  # the rules' own checks, with their messages
        for rate in rates[:1] if plain else rates:
            make_optimizer(name, **hyper, lr=float(rate))
    first = tuple(float(v) for v in start) if start is not None else None

    def lone(name: str, hyper: dict[str, object], rate: float) -> Run:
        return Run(
            landscape,
            make_optimizer(name, **hyper, lr=rate),
            first,
            schedule=schedule,
            clip_norm=clip_norm,
            batch_size=batch_size,
            seed=seed,
            tol=tol,
            max_steps=steps,
        )

    if type(schedule) is Constant:  # the base rate throughout: as no schedule (Run's own rule)
        schedule = None
    if schedule is not None or batch_size is not None:
        return [
            _row_of(name, float(r), *_finished(lone(name, hyper, float(r))))
            for name, hyper in kinds
            for r in rates
        ]
    probe = lone(*kinds[0], float(rates[0]))  # the start, checked; the landscape's first measure
    if probe.status != RUNNING:  # decided at the start, the same for every rate
        return [_row_of(name, float(r), probe) for name, _ in kinds for r in rates]
    return _array_sweep(landscape, kinds, rates, steps, probe.params, tol, clip_norm)


def tail_start(steps: int) -> int:
    """The first of the last tenth of `steps` (at least the last step): the settled window."""
    return steps - max(1, steps // 10) + 1


def _finished(run: Run) -> tuple[Run, float]:
    """The run after its max steps, and its highest loss over the settled window."""
    steps = run.max_steps or 0
    run.step(tail_start(steps) - 1)
    highest = -math.inf
    while run.status == RUNNING and run.steps < steps:
        run.step(1)
        highest = max(highest, float(run.loss))
    return run, highest if run.status in (RUNNING, STOPPED) else float(run.loss)


def _row_of(optimizer: str, rate: float, run: Run, settled: float | None = None) -> SweepRow:
    status = run.status if run.status != RUNNING else STOPPED
    step = run.status_step if run.status_step is not None else run.steps
    converged = step if run.status == CONVERGED else None
    loss = float(run.loss)
    return SweepRow(
        optimizer, rate, loss, converged, status, int(step), loss if settled is None else settled
    )


def _array_sweep(
    landscape: SurfaceLike,
    kinds: list[tuple[str, dict[str, object]]],
    rates: Array,
    steps: int,
    start: Array,
    tol: float,
    clip_norm: float | None,
) -> list[SweepRow]:
    """All racers × rates as columns of one array, each run stepped as a lone run steps."""
    n = len(rates)
    span = max(hi - lo for lo, hi in landscape.bounds)
    limit = max(RUNAWAY_MIN, RUNAWAY_FACTOR * span)
    plans = [plan_for(make_optimizer(name, **hyper)) for name, hyper in kinds]
    engine = SweepEngine(
        landscape, plans, rates, start, tol=tol, clip_norm=clip_norm, runaway_sq=limit * limit
    )
    loss, status, status_step, settled = engine.run(steps, tail_start(steps))
    return [
        SweepRow(
            name,
            float(rates[i % n]),
            float(loss[i]),
            int(status_step[i]) if status[i] == 1 else None,
            _CODES[status[i]],
            int(status_step[i]),
            float(settled[i]),
        )
        for i, name in enumerate(name for name, _ in kinds for _ in range(n))
    ]


def best_rows(rows: Sequence[SweepRow]) -> list[SweepRow]:
    """Per optimizer, its best rate: the lowest loss after the steps, ties to fewer steps.

    A run that reached the tolerance ties with every other that did (each reached the goal),
    and the one that got there in fewer steps wins; any of them beats one that did not. The
    others are compared by their settled loss (the highest over the last tenth of the steps),
    so a rate whose iterate hops across the valley does not win by where its last hop landed.
    A diverged rate never wins; an optimizer whose every rate diverged keeps its first row.
    """
    by_optimizer: dict[str, list[SweepRow]] = {}
    for row in rows:
        by_optimizer.setdefault(row.optimizer, []).append(row)
    best = []
    for group in by_optimizer.values():
        usable = [r for r in group if r.status != DIVERGED and math.isfinite(r.final_loss)]
        best.append(min(usable, key=_merit) if usable else group[0])
    return best


def _merit(row: SweepRow) -> tuple[float, float, float, float]:
    """Lower is better: converged first (by steps), then by settled and final loss, then lr."""
    if row.steps_to_tol is not None:
        return (0.0, float(row.steps_to_tol), row.final_loss, row.lr)
    settled = row.settled_loss if math.isfinite(row.settled_loss) else row.final_loss
    return (1.0, settled, row.final_loss, row.lr)
