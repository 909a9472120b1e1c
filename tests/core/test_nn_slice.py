"""The loss-landscape slice: its values against direct evaluation, filter normalization, the PCA
plane of a trajectory and the trajectory's projection onto a plane."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.datasets import make_points
from gdstudio.core.errors import ConfigError
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.nn_slice import (
    Plane,
    filter_normalize,
    losses_at,
    pca_plane,
    project,
    random_plane,
    slice_losses,
)
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run


def _landscape(hidden=(6, 5), activation="tanh", n=60, l2=0.0) -> NetworkLandscape:
    return NetworkLandscape(
        Architecture(hidden, activation), make_points("moons", n, 0.2, 1), l2=l2, seed=2
    )


def _trained(land: NetworkLandscape, steps: int = 60) -> np.ndarray:
    run = Run(land, make_optimizer("adam", lr=0.05), tol=0.0, max_steps=steps)
    run.step(steps)
    return run.history.columns()["params"].copy()


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_the_slice_at_the_origin_is_the_loss_at_theta(activation):
    land = _landscape(activation=activation, l2=0.01)
    theta = np.asarray(land.default_start)
    plane = random_plane(land.arch, theta, seed=3)
    exact = slice_losses(land, plane, np.zeros(1), np.zeros(1), dtype=np.float64)
    assert exact[0] == pytest.approx(float(land.value(theta)), rel=1e-13)
    picture = slice_losses(land, plane, np.zeros(1), np.zeros(1))
    assert picture[0] == pytest.approx(float(land.value(theta)), rel=1e-5)


def test_along_one_axis_the_slice_is_the_loss_at_theta_plus_alpha_d():
    land = _landscape(l2=0.02)
    plane = random_plane(land.arch, np.asarray(land.default_start), seed=0)
    alphas = np.linspace(-1.0, 1.0, 9)
    along = slice_losses(land, plane, alphas, np.zeros_like(alphas), dtype=np.float64)
    direct = [float(land.value(plane.origin + a * plane.d1)) for a in alphas]
    np.testing.assert_allclose(along, direct, rtol=1e-12)
    across = slice_losses(land, plane, np.zeros_like(alphas), alphas, dtype=np.float64)
    np.testing.assert_allclose(
        across, [float(land.value(plane.origin + b * plane.d2)) for b in alphas], rtol=1e-12
    )


def test_a_grid_slice_equals_the_loss_at_each_of_its_points():
    land = _landscape(hidden=(4,), activation="sigmoid")
    plane = random_plane(land.arch, np.asarray(land.default_start), seed=1)
    a, b = np.meshgrid(np.linspace(-1, 1, 7), np.linspace(-0.5, 0.5, 5))
    grid = slice_losses(land, plane, a, b, dtype=np.float64)
    assert grid.shape == (5, 7)
    direct = land.value(plane.points(a, b))
    np.testing.assert_allclose(grid, direct, rtol=1e-12)
    np.testing.assert_allclose(slice_losses(land, plane, a, b), direct, rtol=1e-5)


def test_a_network_without_hidden_layers_slices_too():
    land = _landscape(hidden=())
    p = np.asarray(land.default_start) + np.linspace(-1, 1, land.dim)
    assert losses_at(land, p[None], np.float64)[0] == pytest.approx(float(land.value(p)))


def test_filter_normalization_gives_each_row_the_norm_of_thetas_row_and_zeroes_biases():
    arch = Architecture((5, 3), "tanh")
    theta = arch.init(4)
    d = filter_normalize(arch, np.random.default_rng(0).standard_normal(arch.n_params), theta)
    got, want = arch.unflatten(d), arch.unflatten(theta)
    for k in range(1, arch.depth + 1):
        np.testing.assert_allclose(
            np.linalg.norm(got[f"W{k}"], axis=1), np.linalg.norm(want[f"W{k}"], axis=1)
        )
        assert not got[f"b{k}"].any()


def test_random_directions_are_seeded():
    arch = Architecture((4,), "relu")
    theta = arch.init(0)
    one, same, other = (random_plane(arch, theta, s) for s in (7, 7, 8))
    assert np.array_equal(one.d1, same.d1) and np.array_equal(one.d2, same.d2)
    assert not np.array_equal(one.d1, other.d1)
    assert not np.allclose(one.d1, one.d2)


def test_pca_directions_of_a_training_trajectory_are_orthonormal():
    land = _landscape()
    path = _trained(land)
    plane = pca_plane(path)
    basis = np.column_stack([plane.d1, plane.d2])
    np.testing.assert_allclose(basis.T @ basis, np.eye(2), atol=1e-12)
    assert np.array_equal(plane.origin, path[-1])
    assert plane.explained[0] >= plane.explained[1] > 0
    assert sum(plane.explained) <= 1 + 1e-12


def test_a_trajectory_that_lies_in_a_plane_projects_onto_it_exactly():
    rng = np.random.default_rng(5)
    dim = 40
    u, v = rng.standard_normal(dim), rng.standard_normal(dim)
    final = rng.standard_normal(dim)
    coords = np.column_stack([np.linspace(3, 0, 30) ** 1.5, np.sin(np.linspace(0, 4, 30))])
    coords -= coords[-1]
    path = final + coords[:, :1] * u + coords[:, 1:] * v
    plane = pca_plane(path)
    got = project(plane, path)
    np.testing.assert_allclose(plane.points(got[:, 0], got[:, 1]), path, atol=1e-10)
    assert got[-1] == pytest.approx([0.0, 0.0], abs=1e-12)


def test_the_projection_onto_random_directions_solves_for_both_coordinates():
    arch = Architecture((4, 4), "tanh")
    plane = random_plane(arch, arch.init(1), seed=2)
    coords = np.array([[0.3, -0.2], [1.0, 0.5], [-0.7, 0.9]])
    on_plane = plane.points(coords[:, 0], coords[:, 1])
    noise = np.random.default_rng(0).standard_normal(arch.n_params)
    off = on_plane + 1e-3 * _orthogonal_to(plane, noise)
    np.testing.assert_allclose(project(plane, on_plane), coords, atol=1e-12)
    np.testing.assert_allclose(project(plane, off), coords, atol=1e-12)


def test_nearly_parallel_directions_still_project_a_point_onto_the_nearest_plane_point():
    rng = np.random.default_rng(3)
    d1 = rng.standard_normal(12)
    plane = Plane(np.zeros(12), d1, d1 * (1 + 1e-9), "random")
    point = rng.standard_normal(12)
    got = project(plane, point[None, :])
    assert np.all(np.isfinite(got))
    # The nearest point of the (almost) line to `point`: its residual is orthogonal to d1.
    residual = point - plane.points(got[:, 0], got[:, 1])[0]
    assert abs(residual @ d1) < 1e-6 * np.linalg.norm(d1) * np.linalg.norm(point)


def _orthogonal_to(plane: Plane, v: np.ndarray) -> np.ndarray:
    q, _ = np.linalg.qr(np.column_stack([plane.d1, plane.d2]))
    return v - q @ (q.T @ v)


def test_a_trajectory_along_one_line_has_no_pca_plane():
    path = np.outer(np.linspace(0, 1, 10), np.ones(6))
    with pytest.raises(ConfigError, match="single line"):
        pca_plane(path)
    with pytest.raises(ConfigError, match="at least 3"):
        pca_plane(path[:2])
