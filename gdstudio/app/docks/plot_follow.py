"""Following many histories at once: the runs of a race step together, so many new rows of
every run share their steps and fold in one set of numpy passes (plot_fold.blocks).

Numpy only. Anything else (a history that only moved its latest row, a live frame's few new
rows, read as lists, runs that no longer step together, values a plot cannot show, too few
new rows for the numpy passes to pay) is followed run by run, as plot_reading.follow does;
either way the series end up the same.

"""

from __future__ import annotations

import numpy as np

from ...core.history import History
from .plot_columns import Frame, plottable
from .plot_data import Series, read_whole
from .plot_fold import blocks
from .plot_reading import (
    advance,
    follow,
    follow_lists,
    follow_rows,
    latest_index,
    lists_after,
    rows_after,
)

Plotted = list[tuple[Series, str, Frame]]
TOGETHER_AT = 48
"""New kept rows × curves from which a group of runs' curves fold together (one set of numpy
passes for all of them beats a Python loop per curve well before a single curve's numpy
passes would)."""

Key = tuple[int, float, float, int, int]  # kept rows, their first and last step, stride, frame id


def follow_all(items: list[tuple[History, Plotted]], settle: bool = True) -> list[list[bool]]:
    """follow() each (history, plotted) pair, settling complete columns if `settle`; which
    series changed, per pair."""
    out: list[list[bool] | None] = [None] * len(items)
    groups: dict[Key, list[tuple[int, np.ndarray, int]]] = {}
    afresh: dict[Key, list[int]] = {}
    frames: dict[int, Frame] = {}
    for i, (history, plotted) in enumerate(items):
        moved = advance(history, plotted) if plotted else []
        if moved is not None:
            out[i] = moved
            continue
        few = lists_after(history, plotted)
        if few is not None:  # a live frame's few rows: folded as lists, run by run
            out[i] = follow_lists(history, plotted, few, settle)
            continue
        new = rows_after(history, plotted)
        latest = history.latest
        frame = plotted[0][2]
        if latest is None or any(f is not frame for _, _, f in plotted):
            out[i] = follow(history, plotted, settle)
            continue
        if new is None:
            if history.kept and all(s.reads_afresh(frame, history.stride) for s, _, _ in plotted):
                whole = (history.kept, *_ends(history), history.stride, id(frame))
                afresh.setdefault(whole, []).append(i)  # read whole, with its alikes
                frames[id(frame)] = frame
            else:
                out[i] = follow(history, plotted, settle)
            continue
        kept = len(new) - (1 if latest[0] % history.stride else 0)
        if not kept:
            out[i] = follow_rows(history, plotted, new, settle)
            continue
        key = (kept, float(new[0, 0]), float(new[kept - 1, 0]), history.stride, id(frame))
        groups.setdefault(key, []).append((i, new, kept))
        frames[id(frame)] = frame
    for key, members in groups.items():
        curves = sum(len(items[i][1]) for i, _, _ in members)
        frame = frames[key[4]]
        if key[0] * curves < TOGETHER_AT or not _fold_together(items, frame, members, settle, out):
            for i, new, _ in members:
                out[i] = follow_rows(*items[i], new, settle)
    for key, indices in afresh.items():
        if not _read_together(items, frames[key[4]], indices, settle, out):
            for i in indices:
                out[i] = follow(*items[i], settle)
    return [o if o is not None else [] for o in out]


def _ends(history: History) -> tuple[float, float]:
    """The history's first and last kept step."""
    return history.kept_step(0), history.kept_step(history.kept - 1)


def _read_together(
    items: list[tuple[History, Plotted]],
    frame: Frame,
    indices: list[int],
    settle: bool,
    out: list[list[bool] | None],
) -> bool:
    """Read the whole histories of runs that share their kept steps afresh (a new frame: the
    step axis moved or the plot was resized) in one set of numpy passes; False (nothing
    done) if some value cannot be plotted."""
    first = items[indices[0]][0]
    kept, stride = first.kept, first.stride
    columns = [items[i][0].columns() for i in indices]
    pairs = zip(columns, indices, strict=True)
    values = np.column_stack([cols[c][:kept] for cols, i in pairs for _, c, _ in items[i][1]])
    if not plottable(values, frame.log).all():
        return False
    wholes = iter(read_whole(columns[0]["step"][:kept].astype(np.float64), values, frame))
    anchor = int(first.kept_step(kept - 1))  # the runs' last kept step, alike
    for i in indices:
        history, plotted = items[i]
        assert history.latest is not None  # follow_all groups only histories with rows
        newest = history.latest.tolist()
        step = int(newest[0])
        out[i] = [
            s.take_whole(frame, stride, next(wholes), kept, anchor, step, newest[at], settle)
            for (s, _, _), at in zip(plotted, _columns_at(history.dim, plotted), strict=True)
        ]
    return True


def _fold_together(
    items: list[tuple[History, Plotted]],
    frame: Frame,
    members: list[tuple[int, np.ndarray, int]],
    settle: bool,
    out: list[list[bool] | None],
) -> bool:
    """Fold the new rows of runs that share their steps in one set of numpy passes; False
    (nothing done) if some value cannot be plotted."""
    kept = members[0][2]
    picks = {
        tuple(latest_index(items[i][0].dim, c) for _, c, _ in items[i][1]) for i, _, _ in members
    }
    if len(picks) == 1:  # the runs' rows alike: their columns in one pass
        rows = np.stack([new[:kept] for _, new, _ in members], axis=1)  # (kept, runs, row)
        values = rows[:, :, list(picks.pop())].reshape(kept, -1)
    else:
        values = np.column_stack(
            [
                new[:kept, latest_index(items[i][0].dim, c)]
                for i, new, _ in members
                for _, c, _ in items[i][1]
            ]
        )

    if not plottable(values, frame.log).all():
        return False
    x = members[0][1][:kept, 0].astype(np.float64)
    folded = iter(blocks(x, values, frame.column_of(x)))
    anchor = int(x[-1])  # the runs' last kept step, alike
    for i, new, _ in members:
        history, plotted = items[i]
        total = plotted[0][0].rows + kept
        newest = new[-1].tolist()
        step = int(newest[0])
        out[i] = [
            s.take(next(folded), total, anchor, step, newest[at], settle)
            for (s, _, _), at in zip(plotted, _columns_at(history.dim, plotted), strict=True)
        ]
    return True


def _columns_at(dim: int, plotted: Plotted) -> list[int]:
    """Where each plotted column sits in a history row."""
    return [latest_index(dim, c) for _, c, _ in plotted]
