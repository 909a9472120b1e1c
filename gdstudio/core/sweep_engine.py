"""The sweep's engine: every racer × rate as one row of (runs × parameters) arrays.

Each step measures the landscape once for all runs, steps the runs of all optimizers with the
shared template of sweep_rules.py (sweep_step.py, written into preallocated arrays) and checks
every run with a few sums. A run that converges or diverges leaves the arrays at once, so
later steps cost only what is still running. Each run's arithmetic is what `Run` does alone
(the same operations in the same order), so its final loss, status and step are a lone run's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .landscape_math import FORMULAS
from .landscapes import ANALYTIC
from .sweep_rules import COLUMNS, OWN, VARYING, Plan, Views, rank
from .sweep_step import make_step, squared_tolerance, summed_rows

Array = np.ndarray
CONVERGED_CODE, DIVERGED_CODE, STOPPED_CODE = 1, 2, 3
CHUNK = 64  # steps of the varying columns computed at once (fewer for a big sweep)
TABLE_CELLS = 2**18  # at most this many numbers per table (2 MB): 8 tables, 16 MB
Measure = Callable[[Array, Array], Array]  # (points (n, d), gradient out (n, d)) -> losses (n,)


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
        # x[0] the parameters, x[1] their gradients: one block, so both square in one pass
        self.x = np.empty((2, *shape))
        self.x[0] = np.asarray(start, dtype=np.float64)[None, :]
        self.measure = _measurer(landscape)
        self.loss2 = np.empty(0)  # the losses of a step not yet taken (see step())
        self.highest = np.full(len(self.ids), -np.inf)  # the loss's highest in the tail
        with np.errstate(all="ignore"):
            self.loss = self.measure(self.x[0], self.x[1])
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
        """Scratch arrays and the step function for the runs left."""
        self.new = np.empty_like(self.x)  # the next parameters and gradients
        self.work = np.empty_like(self.x)
        self.sq, self.gg, self.probe, self.z = (np.empty(self.x.shape[1]) for _ in range(4))
        self.step = make_step(self)

    def _tables(self) -> None:
        """The varying columns' tables, chunk steps × runs × d, in two sets of flat arrays
        written once now (their memory ready), so a compaction copies into the other set."""
        n, d = self.x.shape[1:]
        self.chunk = max(1, min(CHUNK, TABLE_CELLS // (n * d)))
        size = self.chunk * n * d
        self.table_sets = [{name: np.full(size, 1.0) for name in VARYING} for _ in range(2)]
        self.table_set = 0  # which set holds the tables in use
        self.tables = self._table_views(0, n)
        for name, table in self.tables.items():  # the rows of racers whose numbers stay put
            np.copyto(table, self.cols[name][None])
        self.first = -self.chunk  # the step the tables start at: none yet

    def _table_views(self, which: int, n: int) -> dict[str, Array]:
        """Set `which` as C-ordered tables of n runs."""
        d = self.x.shape[2]
        return {
            name: flat[: self.chunk * n * d].reshape(self.chunk, n, d)
            for name, flat in self.table_sets[which].items()
        }

    def fill_tables(self, t: int) -> None:
        """The varying columns for steps t .. t + chunk − 1."""
        ts = list(range(t, t + self.chunk))
        d = self.x.shape[2]
        for r in self.racers:
            if r.count and r.plan.varying is not None and r.views is not None:
                cells = slice(r.start * d, (r.start + r.count) * d)
                for name, value in r.plan.varying(ts, r.views).items():
                    self.tables[name].reshape(self.chunk, -1)[:, cells] = value
        self.first = t

    def run(self, steps: int, tail: int) -> tuple[Array, Array, Array, Array]:
        """(final loss, status code, status step, settled loss) of every run, racer × rate.

        The settled loss is a run's highest loss from step `tail` on (a run that ended: its
        final loss).
        """
        loss_out = np.zeros(self.total)
        code_out = np.zeros(self.total, dtype=np.int8)
        step_out = np.zeros(self.total, dtype=np.int64)
        with np.errstate(all="ignore"):
            for t in range(1, steps + 1):
                loss2 = self.step(t)
                if loss2 is None:  # some run ended at this step
                    self._settle(t, loss_out, code_out, step_out)
                    if not len(self.ids):
                        break
                if t >= tail:
                    np.maximum(self.highest, self.loss, out=self.highest)
            settled = loss_out.copy()
            rows = self.ids
            loss_out[rows] = self.loss
            code_out[rows] = STOPPED_CODE
            step_out[rows] = steps
            settled[rows] = self.highest
        return loss_out, code_out, step_out, settled

    def _settle(self, t: int, loss_out: Array, code_out: Array, step_out: Array) -> None:
        """Record the runs that ended at step t (as Run decides); the rest take the step."""
        loss2 = self.loss2
        self._probe(loss2)
        idx = np.flatnonzero(~(self.probe > 0.0))
        gn = np.sqrt(self.gg[idx])
        fine = np.isfinite(loss2[idx]) & np.isfinite(gn)
        fine &= np.isfinite(self.new[0][idx]).all(axis=1)
        ran_away = fine & (self.sq[idx] > self.runaway_sq)
        converged = fine & ~ran_away & (gn < self.tol)
        ended = ~fine | ran_away | converged
        rows = self.ids[idx[ended]]
        loss_out[rows] = np.where(fine, loss2[idx], self.loss[idx])[ended]
        code_out[rows] = np.where(converged, CONVERGED_CODE, DIVERGED_CODE)[ended]
        step_out[rows] = t
        np.copyto(self.x, self.new)
        self.loss = loss2
        if ended.any():
            keep = np.ones(len(self.ids), dtype=bool)
            keep[idx[ended]] = False
            self._compact(keep)

    def _probe(self, loss2: Array) -> None:
        """Each run's |p'|² and |∇L|² (summed in order, as a run sums) and its probe: > 0 unless
        |p'|² > limit, |∇L|² is near or below tol², or the loss or |∇L|² is not finite."""
        np.multiply(self.new, self.new, out=self.work)
        np.copyto(self.sq, summed_rows(self.work[0]))
        np.copyto(self.gg, summed_rows(self.work[1]))
        np.subtract(self.runaway_sq, self.sq, out=self.probe)
        np.subtract(self.gg, squared_tolerance(self.tol), out=self.z)
        np.minimum(self.probe, self.z, out=self.probe)
        np.add(loss2, self.gg, out=self.z)
        np.subtract(self.z, self.z, out=self.z)
        np.add(self.probe, self.z, out=self.probe)

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
        self.table_set ^= 1
        spare = self._table_views(self.table_set, int(keep.sum()))
        for name, table in self.tables.items():  # into the other set's arrays: no new memory
            np.compress(keep, table, axis=1, out=spare[name])
        self.tables = spare
        self._place()
        self._build()


def _measurer(landscape: Any) -> Measure:
    """Loss at each row of points and its gradient written into `grad`, as a run measures."""
    name = getattr(landscape, "name", "")
    if ANALYTIC.get(name) is landscape:  # a built-in formula, on each coordinate's column
        both = FORMULAS[name].both

        def formula(points: Array, grad: Array) -> Array:
            value, *parts = both(*points.T, np)
            for i, part in enumerate(parts):
                grad[:, i] = part
            return _losses(value, len(points))

        return formula
    pair: Any = getattr(landscape, "value_and_grad", None)

    def general(points: Array, grad: Array) -> Array:
        if pair is not None:
            value, g = pair(points)
        else:
            value, g = landscape.value(points), landscape.grad(points)
        grad[:] = np.asarray(g, dtype=np.float64).reshape(points.shape)
        return _losses(value, len(points))

    return general


def _losses(value: Any, n: int) -> Array:
    """The losses as a float array of n."""
    if isinstance(value, np.ndarray) and value.base is None and value.shape == (n,):
        if value.dtype == np.float64:  # a new array of the formula's own: no copy
            return value
    out = np.asarray(value, dtype=np.float64).reshape(-1)
    return out if out.shape == (n,) else np.broadcast_to(out, (n,)).copy()
