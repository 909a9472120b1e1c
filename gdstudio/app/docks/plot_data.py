"""What a loss plot draws of one history column: peak-preserving points per pixel column (M4),
kept up to date from the rows added since the last frame, with the column's min and max.

Numpy only. A history only grows at its end (old rows change only when it is decimated or
cleared), so each frame folds the few new rows into the newest pixel column and, once a
column is complete, into the settled points; nothing is recomputed over the whole run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ...core.history import History

_NO_STEPS = np.empty(0, dtype=np.int64)
_NO_VALUES = np.empty(0)

Point = tuple[float, float]


@dataclass(frozen=True)
class Frame:
    """The pixel grid a plot bins into: steps x0..x1 over `columns` pixel columns."""

    x0: float
    x1: float
    columns: int
    log: bool

    @property
    def scale(self) -> float:
        """Pixel columns per step."""
        return self.columns / max(self.x1 - self.x0, 1e-300)

    def column_of(self, steps: np.ndarray) -> np.ndarray:
        """The pixel column of each step (clipped to the plot)."""
        cols = ((steps - self.x0) * self.scale).astype(np.int64)
        return np.clip(cols, 0, self.columns - 1)

    def column(self, step: float) -> int:
        """The pixel column of one step, as column_of computes it."""
        return min(max(int((step - self.x0) * self.scale), 0), self.columns - 1)


def m4(values: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Indices of the first, lowest, highest and last point of each pixel column, in order.

    `cols` must be non-decreasing. Drawn as a polyline, these points light the same pixels as
    all the points (M4 aggregation, Jugel et al., VLDB 2014), so no peak is lost however many
    rows share a column.
    """
    n = len(cols)
    if n <= 4:
        return np.arange(n)
    starts = np.flatnonzero(cols[1:] != cols[:-1]) + 1
    starts = np.concatenate(([0], starts))
    if 4 * len(starts) >= n:  # as many points as columns × 4: keep them all
        return np.arange(n)
    ends = np.concatenate((starts[1:], [n]))
    lows = np.minimum.reduceat(values, starts)
    highs = np.maximum.reduceat(values, starts)
    seg = np.repeat(np.arange(len(starts)), ends - starts)
    index = np.arange(n)
    low_at = np.minimum.reduceat(np.where(values == lows[seg], index, n), starts)
    high_at = np.minimum.reduceat(np.where(values == highs[seg], index, n), starts)
    picked = np.sort(np.stack([starts, low_at, high_at, ends - 1], axis=1), axis=1).ravel()
    keep = np.concatenate(([True], picked[1:] != picked[:-1]))
    out: np.ndarray = picked[keep]
    return out


def plottable(values: np.ndarray, log: bool) -> np.ndarray:
    """Mask of the values a plot can show: finite, and positive on a log scale."""
    ok: np.ndarray = np.isfinite(values)
    return ok & (values > 0.0) if log else ok


