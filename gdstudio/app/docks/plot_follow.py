"""Following many histories at once: the runs of a race step together, so a frame's new rows
of every run share their steps and fold in one set of numpy passes (plot_fold.blocks).

Numpy only. Anything else (a history that only moved its latest row, a few new rows, runs
that no longer step together, values a plot cannot show) is followed run by run, as
plot_data.follow does; either way the series end up the same.
"""

from __future__ import annotations

import numpy as np

from ...core.history import History
from .plot_data import (
    Frame,
    Series,
    advance,
    follow,
    latest_index,
    plottable,
    rows_after,
)
from .plot_fold import blocks

Plotted = list[tuple[Series, str, Frame]]
TOGETHER_AT = 8
"""New kept rows from which the runs' curves fold together (one set of numpy passes for all
of them beats a Python loop per curve well before a single curve's numpy passes would)."""


def follow_all(items: list[tuple[History, Plotted]], settle: bool = True) -> list[list[bool]]:
    """follow() each (history, plotted) pair, settling complete columns if `settle`; which
    series changed, per pair."""
    out: list[list[bool] | None] = [None] * len(items)
    groups: dict[tuple[int, float, float, int, Frame], list[tuple[int, np.ndarray]]] = {}
    for i, (history, plotted) in enumerate(items):
        moved = advance(history, plotted) if plotted else []
        if moved is not None:
            out[i] = moved
            continue
        new = rows_after(history, plotted)
        latest = history.latest
        frames = {f for _, _, f in plotted}
        if new is None or latest is None or len(frames) != 1:
            out[i] = follow(history, plotted, settle)
            continue
        kept = len(new) - (1 if latest[0] % history.stride else 0)
        if kept < TOGETHER_AT:
            out[i] = follow(history, plotted, settle)
            continue
        key = (kept, float(new[0, 0]), float(new[kept - 1, 0]), history.stride, frames.pop())
        groups.setdefault(key, []).append((i, new))
    for key, members in groups.items():
        kept, frame = int(key[0]), key[4]
        assert isinstance(frame, Frame)
        columns = [
            new[:kept, latest_index(items[i][0].dim, c)]
            for i, new in members
            for _, c, _ in items[i][1]
        ]
        values = np.column_stack(columns)
        if not plottable(values, frame.log).all():
            for i, _ in members:
                out[i] = follow(*items[i], settle)
            continue
        x = members[0][1][:kept, 0].astype(np.float64)
        folded = iter(blocks(x, values, frame.column_of(x)))
        for i, new in members:
            history, plotted = items[i]
            steps, start = new[:, 0].astype(np.int64), plotted[0][0].rows
            out[i] = [
                s.update(
                    steps,
                    new[:, latest_index(history.dim, c)],
                    history.stride,
                    f,
                    settle,
                    start,
                    next(folded),
                )
                for s, c, f in plotted
            ]
    return [o if o is not None else [] for o in out]
