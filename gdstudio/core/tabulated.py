"""TabulatedLandscape: a landscape sampled once on a grid, then read by interpolation.

Costly data losses (MAE, Huber, BCE over many points) are tabulated off the UI thread so
views can redraw at any resolution without touching the points again.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class TabulatedLandscape:
    """Bilinear interpolation of a 2-parameter landscape's values and gradients on an n×n grid."""

    def __init__(self, source: object, n: int) -> None:
        if getattr(source, "dim", 2) != 2:
            raise ValueError("only 2-parameter landscapes can be tabulated")
        if n < 2:
            raise ValueError("a table needs at least 2×2 samples")
        self.source = source
        self.n = n
        self.name = source.name  # type: ignore[attr-defined]
        self.title = getattr(source, "title", self.name)
        self.description = getattr(source, "description", "")
        self.param_names = source.param_names  # type: ignore[attr-defined]
        self.dim = 2
        self.bounds = tuple(tuple(b) for b in source.bounds)  # type: ignore[attr-defined]
        self.default_start = source.default_start  # type: ignore[attr-defined]
        self.log_height = getattr(source, "log_height", False)
        self.minima = source.minima  # type: ignore[attr-defined]
        (x0, x1), (y0, y1) = self.bounds
        self._lo = np.array([x0, y0])
        self._step = np.array([(x1 - x0) / (n - 1), (y1 - y0) / (n - 1)])
        xs = np.linspace(x0, x1, n)
        ys = np.linspace(y0, y1, n)
        grid = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)
        values, grads = source.value_and_grad(grid)  # type: ignore[attr-defined]
        # One table of (value, dL/dx, dL/dy) so a lookup interpolates all three at once.
        self._table = np.concatenate([np.asarray(values)[..., None], grads], axis=-1)

    @property
    def minimum_value(self) -> float:
        """Loss at the best known minimum (exact, from the source)."""
        return float(self.source.minimum_value)  # type: ignore[attr-defined]

    def _lookup(self, p: Array) -> Array:
        p = np.asarray(p, dtype=np.float64)
        if p.shape[-1:] != (2,):
            raise ValueError(f"{self.name} takes points with 2 coordinates, got shape {p.shape}")
        t = (p - self._lo) / self._step
        t = np.clip(t, 0.0, self.n - 1.0)
        i = np.minimum(t.astype(np.intp), self.n - 2)
        f = t - i
        fx, fy = f[..., 0:1], f[..., 1:2]
        ix, iy = i[..., 0], i[..., 1]
        tb = self._table
        out: Array = (
            tb[ix, iy] * (1 - fx) * (1 - fy)
            + tb[ix + 1, iy] * fx * (1 - fy)
            + tb[ix, iy + 1] * (1 - fx) * fy
            + tb[ix + 1, iy + 1] * fx * fy
        )
        return out

    def value(self, p: Array) -> Array:
        """Interpolated loss at each point (clamped to the table's bounds)."""
        return self._lookup(p)[..., 0]

    def grad(self, p: Array) -> Array:
        """Interpolated gradient at each point."""
        return self._lookup(p)[..., 1:]

    def value_and_grad(self, p: Array) -> tuple[Array, Array]:
        """Both at once."""
        r = self._lookup(p)
        return r[..., 0], r[..., 1:]
