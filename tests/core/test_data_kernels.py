"""The fused value-and-gradient pass of the data fits equals the per-point formulas it replaced:
at single points, on whole grids (MAE from sorted points), in bounded memory."""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.data import Dataset
from gdstudio.core.data_kernels import SORTED_MIN_POINTS, TEMP_BYTES
from gdstudio.core.fitting import LOSSES, DataLandscape, _pointwise

FINITE = st.floats(-60.0, 60.0, allow_nan=False, allow_infinity=False)


def reference(ls: DataLandscape, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loss and gradient at points (..., 2) the way value() and grad() computed them before:
    the loss of every point and its derivative, then their means."""
    x, t = ls._x, ls._y
    flat = p.reshape(-1, 2)
    with np.errstate(over="ignore", invalid="ignore"):
        v, d = _pointwise(ls.loss, ls.delta, flat[:, :1] * x[None, :] + flat[:, 1:], t[None, :])
    value = v.mean(axis=1).reshape(p.shape[:-1])
    grad = np.stack([(d @ x) / len(x), d.mean(axis=1)], axis=-1).reshape(p.shape)
    return value, grad


def scale(ls: DataLandscape, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The size of the terms summed at each point: what rounding is relative to."""
    x, t = ls._x, ls._y
    flat = p.reshape(-1, 2)
    parts = np.abs(flat[:, :1] * x[None, :]) + np.abs(flat[:, 1:]) + np.abs(t)[None, :] + 1.0
    size = parts.mean(axis=1) * (parts.max(axis=1) if ls.loss == "huber" else 1.0)
    return size.reshape(p.shape[:-1]), size.reshape(p.shape[:-1]) * (1.0 + np.abs(x).max())


def kink_slack(ls: DataLandscape, p: np.ndarray) -> np.ndarray:
    """MAE's derivative jumps where a point lies on the line: a point on it to rounding may
    count as on the line, or on either side (its |x| and 1, over N, for ∂w and ∂b)."""
    if ls.loss != "mae":
        return np.zeros(p.shape)
    x, t = ls._x, ls._y
    flat = p.reshape(-1, 2)
    u = flat[:, :1] * x[None, :]
    r = u + flat[:, 1:] - t[None, :]
    near = np.abs(r) <= 1e-12 * (np.abs(u) + np.abs(flat[:, 1:]) + np.abs(t)[None, :] + 1.0)
    slack = np.stack([near @ np.abs(x), near.sum(axis=1)], axis=-1) * 2.0 / len(x)
    return slack.reshape(p.shape)


def assert_same(ls, p, value, grad) -> None:
    """Equal to 1e-12, relative to the value itself and to the size of its terms."""
    want_v, want_g = reference(ls, p)
    size_v, size_g = scale(ls, p)
    assert np.all(np.abs(value - want_v) <= 1e-12 * (np.abs(want_v) + size_v))
    tol = 1e-12 * (np.abs(want_g) + size_g[..., None]) + kink_slack(ls, p)
    assert np.all(np.abs(grad - want_g) <= tol)


@st.composite
def landscapes(draw, losses=LOSSES):
    """A data fit of 1-60 points under one of the losses, in the data's units or normalized."""
    loss = draw(st.sampled_from(losses))
    n = draw(st.integers(1, 60))
    x = np.array(draw(st.lists(FINITE, min_size=n, max_size=n)))
    y = np.array(draw(st.lists(FINITE, min_size=n, max_size=n)))
    labels = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n)))
    ds = Dataset(x, labels, labels) if loss == "bce" else Dataset(x, y)
    norm = draw(st.sampled_from([(0.0, 1.0), (float(x.mean()), float(x.std()) or 1.0)]))
    delta = draw(st.floats(0.05, 20.0))
    return DataLandscape(ds, loss, delta=delta, x_shift=norm[0], x_scale=norm[1])


