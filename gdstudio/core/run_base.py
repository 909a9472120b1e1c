"""What Run and its fast path share: the status words, the runaway limit, rows, SurfaceLike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

RUNNING = "running"
CONVERGED = "converged"
DIVERGED = "diverged"
STOPPED = "stopped"  # reached max_steps; raising max_steps lets it go on
NO_DATA = "no data"  # a data landscape with zero points: nothing to fit, no step taken
STATUSES = (RUNNING, CONVERGED, DIVERGED, STOPPED, NO_DATA)
# What a run that can still step says, by whether it has stepped and is being stepped.
READY = "ready"  # at step 0, nothing stepped yet
PAUSED = "paused"  # stepped, can go on, not being stepped now
# |params| beyond max(RUNAWAY_MIN, RUNAWAY_FACTOR × view span) counts as diverged.
RUNAWAY_MIN = 1e6
RUNAWAY_FACTOR = 1e4

# Why a run ended, in the words status_reason gives.
LR_NOT_FINITE = "the learning rate became non-finite"
PARAMS_NOT_FINITE = "parameters became non-finite"
LOSS_NOT_FINITE = "the loss became non-finite"
# On a typed formula a loss that is not a number means the point is outside its domain (log of
# a negative, division by zero): the run stops as diverged, said as "left the domain at step N".
LEFT_DOMAIN = "it left the formula's domain"
RAN_AWAY = "parameters ran away"
AT_MAX_STEPS = "raise max steps to go on"


class SurfaceLike(Protocol):
    """What a run needs of a landscape (analytic or data).

    A landscape may also offer value_and_grad(p) (both in one pass, the same bits) and
    point_value_and_grad (the same on a list of floats); a run uses them when present.
    """

    @property
    def name(self) -> str: ...
    @property
    def param_names(self) -> tuple[str, ...]: ...
    @property
    def bounds(self) -> tuple[tuple[float, float], ...]: ...

    def value(self, p: NDArray[np.float64]) -> np.ndarray: ...
    def grad(self, p: NDArray[np.float64]) -> np.ndarray: ...


@dataclass(frozen=True)
class Row:
    """State after `step` updates: parameters, loss, |∇L| and the lr of that update."""

    step: int
    params: np.ndarray
    loss: float
    grad_norm: float
    lr: float
