"""Hessian-vector products (forward over backward) against a finite-difference Hessian, and
the top eigenvalue by power iteration against numpy's eigenvalues on tiny networks."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.datasets import make_points
from gdstudio.core.nn import ACTIVATIONS, Architecture
from gdstudio.core.nn_hessian import hvp, top_hessian_eigenvalue
from gdstudio.core.nn_landscape import NetworkLandscape


def _tiny(activation: str, hidden=(3, 2), l2=0.0, seed=0) -> NetworkLandscape:
    return NetworkLandscape(
        Architecture(hidden, activation), make_points("circles", 15, 0.2, seed), l2=l2
    )


def _fd_hessian(land: NetworkLandscape, p: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Central differences of the analytic gradient, column by column."""
    eye = np.eye(len(p))
    return np.array([(land.grad(p + eps * e) - land.grad(p - eps * e)) / (2 * eps) for e in eye]).T


def _hessian(land: NetworkLandscape, p: np.ndarray) -> np.ndarray:
    return np.array([hvp(land, p, e) for e in np.eye(len(p))]).T


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", [(), (3,), (3, 2), (2, 3, 2)])
def test_hvp_matches_a_finite_difference_hessian(activation, hidden):
    land = _tiny(activation, hidden, l2=0.2)
    p = land.arch.init(5) * 2.0
    exact = _hessian(land, p)
    np.testing.assert_allclose(exact, _fd_hessian(land, p), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(exact, exact.T, atol=1e-14)  # a Hessian is symmetric
    v = np.random.default_rng(1).normal(size=land.dim)
    np.testing.assert_allclose(hvp(land, p, v), exact @ v, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_top_eigenvalue_is_the_largest_of_the_hessian(activation):
    land = _tiny(activation)
    for seed in range(3):
        p = land.arch.init(seed) * 2.0
        want = np.linalg.eigvalsh(_hessian(land, p)).max()
        got = top_hessian_eigenvalue(land, p, iters=2000, rtol=1e-12)
        assert got == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_top_eigenvalue_is_the_largest_even_when_a_negative_one_is_larger_in_size():
    land = _tiny("tanh", (4,), seed=2)
    found = 0
    for seed in range(60):
        p = land.arch.init(seed) * 4.0
        eig = np.linalg.eigvalsh(_hessian(land, p))
        if -eig.min() > 1.2 * abs(eig.max()):  # plain power iteration would find eig.min()
            found += 1
            got = top_hessian_eigenvalue(land, p, iters=5000, rtol=1e-12)
            assert got == pytest.approx(eig.max(), rel=1e-5, abs=1e-8)
    assert found, "no point with a dominant negative eigenvalue: the case went untested"


def test_sharpness_grows_with_the_curvature_of_the_loss():
    land = _tiny("tanh", (4,))
    p = land.arch.init(0)
    scaled = NetworkLandscape(land.arch, land.train, l2=5.0)  # adds 5·I on every weight
    assert top_hessian_eigenvalue(scaled, p) > top_hessian_eigenvalue(land, p) + 4.0
