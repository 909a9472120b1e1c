"""The MAE optimum is the exact least absolute deviations line, checked against brute force."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.data import Dataset
from gdstudio.core.fitting import DataLandscape
from gdstudio.core.lad import lad_line


def _brute_force(x, y):
    """The lowest Σ|r| over the lines through every pair of points with distinct x."""
    best = np.inf
    for i, j in itertools.combinations(range(len(x)), 2):
        if x[i] != x[j]:
            w = (y[j] - y[i]) / (x[j] - x[i])
            best = min(best, float(np.abs(y - y[i] - w * (x - x[i])).sum()))
    return best


def _loss(x, y, line):
    w, b = line
    return float(np.abs(y - (w * x + b)).sum())


def test_the_issues_three_points_give_the_line_through_two_of_them():
    ds = Dataset([2.2, 5.1, 2.1], [1.1, 6.4, 2.8])
    ls = DataLandscape(ds, "mae")
    ((w, b),) = ls.minima
    assert (w, b) == pytest.approx((1.2, 0.28), abs=1e-12)  # was (1.20067, 0.27661)
    assert ls.minimum_value == pytest.approx(0.6066666666666667, rel=1e-14)  # was 0.606689


def test_normalized_x_reports_the_same_line_in_original_units():
    ds = Dataset([2.2, 5.1, 2.1], [1.1, 6.4, 2.8])
    mean, std = ds.stats.x_moments()
    ls = DataLandscape(ds, "mae", x_shift=mean, x_scale=std)
    assert ls.to_original(np.array(ls.minima[0])) == pytest.approx([1.2, 0.28], abs=1e-12)
    assert ls.minimum_value == pytest.approx(0.6066666666666667, rel=1e-14)


@pytest.mark.parametrize(
    ("x", "y"),
    [([3.0], [1.0]), ([2.0, 2.0, 2.0], [1.0, 5.0, 3.0]), ([], [])],
    ids=["one point", "all x equal", "no points"],
)
def test_no_unique_line_gives_no_optimum(x, y):
    assert lad_line(np.array(x), np.array(y)) is None
    assert DataLandscape(Dataset(x, y), "mae").minima == ()


def test_two_points_give_the_line_through_both():
    assert lad_line(np.array([1.0, 3.0]), np.array([2.0, 6.0])) == pytest.approx((2.0, 0.0))


def _coordinates(kind):
    if kind == "grid":  # few distinct values: ties, duplicates, collinear triples
        return st.integers(-3, 3).map(float)
    return st.floats(-100, 100).map(lambda v: round(v, 6))  # no slopes beyond a float's range


@st.composite
def point_sets(draw):
    kind = draw(st.sampled_from(["grid", "float"]))
    n = draw(st.integers(2, 12))
    x = np.array(draw(st.lists(_coordinates(kind), min_size=n, max_size=n)))
    y = np.array(draw(st.lists(_coordinates(kind), min_size=n, max_size=n)))
    return x, y


@settings(max_examples=300, deadline=None)
@given(point_sets())
def test_the_line_is_as_good_as_the_best_through_any_two_points(pts):
    x, y = pts
    line = lad_line(x, y)
    if np.ptp(x) == 0:
        assert line is None
        return
    best = _brute_force(x, y)
    scale = float(np.abs(y).sum() + 1.0)
    assert _loss(x, y, line) <= best + 1e-12 * scale
    assert _loss(x, y, line) >= best - 1e-12 * scale  # and it is a line through two points


@settings(max_examples=60, deadline=None)
@given(point_sets(), st.floats(-1e4, 1e4), st.floats(0.01, 100))
def test_the_landscape_optimum_is_exact_in_normalized_units_too(pts, shift, scale):
    x, y = pts
    if np.ptp(x) == 0:
        return
    ls = DataLandscape(Dataset(x, y), "mae", x_shift=shift, x_scale=scale)
    best = _brute_force(x, y) / len(x)
    w, b = ls.to_original(np.array(ls.minima[0]))
    assert _loss(x, y, (w, b)) / len(x) == pytest.approx(best, rel=1e-9, abs=1e-9)
    assert ls.minimum_value == pytest.approx(best, rel=1e-9, abs=1e-9)


def test_ten_thousand_heavy_tailed_points_get_a_line_no_nearby_line_beats():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 10, 10_000)
    y = 2 * x + rng.standard_cauchy(10_000)  # heavy tails: where MAE is worth its cost
    w, b = lad_line(x, y)
    assert w == pytest.approx(2.0, abs=0.05)
    loss = _loss(x, y, (w, b))
    for dw in (-1e-3, 1e-3):
        for db in (-1e-3, 1e-3):
            assert loss <= _loss(x, y, (w + dw, b + db))
