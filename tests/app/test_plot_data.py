"""What the loss plots compute, without a display: per-column points, ranges, tick labels."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.app.docks.plot_columns import m4
from gdstudio.app.docks.plot_data import Frame, Series
from gdstudio.app.docks.plot_ranges import (
    Extent,
    fit,
    live_step_range,
    steady_range,
    step_range,
    value_range,
)
from gdstudio.app.docks.plot_reading import follow
from gdstudio.app.docks.plot_ticks import (
    linear_ticks,
    log_axis,
    log_labels,
    log_ticks,
    step_labels,
)
from gdstudio.core.history import History


def column_extremes(x, y, frame: Frame) -> dict[int, tuple[float, float]]:
    """{pixel column: (min, max)} of the points a plot can show in that column."""
    ok = np.isfinite(y) & ((y > 0) if frame.log else True)
    cols = frame.column_of(np.asarray(x)[ok])
    out: dict[int, tuple[float, float]] = {}
    for c, v in zip(cols.tolist(), np.asarray(y)[ok].tolist(), strict=True):
        lo, hi = out.get(c, (math.inf, -math.inf))
        out[c] = (min(lo, v), max(hi, v))
    return out


def test_m4_keeps_first_lowest_highest_and_last_of_each_column():
    values = np.array([3.0, 1.0, 7.0, 2.0, 5.0, 5.0, 9.0, 4.0, 6.0, 0.5])
    cols = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    assert m4(values, cols).tolist() == [0, 1, 2, 4, 5, 6, 9]
    assert m4(np.ones(5), np.zeros(5, dtype=int)).tolist() == [0, 4]  # ties: the earliest


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(1e-6, 1e6),
            st.sampled_from([0.0, -1.0, math.nan]),  # not shown on a log axis
        ),
        min_size=1,
        max_size=400,
    ),
    chunks=st.lists(st.integers(1, 120), min_size=1, max_size=60),  # some fold with numpy
    settles=st.lists(st.booleans(), min_size=1, max_size=10),
    columns=st.integers(2, 30),
    capacity=st.sampled_from([8, 64]),
    log=st.booleans(),
)
def test_a_growing_history_plots_the_same_column_extremes_as_the_whole(
    values, chunks, settles, columns, capacity, log
):
    """Folded in a few steps at a time (decimations and all), the plotted points have, after
    every fold, in every pixel column, the min and max of the history's own rows; and the
    same points as a fresh start."""
    history = History(dim=1, capacity=capacity)  # decimates, or keeps many rows per column
    frame = Frame(0.0, float(len(values)), columns, log)
    series = Series()
    step = 0
    sizes = iter(chunks * (1 + len(values) // sum(chunks)))
    frames = 0
    while step < len(values):
        for v in values[step : step + next(sizes)]:
            history.append(step, np.array([0.0]), v, abs(v), 0.1)
            step += 1
        follow(history, [(series, "loss", frame)], settles[frames % len(settles)])
        frames += 1
        cols = history.columns()
        expected = column_extremes(cols["step"], cols["loss"], frame)
        assert column_extremes(*series.points(), frame) == expected
    fresh = Series()
    follow(history, [(fresh, "loss", frame)])
    np.testing.assert_array_equal(fresh.points(), series.points())
    if expected:
        assert series.lo == min(lo for lo, _ in expected.values())
        assert series.hi == max(hi for _, hi in expected.values())


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_the_newest_column_keeps_its_extremes_between_kept_rows(columns):
    """Many kept rows and a latest one in the newest column, the peak in the middle."""
    values = [5.0, 3.0, 9.0, 1.0, 8.0, 2.0, 7.0, 4.0] * 8
    history = History(dim=1, capacity=16)
    frame = Frame(0.0, float(len(values)), columns, log=True)
    series = Series()
    for step, v in enumerate(values):
        history.append(step, np.array([0.0]), v, v, 0.1)
        follow(history, [(series, "loss", frame)], settle=step % 5 == 0)
        cols = history.columns()
        expected = column_extremes(cols["step"], cols["loss"], frame)
        assert column_extremes(*series.points(), frame) == expected, step


def test_step_range_is_round_and_at_most_a_quarter_past_the_last_step():
    assert step_range(0) == (0.0, 10.0)
    assert step_range(800) == (0.0, 800.0)
    assert step_range(801) == (0.0, 1000.0)
    assert step_range(1001) == (0.0, 1200.0)
    assert step_range(1_000_010) == (0.0, 1_200_000.0)
    tops = {step_range(s)[1] for s in range(1000, 10_000)}
    assert len(tops) == 14  # 1000, 1200, … 10000: about a dozen moves a decade
    assert all(step_range(s)[1] <= 1.25 * s for s in range(11, 100_000, 7))


def test_a_racing_step_axis_moves_about_once_per_second_of_steps():
    """At 1,000 steps a second, from step 1,000 to 20,000: each range holds the last step,
    and it moves a few times, not ten times a decade."""
    shown, ranges = None, []
    for last in range(1000, 20_000, 10):
        shown = live_step_range(float(last), shown, ahead=1000.0)
        assert shown[0] == 0.0 and last <= shown[1] <= 2 * (last + 1000)
        if not ranges or ranges[-1] != shown:
            ranges.append(shown)
    assert 5 <= len(ranges) <= 12
    assert live_step_range(5.0, shown, ahead=1000.0) == step_range(10.0)  # a restart


def test_a_live_range_holds_while_the_data_stay_inside_it():
    """The lowest value hops about (a converged run at 1e-30): the fitted range's ends hop a
    snap unit with it, the range shown stays; data past an end move it, with room."""
    shown = (-45.25, 2.0)
    for lowest in (-31.0, -29.0, -30.5, -40.0):
        ideal, data, _ = fit([Extent(10.0**lowest, 12.5, 12.5)], log=True)
        assert steady_range(shown, ideal, True, data) == shown
    ideal, data, _ = fit([Extent(1e-50, 12.5, 12.5)], log=True)
    lo, hi = steady_range(shown, ideal, True, data)
    assert lo < ideal[0] - 10 and hi == 2.0


def test_a_runaway_curve_is_left_out_of_the_range():
    tame = [Extent(1e-3, 12.0, 12.0), Extent(0.5, 12.0, 12.0)]
    (lo, hi), away = value_range([*tame, Extent(3.0, 1e50, 12.0)], log=True)
    assert away == {2}
    assert lo <= -3 and 1.0 < hi <= 1.5  # 10^-3 … 10^1.5: the others fill the plot
    (_, hi_alone), away_alone = value_range([Extent(3.0, 1e50, 12.0)], log=True)
    assert away_alone == set() and hi_alone >= 50  # alone, it is the story


def test_an_empty_plot_has_a_plain_range():
    assert value_range([], log=True)[0] == (-1.25, 1.25)
    assert value_range([Extent(math.inf, -math.inf, math.nan)], log=False)[0] == (0.0, 1.0)


@pytest.mark.parametrize(
    "lo, hi, length",
    [(-4.0, 1.25, 300), (-1.0, 1.0, 300), (-0.5, 0.0, 300), (-0.25, 0.25, 120), (-300, 50, 250)],
)
def test_log_tick_labels_are_1_2_or_5_times_a_power_of_ten_and_spaced(lo, hi, length):
    gap = 30.0
    labelled, minor = log_ticks(lo, hi, length, gap)
    assert labelled and all(lo - 1e-9 <= v <= hi + 1e-9 for v in labelled)
    px = length / (hi - lo)
    assert all((b - a) * px >= gap for a, b in zip(labelled, labelled[1:], strict=False))
    mantissas = {round(10 ** (v - math.floor(v + 1e-9))) for v in labelled}
    assert mantissas <= {1, 2, 5, 10}
    assert not set(minor) & set(labelled)
    for text in log_labels(labelled):
        assert text.lstrip("0.").rstrip("0")[:1] in {"1", "2", "5"}


def test_log_labels_are_decimals_near_one_and_powers_beyond():
    assert log_labels([-2.0, -1.0, 0.0, 1.0]) == ["0.01", "0.1", "1", "10"]
    assert log_labels([-6.0, 0.0, 6.0]) == ["10⁻⁶", "1", "10⁶"]


def test_step_labels_shorten_big_counts():
    values, _ = linear_ticks(0.0, 1.2e6, 350, 40.0)
    assert step_labels(values) == ["0", "200k", "400k", "600k", "800k", "1M", "1.2M"]


def test_a_log_range_under_a_decade_gets_round_linear_labels():
    lo, hi = math.log10(5.6), math.log10(17.8)
    labelled, _, texts = log_axis(lo, hi, 400, 30.0)
    values = [float(t) for t in texts]
    assert len(values) >= 3 and values[0] >= 5.6 and values[-1] <= 17.8
    steps = {round(b - a, 9) for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) == 1  # evenly spaced round numbers: 6, 8, 10 …
    px = 400 / (hi - lo)
    assert all((b - a) * px >= 30.0 for a, b in zip(labelled, labelled[1:], strict=False))


@settings(max_examples=20, deadline=None)
@given(
    values=st.lists(
        st.floats(1e-3, 1e3) | st.sampled_from([1.0, 0.0, math.nan]), min_size=200, max_size=900
    ),
    block=st.integers(40, 160),
    columns=st.integers(1, 12),
)
def test_many_new_rows_at_once_fold_like_a_fresh_read(values, block, columns):
    """Blocks of many rows (folded at once) that carry on the newest pixel column, with its
    new lows and highs, plot what reading the whole history plots."""
    history = History(dim=1, capacity=1024)
    frame = Frame(0.0, 1000.0, columns, log=True)
    series = Series()
    for start in range(0, len(values), block):
        for step, v in enumerate(values[start : start + block], start):
            history.append(step, np.array([0.0]), v, v, 0.1)
        follow(history, [(series, "loss", frame)], settle=False)
        fresh = Series()
        follow(history, [(fresh, "loss", frame)], settle=False)
        np.testing.assert_array_equal(fresh.points(), series.points())
        assert (fresh.lo, fresh.hi) == (series.lo, series.hi)
