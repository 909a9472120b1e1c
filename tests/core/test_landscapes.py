"""Analytic landscapes: values, minima and gradients checked against finite differences."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gdstudio.core.catalog import landscape_names, make_landscape
from gdstudio.core.landscapes import ANALYTIC


def _central_diff(ls, p, h=1e-6):
    g = np.zeros_like(p)
    for i in range(len(p)):
        e = np.zeros_like(p)
        e[i] = h * max(1.0, abs(p[i]))
        g[i] = (ls.value(p + e) - ls.value(p - e)) / (2 * e[i])
    return g


@st.composite
def landscape_and_point(draw):
    name = draw(st.sampled_from(landscape_names()))
    ls = make_landscape(name)
    p = np.array([draw(st.floats(lo, hi)) for lo, hi in ls.bounds])
    if name == "linear-mae":  # |r| has no derivative where a residual is 0: stay off the kinks
        residuals = p[0] * ls.dataset.x + p[1] - ls.dataset.y
        assume(np.min(np.abs(residuals)) > 1e-3)
    return ls, p


@settings(max_examples=400, deadline=None)
@given(landscape_and_point())
def test_gradient_matches_finite_differences_over_view_bounds(case):
    ls, p = case
    g = ls.grad(p)
    fd = _central_diff(ls, p)
    scale = max(1.0, float(np.max(np.abs(g))))
    assert np.allclose(g, fd, rtol=1e-4, atol=2e-4 * scale), (ls.name, p, g, fd)


@pytest.mark.parametrize("name", landscape_names())
def test_vectorized_over_any_leading_shape(name):
    ls = make_landscape(name)
    rng = np.random.default_rng(1)
    lo = np.array([b[0] for b in ls.bounds])
    hi = np.array([b[1] for b in ls.bounds])
    pts = lo + (hi - lo) * rng.random((4, 3, ls.dim))
    v = ls.value(pts)
    g = ls.grad(pts)
    assert v.shape == (4, 3) and g.shape == (4, 3, ls.dim)
    for i in range(4):
        for j in range(3):
            assert v[i, j] == pytest.approx(float(ls.value(pts[i, j])))
            assert np.allclose(g[i, j], ls.grad(pts[i, j]))


@pytest.mark.parametrize("name", list(ANALYTIC))
def test_known_minima_are_stationary_points_inside_the_view(name):
    ls = ANALYTIC[name]
    assert ls.minima
    for m in ls.minima:
        m = np.array(m)
        assert np.linalg.norm(ls.grad(m)) < 1e-4
        assert all(lo <= c <= hi for c, (lo, hi) in zip(m, ls.bounds, strict=True))
        # a minimum, not a saddle: every nearby point is higher
        for d in np.random.default_rng(0).normal(size=(16, ls.dim)):
            assert ls.value(m + 1e-3 * d / np.linalg.norm(d)) >= ls.value(m)


@pytest.mark.parametrize("name", landscape_names())
def test_default_start_inside_bounds_and_not_at_minimum(name):
    ls = make_landscape(name)
    assert len(ls.default_start) == ls.dim == len(ls.param_names)
    for c, (lo, hi) in zip(ls.default_start, ls.bounds, strict=True):
        assert lo <= c <= hi
    assert np.linalg.norm(ls.grad(np.array(ls.default_start))) > 1e-4  # plateau: small


def test_named_values_from_the_product_brief():
    q = ANALYTIC["quadratic2d"]
    assert q.value(np.array([8.0, 6.0])) == pytest.approx(74.0)
    assert ANALYTIC["bowl1d"].value(np.array([4.0])) == 2.0
    assert ANALYTIC["rosenbrock"].value(np.array([1.0, 1.0])) == 0.0
    assert ANALYTIC["rosenbrock"].minima == ((1.0, 1.0),)


def test_two_valleys_has_a_shallow_and_a_deep_minimum():
    ls = ANALYTIC["two-valleys"]
    values = sorted(float(ls.value(np.array(m))) for m in ls.minima)
    assert len(values) == 2 and values[0] < values[1] - 0.5


def test_saddle_has_zero_gradient_but_is_not_a_minimum():
    ls = ANALYTIC["saddle"]
    o = np.zeros(2)
    assert np.linalg.norm(ls.grad(o)) == 0
    assert ls.value(np.array([0.0, 0.1])) < ls.value(o) < ls.value(np.array([0.1, 0.0]))


def test_plateau_gradient_is_tiny_far_from_the_centre():
    ls = ANALYTIC["plateau"]
    assert np.linalg.norm(ls.grad(np.array([4.5, 4.5]))) < 1e-7
    assert np.linalg.norm(ls.grad(np.array([1.0, 0.0]))) > 0.5


def test_wrong_dimension_is_refused_with_the_parameter_names():
    with pytest.raises(ValueError, match="2 coordinates"):
        ANALYTIC["rosenbrock"].value(np.zeros(3))


def test_unknown_landscape_lists_allowed_names():
    with pytest.raises(ValueError, match="allowed: bowl1d"):
        make_landscape("nope")
