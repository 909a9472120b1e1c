"""Data landscapes: MSE from sufficient statistics, MAE/Huber/BCE, batch gradients."""

import re

import numpy as np
import pytest

from gdstudio.core.catalog import make_landscape
from gdstudio.core.data import Dataset
from gdstudio.core.errors import ConfigError
from gdstudio.core.fitting import DataLandscape


def _direct(loss, ds, w, b, delta=1.0):
    z = w * ds.x + b
    if loss == "bce":
        t = ds.label
        p = 1 / (1 + np.exp(-z))
        return float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))))
    r = z - ds.y
    if loss == "mse":
        return float(np.mean(r * r))
    if loss == "mae":
        return float(np.mean(np.abs(r)))
    a = np.abs(r)
    return float(np.mean(np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))))


@pytest.mark.parametrize("loss", ["mse", "mae", "huber", "bce"])
def test_value_matches_the_direct_formula(loss):
    ds = Dataset.generate(40, slope=1.2, intercept=-0.5, noise=1.0, seed=2)
    ls = DataLandscape(ds, loss)
    for w, b in [(0.0, 0.0), (1.0, -1.0), (-0.7, 2.2)]:
        assert ls.value(np.array([w, b])) == pytest.approx(_direct(loss, ds, w, b), rel=1e-10)


def test_mse_cost_does_not_depend_on_the_number_of_points():
    big = Dataset.generate(200_000, seed=0)
    ls = DataLandscape(big, "mse")
    ls._x_raw = None  # MSE must never touch the points again
    ls._y = None
    grid = np.zeros((256, 256, 2))
    assert ls.value(grid).shape == (256, 256)
    assert ls.grad(grid).shape == (256, 256, 2)


def test_mse_optimum_is_the_least_squares_line():
    ls = make_landscape("linear-mse")
    w, b = ls.minima[0]
    assert (w, b) == pytest.approx((2.03, -0.03))
    assert np.linalg.norm(ls.grad(np.array([w, b]))) < 1e-10


@pytest.mark.parametrize("loss", ["huber", "bce"])
def test_smooth_losses_find_a_stationary_optimum(loss):
    ds = Dataset.default_classes() if loss == "bce" else Dataset.generate(60, seed=4)
    ls = DataLandscape(ds, loss)
    assert np.linalg.norm(ls.grad(np.array(ls.minima[0]))) < 1e-8


def test_mae_optimum_is_no_worse_than_a_fine_grid_search():
    ls = make_landscape("linear-mae")
    w, b = np.meshgrid(np.linspace(1.5, 2.5, 401), np.linspace(-1, 1, 401), indexing="ij")
    best = ls.value(np.stack([w, b], axis=-1)).min()
    assert ls.minimum_value <= best + 1e-9


def test_separable_classes_have_no_finite_optimum():
    ds = Dataset([0.0, 1.0, 2.0, 3.0], [0, 0, 1, 1], [0, 0, 1, 1])
    assert DataLandscape(ds, "bce").minima == ()


@pytest.mark.parametrize("loss", ["mse", "mae", "huber", "bce"])
def test_batch_gradient_over_all_points_equals_the_full_gradient(loss):
    ds = Dataset.generate(30, seed=5)
    ls = DataLandscape(ds, loss)
    p = np.array([0.3, -0.2])
    assert np.allclose(ls.batch_grad(p, np.arange(30)), ls.grad(p))


def test_batch_gradient_is_the_gradient_of_the_subset():
    ds = Dataset.generate(30, seed=5)
    idx = np.array([3, 7, 11])
    sub = Dataset(ds.x[idx], ds.y[idx])
    p = np.array([1.1, 0.4])
    assert np.allclose(DataLandscape(ds).batch_grad(p, idx), DataLandscape(sub).grad(p))


def test_empty_dataset_is_flat_and_has_no_optimum():
    ls = DataLandscape(Dataset(), "mse")
    assert ls.value(np.array([1.0, 2.0])) == 0
    assert ls.minima == ()


def test_landscape_is_a_snapshot_of_the_data():
    ds = Dataset.default()
    ls = DataLandscape(ds, "mae")
    before = float(ls.value(np.zeros(2)))
    ds.add(100.0, -100.0)
    assert float(ls.value(np.zeros(2))) == before


def test_view_bounds_contain_the_optimum_and_the_start():
    ls = make_landscape("logistic-bce")
    ((w, b),) = ls.minima
    (wl, wh), (bl, bh) = ls.bounds
    assert wl < w < wh and bl < b < bh and wl < 0 < wh and bl < 0 < bh


def test_bce_needs_labels():
    with pytest.raises(ValueError, match="label"):
        make_landscape("logistic-bce", Dataset.default())


@pytest.mark.parametrize("loss", ["mse", "huber"])
def test_normalized_fit_reports_the_same_line_in_original_units(loss):
    ds = Dataset.generate(
        200, slope=3.0, intercept=-40.0, noise=2.0, seed=9, x_range=(100.0, 120.0)
    )
    mean, std = ds.stats.x_moments()
    raw = DataLandscape(ds, loss)
    norm = DataLandscape(ds, loss, x_shift=mean, x_scale=std)
    assert norm.param_names == ("w′", "b′")
    assert np.allclose(norm.to_original(np.array(norm.minima[0])), raw.minima[0], rtol=1e-6)
    if loss == "mse":
        assert np.allclose(norm.to_original(np.array(norm.minima[0])), np.polyfit(ds.x, ds.y, 1))
    p = np.array([2.5, -30.0])
    assert np.allclose(norm.to_original(norm.from_original(p)), p)
    assert norm.value(norm.from_original(p)) == pytest.approx(raw.value(p))


def test_normalization_makes_the_ravine_round():
    ds = Dataset.generate(100, x_range=(50.0, 60.0), seed=2)
    mean, std = ds.stats.x_moments()

    def condition(ls):
        h = np.empty((2, 2))
        for i in range(2):
            e = np.zeros(2)
            e[i] = 1e-3
            h[:, i] = (ls.grad(e) - ls.grad(-e)) / 2e-3
        return np.linalg.cond(h)

    assert condition(DataLandscape(ds)) > 1e4
    assert condition(DataLandscape(ds, x_shift=mean, x_scale=std)) < 1.01


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": "hinge"}, "unknown loss 'hinge'; allowed: mse, mae, huber, bce"),
        ({"loss": "huber", "delta": 0}, "huber delta must be a finite number > 0, got 0"),
        ({"loss": "huber", "delta": 10**400}, "huber delta must be a finite number > 0"),
        ({"x_scale": 10**400}, "x scale must be a finite number > 0"),
        ({"x_scale": -1.0}, "x scale must be a finite number > 0"),
        ({"x_shift": float("nan")}, "x shift must be a finite number, got nan"),
        ({"start": (float("inf"), 0.0)}, "start must be 2 finite numbers (w, b)"),
    ],
)
def test_a_bad_data_landscape_is_refused_with_a_config_error(kwargs, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        DataLandscape(Dataset.default(), **kwargs)