def _m4_points(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """First, lowest, highest and last of a few points of one column, in order."""
    if len(points) <= 4:
        return points
    ys = [y for _, y in points]
    picked = {0, ys.index(min(ys)), ys.index(max(ys)), len(points) - 1}
    return [points[i] for i in sorted(picked)]


class Series:
    """One history column as plotted: settled M4 points of every pixel column left of the
    newest, and the newest column's points, with the min and max of what is plotted.

    The newest column holds the M4 points of its kept rows plus the history's latest row,
    which is replaced on every step; while a step adds no kept row and stays in that column,
    `advance` takes just the latest value, in plain Python.
    """

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget everything (the next update reads the whole history)."""
        self.frame: Frame | None = None
        self.stride = 0
        self.rows_settled = 0  # history rows folded into settled columns
        self.anchor = -1  # step of the last settled row: a restarted history no longer has it
        self.settled_x, self.settled_y = _NO_STEPS, _NO_VALUES
        self.settled_lo, self.settled_hi = math.inf, -math.inf
        self.kept: list[Point] = []  # M4 points of the newest column's kept rows
        self.kept_lo, self.kept_hi = math.inf, -math.inf
        self.latest: Point | None = None  # the history's latest row, when it is not kept
        self.tail: list[Point] = []  # what the newest column draws: kept and latest
        self.tail_column = -1
        self.last_step = -1
        self._seen: tuple[int, int, float] | None = None  # (rows, last step, last value)
        self.revision = 0  # bumped when the settled points change

    @property
    def lo(self) -> float:
        """Smallest plotted value (inf if none)."""
        latest = self.latest[1] if self.latest is not None else math.inf
        return min(self.settled_lo, self.kept_lo, latest)

    @property
    def hi(self) -> float:
        """Largest plotted value (-inf if none)."""
        latest = self.latest[1] if self.latest is not None else -math.inf
        return max(self.settled_hi, self.kept_hi, latest)

    @property
    def first(self) -> float:
        """The first plotted value (nan if none)."""
        if len(self.settled_y):
            return float(self.settled_y[0])
        return self.tail[0][1] if self.tail else math.nan

    @property
    def empty(self) -> bool:
        """True while nothing is plotted."""
        return not (len(self.settled_x) or self.tail)

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Every plotted (step, value), in step order."""
        tx = np.array([x for x, _ in self.tail], dtype=np.float64)
        ty = np.array([y for _, y in self.tail], dtype=np.float64)
        return np.concatenate((self.settled_x, tx)), np.concatenate((self.settled_y, ty))

    def can_advance(self, step: int, stride: int, frame: Frame) -> bool:
        """True if the history moved only its latest row, within the newest column: no row
        kept since (History keeps the steps that are multiples of its stride)."""
        return (
            frame == self.frame
            and stride == self.stride
            and self.last_step >= 0
            and step >= self.last_step
            and step // stride == self.last_step // stride
            and frame.column(step) == self.tail_column
        )

    def advance(self, step: int, value: float) -> bool:
        """Take the history's new latest row (see can_advance); True if anything changed."""
        assert self.frame is not None
        latest = (float(step), value) if _shows(value, self.frame.log) else None
        if step == self.last_step and latest == self.latest:
            return False
        self.last_step = step
        self.latest = latest
        self._join_tail()
        return True

    def update(self, steps: np.ndarray, values: np.ndarray, stride: int, frame: Frame) -> bool:
        """Fold in the history's rows (all of them: kept rows, then the latest if not kept);
        True if anything plotted changed."""
        n = len(steps)
        seen = (n, int(steps[-1]), float(values[-1])) if n else (0, -1, math.nan)
        restart = (
            frame != self.frame
            or stride != self.stride
            or n < self.rows_settled
            or (self.rows_settled > 0 and steps[self.rows_settled - 1] != self.anchor)
        )
        if not restart and seen == self._seen:
            return False
        if restart:
            self.clear()
            self.frame, self.stride = frame, stride
        self._seen = seen
        start = self.rows_settled
        x, y = steps[start:], values[start:]
        self.kept, self.kept_lo, self.kept_hi, self.latest = [], math.inf, -math.inf, None
        if not len(x):
            self.last_step, self.tail_column = -1, -1
            self._join_tail()
            return True
        cols = frame.column_of(x)
        done = int(np.searchsorted(cols, cols[-1]))  # rows of complete columns
        if done:
            self._settle(x[:done], y[:done], cols[:done], frame.log)
            self.rows_settled = start + done
            self.anchor = int(x[done - 1])
        tx, ty = x[done:], y[done:]
        self.last_step, self.tail_column = int(tx[-1]), int(cols[-1])
        if tx[-1] % stride:  # the latest row, not kept: replaced by the next step
            if _shows(float(ty[-1]), frame.log):
                self.latest = (float(tx[-1]), float(ty[-1]))
            tx, ty = tx[:-1], ty[:-1]
        ok = plottable(ty, frame.log)
        tx, ty = tx[ok], ty[ok]
        if len(ty):
            pick = m4(ty, frame.column_of(tx))
            self.kept = list(zip(tx[pick].tolist(), ty[pick].tolist(), strict=True))
            self.kept_lo, self.kept_hi = float(ty.min()), float(ty.max())
        self._join_tail()
        return True

    def _join_tail(self) -> None:
        points = self.kept if self.latest is None else [*self.kept, self.latest]
        self.tail = _m4_points(points)

    def _settle(self, x: np.ndarray, y: np.ndarray, cols: np.ndarray, log: bool) -> None:
        ok = plottable(y, log)
        if not ok.all():
            x, y, cols = x[ok], y[ok], cols[ok]
        if not len(y):
            return
        pick = m4(y, cols)
        self.settled_x = np.concatenate((self.settled_x, x[pick]))
        self.settled_y = np.concatenate((self.settled_y, y[pick]))
        self.settled_lo = min(self.settled_lo, float(y.min()))
        self.settled_hi = max(self.settled_hi, float(y.max()))
        self.revision += 1


def _shows(value: float, log: bool) -> bool:
    return math.isfinite(value) and (value > 0.0 or not log)


def latest_index(dim: int, column: str) -> int:
    """Where a history column sits in a row: (step, params..., loss, grad_norm, lr)."""
    return 1 + dim + ("loss", "grad_norm", "lr").index(column)


def follow(history: History, plotted: list[tuple[Series, str, Frame]]) -> list[bool]:
    """Bring each (series, column, frame) up to date with the history; which changed.

    When the history moved only its latest row, the series take that row's values (no
    arrays); otherwise they read the history's columns, from the rows they have not settled.
    """
    latest, stride = history.latest, history.stride
    if latest is not None:
        step = int(latest[0])
        if all(s.can_advance(step, stride, f) for s, _, f in plotted):
            return [
                s.advance(step, float(latest[latest_index(history.dim, c)])) for s, c, _ in plotted
            ]
    cols = history.columns()
    return [s.update(cols["step"], cols[c], stride, f) for s, c, f in plotted]
