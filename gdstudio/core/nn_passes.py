"""The network's forward and backward passes, written out and vectorized over the points.

A pass over n points writes its layers into a Workspace of buffers made once for n and reused
by later passes: a 16 × 1,000 layer is 128 kB, at the size where each new array would be
mapped and faulted in afresh, which would cost more than the arithmetic.

The layers hold the points as columns: layer k's input is a (units + 1, n) array whose last
row is ones, and its weights an (outputs, inputs + 1) copy of [W | b], so z = [W | b] · [a; 1]
is one matrix product with the bias inside it, and each row of z (one unit over every point)
is contiguous for the activation. The backward pass gives [∂W | ∂b] of a layer the same way,
as one product of its error and its input.

The activations are written as a few whole-array passes: float64 tanh by its identity
2/(1 + exp(−2z)) − 1 (numpy's tanh is scalar on this CPU, its exp twice as fast), σ as
torch computes it. The loss is torch.nn.BCEWithLogitsLoss (mean): per point
(1 − y)·z − log σ(z), with torch's bits; its gradient with respect to z is (σ(z) − y) / n.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .nn import Architecture

Array = NDArray[np.float64]


# --- activations: a = f(z) into a buffer; e ← e · f'(z) in place, from z and a ------------------


def _tanh_into(z: Array, a: Array, tmp: Array) -> None:
    """tanh(z) = 2 / (1 + exp(−2z)) − 1 in float64, np.tanh otherwise; under over="ignore".

    numpy's float64 tanh is scalar on this CPU and twice the cost of its exp; the identity
    has one exp and four cheap passes, is within 1.5·2⁻⁵² of tanh, and exact at ±∞
    (exp(−2z) = ∞ gives −1).
    """
    if z.dtype != np.float64:
        np.tanh(z, out=a)
        return
    np.multiply(z, -2.0, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.divide(2.0, a, out=a)
    a -= 1.0


def _tanh(z: Array, a: Array, tmp: Array) -> None:
    """tanh(z) into a, as _tanh_into, with no overflow warning."""
    with np.errstate(over="ignore"):
        _tanh_into(z, a, tmp)


def _relu(z: Array, a: Array, tmp: Array) -> None:
    np.maximum(z, 0.0, out=a)


def _sigmoid_into(z: Array, a: Array, tmp: Array) -> None:
    """σ(z) = 1 / (1 + exp(−z)), as torch computes it; under over="ignore" (exp(−z) = ∞ gives 0)."""
    np.negative(z, out=a)
    np.exp(a, out=a)
    a += 1.0
    np.divide(1.0, a, out=a)


def _sigmoid(z: Array, a: Array, tmp: Array) -> None:
    """σ(z) into a, as _sigmoid_into, with no overflow warning."""
    with np.errstate(over="ignore"):
        _sigmoid_into(z, a, tmp)


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
# A pass ignores overflow once for all its layers.
_IN_PASS: dict[str, Activate] = {**ACTIVATE, "tanh": _tanh_into, "sigmoid": _sigmoid_into}


def activate(name: str, z: Array) -> Array:
    """f(z) of the named activation, as a new array (the same bits as a pass computes)."""
    a, tmp = np.empty_like(z), np.empty_like(z)
    ACTIVATE[name](z, a, tmp)
    return a


def _augmented_order(arch: Architecture) -> NDArray[np.intp]:
    """Index into the flat vector of each entry of the layers' [W | b] blocks, one after another."""
    order = []
    for w, b in zip(arch.blocks[::2], arch.blocks[1::2], strict=True):
        rows, cols = w.shape
        idx = np.empty((rows, cols + 1), dtype=np.intp)
        idx[:, :cols] = np.arange(w.start, w.stop).reshape(rows, cols)
        idx[:, cols] = np.arange(b.start, b.stop)
        order.append(idx.ravel())
    return np.concatenate(order)


class _Hidden:
    """One hidden layer's buffers: its input [a; 1], [W | b] and gradient, z, f(z), error."""

    def __init__(self, inputs: Array, wb: Array, gb: Array, a: Array) -> None:
        units, n = a.shape
        self.inputs, self.inputs_t, self.wb, self.gb, self.a = inputs, inputs.T, wb, gb, a
        self.w_t = wb[:, :-1].T  # Wᵀ: sends this layer's error back to its input
        self.z, self.delta, self.tmp = np.empty((units, n)), np.empty((units, n)), np.empty_like(a)


class Workspace:
    """The buffers of a forward and backward pass over n points, layer by layer.

    `inputs[k]` is linear layer k's input with a row of ones under it ((units + 1, n)); for
    k >= 1 its top rows are hidden layer k's activations. `wb[k]` is the layer's [W | b] and
    `gb[k]` its gradient, all views into the flat `wb_flat` and `gb_flat`.
    """

    def __init__(self, arch: Architecture, n: int) -> None:
        sizes = arch.sizes
        self.arch, self.n = arch, n
        self.inputs = [np.ones((size + 1, n)) for size in sizes[:-1]]
        self.x_rows = self.inputs[0][:-1]
        self.order = _augmented_order(arch)
        self.unorder = np.argsort(self.order)
        self.wb_flat, self.gb_flat = np.empty(arch.n_params), np.empty(arch.n_params)
        self.wb, self.gb = [], []
        start = 0
        for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
            stop = start + fan_out * (fan_in + 1)
            self.wb.append(self.wb_flat[start:stop].reshape(fan_out, fan_in + 1))
            self.gb.append(self.gb_flat[start:stop].reshape(fan_out, fan_in + 1))
            start = stop
        self.hidden = [
            _Hidden(self.inputs[k], self.wb[k], self.gb[k], self.inputs[k + 1][:-1])
            for k in range(arch.depth - 1)
        ]
        self.back = self.hidden[::-1]
        self.w_out = self.wb[-1][0, :-1, None]  # the output layer's weights as a column
        self.out = np.empty((1, n))  # the logits as a row
        self.logits: Array = self.out[0]
        self.terms, self.dz, self.scratch = np.empty(n), np.empty(n), np.empty(n)

    def load(self, x: Array) -> None:
        """Copy the points x (n, 2) in as the first layer's input columns."""
        np.copyto(self.x_rows, x.T)