@settings(max_examples=60, deadline=None)
@given(landscapes(losses=("mae", "huber", "bce")), st.tuples(FINITE, FINITE))
def test_value_and_grad_at_a_point_is_the_per_point_formula(ls, point):
    p = np.array(point) / 6.0
    value, grad = ls.value_and_grad(p)
    assert isinstance(value, float) and grad.shape == (2,)
    assert_same(ls, p, value, grad)
    assert value == ls.value(p) and np.array_equal(grad, ls.grad(p))


@settings(max_examples=40, deadline=None)
@given(landscapes(), st.integers(2, 40), st.integers(2, 40))
def test_a_grid_in_one_pass_is_the_per_point_formula(ls, nw, nb):
    (w0, w1), (b0, b1) = ls.bounds
    ws, bs = np.linspace(w0, w1, nw), np.linspace(b0, b1, nb)
    value, grad = ls.grid_value_and_grad(ws, bs)
    assert value.shape == (nb, nw) and grad.shape == (nb, nw, 2)
    grid = np.empty((nb, nw, 2))
    grid[..., 0], grid[..., 1] = ws[None, :], bs[:, None]
    if ls.loss == "mse":  # separable: a column's slope terms once, a row's intercept once
        assert np.array_equal(value, ls.value(grid)) and np.array_equal(grad, ls.grad(grid))
        return
    assert_same(ls, grid, value, grad)


@pytest.mark.parametrize("loss", ["mae", "huber", "bce"])
def test_many_points_and_a_grid_agree_with_the_formula(loss):
    ds = Dataset.generate(5_000, slope=2.0, intercept=1.0, noise=3.0, seed=1)
    if loss == "bce":
        labels = (ds.y > np.median(ds.y)).astype(float)
        ds = Dataset(ds.x, labels, labels)
    ls = DataLandscape(ds, loss, delta=0.7)
    (w0, w1), (b0, b1) = ls.bounds
    ws, bs = np.linspace(w0, w1, 21), np.linspace(b0, b1, 17)
    value, grad = ls.grid_value_and_grad(ws, bs)
    grid = np.stack(np.meshgrid(ws, bs), axis=-1)
    assert_same(ls, grid, value, grad)
    assert_same(ls, grid, *ls.value_and_grad(grid))


def test_mae_on_a_kink_counts_the_point_as_neither_side():
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.0, 10.0])
    ls = DataLandscape(Dataset(np.tile(x, 10), np.tile(y, 10)), "mae")  # enough to sort
    assert ls.n_samples >= SORTED_MIN_POINTS
    ws, bs = np.array([1.0]), np.array([0.0, 7.0])  # w = 1, b = 0 passes through three points
    value, grad = ls.grid_value_and_grad(ws, bs)
    assert value[0, 0] == pytest.approx(7.0 / 4)
    assert grad[0, 0] == pytest.approx([-3.0 / 4, -1.0 / 4])  # only (3, 10) lies off the line
    assert_same(ls, np.array([[[1.0, 0.0]], [[1.0, 7.0]]]), value, grad)


@pytest.mark.parametrize("loss", ["mae", "huber"])
def test_temporaries_stay_bounded_on_many_points(loss):
    ds = Dataset.generate(100_000, seed=3)
    ls = DataLandscape(ds, loss)
    (w0, w1), (b0, b1) = ls.bounds
    ws, bs = np.linspace(w0, w1, 24), np.linspace(b0, b1, 24)
    tracemalloc.start()
    try:
        ls.grid_value_and_grad(ws, bs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= TEMP_BYTES


def test_no_points_give_a_flat_surface():
    ls = DataLandscape(Dataset(np.array([1.0]), np.array([1.0])), "mae")
    ls.dataset.remove(0)
    empty = DataLandscape(ls.dataset, "mae")
    value, grad = empty.grid_value_and_grad(np.linspace(0, 1, 3), np.linspace(0, 1, 4))
    assert value.shape == (4, 3) and not value.any() and not grad.any()
    assert empty.value_and_grad(np.array([0.5, 0.5])) == (0.0, pytest.approx([0.0, 0.0]))
