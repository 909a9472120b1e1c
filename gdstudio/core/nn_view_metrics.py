"""Train and validation loss and accuracy along a run, for the network lesson's curves.

MetricsTrack follows one run's history: each update evaluates the rows it has not seen (at
most `budget` of them, evenly spread, so a long stretch between updates costs no more than a
short one) in batched forward passes over the training and validation points (float32 by
default: curves), its training loss the run's own where the run measured it.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike, NDArray

from .checks import check_int
from .history import History
from .nn_landscape import NetworkLandscape
from .nn_passes import bce_terms
from .nn_slice import logit_batches

Array = NDArray[np.float64]
MAX_ROWS = 4096  # kept per run; beyond, every other row is dropped
COLUMNS = ("step", "train_loss", "val_loss", "train_acc", "val_acc")


def metrics_at(land: NetworkLandscape, params: Array, dtype: DTypeLike = np.float64) -> Array:
    """(train_loss, val_loss, train_acc, val_acc) at each row of params (G, d), (G, 4).

    Losses include the landscape's L2 penalty, as NetworkLandscape.evaluate reports them;
    a set without points gives nan. The passes run in `dtype` (float32: four times cheaper
    tanh, losses to about 1e-6 relative), the means are taken in float64.
    """
    ps = np.asarray(params, dtype=np.float64).reshape(-1, land.dim)
    out = np.full((len(ps), 4), np.nan)
    for col, points in ((0, land.train), (1, land.validation)):
        if not len(points):
            continue
        y = points.labels
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            for rows, z in logit_batches(land.arch, ps, points.inputs, dtype):
                out[rows, col] = np.mean(
                    bce_terms(z, y.astype(z.dtype))[0], axis=-1, dtype=np.float64
                )
                out[rows, col + 2] = np.mean((z > 0) == (y > 0.5), axis=-1)
    if land.l2:
        for block in land.arch.blocks[::2]:
            w = ps[:, block.start : block.stop]
            out[:, :2] += 0.5 * land.l2 * np.einsum("gd,gd->g", w, w)[:, None]
    return out


class MetricsTrack:
    """The metrics of one run at the steps seen so far: rows of COLUMNS, bounded by thinning."""

    def __init__(
        self,
        land: NetworkLandscape,
        history: History,
        budget: int = 32,
        dtype: DTypeLike = np.float32,
    ) -> None:
        self.land = land
        self.history = history
        self.budget = check_int("budget", budget, 1)
        self.dtype = dtype
        self._rows: list[Array] = []
        self._last = -math.inf

    def update(self) -> int:
        """Evaluate the history's rows since the last update (at most `budget`); how many."""
        latest = self.history.latest
        if latest is None or latest[0] < self._last:  # reset: the run starts over
            self.clear()
        new = self.history.rows_since(self._last)
        if not len(new):
            return 0
        if len(new) > self.budget:
            pick = np.unique(np.linspace(0, len(new) - 1, self.budget).round().astype(np.intp))
            new = new[pick]
        dim = self.land.dim
        block = np.empty((len(new), len(COLUMNS)))
        block[:, 0] = new[:, 0]
        block[:, 1:] = metrics_at(self.land, new[:, 1 : 1 + dim], self.dtype)
        # The run's own training loss where it measured one: the number the plots show.
        measured = new[:, 1 + dim]
        block[:, 1] = np.where(np.isfinite(measured), measured, block[:, 1])
        self._rows.append(block)
        self._last = float(new[-1, 0])
        if sum(len(r) for r in self._rows) > MAX_ROWS:  # every other row, the first kept
            rows = np.concatenate(self._rows)
            self._rows = [np.concatenate([rows[:1], rows[2::2]])]
        return len(new)

    def clear(self) -> None:
        """Forget every row (the run was reset)."""
        self._rows.clear()
        self._last = -math.inf

    def columns(self) -> dict[str, Array]:
        """The rows as named columns, each (m,)."""
        rows = np.concatenate(self._rows) if self._rows else np.empty((0, len(COLUMNS)))
        return {name: rows[:, k] for k, name in enumerate(COLUMNS)}
