"""How the loss plots' series read a history each frame: only its latest row when nothing
was kept since, else the rows after those they folded in, else the whole history.

Numpy only.
"""

from __future__ import annotations

import numpy as np

from ...core.history import History
from .plot_columns import Frame
from .plot_data import Series


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
    first = plotted[0][0]
    rows, anchor, stride, latest = first.rows, first.anchor, history.stride, history.latest
    if not rows or latest is None or history.kept < rows:
        return None
    for s, _, f in plotted:
        if s.rows != rows or s.anchor != anchor or s.stride != stride:
            return None
        if s.frame is not f and s.frame != f:
            return None
    new = history.rows_since(anchor)
    unkept = 1 if latest[0] % stride else 0
    return new if len(new) == history.kept - rows + unkept else None
