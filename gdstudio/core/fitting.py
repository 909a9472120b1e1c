"""Data landscapes: the loss of a line (or logistic) fit over (w, b) for a dataset."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .checks import as_real, check_point, check_real, shown
from .data import Dataset, Stats
from .data_kernels import SORTED_MAX_POINTS, SORTED_MIN_POINTS, fused_sums, mae_grid
from .errors import ConfigError
from .lad import lad_line

Array = NDArray[np.float64]

LOSSES = ("mse", "mae", "huber", "bce")
# How a description names each loss in a sentence (proper names keep their capital).
_LOSS_PHRASES = {
    "mse": "mean squared error",
    "mae": "mean absolute error",
    "huber": "the Huber loss",
}
LOSS_TITLES = {
    "mse": "Mean squared error",
    "mae": "Mean absolute error",
    "huber": "Huber",
    "bce": "Logistic (binary cross-entropy)",
}


class DataLandscape:
    """L(w, b) of a dataset under a loss; same interface as `Landscape`, plus batch gradients."""

    dim = 2
    log_height = False

    def __init__(
        self,
        dataset: Dataset,
        loss: str = "mse",
        delta: float = 1.0,
        start: tuple[float, float] = (0.0, 0.0),
        x_shift: float = 0.0,
        x_scale: float = 1.0,
    ) -> None:
        if not isinstance(loss, str) or loss not in LOSSES:
            raise ConfigError(f"unknown loss {shown(loss)}; allowed: {', '.join(LOSSES)}")
        delta = check_real("huber delta", delta, 0.0, strict=True) if loss == "huber" else delta
        shift = as_real(x_shift)
        if shift is None or not math.isfinite(shift):
            raise ConfigError(f"x shift must be a finite number, got {shown(x_shift)}")
        x_scale = check_real("x scale", x_scale, 0.0, strict=True)
        start_p = check_point("start", start, ("w", "b"))
        self.dataset = dataset
        self.loss = loss
        self.delta = float(delta)
        self.name = "logistic-bce" if loss == "bce" else f"linear-{loss}"
        self.title = f"Line fit, {LOSS_TITLES[loss]}"
        self.description = (
            "Logistic regression σ(w·x + b) under binary cross-entropy"
            if loss == "bce"
            else f"Line y = w·x + b under {_LOSS_PHRASES[loss]}"
        )
        self.default_start: tuple[float, float] = (float(start_p[0]), float(start_p[1]))
        # The fit runs on x' = (x − shift) / scale; (0, 1) means the data's own units.
        self.x_shift, self.x_scale = shift, x_scale
        self.normalized = (self.x_shift, self.x_scale) != (0.0, 1.0)
        self.param_names = ("w′", "b′") if self.normalized else ("w", "b")
        self._stats: Stats = dataset.stats.affine_x(self.x_shift, self.x_scale)
        targets = dataset.label if loss == "bce" else dataset.y
        if loss == "mse":
            # MSE evaluates from statistics; the points are only read for stochastic batches,
            # and the model replaces this landscape on every edit, so views suffice.
            self._x_raw, self._y = dataset.x, targets
        else:
            # Snapshots: these are evaluated off the UI thread while the user edits on.
            self._x_raw, self._y = dataset.x.copy(), targets.copy()
            self._x_fit = self._scaled(self._x_raw)
        self._minima: tuple[tuple[float, ...], ...] | None = None
        self.bounds = self._bounds()

    @property
    def _x(self) -> Array:
        """x of every point in the fit's units."""
        if self.loss != "mse":
            return self._x_fit
        return self._scaled(self._x_raw)

    def _scaled(self, x: Array) -> Array:
        if not self.normalized:
            return x
        return (x - self.x_shift) / self.x_scale

    def to_original(self, p: Array) -> Array:
        """(w, b) in the data's own units from parameters of this landscape."""
        p = np.asarray(p, dtype=np.float64)
        w = p[..., 0] / self.x_scale
        return np.stack([w, p[..., 1] - w * self.x_shift], axis=-1)

    def from_original(self, p: Array) -> Array:
        """Parameters of this landscape from (w, b) in the data's own units."""
        p = np.asarray(p, dtype=np.float64)
        return np.stack([p[..., 0] * self.x_scale, p[..., 1] + p[..., 0] * self.x_shift], axis=-1)

    def subsampled(self, k: int, seed: int = 0) -> DataLandscape:
        """The same fit over k random points (for quick estimates of the surface's shape)."""
        if k >= self.n_samples:
            return self
        idx = np.sort(np.random.default_rng(seed).choice(self.n_samples, k, replace=False))
        labels = self.dataset.label[idx] if self.dataset.has_labels else None
        sub = Dataset(self.dataset.x[idx], self.dataset.y[idx], labels)
        out = DataLandscape(
            sub, self.loss, self.delta, self.default_start, self.x_shift, self.x_scale
        )
        out.bounds = self.bounds
        out._minima = self._minima
        return out

    @property
    def n_samples(self) -> int:
        """Number of data points."""
        return self._stats.n

    @property
    def minima(self) -> tuple[tuple[float, ...], ...]:
        """The optimum (w*, b*) when it is unique; computed on first use for MAE/Huber/BCE."""
        if self._minima is None:
            self._minima = self._find_minima()
        return self._minima

    @property
    def minimum_value(self) -> float:
        """Loss at the optimum (nan when it is not unique or not finite)."""
        if not self.minima:
            return float("nan")
        return float(self.value(np.array(self.minima[0])))

    # --- full-batch value and gradient, vectorized over points (..., 2) -----------------------

    def _check(self, p: Array) -> Array:
        p = np.asarray(p, dtype=np.float64)
        if p.shape[-1:] != (2,):
            raise ValueError(f"{self.name} takes points (w, b), got shape {p.shape}")
        return p

    def value(self, p: Array) -> Array:
        """Loss at each (w, b)."""
        p = self._check(p)
        if self.n_samples == 0:
            return np.zeros(p.shape[:-1])
        if self.loss == "mse":
            return self._stats.mse(p[..., 0], p[..., 1])
        return self._reduce(p, want_grad=False)[0]

    def grad(self, p: Array) -> Array:
        """Gradient (∂L/∂w, ∂L/∂b) at each point."""
        p = self._check(p)
        if self.n_samples == 0:
            return np.zeros(p.shape)
        if self.loss == "mse":
            gw, gb = self._stats.mse_grad(p[..., 0], p[..., 1])
            return np.stack(np.broadcast_arrays(gw, gb), axis=-1)
        return self._reduce(p, want_grad=True)[1]

    def value_and_grad(self, p: Array) -> tuple[Any, Array]:
        """Loss and gradient in one pass: (float, (2,)) at one point, arrays at (..., 2) points."""
        q = self._check(p)
        if self.loss == "mse" or self.n_samples == 0:
            value, grad = self.value(q), self.grad(q)
        else:
            value, grad = self._reduce(q, want_grad=True)
        return (float(value), grad) if q.ndim == 1 else (value, grad)

    def grid_value_and_grad(self, ws: Array, bs: Array) -> tuple[Array, Array]:
        """Loss (len(bs), len(ws)) and gradient (len(bs), len(ws), 2) on the grid ws × bs.

        Row j holds b = bs[j], column i w = ws[i] (the layout of a height map). MAE reads the
        whole grid from sorted points; the other losses run the fused kernel over it.
        """
        ws = np.asarray(ws, dtype=np.float64)
        bs = np.asarray(bs, dtype=np.float64)
        if self.loss == "mse" and self.n_samples:
            # Separable: the slope's terms once per column, the intercept's once per row.
            w, b = ws[None, :], bs[:, None]
            value = np.broadcast_to(self._stats.mse(w, b), (len(bs), len(ws)))
            gw, gb = self._stats.mse_grad(w, b)
            grad = np.empty((len(bs), len(ws), 2))
            grad[..., 0], grad[..., 1] = gw, gb
            return np.array(value), grad
        if self.loss != "mae" or not SORTED_MIN_POINTS <= self.n_samples <= SORTED_MAX_POINTS:
            grid = np.empty((len(bs), len(ws), 2))
            grid[..., 0], grid[..., 1] = ws[None, :], bs[:, None]
            value, grad = self.value_and_grad(grid)
            return np.asarray(value), grad
        val, gw, gb = mae_grid(ws, bs, self._x_fit, self._y)
        n = self.n_samples
        return val / n, np.stack([gw / n, gb / n], axis=-1)

    def batch_grad(self, p: Array, idx: Array) -> Array:
        """Gradient at one point p (2,) over the samples `idx` only (O(len(idx)))."""
        x = self._scaled(self._x_raw[idx])
        t = self._y[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            _, g = _pointwise(self.loss, self.delta, p[0] * x + p[1], t)
            return np.array([np.mean(g * x), np.mean(g)])

    def _reduce(self, p: Array, want_grad: bool) -> tuple[Array, Array]:
        """The fused kernel at every point of p (..., 2): loss (...,) and gradient (..., 2)."""
        flat = p.reshape(-1, 2)
        n = self.n_samples
        val, gw, gb = fused_sums(
            self.loss, self.delta, flat[:, 0], flat[:, 1], self._x_fit, self._y, want_grad
        )
        value = (val / n).reshape(p.shape[:-1])
        grad = np.stack([gw / n, gb / n], axis=-1).reshape(p.shape)
        return value, grad

    # --- optimum and view bounds ------------------------------------------------------------------

    def _find_minima(self) -> tuple[tuple[float, ...], ...]:
        if self.loss == "mae":
            line = lad_line(self._x, self._y)
            return (line,) if line is not None else ()
        ls = self._stats.least_squares()
        if ls is None:
            return ()
        if self.loss == "mse":
            return (ls,)
        return _polish(self, np.array(ls if self.loss != "bce" else (0.0, 0.0)))

    def _bounds(self) -> tuple[tuple[float, float], ...]:
        if self.loss == "bce":
            centre = self.minima[0] if self.minima else (0.0, 0.0)
        else:
            centre = self._stats.least_squares() or (0.0, 0.0)
        out = []
        for c, s in zip(centre, self.default_start, strict=True):
            lo, hi = min(c, s), max(c, s)
            pad = max(1.5, 0.6 * (hi - lo), 0.5 * abs(c))
            out.append((lo - pad, hi + pad))
        return tuple(out)


def _pointwise(loss: str, delta: float, z: Array, t: Array) -> tuple[Array, Array]:
    """Per-sample loss of prediction z against target t, and its derivative in z."""
    r = z - t
    if loss == "mse":
        return r * r, 2.0 * r
    if loss == "mae":
        return np.abs(r), np.sign(r)
    if loss == "huber":
        a = np.abs(r)
        inside = a <= delta
        return (
            np.where(inside, 0.5 * r * r, delta * (a - 0.5 * delta)),
            np.where(inside, r, delta * np.sign(r)),
        )
    # bce with logits: log(1 + e^z) - t z, derivative σ(z) - t
    return np.logaddexp(0.0, z) - t * z, _sigmoid(z) - t


def _sigmoid(z: Array) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _weighted_ls(x: Array, y: Array, wt: Array) -> Array | None:
    """Weighted least-squares line (w, b), or None if singular."""
    a = np.array([[wt @ (x * x), wt @ x], [wt @ x, wt.sum()]])
    rhs = np.array([wt @ (x * y), wt @ y])
    if abs(np.linalg.det(a)) <= 1e-12 * max(1.0, abs(a[0, 0] * a[1, 1])):
        return None
    return np.linalg.solve(a, rhs)


def _polish(ls: DataLandscape, p: Array) -> tuple[tuple[float, ...], ...]:
    """The optimum of a smooth convex data loss: IRLS for Huber, Newton for BCE."""
    x, t = ls._x, ls._y
    p = p.astype(np.float64)
    for _ in range(200):
        z = p[0] * x + p[1]
        if ls.loss == "bce":
            s = _sigmoid(z)
            g = np.array([(s - t) @ x, (s - t).sum()]) / len(x)
            h = s * (1 - s)
            hess = np.array([[h @ (x * x), h @ x], [h @ x, h.sum()]]) / len(x)
            try:
                new: Array = p - np.linalg.solve(hess + 1e-12 * np.eye(2), g)
            except np.linalg.LinAlgError:
                return ()
        else:
            a = np.abs(z - t)
            floor = 1e-9 * max(1.0, float(np.max(np.abs(t))))
            wt = np.minimum(1.0, ls.delta / np.maximum(a, floor))
            weighted = _weighted_ls(x, t, wt)
            if weighted is None:
                return ()
            new = weighted
        if not np.all(np.isfinite(new)) or np.max(np.abs(new)) > 1e6:
            return ()
        done = np.max(np.abs(new - p)) <= 1e-12 * (1.0 + np.max(np.abs(p)))
        p = new
        if done:
            break
    if ls.loss == "bce" and np.all((2 * t - 1) * (p[0] * x + p[1]) > 10.0):
        return ()  # separable classes: the loss keeps falling as |w| grows
    return ((float(p[0]), float(p[1])),)
