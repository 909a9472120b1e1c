"""Run: one optimizer's trajectory across a landscape, with status and bounded history."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .batching import BatchSampler
from .history import History
from .optimizers import Optimizer
from .schedules import Schedule, clip_grad_norm

RUNNING = "running"
CONVERGED = "converged"
DIVERGED = "diverged"
# |params| beyond max(RUNAWAY_MIN, RUNAWAY_FACTOR × view span) counts as diverged.
RUNAWAY_MIN = 1e6
RUNAWAY_FACTOR = 1e4


class SurfaceLike(Protocol):
    """What a run needs of a landscape (analytic or data)."""

    name: str
    param_names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]

    def value(self, p: np.ndarray) -> np.ndarray: ...
    def grad(self, p: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Row:
    """State after `step` updates: parameters, loss, |∇L| and the lr of that update."""

    step: int
    params: np.ndarray
    loss: float
    grad_norm: float
    lr: float


class Run:
    """One optimizer stepping from a start; stops itself on convergence or divergence."""

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
    ) -> None:
        self.landscape = landscape
        self.optimizer = optimizer
        self.schedule = schedule
        self.clip_norm = clip_norm
        self.batch_size = batch_size
        self.seed = seed
        self.tol = tol
        self.max_steps = max_steps
        # Stochastic steps on a loss that costs O(points) to evaluate: measure the full loss
        # only every few steps so a step costs O(batch) + at most this many point evaluations.
        self.measure_budget = measure_budget
        self.name = name or optimizer.title
        self.history = History(len(landscape.param_names), history_capacity)
        self._runaway_cache: tuple[object, float] = (None, 0.0)
        default = getattr(landscape, "default_start", None)
        self.start = np.asarray(start if start is not None else default, dtype=np.float64)
        self.reset()

    # --- state -------------------------------------------------------------------------------

    def reset(self, start: np.ndarray | tuple[float, ...] | None = None) -> None:
        """Go back to the start (a new one if given), clearing optimizer state and history."""
        if start is not None:
            self.start = np.asarray(start, dtype=np.float64)
        if self.start.shape != (len(self.landscape.param_names),):
            raise ValueError(
                f"start must have {len(self.landscape.param_names)} values "
                f"({', '.join(self.landscape.param_names)}), got {self.start.size}"
            )
        self.optimizer.reset()
        self.params = self.start.copy()
        self.steps = 0
        self.status = RUNNING
        self.status_step: int | None = None
        self.status_reason = ""
        self._sampler: BatchSampler | None = None
        self._grad: np.ndarray | None = None
        self.history.clear()
        loss, gnorm = self._measure(self.params)
        self.loss, self.grad_norm = loss, gnorm
        self.lr = self._lr_for(0)
        if not (math.isfinite(loss) and math.isfinite(gnorm)):
            self._finish(DIVERGED, 0, "the loss is not finite at the start")
            return
        self.history.append(0, self.params, loss, gnorm, self.lr)
        if gnorm < self.tol:
            self._finish(CONVERGED, 0, f"|∇L| < {self.tol:g}")

    def set_landscape(self, landscape: SurfaceLike) -> None:
        """Continue on a changed landscape (e.g. edited data) from the current parameters."""
        self.landscape = landscape
        self._sampler = None
        self._grad = None
        if self.status == RUNNING or self.status == CONVERGED:
            loss, gnorm = self._measure(self.params)
            self.loss, self.grad_norm = loss, gnorm
            if self.status == CONVERGED and gnorm >= self.tol:
                self.status, self.status_step, self.status_reason = RUNNING, None, ""

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
        """Epochs of data seen in a stochastic mode, else None."""
        return self._sampler.epochs_done if self._sampler is not None else None

    def status_text(self) -> str:
        """'running', 'converged at step N' or 'diverged at step N'."""
        if self.status == RUNNING:
            return RUNNING
        return f"{self.status} at step {self.status_step}"

    # --- stepping ----------------------------------------------------------------------------

    def step(self, n: int = 1, on_row: Callable[[Row], None] | None = None) -> int:
        """Take up to n updates; returns how many were taken (fewer once the run stops)."""
        taken = 0
        while taken < n and self.status == RUNNING:
            if self.max_steps is not None and self.steps >= self.max_steps:
                break
            ok = self._one_step()
            taken += 1
            if ok and on_row is not None:
                on_row(Row(self.steps, self.params, self.loss, self.grad_norm, self.lr))
        return taken

    def _one_step(self) -> bool:
        """One update; False if it ended the run without a usable new state."""
        t = self.steps
        lr = self._lr_for(t)
        with np.errstate(all="ignore"):
            grad = self._step_grad(self.params)
            if self.clip_norm is not None:
                grad, _ = clip_grad_norm(grad, self.clip_norm)
            new = self.optimizer.step(self.params, grad, lr)
            step = t + 1
            self.steps = step
            if not math.isfinite(float(new @ new)):
                self._finish(DIVERGED, step, "parameters became non-finite")
                return False
            if step % self._measure_stride() and step != self.max_steps:
                self.params, self.lr = new, lr
                if float(new @ new) > self._runaway_sq:
                    self._finish(DIVERGED, step, "parameters ran away")
                return False  # not measured: no row for this step
            loss, gnorm = self._measure(new)
        if not (math.isfinite(loss) and math.isfinite(gnorm)):
            self._finish(DIVERGED, step, "the loss became non-finite")
            return False
        self.params, self.loss, self.grad_norm, self.lr = new, loss, gnorm, lr
        self.history.append(step, new, loss, gnorm, lr)
        if float(new @ new) > self._runaway_sq:
            self._finish(DIVERGED, step, "parameters ran away")
        elif gnorm < self.tol:
            self._finish(CONVERGED, step, f"|∇L| < {self.tol:g}")
        return True

    def _step_grad(self, p: np.ndarray) -> np.ndarray:
        if self.batch_size is None or not hasattr(self.landscape, "batch_grad"):
            if self._grad is None:
                self._grad = np.asarray(self.landscape.grad(p), dtype=np.float64)
            return self._grad
        if self._sampler is None:
            self._sampler = BatchSampler(
                self.landscape.n_samples, self.batch_size, self.seed  # type: ignore[attr-defined]
            )
        return self.landscape.batch_grad(p, self._sampler.next())  # type: ignore[attr-defined]

    def _measure_stride(self) -> int:
        """Measure every step, except stochastic steps on costly losses under a budget."""
        land = self.landscape
        if (self.measure_budget is None or self.batch_size is None
                or getattr(land, "loss", "mse") == "mse"):
            return 1
        return max(1, -(-land.n_samples // self.measure_budget))  # type: ignore[attr-defined]

    def _measure(self, p: np.ndarray) -> tuple[float, float]:
        """Loss and |∇L| at p; remembers ∇L(p), the next full-batch step's gradient."""
        with np.errstate(all="ignore"):
            loss = float(self.landscape.value(p))
            g = self.landscape.grad(p)
        self._grad = g
        return loss, math.sqrt(float(g @ g))

    def _lr_for(self, t: int) -> float:
        base = float(self.optimizer.hyper["lr"])
        return base if self.schedule is None else float(self.schedule.lr_at(t, base))

    @property
    def _runaway_sq(self) -> float:
        """Squared |params| beyond which the run has diverged."""
        bounds = self.landscape.bounds
        if self._runaway_cache[0] is not bounds:
            span = max(hi - lo for lo, hi in bounds)
            self._runaway_cache = (bounds, max(RUNAWAY_MIN, RUNAWAY_FACTOR * span) ** 2)
        return self._runaway_cache[1]

    def _finish(self, status: str, step: int, reason: str) -> None:
        self.status, self.status_step, self.status_reason = status, step, reason
