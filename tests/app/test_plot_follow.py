"""Following a race's histories together plots what following each alone plots."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

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