def forward(arch: Architecture, p: Array, x: Array, ws: Workspace | None = None) -> Workspace:
    """The forward pass on points x (n, 2) into ws (a new one if None); ws.logits holds z."""
    if ws is None:
        ws = Workspace(arch, len(x))
    ws.load(x)
    p.take(ws.order, out=ws.wb_flat)
    act = _IN_PASS[arch.activation]
    with np.errstate(over="ignore"):
        for layer in ws.hidden:
            np.matmul(layer.wb, layer.inputs, out=layer.z)
            act(layer.z, layer.a, layer.tmp)
    np.matmul(ws.wb[-1], ws.inputs[-1], out=ws.out)
    return ws


def backward(arch: Architecture, ws: Workspace, dz: Array) -> Array:
    """∂/∂p of Σ dz·z after forward(..., ws): dz is the loss's gradient at each logit."""
    slope = SLOPE[arch.activation]
    # The output layer: ∂L/∂[w | b] = [a; 1] · dz; the error sent back is w ⊗ dz.
    np.matmul(ws.inputs[-1], dz, out=ws.gb[-1][0])
    back = ws.back
    if back:
        np.multiply(ws.w_out, dz, out=back[0].delta)
    for k, layer in enumerate(back, 1):
        delta = layer.delta
        slope(delta, layer.z, layer.a, layer.tmp)  # now ∂L/∂z of this hidden layer
        np.matmul(delta, layer.inputs_t, out=layer.gb)
        if k < len(back):
            np.matmul(layer.w_t, delta, out=back[k].delta)
    out: Array = ws.gb_flat.take(ws.unorder)
    return out


def _bce_into(z: Array, y: Array, terms: Array, sigma: Array, scratch: Array) -> None:
    """Per-point loss (1 − y)·z − log σ(z) into terms and σ(z) into sigma; stable for any z.

    −log σ(z) = log(1 + exp(−z)) is np.logaddexp(0, −z), which is max(−z, 0) + log1p(e),
    e = exp(−|z|): the same bits as torch's log_sigmoid, min(z, 0) − log1p(e), negated. σ(z)
    is exp(log σ(z)), within 2⁻⁵² of σ.
    """
    np.negative(z, out=scratch)
    np.logaddexp(0.0, scratch, out=scratch)
    np.subtract(1.0, y, out=terms)
    terms *= z
    terms += scratch
    np.negative(scratch, out=sigma)
    np.exp(sigma, out=sigma)


def bce_terms(z: Array, y: Array) -> tuple[Array, Array]:
    """Per-point logistic loss (1 − y)·z − log σ(z), and σ(z); stable for any z (_bce_into)."""
    terms, sigma = np.empty_like(z), np.empty_like(z)
    _bce_into(z, y, terms, sigma, np.empty_like(z))
    return terms, sigma


def mean_bce(z: Array, y: Array) -> float:
    """torch.nn.BCEWithLogitsLoss (reduction='mean') of logits z against labels y."""
    if len(z) == 0:
        return math.nan
    return float(np.mean(bce_terms(z, y)[0]))


def _loss_at_logits(ws: Workspace, y: Array) -> float:
    """The mean loss of the last forward pass in ws; σ(z) left in ws.dz."""
    _bce_into(ws.logits, y, ws.terms, ws.dz, ws.scratch)
    return float(np.add.reduce(ws.terms)) / len(y)  # np.mean's bits, without its overhead


def mean_loss(
    arch: Architecture, p: Array, x: Array, y: Array, ws: Workspace | None = None
) -> float:
    """Mean logistic loss over the points (nan with none): loss_and_grad's, with no gradient."""
    if len(y) == 0:
        return math.nan
    return _loss_at_logits(forward(arch, p, x, ws), y)


def loss_and_accuracy(
    arch: Architecture, p: Array, x: Array, y: Array, ws: Workspace | None = None
) -> tuple[float, float]:
    """Mean logistic loss and accuracy over the points from one forward pass (nan with none)."""
    if len(y) == 0:
        return math.nan, math.nan
    ws = forward(arch, p, x, ws)
    right = float(np.mean((ws.logits > 0) == (y > 0.5)))
    return _loss_at_logits(ws, y), right


def loss_and_grad(
    arch: Architecture, p: Array, x: Array, y: Array, ws: Workspace | None = None
) -> tuple[float, Array]:
    """Mean logistic loss over the points and its gradient with respect to p."""
    n = len(y)
    if n == 0:
        return math.nan, np.full(arch.n_params, math.nan)
    ws = forward(arch, p, x, ws)
    loss = _loss_at_logits(ws, y)
    dz = ws.dz
    dz -= y
    dz /= n
    return loss, backward(arch, ws, dz)


def logits(arch: Architecture, p: Array, x: Array, ws: Workspace | None = None) -> Array:
    """The output logit z of each point of x (n, 2): p(class 1) = σ(z) (in ws if given)."""
    return forward(arch, p, x, ws).logits


def accuracy(
    arch: Architecture, p: Array, x: Array, y: Array, ws: Workspace | None = None
) -> float:
    """Fraction of points classified right: class 1 where z > 0 (σ(z) > ½); nan with none."""
    if len(y) == 0:
        return math.nan
    return float(np.mean((logits(arch, p, x, ws) > 0) == (y > 0.5)))
