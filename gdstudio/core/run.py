"""Run: one optimizer's trajectory across a landscape, with status and bounded history.

Statuses: running (it can still step; its text says ready at step 0, paused after, running
while something steps it); converged at step N (|∇L| < tol); diverged at step N (the loss, the
parameters or the learning rate stopped being finite, or the parameters ran away); stopped at
step N (max steps); no data (a data landscape with zero points). Every setting is checked when
it is made (ConfigError); stepping never raises, and an absurd but legal setting (lr = 1e300,
gamma = 1e300) ends the run as diverged.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .batching import BatchSampler
from .checks import INT_LIMIT, check_int, check_point, shown
from .errors import ConfigError
from .fast_step import fast_step
from .history import History
from .optim_state import KernelCache
from .optimizers import Optimizer
from .run_base import (
    AT_MAX_STEPS,
    CONVERGED,
    DIVERGED,
    LEFT_DOMAIN,
    LOSS_NOT_FINITE,
    LR_NOT_FINITE,
    NO_DATA,
    PARAMS_NOT_FINITE,
    PAUSED,
    RAN_AWAY,
    READY,
    RUNAWAY_FACTOR,
    RUNAWAY_MIN,
    RUNNING,
    STATUSES,
    STOPPED,
    Row,
    SurfaceLike,
)
from .run_settings import RunSettings
from .schedules import Schedule, clip_grad_norm

__all__ = [
    "CONVERGED",
    "DIVERGED",
    "NO_DATA",
    "PAUSED",
    "READY",
    "RUNNING",
    "STATUSES",
    "STOPPED",
    "Row",
    "Run",
    "SurfaceLike",
]


class Run(RunSettings):
    """One optimizer stepping from a start; stops itself on convergence, divergence or max steps."""

    def __init__(
        self,
        landscape: SurfaceLike,
        optimizer: Optimizer,
        start: np.ndarray | tuple[float, ...] | None = None,
        *,
        schedule: Schedule | None = None,
        clip_norm: float | None = None,
        batch_size: int | None = None,
        seed: int = 0,
        tol: float = 1e-6,
        max_steps: int | None = None,
        history_capacity: int = 4096,
        measure_budget: int | None = None,
        name: str = "",
        fast: bool = True,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise ConfigError(f"optimizer must be an Optimizer, got {shown(optimizer)}")
        if not isinstance(name, str):
            raise ConfigError(f"name must be text, got {shown(name)}")
        self.landscape = landscape
        self.optimizer = optimizer
        self.schedule = schedule
        self.clip_norm = clip_norm
        self.batch_size = batch_size
        self.seed = seed
        self.tol = tol
        self._max_steps = _check_max_steps(max_steps)
        # Stochastic steps on a loss that costs O(points) to evaluate: measure the full loss
        # only every few steps so a step costs O(batch) + at most this many point evaluations.
        self.measure_budget = (
            None if measure_budget is None else check_int("measure_budget", measure_budget, 1)
        )
        self.name = name or optimizer.title
        # Step 1- and 2-parameter runs on Python floats (core/fast_step.py; the same bits as
        # the array path, which False forces).
        self.fast = bool(fast)
        self._kernels = KernelCache()  # the fast path's kernel, kept between calls
        self.history = History(len(landscape.param_names), history_capacity)
        self._runaway_cache: tuple[object, float] = (None, 0.0)
        default = getattr(landscape, "default_start", None)
        self.start = self._checked_start(start if start is not None else default)
        self.reset()

    # --- settings, each checked when set: a bad value never reaches a step ----------------------

    @property
    def max_steps(self) -> int | None:
        """Updates after which the run stops ("stopped at step N (max steps)"), None: no limit.

        Raising it lets a stopped run go on; lowering it below the steps taken stops a run.
        """
        return self._max_steps

    @max_steps.setter
    def max_steps(self, value: int | None) -> None:
        self._max_steps = _check_max_steps(value)
        if self.status == STOPPED and not self._at_limit():
            self._finish(RUNNING, None, "")
        elif self.status == RUNNING and self._at_limit():
            self._finish(STOPPED, self.steps, AT_MAX_STEPS)

    def _checked_start(self, start: object) -> np.ndarray:
        return check_point("start", start, tuple(self.landscape.param_names))

    # --- state -------------------------------------------------------------------------------

    def reset(self, start: np.ndarray | tuple[float, ...] | None = None) -> None:
        """Go back to the start (a new one if given), clearing optimizer state and history."""
        if start is not None:
            self.start = self._checked_start(start)
        self.optimizer.reset()
        self.params = self.start.copy()
        self.steps = 0
        self.status = RUNNING
        self.status_step: int | None = None
        self.status_reason = ""
        self._sampler: BatchSampler | None = None
        self._grad: np.ndarray | None = None
        self.history.clear()
        self.lr = self._lr_for(0)
        if self._no_data():
            self._to_no_data()
            return
        self._take_start_measure()

    def _take_start_measure(self) -> None:
        """Measure at the current parameters as the run's first row; it may end the run there."""
        loss, gnorm = self._measure(self.params)
        self.loss, self.grad_norm = loss, gnorm
        if not (math.isfinite(loss) and math.isfinite(gnorm)):
            self._finish(DIVERGED, self.steps, "the loss is not finite at the start")
            return
        if not math.isfinite(self.lr):
            self._finish(DIVERGED, self.steps, "the learning rate is not finite")
            return
        latest = self.history.latest
        if latest is None or latest[0] < self.steps:
            self.history.append(self.steps, self.params, loss, gnorm, self.lr)
        if gnorm < self.tol:
            self._finish(CONVERGED, self.steps, f"|∇L| < {self.tol:g}")
        elif self._at_limit():
            self._finish(STOPPED, self.steps, AT_MAX_STEPS)

    def _no_data(self) -> bool:
        return getattr(self.landscape, "n_samples", None) == 0

    def _to_no_data(self) -> None:
        """Zero data points: there is no loss to show and nothing to step on."""
        self.loss = self.grad_norm = math.nan
        self._finish(NO_DATA, None, "the dataset is empty: add points to fit")

    def set_landscape(self, landscape: SurfaceLike) -> None:
        """Continue on a changed landscape (e.g. edited data) from the current parameters."""
        self.landscape = landscape
        self._sampler = None
        self._grad = None
        if self.status == DIVERGED:
            return
        if self._no_data():
            self._to_no_data()
            return
        if self.status == NO_DATA:  # data again: carry on from where the run stood
            self._finish(RUNNING, None, "")
            self._take_start_measure()
            return
        loss, gnorm = self._measure(self.params)
        self.loss, self.grad_norm = loss, gnorm
        if not (math.isfinite(loss) and math.isfinite(gnorm)):
            self._finish(DIVERGED, self.steps, "the loss is not finite on the changed data")
        elif self.status == CONVERGED and gnorm >= self.tol:
            if self._at_limit():
                self._finish(STOPPED, self.steps, AT_MAX_STEPS)
            else:
                self._finish(RUNNING, None, "")

    @property
    def running(self) -> bool:
        """True while the run can take more steps."""
        return self.status == RUNNING

    @property
    def next_lr(self) -> float:
        """The learning rate the next update will use (schedule and current settings)."""
        return self._lr_for(self.steps)

    @property
    def epoch(self) -> float | None:
        """Epochs of data seen on a data landscape (full batch: one per step), else None."""
        if self._sampler is not None:
            return self._sampler.epochs_done
        if getattr(self.landscape, "n_samples", None) is None:
            return None  # an analytic landscape: no data, no epochs
        if self.batch_size is not None and hasattr(self.landscape, "batch_grad"):
            return 0.0  # stochastic, no batch drawn yet
        return float(self.steps)

    def status_text(self, playing: bool = False) -> str:
        """'ready' (step 0), 'paused' ('running' if `playing`), 'converged at step N',
        'diverged at step N', 'stopped at step N (max steps)' or 'no data: add points'."""
        if self.status == RUNNING:
            if playing:
                return RUNNING
            return READY if self.steps == 0 else PAUSED
        if self.status == NO_DATA:
            return "no data: add points"
        if self.status == STOPPED:
            return f"stopped at step {self.status_step} (max steps)"
        if self.status_reason == LEFT_DOMAIN:
            return f"left the domain at step {self.status_step}"
        return f"{self.status} at step {self.status_step}"

    # --- stepping ----------------------------------------------------------------------------

    def step(self, n: int = 1, on_row: Callable[[Row], None] | None = None) -> int:
        """Take up to n updates; returns how many were taken (fewer once the run stops)."""
        if self.fast and n > 0 and self.status == RUNNING:
            fast = fast_step(self, n, on_row)
            if fast is not None:
                return fast
        taken = 0
        while taken < n and self.status == RUNNING:
            ok = self._one_step()
            taken += 1
            if self.status == RUNNING and self._at_limit():
                self._finish(STOPPED, self.steps, AT_MAX_STEPS)
            if ok and on_row is not None:
                on_row(Row(self.steps, self.params, self.loss, self.grad_norm, self.lr))
        return taken

    def _at_limit(self) -> bool:
        return self._max_steps is not None and self.steps >= self._max_steps

    def _one_step(self) -> bool:
        """One update; False if it ended the run without a usable new state."""
        t = self.steps
        lr = self._lr_for(t)
        step = t + 1
        if not (math.isfinite(lr) and lr >= 0):  # e.g. gamma**t beyond a float's range
            self.steps = step
            self._finish(DIVERGED, step, LR_NOT_FINITE)
            return False
        with np.errstate(all="ignore"):
            grad = self._step_grad(self.params)
            if self.clip_norm is not None:
                grad, _ = clip_grad_norm(grad, self.clip_norm)
            new = self.optimizer.step(self.params, grad, lr)
            self.steps = step
            if not np.isfinite(new).all():
                self._finish(DIVERGED, step, PARAMS_NOT_FINITE)
                return False
            if step % self._measure_stride() and step != self._max_steps:
                self.params, self.lr = new, lr
                if self._ran_away(new):
                    self._finish(DIVERGED, step, RAN_AWAY)
                return False  # not measured: no row for this step
            loss, gnorm = self._measure(new)
        if not (math.isfinite(loss) and math.isfinite(gnorm)):
            self._finish(DIVERGED, step, LOSS_NOT_FINITE)
            return False
        self.params, self.loss, self.grad_norm, self.lr = new, loss, gnorm, lr
        self.history.append(step, new, loss, gnorm, lr)
        if self._ran_away(new):
            self._finish(DIVERGED, step, RAN_AWAY)
        elif gnorm < self.tol:
            self._finish(CONVERGED, step, f"|∇L| < {self.tol:g}")
        return True

    def _ran_away(self, p: np.ndarray) -> bool:
        with np.errstate(over="ignore"):
            return float(np.sum(p * p)) > self._runaway_sq

    def _step_grad(self, p: np.ndarray) -> np.ndarray:
        if self.batch_size is None or not hasattr(self.landscape, "batch_grad"):
            if self._grad is None:
                self._grad = np.asarray(self.landscape.grad(p), dtype=np.float64)
            return self._grad
        if self._sampler is None:
            self._sampler = BatchSampler(
                self.landscape.n_samples,  # type: ignore[attr-defined]
                self.batch_size,
                self.seed,
            )
        grad: np.ndarray = self.landscape.batch_grad(p, self._sampler.next())
        return grad

    def _measure_stride(self) -> int:
        """Measure every step, except stochastic steps on costly losses under a budget."""
        land = self.landscape
        if (
            self.measure_budget is None
            or self.batch_size is None
            or getattr(land, "loss", "mse") == "mse"
        ):
            return 1
        n: int = land.n_samples  # type: ignore[attr-defined]
        return max(1, -(-n // self.measure_budget))

    def _measure(self, p: np.ndarray) -> tuple[float, float]:
        """Loss and |∇L| at p; remembers ∇L(p), the next full-batch step's gradient."""
        both = getattr(self.landscape, "value_and_grad", None)
        with np.errstate(all="ignore"):
            if both is not None:
                value, g = both(p)
            else:
                value, g = self.landscape.value(p), self.landscape.grad(p)
            g = np.asarray(g, dtype=np.float64)
            gg = float(np.sum(g * g))  # summed in order, as the fast path does
        self._grad = g
        return float(value), math.sqrt(gg)

    def _lr_for(self, t: int) -> float:
        base = float(self.optimizer.hyper["lr"])
        return base if self._schedule is None else float(self._schedule.lr_at(t, base))

    @property
    def _runaway_sq(self) -> float:
        """Squared |params| beyond which the run has diverged."""
        bounds = self.landscape.bounds
        if self._runaway_cache[0] is not bounds:
            span = max(hi - lo for lo, hi in bounds)
            limit = max(RUNAWAY_MIN, RUNAWAY_FACTOR * span)
            self._runaway_cache = (bounds, limit * limit)  # inf, not OverflowError, if huge
        return self._runaway_cache[1]

    def _finish(self, status: str, step: int | None, reason: str) -> None:
        if reason == LOSS_NOT_FINITE and getattr(self.landscape, "has_domain", False):
            reason = LEFT_DOMAIN
        self.status, self.status_step, self.status_reason = status, step, reason


def _check_max_steps(value: object) -> int | None:
    """None (no limit) or a whole number of updates >= 1."""
    return None if value is None else check_int("max_steps", value, 1, INT_LIMIT)
