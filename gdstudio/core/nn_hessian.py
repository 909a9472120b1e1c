"""Sharpness: Hessian-vector products of the network's loss and its top Hessian eigenvalue.

The product H·v is exact (to rounding): a forward-over-backward pass (Pearlmutter's
R-operator) differentiates the forward and the backward pass along v, with no finite step.
The top eigenvalue (the largest, not the largest in size) comes from power iteration on
those products.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .checks import check_int, check_real
from .nn import Architecture
from .nn_landscape import NetworkLandscape
from .nn_passes import activate

Array = NDArray[np.float64]
Deriv = Callable[[Array, Array], Array]
# f'(z) and f''(z) of each activation, from z and a = f(z).
DERIVATIVES: dict[str, tuple[Deriv, Deriv]] = {
    "tanh": (lambda z, a: 1.0 - a * a, lambda z, a: -2.0 * a * (1.0 - a * a)),
    "relu": (lambda z, a: (z > 0).astype(np.float64), lambda z, a: np.zeros_like(z)),
    "sigmoid": (lambda z, a: a * (1.0 - a), lambda z, a: a * (1.0 - a) * (1.0 - 2.0 * a)),
}


def hvp_points(arch: Architecture, p: Array, v: Array, x: Array, y: Array) -> Array:
    """H·v of the mean logistic loss over points x (n, 2) with labels y, at p (no penalty)."""
    d1, d2 = DERIVATIVES[arch.activation]
    layers, dirs = arch.layers(p), arch.layers(v)
    n = len(y)
    if n == 0:
        return np.full(arch.n_params, math.nan)
    # Forward, and its derivative along v (R{·}).
    a, ra = x, np.zeros_like(x)
    inputs, r_inputs, pre, r_pre = [], [], [], []
    z = rz = a
    for k, ((w, b), (dw, db)) in enumerate(zip(layers, dirs, strict=True)):
        inputs.append(a)
        r_inputs.append(ra)
        z = a @ w.T + b
        rz = ra @ w.T + a @ dw.T + db
        if k < arch.depth - 1:
            pre.append(z)
            r_pre.append(rz)
            a = activate(arch.activation, z)
            ra = d1(z, a) * rz
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))  # σ of the output logits (n, 1)
    delta = (s - y[:, None]) / n
    r_delta = s * (1.0 - s) * rz / n
    # Backward, and its derivative along v.
    h = np.empty(arch.n_params)
    views = arch.layers(h)
    for k in range(arch.depth - 1, -1, -1):
        (w, _), (dw, _) = layers[k], dirs[k]
        hw, hb = views[k]
        hw[...] = r_delta.T @ inputs[k] + delta.T @ r_inputs[k]
        hb[...] = np.sum(r_delta, axis=0)
        if k:
            zp, ap = pre[k - 1], inputs[k]
            err = delta @ w
            r_err = r_delta @ w + delta @ dw
            slope = d1(zp, ap)
            delta, r_delta = err * slope, r_err * slope + err * d2(zp, ap) * r_pre[k - 1]
    return h


def hvp(land: NetworkLandscape, p: Array, v: Array) -> Array:
    """H·v of the landscape's loss (training points and its L2 penalty) at p."""
    p = np.asarray(p, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    h = hvp_points(land.arch, p, v, land.train.inputs, land.train.labels)
    if land.l2:
        h += land.l2 * (v * land._weight_mask)
    return h


def _power(
    product: Callable[[Array], Array], v: Array, iters: int, rtol: float
) -> tuple[float, float, bool]:
    """(Rayleigh quotient, largest |H·v| seen, converged) of power iteration from unit v."""
    mu, top, done = 0.0, 0.0, False
    for _ in range(iters):
        w = product(v)
        size = float(np.linalg.norm(w))
        if not math.isfinite(size):
            return math.nan, math.nan, False
        top = max(top, size)
        new = float(np.dot(v, w))
        if size == 0.0:
            return 0.0, 0.0, True
        v = w / size
        done = abs(new - mu) <= rtol * abs(new)
        mu = new
        if done:
            break
    return mu, top, done


def top_hessian_eigenvalue(
    land: NetworkLandscape,
    p: Array,
    *,
    iters: int = 200,
    rtol: float = 1e-7,
    seed: int = 0,
) -> float:
    """The largest eigenvalue of the loss's Hessian at p, by power iteration on H·v.

    Power iteration finds the eigenvalue largest in size; when that one is negative (or the
    iteration does not settle, as with ±λ of equal size) it iterates again on H + ρ·I, ρ the
    largest |H·v| seen, whose top eigenvalue is the largest of H plus ρ.
    """
    iters = check_int("iters", iters, 1)
    rtol = check_real("rtol", rtol, 0.0, strict=True)
    p = np.asarray(p, dtype=np.float64)
    v = np.random.default_rng(seed).standard_normal(land.dim)
    v /= np.linalg.norm(v)
    mu, rho, done = _power(lambda u: hvp(land, p, u), v, iters, rtol)
    if (done and mu >= 0) or not math.isfinite(mu):
        return mu
    shifted, _, _ = _power(lambda u: hvp(land, p, u) + rho * u, v, iters, rtol)
    return shifted - rho
