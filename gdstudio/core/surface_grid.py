"""GridSurface: a data fit's surface computed on whole grids off the UI thread, read as a table."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .tabulated import TabulatedLandscape

Array = NDArray[np.float64]
# (values (n, n), gradients (n, n, 2)) on linspace(bounds, n) nodes, row j = b_j, column i = w_i.
Grid = tuple[Array, Array]


class _Precomputed:
    """Hands TabulatedLandscape a grid already computed instead of computing it again."""

    def __init__(self, source: object, values: Array, grads: Array) -> None:
        self._source, self._values, self._grads = source, values, grads

    def __getattr__(self, name: str) -> object:
        return getattr(self._source, name)

    def value_and_grad(self, _grid: Array) -> tuple[Array, Array]:
        # TabulatedLandscape tabulates at [i, j] = (w_i, b_j): the transpose of a height map.
        return self._values.T, self._grads.transpose(1, 0, 2)


class GridSurface(TabulatedLandscape):
    """A table of `source` from grids computed in one pass each, exact at their nodes.

    `grids` maps a size n to the loss and gradient at the n×n nodes over the source's bounds
    (the height map's layout); the finest one is the table read at other points. `points` is
    how many of the source's points the grids summed (fewer: an estimate from a sample).
    """

    def __init__(self, source: object, grids: dict[int, Grid], points: int) -> None:
        n = max(grids)
        super().__init__(_Precomputed(source, *grids[n]), n)
        self.source = source
        self.grids = grids
        self.points = points
        # Drawn meshes sampled from this table off the UI thread, by whoever draws it.
        self.meshes: dict[tuple[object, ...], object] = {}
        values, grads = grids[n]
        self._layers = np.concatenate([values[..., None], grads], axis=-1)  # (n, n, 3), [b, w]
        # Read once here (off the UI thread): from the source it costs a pass over the points.
        self._minimum_value = float(getattr(source, "minimum_value", float("nan")))

    @property
    def minimum_value(self) -> float:
        """Loss at the source's optimum (exact)."""
        return self._minimum_value

    @property
    def exact(self) -> bool:
        """True when every point of the source went into the grids."""
        return self.points >= int(getattr(self.source, "n_samples", self.points))

    def grid_value_and_grad(self, ws: Array, bs: Array) -> Grid:
        """Loss (len(bs), len(ws)) and gradient on the grid ws × bs: a computed grid when it is
        one, else bilinear in the finest (separable: along w, then along b)."""
        ws = np.asarray(ws, dtype=np.float64)
        bs = np.asarray(bs, dtype=np.float64)
        (w0, w1), (b0, b1) = self.bounds
        if len(ws) == len(bs) and len(ws) in self.grids:
            nodes = np.linspace(w0, w1, len(ws)), np.linspace(b0, b1, len(bs))
            if np.array_equal(ws, nodes[0]) and np.array_equal(bs, nodes[1]):
                return self.grids[len(ws)]
        iw, fw = _cells(ws, w0, w1, self.n)
        ib, fb = _cells(bs, b0, b1, self.n)
        rows = np.take(self._layers, ib, axis=0)
        rows *= (1.0 - fb)[:, None, None]
        rows += np.take(self._layers, ib + 1, axis=0) * fb[:, None, None]
        out = np.take(rows, iw, axis=1)
        out *= (1.0 - fw)[None, :, None]
        out += np.take(rows, iw + 1, axis=1) * fw[None, :, None]
        return out[..., 0], out[..., 1:]


def _cells(q: Array, lo: float, hi: float, n: int) -> tuple[NDArray[np.intp], Array]:
    """Node below each q among n nodes over [lo, hi], and the fraction on to the next
    (clamped to the ends, as the table's lookup is)."""
    step = (hi - lo) / (n - 1)
    t = np.clip((q - lo) / step, 0.0, n - 1.0)
    i = np.minimum(t.astype(np.intp), n - 2)
    return i, t - i
