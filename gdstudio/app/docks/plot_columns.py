"""The pixel columns a loss plot bins into (Frame) and each column's first, lowest, highest
and last point (M4: m4 over arrays, Column folded one row at a time).

Numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

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
        np.minimum(cols, self.columns - 1, out=cols)
        out: np.ndarray = np.maximum(cols, 0, out=cols)
        return out

    def column(self, step: float) -> int:
        """The pixel column of one step, as column_of computes it."""
        return min(max(int((step - self.x0) * self.scale), 0), self.columns - 1)


def m4(values: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Indices of the first, lowest, highest and last point of each pixel column, in order.

    `cols` must be non-decreasing. Drawn as a polyline, these points light the same pixels as
    all the points (M4 aggregation, Jugel et al., VLDB 2014), so no peak is lost however many
    rows share a column.
    """
    return m4_curves(values[:, None], cols)[0]


def m4_curves(values: np.ndarray, cols: np.ndarray) -> list[np.ndarray]:
    """m4() of each column of `values` (rows, curves), the curves sharing their rows' pixel
    columns `cols`: one set of numpy passes for all of them."""
    n, k = values.shape
    if n < 2:
        return [np.arange(n) for _ in range(k)]
    starts = np.flatnonzero(cols[1:] != cols[:-1]) + 1
    starts = np.concatenate(([0], starts))
    ends = np.concatenate((starts[1:], [n]))
    lows = np.minimum.reduceat(values, starts, axis=0)
    highs = np.maximum.reduceat(values, starts, axis=0)
    seg = np.repeat(np.arange(len(starts)), ends - starts)
    index = np.arange(n)[:, None]
    low_at = np.minimum.reduceat(np.where(values == lows[seg], index, n), starts, axis=0)
    high_at = np.minimum.reduceat(np.where(values == highs[seg], index, n), starts, axis=0)
    edges = np.broadcast_to(np.stack([starts, ends - 1], axis=1)[:, :, None], (len(starts), 2, k))
    picked = np.concatenate((edges, low_at[:, None], high_at[:, None]), axis=1)
    picked.sort(axis=1)  # (columns, 4, curves): each column's four in row order
    flat = picked.transpose(2, 0, 1).reshape(k, -1)  # per curve, in row order
    keep = np.ones(flat.shape, dtype=bool)
    keep[:, 1:] = flat[:, 1:] != flat[:, :-1]
    return [flat[j][keep[j]] for j in range(k)]


def plottable(values: np.ndarray, log: bool) -> np.ndarray:
    """Mask of the values a plot can show: finite, and positive on a log scale."""
    ok: np.ndarray = np.isfinite(values)
    return ok & (values > 0.0) if log else ok


class Column:
    """The first, lowest, highest and last point of one pixel column's rows (M4), folded in
    one row at a time (ties keep the earliest row, as m4 does)."""

    __slots__ = ("index", "first", "low", "high", "last")

    def __init__(self, index: int, point: Point) -> None:
        self.index = index
        self.first = self.low = self.high = self.last = point

    def fold(self, point: Point) -> None:
        """Take the next row of this column."""
        self.last = point
        if point[1] < self.low[1]:
            self.low = point
        if point[1] > self.high[1]:
            self.high = point

    def points(self) -> list[Point]:
        """The M4 points, in step order, each once."""
        first, low, high, last = self.first, self.low, self.high, self.last
        a, b = (low, high) if low <= high else (high, low)  # in step order (as sorted())
        out = [first]
        if a[0] != first[0]:
            out.append(a)
        if b[0] != out[-1][0]:
            out.append(b)
        if last[0] != out[-1][0]:
            out.append(last)
        return out

    def with_latest(self, point: Point) -> list[Point]:
        """The points this column would have with one more row."""
        c = Column(self.index, self.first)
        c.low, c.high, c.last = self.low, self.high, self.last
        c.fold(point)
        return c.points()


NO_COLUMN = Column(-1, (math.nan, math.nan))
"""Stands for "no column yet" where a series folds rows."""


def shows(value: float, log: bool) -> bool:
    """True if a plot can show this value (plottable, for one value)."""
    return math.isfinite(value) and (value > 0.0 or not log)
