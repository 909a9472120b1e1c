"""The sweep's engine: every racer × rate as one row of (runs × parameters) arrays.

Each step measures the landscape once for all runs and steps the runs of all optimizers with
the shared template of sweep_rules.py (sweep_step.py, written into preallocated arrays). The
steps go in blocks: each step's positions and gradients are kept, and after the block every
run is checked at every step at once, as Run checks it (the losses of a built-in formula are
computed there too, sweep_fused.py), so a run's end is found at its exact step. The runs that
ended leave the arrays then, so later blocks cost only what is still running. Each run's
arithmetic is what `Run` does alone (the same operations in the same order), so its final
loss, status and step are a lone run's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .sweep_fused import kernel_for
from .sweep_rules import COLUMNS, OWN, VARYING, Plan, Views, rank
from .sweep_step import make_step, summed_rows

Array = np.ndarray
CONVERGED_CODE, DIVERGED_CODE, STOPPED_CODE = 1, 2, 3
CHUNK = 64  # steps of the varying columns computed at once (fewer for a big sweep)
TABLE_CELLS = 2**18  # at most this many numbers per table (2 MB): 4 tables, 8 MB
BLOCK = 32  # steps between checks (fewer for a big sweep)
HISTORY_CELLS = 2**19  # at most this many numbers kept of a block's positions and gradients


def squared_tolerance(tol: float) -> float:
    """A bound above tol² (|∇L|² below it may mean |∇L| < tol; the engine then decides)."""
    if not tol > 0:
        return -1.0  # |∇L| < 0 never happens: never flag
    return max(tol * tol * (1 + 1e-9), 1e-290)


@dataclass
class Racer:
    """One optimizer's runs: its plan, how many are left and where they are among the columns."""

    plan: Plan
    count: int
    start: int = 0
    views: Views | None = None

    @property
    def rows(self) -> slice:
        """Its columns in the arrays."""
        return slice(self.start, self.start + self.count)


