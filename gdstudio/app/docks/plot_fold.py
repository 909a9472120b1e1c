"""M4 blocks: each pixel column's first, lowest, highest and last row of new rows, for many
curves at once.

Numpy only. Curves that share their steps (the loss and |∇L| of a run, and the runs of a race,
which step together) fold a frame's new rows in one set of numpy passes over a (rows, curves)
array instead of one set per curve.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np


class Block(NamedTuple):
    """One curve's new rows grouped by pixel column: per group its column, the row indices of
    its first, lowest, highest (earliest of ties) and last row, and the rows' (x, y)."""

    xs: list[float]
    ys: list[float]
    columns: list[int]
    first: list[int]
    low: Sequence[int]
    high: Sequence[int]
    last: list[int]
    lo: float
    hi: float


def blocks(x: np.ndarray, values: np.ndarray, cols: np.ndarray) -> list[Block]:
    """The Block of each column of `values` (rows, curves), every value plottable, the rows'
    steps `x` (float) falling in the non-decreasing pixel columns `cols`."""
    n = len(x)
    if cols[0] == cols[-1]:  # one column (a frame's few rows, mostly): no grouping
        return _one_column(x, values, int(cols[0]))
    if n <= FEW_ROWS:  # a frame's rows: their columns found without numpy's overhead
        c = cols.tolist()
        starts_at = [0, *(i for i in range(1, n) if c[i] != c[i - 1])]
        if len(starts_at) <= FEW_GROUPS:
            return _few_columns(x, values, [c[i] for i in starts_at], starts_at)
    starts = np.concatenate(([0], np.flatnonzero(cols[1:] != cols[:-1]) + 1))
    if len(starts) <= FEW_GROUPS:
        return _few_columns(x, values, cols[starts].tolist(), starts.tolist())

    lengths = np.diff(np.append(starts, n))
    lows = np.minimum.reduceat(values, starts, axis=0)
    highs = np.maximum.reduceat(values, starts, axis=0)
    seg = np.repeat(np.arange(len(starts)), lengths)
    index = np.arange(n)[:, None]
    low_at = np.minimum.reduceat(np.where(values == lows[seg], index, n), starts, axis=0)
    high_at = np.minimum.reduceat(np.where(values == highs[seg], index, n), starts, axis=0)
    xs, first = x.tolist(), starts.tolist()
    last, columns = (starts + lengths - 1).tolist(), cols[starts].tolist()
    ys, lo_at, hi_at = values.T.tolist(), low_at.T.tolist(), high_at.T.tolist()
    lo, hi = lows.min(axis=0).tolist(), highs.max(axis=0).tolist()
    return [
        Block(xs, ys[j], columns, first, lo_at[j], hi_at[j], last, lo[j], hi[j])
        for j in range(values.shape[1])
    ]


FEW_GROUPS = 4
FEW_ROWS = 64
"""Pixel columns up to which the rows fold group by group (four numpy calls each, over all
the curves) rather than in one set of passes over every row (a live frame spans one or two)."""


def _few_columns(
    x: np.ndarray, values: np.ndarray, columns: list[int], starts: list[int]
) -> list[Block]:
    """blocks() of rows that fall in a few pixel `columns`, starting at rows `starts`: each
    column's rows reduced at once for every curve."""
    n, width = len(x), values.shape[1]
    ends = [*starts[1:], n]
    lows, highs = [], []
    for a, b in zip(starts, ends, strict=True):
        part = values[a:b]
        lows.append([a + i for i in part.argmin(axis=0).tolist()])
        highs.append([a + i for i in part.argmax(axis=0).tolist()])
    lo_at, hi_at = list(zip(*lows, strict=True)), list(zip(*highs, strict=True))
    xs, ys = x.tolist(), values.T.tolist()
    lo, hi = values.min(axis=0).tolist(), values.max(axis=0).tolist()
    last = [e - 1 for e in ends]
    return [
        Block(xs, ys[j], columns, starts, lo_at[j], hi_at[j], last, lo[j], hi[j])
        for j in range(width)
    ]


def _one_column(x: np.ndarray, values: np.ndarray, column: int) -> list[Block]:
    """blocks() of rows that all fall in one pixel column."""
    n = len(x)
    lows, highs = values.min(axis=0), values.max(axis=0)
    lo_at, hi_at = values.argmin(axis=0).tolist(), values.argmax(axis=0).tolist()  # the first
    xs, ys, lo, hi = x.tolist(), values.T.tolist(), lows.tolist(), highs.tolist()
    first, last, columns = [0], [n - 1], [column]
    return [
        Block(xs, ys[j], columns, first, [lo_at[j]], [hi_at[j]], last, lo[j], hi[j])
        for j in range(values.shape[1])
    ]
