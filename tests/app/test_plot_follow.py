"""Following a race's histories together plots what following each alone plots."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.app.docks.plot_columns import m4_curves
from gdstudio.app.docks.plot_data import Frame, Series
from gdstudio.app.docks.plot_follow import follow_all
from gdstudio.app.docks.plot_reading import follow
from gdstudio.core.history import History

VALUES = st.lists(st.floats(1e-6, 1e6), min_size=50, max_size=50)
HOLES = st.lists(st.tuples(st.integers(0, 49), st.sampled_from([0.0, math.nan])), max_size=2)


@settings(max_examples=25, deadline=None)
@given(
    runs=st.integers(1, 4),
    chunks=st.lists(st.integers(1, 160), min_size=1, max_size=12),  # many fold in one pass
    stops=st.lists(st.integers(0, 900), min_size=4, max_size=4),  # a run that stops stepping
    values=VALUES,
    holes=HOLES,  # values a log plot cannot show (folded one run at a time)
    columns=st.integers(2, 40),
    log=st.booleans(),
    capacity=st.sampled_from([64, 1024]),
)
def test_histories_followed_together_plot_what_each_followed_alone_plots(
    runs, chunks, stops, values, holes, columns, log, capacity
):
    for at, value in holes:
        values[at] = value
    frame = Frame(0.0, 1000.0, columns, log)
    histories = [History(dim=1, capacity=capacity) for _ in range(runs)]
    together = [(Series(), Series()) for _ in range(runs)]
    alone = [(Series(), Series()) for _ in range(runs)]
    step = 0
    for size in chunks:
        for _ in range(size):
            for r, history in enumerate(histories):
                if step <= stops[r] or r == 0:  # run 0 always steps
                    v = values[(step * (r + 3)) % len(values)]
                    history.append(step, np.array([0.0]), v, abs(v) + r, 0.1)
            step += 1
        plotted = [[(a, "loss", frame), (b, "grad_norm", frame)] for a, b in together]
        changed = follow_all(list(zip(histories, plotted, strict=True)))
        for history, (a, b), moved in zip(histories, alone, changed, strict=True):
            assert follow(history, [(a, "loss", frame), (b, "grad_norm", frame)]) == moved
        for pair, ref in zip(together, alone, strict=True):
            for s, r in zip(pair, ref, strict=True):
                np.testing.assert_array_equal(s.points()[0], r.points()[0])
                np.testing.assert_array_equal(s.points()[1], r.points()[1])
                assert (s.lo, s.hi) == (r.lo, r.hi)


@settings(max_examples=40, deadline=None)
@given(
    runs=st.integers(1, 4),
    chunks=st.lists(st.tuples(st.integers(1, 120), st.integers(0, 3)), min_size=1, max_size=10),
    values=VALUES,
    holes=HOLES,
    columns=st.integers(2, 40),
    log=st.booleans(),
    capacity=st.sampled_from([64, 1024]),
)
def test_histories_read_afresh_together_when_the_axis_moves_plot_what_each_read_alone_plots(
    runs, chunks, values, holes, columns, log, capacity
):
    """The step axis moves or the plot is resized between frames: each history is read
    whole on the new pixel grid, the runs that share their steps in one pass; the series
    plot what series followed one by one plot, and what a fresh read plots."""
    for at, value in holes:
        values[at] = value
    grids = [
        Frame(0.0, 1000.0, columns, log),
        Frame(0.0, 1500.0, columns, log),  # the axis grew
        Frame(0.0, 1000.0, columns + 7, log),  # the plot grew wider
        Frame(0.0, 4000.0, 2 * columns, log),
    ]
    histories = [History(dim=1, capacity=capacity) for _ in range(runs)]
    together = [(Series(), Series()) for _ in range(runs)]
    alone = [(Series(), Series()) for _ in range(runs)]
    step = 0
    for size, grid in chunks:
        frame = grids[grid]
        for _ in range(size):
            for r, history in enumerate(histories):
                v = values[(step * (r + 3)) % len(values)]
                history.append(step, np.array([0.0]), v, abs(v) + r, 0.1)
            step += 1
        plotted = [[(a, "loss", frame), (b, "grad_norm", frame)] for a, b in together]
        changed = follow_all(list(zip(histories, plotted, strict=True)), settle=size % 2 == 0)
        for history, (a, b), moved in zip(histories, alone, changed, strict=True):
            pairs = [(a, "loss", frame), (b, "grad_norm", frame)]
            assert follow(history, pairs, settle=size % 2 == 0) == moved
        for history, pair, ref in zip(histories, together, alone, strict=True):
            fresh = (Series(), Series())
            follow(history, [(fresh[0], "loss", frame), (fresh[1], "grad_norm", frame)])
            for s, r, f in zip(pair, ref, fresh, strict=True):
                np.testing.assert_array_equal(s.points(), r.points())
                np.testing.assert_array_equal(s.points(), f.points())
                assert (s.lo, s.hi) == (r.lo, r.hi) == (f.lo, f.hi)
                assert (s.rows, s.anchor, s.latest) == (r.rows, r.anchor, r.latest)


def _m4_by_hand(values: list[float], cols: list[int]) -> list[int]:
    """Each run of equal columns' first, lowest, highest and last row (the earliest of
    ties), in row order, each once."""
    out: list[int] = []
    start = 0
    for end in range(1, len(cols) + 1):
        if end == len(cols) or cols[end] != cols[start]:
            part = values[start:end]
            low = start + part.index(min(part))
            high = start + part.index(max(part))
            out.extend(sorted({start, low, high, end - 1}))
            start = end
    return out


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.lists(st.sampled_from([0.0, 1.0, 2.0, -3.5]), min_size=3, max_size=3),
        ),
        min_size=0,
        max_size=40,
    )
)
def test_m4_of_many_curves_picks_each_curves_column_extremes(data):
    """m4_curves over (rows, curves), with many ties: each curve's picks are its own M4."""
    steps = sorted(c for c, _ in data)
    values = np.array([v for _, v in data], dtype=np.float64).reshape(len(data), 3)
    cols = np.array(steps, dtype=np.int64)
    picks = m4_curves(values, cols)
    for j in range(3):
        assert picks[j].tolist() == _m4_by_hand(values[:, j].tolist(), steps)


