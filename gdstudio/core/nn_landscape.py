"""The network's training loss as a landscape over its flat parameter vector.

NetworkLandscape is what Run steps (SurfaceLike, with value_and_grad, n_samples and
batch_grad), so every optimizer, schedule, clipping rule and batch mode applies unchanged.

Its loss is L(p) = mean BCE over the training points + (l2 / 2) · Σ W², the sum over every
weight of every W (biases are not penalised); its gradient adds l2 · W. An optimizer's
weight_decay is separate: it adds weight_decay · p to the gradient of every parameter,
biases included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .checks import check_real, shown
from .datasets import Points
from .errors import ConfigError
from .nn import Architecture
from .nn_passes import (
    ACTIVATE,
    Workspace,
    bce_terms,
    logits,
    loss_and_accuracy,
    loss_and_grad,
    mean_loss,
)

Array = NDArray[np.float64]
# Floats one chunk of a many-point value() may hold per layer (32 MB).
_CHUNK_FLOATS = 1 << 22
# Point counts whose pass buffers a landscape keeps: the full batch, a batch size and its
# last partial batch, the validation set, a view's grid, ...
_POOLED_SIZES = 8


@dataclass(frozen=True)
class Metrics:
    """Loss and accuracy on the training and validation points (nan for an empty set)."""

    train_loss: float
    val_loss: float
    train_acc: float
    val_acc: float


class NetworkLandscape:
    """L(p) of a network on its training points; p is the flat vector (nn.py's layout)."""

    loss = "bce"
    log_height = False
    has_domain = False
    minima: tuple[tuple[float, ...], ...] = ()
    minimum_value = math.nan

    def __init__(
        self,
        arch: Architecture,
        train: Points,
        validation: Points | None = None,
        *,
        l2: float = 0.0,
        start: Array | None = None,
        seed: int = 0,
    ) -> None:
        if not isinstance(arch, Architecture):
            raise ConfigError(f"arch must be an Architecture, got {shown(arch)}")
        self.arch = arch
        self.l2 = check_real("l2", l2, 0.0, strict=False)
        self.train = _checked_points("training", train)
        self.validation = _checked_points(
            "validation", validation if validation is not None else _no_points()
        )
        self._x, self._y = self.train.inputs, self.train.labels
        self.name = "network"
        self.title = f"Network {arch.label}"
        self.description = (
            f"A {arch.label} network under the logistic loss on {len(self.train)} points"
        )
        self.param_names = arch.param_names()
        self.dim = arch.n_params
        bound = arch.init_bounds()
        self.bounds = tuple((-float(b), float(b)) for b in bound)  # the range of the init
        first = arch.init(seed) if start is None else np.asarray(start, dtype=np.float64)
        if first.shape != (self.dim,):
            raise ConfigError(
                f"start must be {self.dim} numbers for {arch.label}, got shape {first.shape}"
            )
        self.default_start: tuple[float, ...] = tuple(first.tolist())
        self._pools: dict[int, list[Workspace]] = {}  # pass buffers by point count
        self._weight_mask = np.zeros(self.dim)
        for block in arch.blocks[::2]:
            self._weight_mask[block.start : block.stop] = 1.0

    @property
    def n_samples(self) -> int:
        """Number of training points."""
        return len(self.train)

    # --- the loss and its gradient -------------------------------------------------------------

    def _check(self, p: Array) -> Array:
        p = np.asarray(p, dtype=np.float64)
        if p.shape[-1:] != (self.dim,):
            raise ValueError(f"{self.title} takes {self.dim} parameters, got shape {p.shape}")
        return p

    def penalty(self, p: Array) -> float:
        """(l2 / 2) · Σ W² at p (0 when l2 is 0)."""
        if self.l2 == 0:
            return 0.0
        w = p * self._weight_mask
        return 0.5 * self.l2 * float(np.dot(w, w))

    def _with_penalty(self, p: Array, loss: float, grad: Array) -> tuple[float, Array]:
        if self.l2 == 0:
            return loss, grad
        return loss + self.penalty(p), grad + self.l2 * (p * self._weight_mask)

    def _borrow(self, n: int) -> Workspace:
        """Buffers for a pass over n points: a pooled Workspace (each thread its own) or new."""
        pool = self._pools.get(n)
        if pool:
            try:
                return pool.pop()  # list.pop and append are atomic
            except IndexError:  # another thread took the last one
                pass
        return Workspace(self.arch, n)

    def _give_back(self, ws: Workspace) -> None:
        pools = self._pools
        if ws.n in pools or len(pools) < _POOLED_SIZES:
            pools.setdefault(ws.n, []).append(ws)

    def value_and_grad(self, p: Array) -> tuple[Array, Array]:
        """Loss and gradient at one point p of shape (d,), in one forward and backward pass."""
        p = self._check(p)
        if p.ndim != 1:
            values = self.value(p)
            return values, self.grad(p)
        ws = self._borrow(len(self._y))
        try:
            loss, grad = loss_and_grad(self.arch, p, self._x, self._y, ws)
        finally:
            self._give_back(ws)
        loss, grad = self._with_penalty(p, loss, grad)
        return np.asarray(loss), grad

    def value(self, p: Array) -> Array:
        """Loss at each point; shape (...,) for input (..., d), many points in batched passes."""
        p = self._check(p)
        if p.ndim == 1:
            return np.asarray(self._one_value(p))
        flat = p.reshape(-1, self.dim)
        out = np.empty(len(flat))
        width = max(self.arch.sizes[1:-1], default=1)
        chunk = max(1, _CHUNK_FLOATS // max(1, len(self._y) * width))
        for lo in range(0, len(flat), chunk):
            out[lo : lo + chunk] = self._many_values(flat[lo : lo + chunk])
        return out.reshape(p.shape[:-1])

    def _one_value(self, p: Array) -> float:
        """value_and_grad's loss (the same bits), from a forward pass only."""
        ws = self._borrow(len(self._y))
        try:
            loss = mean_loss(self.arch, p, self._x, self._y, ws)
        finally:
            self._give_back(ws)
        return loss + self.penalty(p)

    def _many_values(self, ps: Array) -> Array:
        """The loss at each row of ps (G, d): the layers as stacks of G matrices."""
        arch = self.arch
        act = ACTIVATE[arch.activation]
        a: Array = np.broadcast_to(self._x, (len(ps), *self._x.shape))
        blocks = arch.blocks
        for k in range(arch.depth):
            wb, bb = blocks[2 * k], blocks[2 * k + 1]
            w = ps[:, wb.start : wb.stop].reshape(len(ps), *wb.shape)
            z = np.matmul(a, w.transpose(0, 2, 1)) + ps[:, None, bb.start : bb.stop]
            if k < arch.depth - 1:
                a = np.empty_like(z)
                act(z, a, np.empty_like(z))
            else:
                a = z
        terms, _ = bce_terms(a[..., 0], self._y)
        loss: Array = np.mean(terms, axis=-1)
        if self.l2:
            w2 = (ps * self._weight_mask) ** 2
            loss = loss + 0.5 * self.l2 * np.sum(w2, axis=-1)
        return loss

    def grad(self, p: Array) -> Array:
        """Gradient at each point; shape (..., d)."""
        p = self._check(p)
        if p.ndim == 1:
            return self.value_and_grad(p)[1]
        flat = p.reshape(-1, self.dim)
        out = np.array([self.value_and_grad(q)[1] for q in flat])
        return out.reshape(p.shape)

    def batch_grad(self, p: Array, idx: NDArray[np.intp]) -> Array:
        """Gradient of the mean loss over the training points `idx` (plus the penalty's)."""
        p = self._check(p)
        ws = self._borrow(len(idx))
        try:
            loss, grad = loss_and_grad(self.arch, p, self._x[idx], self._y[idx], ws)
        finally:
            self._give_back(ws)
        return self._with_penalty(p, loss, grad)[1]

    # --- what a view or the CLI reports ---------------------------------------------------------

    def _loss_and_accuracy(self, p: Array, points: Points) -> tuple[float, float]:
        """Loss (with the penalty) and accuracy on `points`, from one forward pass."""
        if not len(points):
            return math.nan, math.nan
        ws = self._borrow(len(points))
        try:
            loss, right = loss_and_accuracy(self.arch, p, points.inputs, points.labels, ws)
        finally:
            self._give_back(ws)
        return loss + self.penalty(p), right

    def evaluate(self, p: Array, train_loss: float | None = None) -> Metrics:
        """Loss (with the penalty) and accuracy on the training and validation points.

        `train_loss`, if given, is the loss at p already known (a run's), not computed again.
        """
        p = self._check(p)
        loss, train_acc = self._loss_and_accuracy(p, self.train)
        val_loss, val_acc = self._loss_and_accuracy(p, self.validation)
        return Metrics(loss if train_loss is None else train_loss, val_loss, train_acc, val_acc)

    def probabilities(self, p: Array, x: Array) -> Array:
        """σ(z): the network's probability of class 1 at each point of x (n, 2)."""
        x = np.asarray(x, dtype=np.float64)
        ws = self._borrow(len(x))
        try:
            z = logits(self.arch, self._check(p), x, ws)
            return bce_terms(z, np.zeros_like(z))[1]
        finally:
            self._give_back(ws)


def _no_points() -> Points:
    return Points(np.empty((0, 2)), np.empty(0))


def _checked_points(role: str, points: object) -> Points:
    """The points if they are Points with finite inputs and labels of 0 or 1."""
    if not isinstance(points, Points):
        raise ConfigError(f"{role} points must be Points, got {shown(points)}")
    if not np.isfinite(points.inputs).all():
        raise ConfigError(f"{role} points must be finite numbers (no NaN or infinity)")
    if not np.isin(points.labels, (0.0, 1.0)).all():
        raise ConfigError(f"{role} labels must be 0 or 1")
    return points
