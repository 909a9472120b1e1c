"""The network's forward and backward passes, written out and vectorized over the points.

A pass over n points writes its layers into a Workspace of buffers made once for n and reused
by later passes: a 1,000 × 16 array is 128 kB, at the size where each new array would be
mapped and faulted in afresh, which would cost more than the arithmetic.

The loss is torch.nn.BCEWithLogitsLoss (mean): per point (1 − y)·z − log σ(z), written
as torch writes it; its gradient with respect to z is (σ(z) − y) / n.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .nn import Architecture

Array = NDArray[np.float64]


# --- activations: a = f(z) into a buffer; e ← e · f'(z) in place, from z and a ------------------


def _tanh(z: Array, a: Array, tmp: Array) -> None:
    np.tanh(z, out=a)


def _relu(z: Array, a: Array, tmp: Array) -> None:
    np.maximum(z, 0.0, out=a)


def _sigmoid(z: Array, a: Array, tmp: Array) -> None:
    """σ(z) without overflow: 1/(1 + e) for z >= 0, e/(1 + e) below, e = exp(−|z|)."""
    np.abs(z, out=tmp)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)
    np.add(tmp, 1.0, out=a)
    np.divide(1.0, a, out=a)
    np.multiply(a, tmp, out=a, where=z < 0)


def _tanh_slope(e: Array, z: Array, a: Array, tmp: Array) -> None:
    np.multiply(a, a, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    e *= tmp


def _relu_slope(e: Array, z: Array, a: Array, tmp: Array) -> None:
    e *= z > 0  # 0 at z = 0, as torch's relu backward


def _sigmoid_slope(e: Array, z: Array, a: Array, tmp: Array) -> None:
    np.subtract(1.0, a, out=tmp)
    tmp *= a
    e *= tmp


Activate = Callable[[Array, Array, Array], None]
Slope = Callable[[Array, Array, Array, Array], None]
ACTIVATE: dict[str, Activate] = {"tanh": _tanh, "relu": _relu, "sigmoid": _sigmoid}
SLOPE: dict[str, Slope] = {"tanh": _tanh_slope, "relu": _relu_slope, "sigmoid": _sigmoid_slope}


def activate(name: str, z: Array) -> Array:
    """f(z) of the named activation, as a new array (the same bits as a pass computes)."""
    a, tmp = np.empty_like(z), np.empty_like(z)
    ACTIVATE[name](z, a, tmp)
    return a


class Workspace:
    """The buffers of a forward and backward pass over n points: z, a, δ and scratch per layer."""

    def __init__(self, arch: Architecture, n: int) -> None:
        units = arch.sizes[1:-1]
        self.arch, self.n = arch, n
        self.z = [np.empty((n, u)) for u in units]
        self.a = [np.empty((n, u)) for u in units]
        self.delta = [np.empty((n, u)) for u in units]
        self.tmp = [np.empty((n, u)) for u in units]
        self.x: Array = np.empty((0, 2))  # the points of the last pass (not copied)
        self.logits: Array = np.empty(n)
        self.ones: Array = np.ones(n)

    def inputs(self, k: int) -> Array:
        """The input of linear layer k (0-based) in the last forward pass."""
        return self.x if k == 0 else self.a[k - 1]


def forward(arch: Architecture, p: Array, x: Array, ws: Workspace | None = None) -> Workspace:
    """The forward pass on points x (n, 2) into ws (a new one if None); ws.logits holds z."""
    if ws is None:
        ws = Workspace(arch, len(x))
    act = ACTIVATE[arch.activation]
    layers = arch.layers(p)
    ws.x = x
    a = x
    for k, (w, b) in enumerate(layers[:-1]):
        z = ws.z[k]
        np.matmul(a, w.T, out=z)
        z += b
        act(z, ws.a[k], ws.tmp[k])
        a = ws.a[k]
    w, b = layers[-1]
    np.matmul(a, w[0], out=ws.logits)
    ws.logits += b[0]
    return ws


def backward(arch: Architecture, p: Array, ws: Workspace, dz: Array) -> Array:
    """∂/∂p of Σ dz·z after forward(..., ws): dz is the loss's gradient at each logit."""
    slope = SLOPE[arch.activation]
    layers = arch.layers(p)
    g = np.empty(arch.n_params)
    views = arch.layers(g)
    ones = ws.ones
    # The output layer: ∂L/∂W = dz · a, ∂L/∂b = Σ dz; the error sent back is dz ⊗ w.
    gw, gb = views[-1]
    a_in = ws.inputs(arch.depth - 1)
    np.matmul(dz, a_in, out=gw[0])
    gb[0] = np.dot(ones, dz)
    if arch.depth == 1:
        return g
    delta = ws.delta[-1]
    np.multiply(dz[:, None], layers[-1][0], out=delta)
    for k in range(arch.depth - 2, -1, -1):
        slope(delta, ws.z[k], ws.a[k], ws.tmp[k])  # now ∂L/∂z of hidden layer k + 1
        gw, gb = views[k]
        a_in = ws.inputs(k)
        np.matmul(delta.T, a_in, out=gw)
        np.matmul(ones, delta, out=gb)  # Σ over the points, as one BLAS call
        if k:
            e = ws.delta[k - 1]
            np.matmul(delta, layers[k][0], out=e)
            delta = e
    return g


def bce_terms(z: Array, y: Array) -> tuple[Array, Array]:
    """Per-point logistic loss (1 − y)·z − log σ(z), and σ(z); stable for any z.

    With e = exp(−|z|): log σ(z) = min(z, 0) − log1p(e), and σ(z) = 1/(1 + e) for z >= 0,
    e/(1 + e) below.
    """
    e = np.exp(-np.abs(z))
    loss = (1.0 - y) * z
    loss -= np.minimum(z, 0.0)
    loss += np.log1p(e)
    sigma = 1.0 / (1.0 + e)
    np.multiply(sigma, e, out=sigma, where=z < 0)
    return loss, sigma


def mean_bce(z: Array, y: Array) -> float:
    """torch.nn.BCEWithLogitsLoss (reduction='mean') of logits z against labels y."""
    if len(z) == 0:
        return math.nan
    return float(np.mean(bce_terms(z, y)[0]))


def loss_and_grad(
    arch: Architecture, p: Array, x: Array, y: Array, ws: Workspace | None = None
) -> tuple[float, Array]:
    """Mean logistic loss over the points and its gradient with respect to p."""
    n = len(y)
    if n == 0:
        return math.nan, np.full(arch.n_params, math.nan)
    ws = forward(arch, p, x, ws)
    terms, sigma = bce_terms(ws.logits, y)
    sigma -= y
    sigma /= n
    return float(np.mean(terms)), backward(arch, p, ws, sigma)


def logits(arch: Architecture, p: Array, x: Array) -> Array:
    """The output logit z of each point of x (n, 2): p(class 1) = σ(z)."""
    return forward(arch, p, x).logits


def accuracy(arch: Architecture, p: Array, x: Array, y: Array) -> float:
    """Fraction of points classified right: class 1 where z > 0 (σ(z) > ½); nan with none."""
    if len(y) == 0:
        return math.nan
    return float(np.mean((logits(arch, p, x) > 0) == (y > 0.5)))
