"""Run.step's fast path: a run of one or two parameters stepped on Python floats.

numpy spends microseconds on each call with a 2-element array; here the update, the
clipping, the checks and (on an analytic landscape) the loss and gradient are float
arithmetic in the order the array path uses, so the trajectory, the statuses and the history
rows are the same bits (tests/core/test_fast_path.py). Data landscapes still give their
gradients as arrays; only the rest of the step is scalar there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .batching import BatchSampler
from .optim_scalar import scalar_kernel
from .run_base import (
    AT_MAX_STEPS,
    CONVERGED,
    DIVERGED,
    LOSS_NOT_FINITE,
    LR_NOT_FINITE,
    PARAMS_NOT_FINITE,
    RAN_AWAY,
    STOPPED,
    Row,
)
from .schedules import Constant

if TYPE_CHECKING:
    from .run import Run

Measure = Callable[[list[float]], tuple[float, list[float]]]
MAX_DIM = 2  # beyond this, numpy's arrays are the better tool


def fast_step(run: Run, n: int, on_row: Callable[[Row], None] | None) -> int | None:
    """Up to n updates of a running run, as Run.step; None (nothing done) if it has no fast path."""
    dim = len(run.params)
    kernel = run._kernels.get(run.optimizer, dim, scalar_kernel) if dim <= MAX_DIM else None
    if kernel is None:
        return None
    update, commit = kernel
    land = run.landscape
    point: Measure | None = getattr(land, "point_value_and_grad", None)
    if point is None:
        with np.errstate(all="ignore"):
            return _loop(run, n, on_row, update, commit, _array_measure(land))
    return _loop(run, n, on_row, update, commit, point)


def _array_measure(land: object) -> Measure:
    """Loss and gradient at a point through the landscape's array functions."""
    both = getattr(land, "value_and_grad", None)
    value, grad = land.value, land.grad  # type: ignore[attr-defined]

    def measure(q: list[float]) -> tuple[float, list[float]]:
        p = np.array(q)
        v, g = both(p) if both is not None else (value(p), grad(p))
        out: list[float] = np.asarray(g, dtype=np.float64).tolist()
        return float(v), out

    return measure


def _loop(
    run: Run,
    n: int,
    on_row: Callable[[Row], None] | None,
    update: Callable[[list[float], list[float], float], list[float]],
    commit: Callable[[], None],
    measure: Measure,
) -> int:
    """The steps themselves; the run's fields are written back at the end (and before on_row)."""
    isfinite, sqrt = math.isfinite, math.sqrt
    land = run.landscape
    schedule = run.schedule
    lr_at = None if schedule is None or type(schedule) is Constant else schedule._lr
    base = float(run.optimizer.hyper["lr"])
    clip, tol, max_steps = run.clip_norm, run.tol, run.max_steps
    limit = math.inf if max_steps is None else max_steps
    stride = run._measure_stride()
    runaway = run._runaway_sq
    batch_size = run.batch_size
    batch_grad = None if batch_size is None else getattr(land, "batch_grad", None)
    sampler = run._sampler
    two = len(run.params) == 2  # the sums of squares written out: the same bits as a loop

    p: list[float] = run.params.tolist()
    g: list[float] | None = None if run._grad is None else run._grad.tolist()
    t, loss, gnorm, lr_now = run.steps, run.loss, run.grad_norm, run.lr
    rows: list[tuple[float, ...]] = []
    finish: tuple[str, int, str] | None = None

    taken = 0
    try:
        for taken in range(1, n + 1):  # noqa: B007 (the count taken is returned)
            lr = base if lr_at is None else float(lr_at(t, base))
            step = t + 1
            if not (isfinite(lr) and lr >= 0):  # e.g. gamma**t beyond a float's range
                t = step
                finish = (DIVERGED, step, LR_NOT_FINITE)
                break
            if batch_grad is not None and batch_size is not None:
                if sampler is None:
                    n_samples: int = land.n_samples  # type: ignore[attr-defined]
                    sampler = BatchSampler(n_samples, batch_size, run.seed)
                gs: list[float] = batch_grad(np.array(p), sampler.next()).tolist()
            else:
                if g is None:
                    g = measure(p)[1]
                gs = g
            if clip is not None:  # clip_grad_norm: the norm summed in order, then one scale
                total = 0.0
                for c in gs:
                    total += c * c
                coef = min(clip / (sqrt(total) + 1e-6), 1.0)
                gs = [c * coef for c in gs]
            new = update(p, gs, lr)
            t = step
            if two:
                a, b = new
                sq = a * a + b * b  # = (0.0 + a·a) + b·b, the summed-in-order norm
            else:
                a = new[0]
                sq = a * a
            if not isfinite(sq) and not all(map(isfinite, new)):  # (finite |p|² overflows)
                finish = (DIVERGED, step, PARAMS_NOT_FINITE)
                break
            if stride != 1 and step % stride and step != max_steps:  # not measured: no row
                p, lr_now = new, lr
                if sq > runaway:
                    finish = (DIVERGED, step, RAN_AWAY)
                    break
                continue
            value, g = measure(new)
            if two:
                a, b = g
                norm = sqrt(a * a + b * b)
            else:
                a = g[0]
                norm = sqrt(a * a)
            if not (isfinite(value) and isfinite(norm)):
                finish = (DIVERGED, step, LOSS_NOT_FINITE)
                break
            p, loss, gnorm, lr_now = new, value, norm, lr
            rows.append((step, *new, value, norm, lr))
            if sq > runaway:
                finish = (DIVERGED, step, RAN_AWAY)
            elif norm < tol:
                finish = (CONVERGED, step, f"|∇L| < {tol:g}")
            elif step >= limit:
                finish = (STOPPED, step, AT_MAX_STEPS)
            if on_row is not None:
                _sync(run, commit, p, g, sampler, (t, loss, gnorm, lr_now), rows, finish)
                on_row(Row(step, run.params, loss, gnorm, lr))
            if finish is not None:
                break
    finally:
        _sync(run, commit, p, g, sampler, (t, loss, gnorm, lr_now), rows, finish)
    return taken


def _sync(
    run: Run,
    commit: Callable[[], None],
    p: list[float],
    g: list[float] | None,
    sampler: BatchSampler | None,
    numbers: tuple[int, float, float, float],
    rows: list[tuple[float, ...]],
    finish: tuple[str, int, str] | None,
) -> None:
    """Write the state reached (steps, loss, norm, lr) into the run, its optimizer and history."""
    commit()
    run.params = np.array(p)
    run._grad = None if g is None else np.array(g)
    run._sampler = sampler
    run.steps, run.loss, run.grad_norm, run.lr = numbers
    run.history.extend(rows)
    rows.clear()
    if finish is not None:
        run._finish(*finish)
