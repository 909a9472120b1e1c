"""SliceLandscape: the slice as a 2-parameter table the views read, with the projected path."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.datasets import make_points
from gdstudio.core.errors import ConfigError
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.nn_slice import slice_losses
from gdstudio.core.nn_view import make_slice
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run


@pytest.fixture(scope="module")
def trained() -> tuple[NetworkLandscape, np.ndarray]:
    land = NetworkLandscape(Architecture((6, 6), "tanh"), make_points("moons", 80, 0.15, 3))
    run = Run(land, make_optimizer("adam", lr=0.03), tol=0.0, max_steps=150)
    run.step(150)
    return land, run.history.columns()["params"].copy()


@pytest.mark.parametrize("kind", ["random", "pca"])
def test_the_slices_nodes_are_the_loss_on_the_plane(trained, kind):
    land, path = trained
    s = make_slice(land, path, kind, n=17)
    a, b = np.meshgrid(s.alphas, s.betas, indexing="ij")
    np.testing.assert_allclose(s.values, slice_losses(land, s.plane, a, b), rtol=1e-12)
    nodes = np.stack([a, b], axis=-1)
    np.testing.assert_allclose(s.value(nodes), s.values, rtol=1e-12)
    exact = land.value(s.plane.points(a[::4, ::4], b[::4, ::4]))
    np.testing.assert_allclose(s.values[::4, ::4], exact, rtol=1e-5)


def test_a_random_slice_of_odd_size_has_the_current_loss_at_its_centre(trained):
    land, path = trained
    s = make_slice(land, path, "random", seed=4, n=33)
    assert s.bounds[0][0] <= -1.0 and s.bounds[0][1] >= 1.0
    assert s.value(np.zeros(2)) == pytest.approx(float(land.value(path[-1])), rel=1e-5)


@pytest.mark.parametrize("kind", ["random", "pca"])
def test_the_projected_trajectory_ends_at_the_origin_inside_the_bounds(trained, kind):
    land, path = trained
    s = make_slice(land, path, kind, n=9)
    assert s.trajectory.shape == (len(path), 2)
    np.testing.assert_allclose(s.trajectory[-1], 0.0, atol=1e-9)
    (a0, a1), (b0, b1) = s.bounds
    assert np.all((s.trajectory[:, 0] > a0) & (s.trajectory[:, 0] < a1))
    assert np.all((s.trajectory[:, 1] > b0) & (s.trajectory[:, 1] < b1))
    assert s.default_start == pytest.approx(tuple(s.trajectory[0]))
    heights = s.path()
    np.testing.assert_allclose(heights[:, 2], s.value(s.trajectory))


def test_the_pca_path_descends_into_the_basin_it_ends_in(trained):
    land, path = trained
    s = make_slice(land, path, "pca", n=33)
    heights = s.path()[:, 2]
    assert heights[-1] < heights[0]
    assert s.value(np.zeros(2)) < np.median(s.values)


def test_the_gradient_is_the_slope_of_the_drawn_grid(trained):
    land, path = trained
    s = make_slice(land, path, "random", n=21)
    i, j = 10, 7
    p = np.array([s.alphas[i], s.betas[j]])
    da = (s.values[i + 1, j] - s.values[i - 1, j]) / (s.alphas[i + 1] - s.alphas[i - 1])
    db = (s.values[i, j + 1] - s.values[i, j - 1]) / (s.betas[j + 1] - s.betas[j - 1])
    np.testing.assert_allclose(s.grad(p), [da, db], rtol=1e-9)


def test_the_slice_reads_as_a_two_parameter_landscape(trained):
    land, path = trained
    s = make_slice(land, path, "pca", n=9)
    assert s.dim == 2 and s.param_names == ("α", "β")
    assert s.minima == () and np.isnan(s.minimum_value)
    assert "PCA" in s.title and "%" in s.description
    assert not s.log_height


def test_a_bad_kind_or_trajectory_is_a_config_error(trained):
    land, path = trained
    with pytest.raises(ConfigError, match="allowed: random, pca"):
        make_slice(land, path, "hessian")
    with pytest.raises(ConfigError, match="steps of"):
        make_slice(land, path[:, :3], "random")
