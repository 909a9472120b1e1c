"""How the loss plots' series read a history each frame: only its latest row when nothing
was kept since, else the rows after those they folded in (a frame's few as Python lists,
many as arrays), else the whole history.

Numpy only. A frame's few rows are read as lists: each numpy call on a live frame's path costs
tens of microseconds when the thread wakes from a frame's idle gap (a cold CPU), where the
same call made again at once costs a few; lists keep a frame's fold to one call per history.
"""

from __future__ import annotations

import numpy as np

from ...core.history import History
from .plot_columns import Frame
from .plot_data import FOLD_AT_ONCE, Series


def latest_index(dim: int, column: str) -> int:
    """Where a history column sits in a row: (step, params..., loss, grad_norm, lr)."""
    return 1 + dim + ("loss", "grad_norm", "lr").index(column)


def follow(
    history: History, plotted: list[tuple[Series, str, Frame]], settle: bool = True
) -> list[bool]:
    """Bring each (series, column, frame) up to date with the history; which changed.

    When the history moved only its latest row, the series take that row's values (no
    arrays); otherwise they read the history's columns, from the rows they have not settled
    (settling the complete columns if `settle`).
    """
    moved = advance(history, plotted)
    if moved is not None:
        return moved
    few = lists_after(history, plotted)
    if few is not None:
        return follow_lists(history, plotted, few, settle)
    new = rows_after(history, plotted)
    if new is not None:
        return follow_rows(history, plotted, new, settle)
    cols = history.columns()
    stride = history.stride
    return [s.update(cols["step"], cols[c], stride, f, settle) for s, c, f in plotted]


def follow_rows(
    history: History, plotted: list[tuple[Series, str, Frame]], new: np.ndarray, settle: bool
) -> list[bool]:
    """follow() given the history's rows after those the series folded in (rows_after)."""
    start, steps, stride = plotted[0][0].rows, new[:, 0].astype(np.int64), history.stride
    return [
        s.update(steps, new[:, latest_index(history.dim, c)], stride, f, settle, start)
        for s, c, f in plotted
    ]


def follow_lists(
    history: History,
    plotted: list[tuple[Series, str, Frame]],
    cols: list[list[float]],
    settle: bool,
) -> list[bool]:
    """follow() given the history's rows after those the series folded in, as lists_after
    gives them (one list per history column)."""
    start, steps, stride = plotted[0][0].rows, cols[0], history.stride
    return [
        s.update(steps, cols[latest_index(history.dim, c)], stride, f, settle, start)
        for s, c, f in plotted
    ]


def advance(history: History, plotted: list[tuple[Series, str, Frame]]) -> list[bool] | None:
    """If the history moved only its latest row since the series followed it, give them that
    row (no arrays read); which changed. None if it kept rows since."""
    latest, stride = history.latest, history.stride
    if latest is None:
        return None
    step = int(latest[0])
    if not all(s.current(step, stride, f) for s, _, f in plotted):
        return None
    return [s.advance(step, float(latest[latest_index(history.dim, c)])) for s, c, _ in plotted]


def rows_after(history: History, plotted: list[tuple[Series, str, Frame]]) -> np.ndarray | None:
    """The history's rows after those every series has folded in, if they all folded in the
    same rows on the same frame and stride and the history still holds them; else None."""
    alike = _folded_alike(history, plotted)
    if alike is None:
        return None
    rows, anchor, unkept = alike
    new = history.rows_since(anchor)
    return new if len(new) == history.kept - rows + unkept else None


def lists_after(
    history: History, plotted: list[tuple[Series, str, Frame]]
) -> list[list[float]] | None:
    """rows_after() of fewer than FOLD_AT_ONCE rows (a live frame's), as one list per history
    column (History.column_lists); None where rows_after gives None or more rows (those
    fold with numpy)."""
    alike = _folded_alike(history, plotted)
    if alike is None:
        return None
    rows, anchor, unkept = alike
    count = history.kept - rows + unkept
    if count >= FOLD_AT_ONCE or history.kept_step(rows - 1) != anchor:
        return None
    cols = history.column_lists(rows)
    return cols if len(cols[0]) == count else None


def _folded_alike(
    history: History, plotted: list[tuple[Series, str, Frame]]
) -> tuple[int, int, int] | None:
    """(kept rows, the step of the last, 1 if the history's latest row is not kept else 0)
    if every series folded in the same kept rows of the history, on the same frame and
    stride, and the history still holds them; else None."""
    first = plotted[0][0]
    rows, anchor, stride, latest = first.rows, first.anchor, history.stride, history.latest
    if not rows or latest is None or history.kept < rows:
        return None
    for s, _, f in plotted:
        if s.rows != rows or s.anchor != anchor or s.stride != stride:
            return None
        if s.frame is not f and s.frame != f:
            return None
    return rows, anchor, 1 if latest[0] % stride else 0