class SweepEngine:
    """All runs of a sweep as columns, stepped together; `run` gives each run's outcome."""

    def __init__(
        self,
        landscape: Any,
        plans: Sequence[Plan],
        rates: Array,
        start: Array,
        *,
        tol: float,
        clip_norm: float | None,
        runaway_sq: float,
    ) -> None:
        n = len(rates)
        order = sorted(range(len(plans)), key=lambda k: rank(plans[k]))
        self.racers = [Racer(plans[k], n) for k in order]
        self.ids = np.concatenate([np.arange(k * n, (k + 1) * n) for k in order])
        self.total = n * len(plans)
        self.tol, self.clip, self.runaway_sq = tol, clip_norm, runaway_sq
        dim = len(start)
        shape = (len(self.ids), dim)
        self.cols = {name: np.full(shape, fill) for name, fill in COLUMNS.items()}
        self.cols["lr"][:] = np.tile(rates, len(plans))[:, None]
        np.negative(self.cols["lr"], out=self.cols["neg_lr"])
        self.s, self.m, self.b = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.den = np.ones(shape)  # √(s/c)/e + ε, and 1 for runs without a second moment
        self._place()
        for r in self.racers:
            for name, value in r.plan.columns(rates).items():
                self.cols[name][r.rows] = np.asarray(value).reshape(-1, 1)
            self.s[r.rows] = r.plan.s0
        # x[0] the parameters, x[1] their gradients: one block, so one copy keeps both
        self.x = np.empty((2, *shape))
        self.x[0] = np.asarray(start, dtype=np.float64)[None, :]
        self.kernel_for = kernel_for(landscape)
        self.highest = np.full(len(self.ids), -np.inf)  # the loss's highest in the tail
        with np.errstate(all="ignore"):
            self.loss = np.array(self.kernel_for(shape[0], 1).both(self.x[0], self.x[1]))
        self._tables()
        self._build()

    def _place(self) -> None:
        """Each racer's first row and its views of the columns."""
        at = 0
        for r in self.racers:
            r.start = at
            at += r.count
            r.views = {name: col[r.rows] for name, col in self.cols.items()}

    def _build(self) -> None:
        """Scratch arrays, the block's history and the step function for the runs left."""
        self.new = np.empty_like(self.x)  # the next parameters and gradients
        self.work = np.empty_like(self.x)
        n, d = self.x.shape[1:]
        self.block = max(1, min(BLOCK, HISTORY_CELLS // max(1, 2 * n * d)))
        self.history = np.empty((self.block, 2, n, d))  # each step's parameters and gradients
        self.history_loss = np.empty((self.block + 1, n))  # [0] the losses before the block
        self.kernel = self.kernel_for(n, self.block)
        self.step = make_step(self)

    def _tables(self) -> None:
        """The varying columns' tables, chunk steps × runs × d, in flat arrays allocated once
        (a compaction writes the fewer runs' tables at their start)."""
        n, d = self.x.shape[1:]
        self.chunk = max(1, min(CHUNK, TABLE_CELLS // (n * d)))
        self.table_cells = {name: np.empty(self.chunk * n * d) for name in VARYING}
        self.first = -self.chunk  # the step the tables start at: none yet
        self._table_views()

    def _table_views(self) -> None:
        """The tables of the runs left, C-ordered, holding every run's column at each step
        (for a racer whose numbers stay put, its numbers) and the varying ones for the steps
        the tables are at."""
        n, d = self.x.shape[1:]
        self.tables = {
            name: flat[: self.chunk * n * d].reshape(self.chunk, n, d)
            for name, flat in self.table_cells.items()
        }
        for name, table in self.tables.items():
            np.copyto(table, self.cols[name][None])
        if self.first > 0:
            self.fill_tables(self.first)

    def fill_tables(self, t: int) -> None:
        """The varying columns for steps t .. t + chunk − 1."""
        d = self.x.shape[2]
        for r in self.racers:
            if r.count and r.plan.varying is not None and r.views is not None:
                cells = slice(r.start * d, (r.start + r.count) * d)
                out = {
                    name: table.reshape(self.chunk, -1)[:, cells]
                    for name, table in self.tables.items()
                }
                r.plan.varying(t, r.views, out)
        self.first = t

    def run(self, steps: int, tail: int) -> tuple[Array, Array, Array, Array]:
        """(final loss, status code, status step, settled loss) of every run, racer × rate.

        The settled loss is a run's highest loss from step `tail` on (a run that ended: its
        final loss).
        """
        out = (
            np.zeros(self.total),
            np.zeros(self.total, dtype=np.int8),
            np.zeros(self.total, dtype=np.int64),
        )
        with np.errstate(all="ignore"):
            done = 0
            while done < steps and len(self.ids):
                k = min(self.block, steps - done)
                slots, losses, copyto = list(self.history), list(self.history_loss), np.copyto
                for j in range(k):
                    loss = self.step(done + j + 1)
                    copyto(slots[j], self.x)
                    if loss is not None:
                        copyto(losses[j + 1], loss)
                self._check(done, k, tail, out)
                done += k
            loss_out, code_out, step_out = out
            settled = loss_out.copy()
            rows = self.ids
            loss_out[rows] = self.loss
            code_out[rows] = STOPPED_CODE
            step_out[rows] = steps
            settled[rows] = self.highest
        return loss_out, code_out, step_out, settled

    def _check(self, done: int, k: int, tail: int, out: tuple[Array, Array, Array]) -> None:
        """Check every run at each of steps done + 1 .. done + k, as Run checks each step;
        those that ended leave the arrays. A few sums first: finite and small when no run can
        have ended (then nothing else is needed: before the settled window, a landscape whose
        loss is finite wherever the parameters are bounded needs only the last step's loss)."""
        kernel, points = self.kernel, self.history[:k, 0]
        losses = self.history_loss[: k + 1]
        losses[0] = self.loss
        first = max(tail - done - 1, 0)  # the block's first step in the settled window
        later = kernel.deferred and first >= k and kernel.finite_within > 0
        if kernel.deferred and not later:
            losses[1:] = kernel.losses(points)
        ended = self._may_have_ended(k, kernel.finite_within if later else math.inf)
        if later:
            losses[1 if ended else k :] = kernel.losses(points if ended else points[k - 1 :])
        if first < k:
            np.maximum(self.highest, losses[1 + first :].max(axis=0), out=self.highest)
        self.loss = losses[k].copy()
        if not ended:
            return
        hit, at, fine, converged = self._ends(k)
        if not hit.any():
            return
        idx = np.flatnonzero(hit)
        at = at[idx]
        fine, converged = fine[at, idx], converged[at, idx]
        loss_out, code_out, step_out = out
        rows = self.ids[idx]
        loss_out[rows] = np.where(fine, losses[at + 1, idx], losses[at, idx])
        code_out[rows] = np.where(converged, CONVERGED_CODE, DIVERGED_CODE)
        step_out[rows] = done + 1 + at
        self._compact(~hit)

    def _may_have_ended(self, k: int, finite_within: float) -> bool:
        """False when no run can have ended in the block's k steps: every number finite, every
        |p|² below the limit and every |∇L|² above tol² (with room for rounding). The losses
        are known, or (finite_within < inf) finite wherever every |pᵢ| ≤ finite_within."""
        total = self.history[:k].sum()  # not BLAS (dot): no threads
        if finite_within == math.inf:
            total += self.history_loss[1 : k + 1].sum()
        if not np.isfinite(total):  # a nan or ±inf among them (or a sum too big: check them)
            return True
        d = self.history.shape[-1]
        points = self.history[:k, 0]
        largest = max(-float(points.min()), float(points.max()))
        if d * largest * largest > self.runaway_sq * (1 - 1e-9) or largest > finite_within:
            return True
        tol2 = squared_tolerance(self.tol)
        if tol2 < 0:
            return False
        grads = self.history[:k, 1]
        return bool(summed_rows(grads * grads).min() <= tol2)

    def _ends(self, k: int) -> tuple[Array, Array, Array, Array]:
        """Which runs ended in the block, the step each ended at (in the block), and per step
        and run: loss, |∇L| and parameters finite; converged. As Run decides at each step."""
        points, grads = self.history[:k, 0], self.history[:k, 1]
        sq = summed_rows(points * points)
        gn = np.sqrt(summed_rows(grads * grads))
        fine = np.isfinite(self.history_loss[1 : k + 1]) & np.isfinite(gn)
        for i in range(points.shape[-1]):  # each parameter finite (a loop: d is short)
            fine &= np.isfinite(points[..., i])
        ran_away = fine & (sq > self.runaway_sq)
        converged = fine & ~ran_away & (gn < self.tol)
        ended = ~fine | ran_away | converged
        return ended.any(axis=0), ended.argmax(axis=0), fine, converged

    def _compact(self, keep: Array) -> None:
        """Only the kept runs' columns from now on."""
        for r in self.racers:
            mine = keep[r.rows]
            if r.plan.family == OWN:
                opt = r.plan.opt
                for key, value in opt._state.items():
                    if value.ndim and value.shape[0] == r.count:
                        opt._state[key] = value[mine]
                opt._shape = None
            r.count = int(mine.sum())
        self.ids = self.ids[keep]
        self.loss, self.highest = self.loss[keep], self.highest[keep]
        self.x = np.ascontiguousarray(self.x[:, keep])
        self.s, self.m, self.b, self.den = (a[keep] for a in (self.s, self.m, self.b, self.den))
        self.cols = {name: col[keep] for name, col in self.cols.items()}
        self._place()
        self._table_views()
        self._build()
