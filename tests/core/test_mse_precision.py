"""MSE from running statistics agrees with exact rational arithmetic, far from zero too.

Every dataset is built by a random sequence of adds, moves and deletes, with x (and y) offset
by up to 10^6 and far outliers coming and going; the loss, gradient and optimum are compared
with the same quantities computed in fractions.Fraction from the points themselves.
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.data import Dataset
from gdstudio.core.fitting import DataLandscape

LOSS_RTOL = 1e-14  # relative error of the loss (a sum of squares: no cancellation to excuse)
GRAD_RTOL = 1e-14  # of the gradient, relative to Σ|2·r·x|/n and Σ|2·r|/n (its condition)
SLOPE_RTOL = 1e-13  # of the least-squares slope


def _exact_mse(xs, ys, w, b):
    w, b = Fraction(w), Fraction(b)
    pts = zip(xs, ys, strict=True)
    return sum((w * Fraction(x) + b - Fraction(y)) ** 2 for x, y in pts) / len(xs)


def _exact_grad(xs, ys, w, b):
    w, b = Fraction(w), Fraction(b)
    r = [w * Fraction(x) + b - Fraction(y) for x, y in zip(xs, ys, strict=True)]
    n = len(xs)
    gw = sum(2 * ri * Fraction(x) for ri, x in zip(r, xs, strict=True)) / n
    gb = sum(2 * ri for ri in r) / n
    # Its condition: the residuals' sizes, plus (× 1e-2, so at 1e-16 once times GRAD_RTOL: the
    # rounding of a direct sum over the points) the terms' sizes, for a gradient near zero.
    size = [abs(w * Fraction(x)) + abs(b) + abs(Fraction(y)) for x, y in zip(xs, ys, strict=True)]
    scale_w = (
        sum(
            abs(2 * ri * Fraction(x)) + 1e-2 * 2 * s * abs(Fraction(x))
            for ri, x, s in zip(r, xs, size, strict=True)
        )
        / n
    )
    scale_b = sum(abs(2 * ri) + 1e-2 * 2 * s for ri, s in zip(r, size, strict=True)) / n
    return (gw, gb), (scale_w, scale_b)


def _exact_optimum(xs, ys):
    n = len(xs)
    fx, fy = [Fraction(x) for x in xs], [Fraction(y) for y in ys]
    mx, my = sum(fx) / n, sum(fy) / n
    cxx = sum((x - mx) ** 2 for x in fx)
    if cxx == 0:
        return None
    w = sum((x - mx) * (y - my) for x, y in zip(fx, fy, strict=True)) / cxx
    return w, my - w * mx


def _loss_error_ok(got, xs, ys, w, b):
    """Within LOSS_RTOL of the exact loss, or 1e-24 of the centred data's squares.

    The floor matters only for a nearly perfect fit (the loss cancels against the spread of
    y); it does not grow with the offset of x or y from zero.
    """
    exact = _exact_mse(xs, ys, w, b)
    fx, fy = [Fraction(v) for v in xs], [Fraction(v) for v in ys]
    mx, my = sum(fx) / len(fx), sum(fy) / len(fy)
    spread = sum(
        (Fraction(w) * (x - mx)) ** 2 + (y - my) ** 2 for x, y in zip(fx, fy, strict=True)
    ) / len(xs)
    return abs(Fraction(float(got)) - exact) <= LOSS_RTOL * exact + 1e-24 * spread


def _rel(got, exact):
    exact = Fraction(exact)
    if exact == 0:
        return abs(Fraction(got))
    return abs((Fraction(got) - exact) / exact)


UNIT = st.floats(-1, 1).filter(lambda v: v == 0 or abs(v) > 1e-30)  # no underflowing squares


@st.composite
def edited_datasets(draw):
    """A Dataset built by adds, moves and deletes, and the points it must hold."""
    offset = draw(st.sampled_from([0.0, 1e3, -2e4, 1e6]))
    y_offset = draw(st.sampled_from([0.0, 5e2, 1e6]))
    spread = draw(st.sampled_from([1e-3, 1.0, 100.0]))
    slope = 5 * draw(UNIT)

    def point():
        x = offset + draw(UNIT) * spread
        if draw(st.integers(0, 9)) == 0:
            x = draw(st.sampled_from([0.0, -3e5, 2e6, 1e8]))  # a far outlier, for a while
        y = y_offset + slope * (x - offset) + draw(UNIT) * spread
        return float(x), float(y)

    initial = [point() for _ in range(draw(st.integers(0, 6)))]
    ds = Dataset([p[0] for p in initial], [p[1] for p in initial])
    pts = list(initial)
    for _ in range(draw(st.integers(0, 15))):
        kind = draw(st.sampled_from(["add", "add", "move", "remove"]))
        if kind == "add" or not pts:
            p = point()
            ds.add(*p)
            pts.append(p)
        elif kind == "move":
            i = draw(st.integers(0, len(pts) - 1))
            pts[i] = point()
            ds.move(i, *pts[i])
        else:
            i = draw(st.integers(0, len(pts) - 1))
            ds.remove(i)
            del pts[i]
    if len(pts) < 3:  # an optimum needs points; keep the set's character
        for _ in range(3 - len(pts)):
            p = point()
            ds.add(*p)
            pts.append(p)
    return ds, [p[0] for p in pts], [p[1] for p in pts]


def test_the_articles_data_moved_to_the_years_keeps_its_minimum_loss():
    ls = DataLandscape(
        Dataset([2001.0, 2002.0, 2003.0, 2004.0, 2005.0], [2.1, 3.9, 6.1, 8.0, 10.2])
    )
    w, b = ls.minima[0]
    assert w == pytest.approx(2.03, rel=1e-15)
    assert ls.minimum_value == pytest.approx(0.0086, rel=1e-14)  # was 0.0086000014
    x, y = ls.dataset.x, ls.dataset.y
    assert float(_rel(ls.minimum_value, _exact_mse(x, y, w, b))) < LOSS_RTOL


@settings(max_examples=150, deadline=None)
@given(edited_datasets(), UNIT, UNIT)
def test_loss_and_gradient_match_exact_arithmetic_after_any_edits(data, dw, db):
    ds, xs, ys = data
    ls = DataLandscape(ds)
    opt = _exact_optimum(xs, ys)
    w0, b0 = (float(opt[0]), float(opt[1])) if opt else (0.0, float(np.mean(ys)))
    # At the optimum, a little off it (the valley floor) and far from it.
    for w, b in [(w0, b0), (w0 + 1e-6 * dw, b0 + 1e-3 * db), (w0 + 3 * dw, b0 + 1e3 * db)]:
        p = np.array([w, b])
        assert _loss_error_ok(ls.value(p), xs, ys, w, b)
        (gw, gb), (sw, sb) = _exact_grad(xs, ys, w, b)
        g = ls.grad(p)
        assert abs(Fraction(float(g[0])) - gw) <= GRAD_RTOL * sw
        assert abs(Fraction(float(g[1])) - gb) <= GRAD_RTOL * sb


@settings(max_examples=150, deadline=None)
@given(edited_datasets())
def test_the_optimum_and_its_loss_match_exact_arithmetic_after_any_edits(data):
    ds, xs, ys = data
    ls = DataLandscape(ds)
    opt = _exact_optimum(xs, ys)
    if opt is None:
        assert ls.minima == ()
        return
    x_span = max(xs) - min(xs)
    if x_span <= 1e-9 * max(abs(v) for v in xs):
        return  # x equal to 9 digits: whether a line is unique is a judgement, not exact
    ((w, b),) = ls.minima
    ew, eb = opt
    assert float(_rel(w, ew)) < SLOPE_RTOL or abs(w - float(ew)) < 1e-300
    # b = ȳ − w·x̄: the rounding of w moves b by |x̄|·ulp(w), however b is computed.
    mean_x = abs(float(sum(Fraction(v) for v in xs) / len(xs)))
    assert abs(Fraction(b) - eb) <= 1e-13 * (abs(eb) + abs(ew) * mean_x + max(map(abs, ys)))
    exact_min = _exact_mse(xs, ys, ew, eb)
    assert _loss_error_ok(ls.minimum_value, xs, ys, w, b)
    at_reported = _exact_mse(xs, ys, w, b)  # the loss the marker's (w, b) really has
    # The marker's (w, b) are the optimum rounded to floats: its loss is the minimum, but for
    # what that rounding costs (far below a digit the readout shows).
    rounding = (eb * eb + ew * ew * sum(Fraction(v) ** 2 for v in xs) / len(xs)) * 2.0**-100
    assert 0 <= at_reported - exact_min <= 1e-15 * exact_min + rounding