def test_a_moved_step_axis_reads_a_race_afresh_in_one_pass(monkeypatch):
    """Eight runs racing; the step axis moves: every curve is read whole on the new grid in
    one set of numpy passes (16 curves at once), not one per curve."""
    import gdstudio.app.docks.plot_follow as plot_follow

    shapes = []
    whole = plot_follow.read_whole
    monkeypatch.setattr(
        plot_follow, "read_whole", lambda x, v, f: (shapes.append(v.shape), whole(x, v, f))[1]
    )
    histories = [History(dim=2, capacity=4096) for _ in range(8)]
    series = [(Series(), Series()) for _ in histories]
    rng = np.random.default_rng(3)
    start = 0
    for top in (1000.0, 2000.0, 3000.0):
        frame = Frame(0.0, top, 594, log=True)
        for step in range(start, int(top) - 17):
            for history in histories:
                v = float(rng.uniform(1.0, 2.0))
                history.append(step, np.array([0.0, 1.0]), v, 2 * v, 0.1)
        start = int(top) - 17
        follow_all(
            [
                (h, [(a, "loss", frame), (b, "grad_norm", frame)])
                for h, (a, b) in zip(histories, series, strict=True)
            ]
        )
    assert shapes == [(983, 16), (1983, 16), (2983, 16)]  # every kept row, every curve
    for history, (a, b) in zip(histories, series, strict=True):
        fresh = (Series(), Series())
        follow(history, [(fresh[0], "loss", frame), (fresh[1], "grad_norm", frame)])
        for s, f in zip((a, b), fresh, strict=True):
            np.testing.assert_array_equal(s.points(), f.points())


def test_a_race_stepping_together_folds_its_new_rows_in_one_pass(monkeypatch):
    """Three runs, 100 new rows each a frame: one numpy pass over all six curves."""
    import gdstudio.app.docks.plot_follow as plot_follow

    shapes = []
    passes = plot_follow.blocks
    monkeypatch.setattr(
        plot_follow, "blocks", lambda x, v, c: (shapes.append(v.shape), passes(x, v, c))[1]
    )
    frame = Frame(0.0, 1000.0, 300, log=True)
    histories = [History(dim=1, capacity=4096) for _ in range(3)]
    series = [(Series(), Series()) for _ in histories]
    rng = np.random.default_rng(1)
    for start in range(0, 600, 100):
        for step in range(start, start + 100):
            for history in histories:
                v = float(rng.uniform(1.0, 2.0))
                history.append(step, np.array([0.0]), v, v, 0.1)
        follow_all(
            [
                (h, [(a, "loss", frame), (b, "grad_norm", frame)])
                for h, (a, b) in zip(histories, series, strict=True)
            ]
        )
    assert shapes and all(shape[1] == 6 for shape in shapes)
    for history, (a, _) in zip(histories, series, strict=True):
        alone = Series()
        follow(history, [(alone, "loss", frame)])
        np.testing.assert_array_equal(alone.points()[1], a.points()[1])


def test_a_live_frames_few_rows_are_read_once_per_history_as_lists(monkeypatch):
    """A race's frame of a few steps per run reads each history once, as lists (no array per
    series, no search for where the new rows start), and plots what a fresh read plots."""
    reads = {"lists": 0, "arrays": 0}
    column_lists, rows_since = History.column_lists, History.rows_since

    def counted_lists(self, start):
        reads["lists"] += 1
        return column_lists(self, start)

    def counted_arrays(self, step):
        reads["arrays"] += 1
        return rows_since(self, step)

    monkeypatch.setattr(History, "column_lists", counted_lists)
    monkeypatch.setattr(History, "rows_since", counted_arrays)
    frame = Frame(0.0, 2000.0, 300, log=True)
    histories = [History(dim=2, capacity=4096) for _ in range(8)]
    series = [(Series(), Series()) for _ in histories]
    rng = np.random.default_rng(2)
    frames = 0
    for start in range(0, 1700, 17):  # 17 steps a frame: 1,000 steps/s at 60 frames/s
        for step in range(start, start + 17):
            for history in histories:
                v = float(rng.uniform(1.0, 2.0))
                history.append(step, np.array([0.0, 1.0]), v, 2 * v, 0.1)
        follow_all(
            [
                (h, [(a, "loss", frame), (b, "grad_norm", frame)])
                for h, (a, b) in zip(histories, series, strict=True)
            ],
            settle=frames % 4 == 0,
        )
        frames += 1
    # the first frame reads each whole history; every later one reads each history once
    assert reads == {"lists": 8 * (frames - 1), "arrays": 0}
    for history, (a, b) in zip(histories, series, strict=True):
        fresh = (Series(), Series())
        follow(history, [(fresh[0], "loss", frame), (fresh[1], "grad_norm", frame)])
        for s, f in zip((a, b), fresh, strict=True):
            np.testing.assert_array_equal(s.points(), f.points())
            assert (s.lo, s.hi) == (f.lo, f.hi)
