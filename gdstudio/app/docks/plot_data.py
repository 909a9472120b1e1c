"""What a loss plot draws of one history column: peak-preserving points per pixel column (M4),
kept up to date from the rows added since the last frame, with the column's min and max.

Numpy only. A history only grows at its end (old rows change only when it is decimated or
cleared), so each frame folds the few new rows into the newest pixel column and, once a
column is complete, into the settled points; nothing is recomputed over the whole run.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np

from .plot_columns import NO_COLUMN, Column, Frame, Point, m4_curves, plottable, shows
from .plot_fold import Block, blocks
from .plot_trail import Trail

__all__ = ["Frame", "Series", "Whole", "plottable", "read_whole"]

_NO_VALUES = np.empty(0)
Values = np.ndarray | list[float]  # a history column's rows: an array, or a frame's few as a list

_GENERATIONS = itertools.count()
MAX_TAIL_COLUMNS = 64
"""Pixel columns the tail may span before its complete columns settle regardless."""
FOLD_AT_ONCE = 48
"""New rows from which folding them with numpy passes beats a Python loop."""


class Series:
    """One history column as plotted: settled M4 points, drawn once into a cached picture,
    and the tail, the newest pixel columns, redrawn every frame; with the min and max of
    what is plotted.

    The tail is a list of Column aggregates of the history's kept rows (History keeps the
    steps that are multiples of its stride; old rows change only when it decimates, which
    doubles the stride), plus the history's latest row, replaced on every step. New kept rows
    are folded in one by one; the whole history is read only when the frame, the stride or
    the history itself starts over. Complete columns settle when the caller says (`settle`, a
    few times a second, so the cached picture is redrawn rarely) or the tail grows long.
    """

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget everything (the next update reads the whole history)."""
        self.frame: Frame | None = None
        self.stride = 0
        self.rows = 0  # kept history rows folded in (settled or in the tail)
        self.anchor = -1  # step of the last of them: a restarted history no longer has it
        self.settled = Trail()  # the settled points, in step order
        self.settled_lo, self.settled_hi = math.inf, -math.inf
        self.columns: list[Column] = []  # the tail's columns (kept rows)
        self.done: list[Point] = []  # the points of the tail's complete columns (all but the last)
        self.tail_lo, self.tail_hi = math.inf, -math.inf
        self.latest: Point | None = None  # the history's latest row, when it is not kept
        self.last_step = -1
        self.revision = 0  # bumped when the settled points change
        self.generation = next(_GENERATIONS)  # new when the settled points start over (else
        # they only grow at their end)

    @property
    def lo(self) -> float:
        """Smallest plotted value (inf if none)."""
        latest = self.latest[1] if self.latest is not None else math.inf
        return min(self.settled_lo, self.tail_lo, latest)

    @property
    def hi(self) -> float:
        """Largest plotted value (-inf if none)."""
        latest = self.latest[1] if self.latest is not None else -math.inf
        return max(self.settled_hi, self.tail_hi, latest)

    def extent(self) -> tuple[float, float, float]:
        """(lo, hi, first) in one call (the range asks every frame, for every curve)."""
        lo, hi = min(self.settled_lo, self.tail_lo), max(self.settled_hi, self.tail_hi)
        if self.latest is not None:
            lo, hi = min(lo, self.latest[1]), max(hi, self.latest[1])
        return lo, hi, self.first

    @property
    def first(self) -> float:
        """The first plotted value (nan if none)."""
        if self.settled.n:
            return self.settled.first()
        if self.columns:
            return self.columns[0].first[1]
        return self.latest[1] if self.latest is not None else math.nan

    def tail_points(self) -> list[Point]:
        """The tail's (step, value) points, in step order."""
        return [*self.done, *self.newest_points()]

    def newest_points(self) -> list[Point]:
        """The tail's points after `done`: the newest column's, with the latest row."""
        latest = self.latest
        if self.columns:
            last = self.columns[-1]
            if latest is None or self.frame is None:
                return last.points()
            if self.frame.column(latest[0]) == last.index:
                return last.with_latest(latest)
            return [*last.points(), latest]
        return [latest] if latest is not None else []

    def tail(self) -> tuple[np.ndarray, np.ndarray]:
        """The tail's points as (steps, values) arrays."""
        points = self.tail_points()
        if not points:
            return _NO_VALUES, _NO_VALUES
        xy = np.array(points, dtype=np.float64)
        return xy[:, 0], xy[:, 1]

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Every plotted (step, value), in step order."""
        tx, ty = self.tail()
        return np.concatenate((self.settled.x, tx)), np.concatenate((self.settled.y, ty))

    def reads_afresh(self, frame: Frame, stride: int) -> bool:
        """True if update() with a whole history starts over, whatever the history holds
        (a new frame or stride)."""
        return stride != self.stride or (frame is not self.frame and frame != self.frame)

    def current(self, step: int, stride: int, frame: Frame) -> bool:
        """True if the history kept no row since (only its latest row moved)."""
        return (
            (frame is self.frame or frame == self.frame)
            and stride == self.stride
            and 0 <= self.last_step <= step
            and step // stride == self.last_step // stride
        )

    def advance(self, step: int, value: float) -> bool:
        """Take the history's new latest row (see `current`); True if anything changed."""
        assert self.frame is not None
        latest = (float(step), value) if shows(value, self.frame.log) else None
        if step == self.last_step and latest == self.latest:
            return False
        self.last_step, self.latest = step, latest
        return True

    def update(
        self,
        steps: Values,
        values: Values,
        stride: int,
        frame: Frame,
        settle: bool,
        start: int = 0,
        block: Block | None = None,
    ) -> bool:
        """Fold in the history's rows (its kept rows, then the latest if not kept); settle
        the complete columns if `settle`. True if anything plotted changed.

        `steps` and `values` are the history's rows from row `start` on (arrays, or lists: a
        frame's few rows, plot_reading.lists_after); a `start` above 0
        must be the rows already folded in (`self.rows`, same frame and stride); `block`, if
        given, is their new kept rows already grouped (plot_fold.blocks).
        """
        n = start + len(steps)
        restart = not start and (
            self.reads_afresh(frame, stride)
            or n < self.rows
            or (self.rows > 0 and steps[self.rows - 1] != self.anchor)
        )
        if restart:
            self.clear()
            self.frame, self.stride = frame, stride
        if not len(steps):
            return restart
        newest = (float(steps[-1]), float(values[-1]))
        kept = n - 1 if newest[0] % stride else n
        changed = restart or kept > self.rows or int(newest[0]) != self.last_step
        if kept > self.rows:
            if restart:
                self._rebuild(np.asarray(steps[:kept]), np.asarray(values[:kept]))
            else:
                new = slice(self.rows - start, kept - start)
                if block is not None:
                    self.fold_block(block)
                else:
                    self._fold(steps[new], values[new])
            self.rows, self.anchor = kept, int(steps[kept - 1 - start])
        latest = newest if kept < n and shows(newest[1], frame.log) else None
        changed = changed or latest != self.latest
        self.latest, self.last_step = latest, int(newest[0])
        if settle or restart or len(self.columns) > MAX_TAIL_COLUMNS:
            self._settle()
        return changed

    def take(
        self, block: Block, rows: int, anchor: int, step: int, value: float, settle: bool
    ) -> bool:
        """update() for new kept rows, grouped (plot_fold.blocks), that follow the rows
        folded in (same frame and stride): `rows` kept rows in all, the last at step
        `anchor`; the history's latest row is at `step` with `value`. True (they change
        what is plotted)."""
        assert self.frame is not None
        self.fold_block(block)
        self.rows, self.anchor = rows, anchor
        unkept = step % self.stride and shows(value, self.frame.log)
        self.latest, self.last_step = ((float(step), value) if unkept else None), step
        if settle or len(self.columns) > MAX_TAIL_COLUMNS:
            self._settle()
        return True

    def take_whole(
        self,
        frame: Frame,
        stride: int,
        whole: Whole,
        rows: int,
        anchor: int,
        step: int,
        value: float,
        settle: bool,
    ) -> bool:
        """update() of a whole history that starts the series over (a new frame or stride),
        its `rows` kept rows already binned (read_whole, with other curves that share their
        steps), the last at step `anchor`; the history's latest row is at `step` with `value`.
        True (it changes what is plotted)."""
        self.clear()
        self.frame, self.stride = frame, stride
        self._take_whole(whole)
        self.rows, self.anchor = rows, anchor
        unkept = step % stride and shows(value, frame.log)
        self.latest, self.last_step = ((float(step), value) if unkept else None), step
        self._settle()
        return True

    def _rebuild(self, steps: np.ndarray, values: np.ndarray) -> None:
        """Read a whole history: every column but the newest settles at once."""
        assert self.frame is not None
        ok = plottable(values, self.frame.log)
        x, y = steps[ok], values[ok]
        if len(y):
            self._take_whole(read_whole(x.astype(np.float64), y[:, None], self.frame)[0])

    def _take_whole(self, whole: Whole) -> None:
        """Hold a whole read: its settled points, and its newest column as the tail."""
        if len(whole.x):
            self.settled.replace(whole.x, whole.y)
            self.settled_lo, self.settled_hi = whole.lo, whole.hi
            self.revision += 1
        self.fold_block(whole.tail)

    def _fold(self, steps: Values, values: Values) -> None:
        """Fold kept rows into the tail's columns: many at once with numpy, a few one by one."""
        if len(steps) >= FOLD_AT_ONCE:
            self._fold_many(np.asarray(steps, dtype=np.float64), np.asarray(values))
        elif isinstance(steps, list) and isinstance(values, list):
            self._fold_few(steps, values)
        else:
            self._fold_few(np.asarray(steps).tolist(), np.asarray(values).tolist())

    def _fold_many(self, x: np.ndarray, y: np.ndarray) -> None:
        """_fold_few's result from numpy passes (plot_fold.blocks)."""
        assert self.frame is not None
        ok = plottable(y, self.frame.log)
        if not ok.all():
            x, y = x[ok], y[ok]
        if len(y):
            self.fold_block(blocks(x, y[:, None], self.frame.column_of(x))[0])

    def fold_block(self, block: Block) -> None:
        """Fold new kept rows, grouped by pixel column, into the tail's columns (the first
        group may carry on the newest column)."""
        xs, ys = block.xs, block.ys
        cols, done = self.columns, self.done
        col = cols[-1] if cols else None
        for index, i, lo, hi, j in zip(
            block.columns, block.first, block.low, block.high, block.last, strict=True
        ):
            if col is not None and col.index == index:  # only the first joins the newest
                y_lo, y_hi = ys[lo], ys[hi]
                if y_lo < col.low[1]:
                    col.low = (xs[lo], y_lo)
                if y_hi > col.high[1]:
                    col.high = (xs[hi], y_hi)
            else:
                if col is not None:
                    done.extend(col.points())
                col = Column(index, (xs[i], ys[i]))
                col.low, col.high = (xs[lo], ys[lo]), (xs[hi], ys[hi])
                cols.append(col)
            col.last = (xs[j], ys[j])
        if block.lo < self.tail_lo:
            self.tail_lo = block.lo
        if block.hi > self.tail_hi:
            self.tail_hi = block.hi

    def _fold_few(self, steps: list[float], values: list[float]) -> None:
        """Fold kept rows into the tail's columns (Frame.column, _shows and Column.fold
        inlined, with plain comparisons: this runs for every new row)."""
        assert self.frame is not None
        log, x0, scale = self.frame.log, self.frame.x0, self.frame.scale
        top = self.frame.columns - 1
        cols, done, lo, hi = self.columns, self.done, self.tail_lo, self.tail_hi
        last = cols[-1] if cols else NO_COLUMN
        index = last.index
        for x, y in zip(steps, values, strict=True):
            if not (0.0 < y < math.inf if log else -math.inf < y < math.inf):
                continue
            c = int((x - x0) * scale)
            if c < 0:
                c = 0
            elif c > top:
                c = top
            p = (float(x), y)
            if c == index:
                last.last = p
                if y < last.low[1]:
                    last.low = p
                if y > last.high[1]:
                    last.high = p
            else:
                if index >= 0:
                    done.extend(last.points())
                last, index = Column(c, p), c
                cols.append(last)
            if y < lo:
                lo = y
            if y > hi:
                hi = y
        self.tail_lo, self.tail_hi = lo, hi

    def _settle(self) -> None:
        """Move the tail's complete columns (all but the newest) to the settled points."""
        if len(self.columns) < 2:
            return
        xs, ys = [p[0] for p in self.done], [p[1] for p in self.done]
        self.columns, self.done = self.columns[-1:], []
        self.settled.extend(xs, ys)
        self.settled_lo = min(self.settled_lo, min(ys))
        self.settled_hi = max(self.settled_hi, max(ys))

        last = self.columns[0]
        self.tail_lo, self.tail_hi = last.low[1], last.high[1]
        self.revision += 1


class Whole(NamedTuple):
    """One curve's whole history read afresh on a frame: the settled M4 points of every
    pixel column but the newest, their min and max, and the newest column's rows."""

    x: np.ndarray
    y: np.ndarray
    lo: float
    hi: float
    tail: Block


def read_whole(x: np.ndarray, values: np.ndarray, frame: Frame) -> list[Whole]:
    """The Whole of each column of `values` (rows, curves), every value plottable, the rows'
    steps `x` (float, non-decreasing, at least one): one set of numpy passes for every curve
    (the runs of a race share their steps)."""
    cols = frame.column_of(x)
    split = int(np.searchsorted(cols, cols[-1]))
    tails = blocks(x[split:], values[split:], cols[split:])
    if not split:
        return [Whole(_NO_VALUES, _NO_VALUES, math.inf, -math.inf, tail) for tail in tails]
    head, settled_x = values[:split], x[:split]
    picks = m4_curves(head, cols[:split])
    lo, hi = head.min(axis=0).tolist(), head.max(axis=0).tolist()
    return [
        Whole(settled_x[pick], head[pick, j], lo[j], hi[j], tail)
        for j, (pick, tail) in enumerate(zip(picks, tails, strict=True))
    ]
