"""SliceLandscape: a network's loss-landscape slice as the 2-parameter landscape views draw.

The slice L(θ + α·d1 + β·d2) (core/nn_slice.py) is computed once on an n×n grid of (α, β) and
then read like any table (core/tabulated.py): bilinear between the grid's nodes, so the 3D and
contour views redraw it at any resolution without touching the network again. Its gradient is
the central difference of the grid (the drawn surface's slopes, which its normals need); the
exact gradient of the network lives in NetworkLandscape. The training trajectory comes with it,
projected onto the plane, as (α, β) coordinates.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike, NDArray

from .checks import check_int
from .errors import ConfigError
from .nn_landscape import NetworkLandscape
from .nn_slice import Plane, pca_plane, project, random_plane, slice_losses
from .tabulated import TabulatedLandscape

Array = NDArray[np.float64]
KINDS = ("random", "pca")
KIND_TITLES = {
    "random": "filter-normalized random directions",
    "pca": "PCA of the trajectory",
}
_MARGIN = 0.25  # of the trajectory's span, around it, on a PCA slice


class SliceLandscape(TabulatedLandscape):
    """A table of the loss over the (α, β) plane through θ, with the trajectory projected on it."""

    def __init__(
        self,
        land: NetworkLandscape,
        plane: Plane,
        trajectory: Array,
        bounds: tuple[tuple[float, float], tuple[float, float]],
        n: int = 64,
        dtype: DTypeLike = np.float32,
    ) -> None:
        n = check_int("n", n, 2, 1024)
        self.source = land
        self.plane = plane
        self.n = n
        self.name = "network-slice"
        self.title = f"Loss slice of {land.title}: {KIND_TITLES[plane.kind]}"
        self.description = _description(land, plane)
        self.param_names = ("α", "β")
        self.dim = 2
        self.bounds = tuple((float(lo), float(hi)) for lo, hi in bounds)
        self.log_height = False
        self.minima: tuple[tuple[float, ...], ...] = ()
        self.trajectory: Array = project(plane, trajectory)
        self.default_start = tuple(float(c) for c in self.trajectory[0])
        (a0, a1), (b0, b1) = self.bounds
        self.alphas, self.betas = np.linspace(a0, a1, n), np.linspace(b0, b1, n)
        self._lo = np.array([a0, b0])
        self._step = np.array([(a1 - a0) / (n - 1), (b1 - b0) / (n - 1)])
        a, b = np.meshgrid(self.alphas, self.betas, indexing="ij")
        values = slice_losses(land, plane, a, b, dtype)
        d_alpha, d_beta = np.gradient(values, self.alphas, self.betas)
        # (value, dL/dα, dL/dβ) at node [i, j] = (α_i, β_j): the table TabulatedLandscape reads.
        self._table = np.stack([values, d_alpha, d_beta], axis=-1)

    @property
    def minimum_value(self) -> float:
        """No minimum of a slice is known."""
        return math.nan

    @property
    def values(self) -> Array:
        """The loss at the grid's nodes, (n, n): [i, j] at (alphas[i], betas[j])."""
        out: Array = self._table[..., 0]
        return out

    def path(self) -> Array:
        """The projected trajectory on the drawn surface: (α, β, slice loss) per step, (m, 3)."""
        return np.column_stack([self.trajectory, self.value(self.trajectory)])


def make_slice(
    land: NetworkLandscape,
    trajectory: Array,
    kind: str = "random",
    *,
    seed: int = 0,
    n: int = 64,
    dtype: DTypeLike = np.float32,
) -> SliceLandscape:
    """The slice through the trajectory's last point θ (the current weights).

    `kind` "random": filter-normalized random directions (seeded), α and β over [−1, 1] (Li et
    al.'s range), widened to hold the projected trajectory; "pca": the trajectory's top two
    principal directions, over the projected trajectory with a margin.
    """
    if kind not in KINDS:
        raise ConfigError(f"unknown slice directions {kind!r}; allowed: {', '.join(KINDS)}")
    path = np.asarray(trajectory, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != land.dim or len(path) == 0:
        raise ConfigError(f"the trajectory must be steps of {land.dim} weights for {land.title}")
    if kind == "pca":
        plane = pca_plane(path)
    else:
        plane = random_plane(land.arch, path[-1], seed)
    coords = project(plane, path)
    return SliceLandscape(land, plane, path, _bounds(coords, kind), n, dtype)


def _bounds(coords: Array, kind: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (α, β) box of the slice: Li et al.'s [−1, 1]² for random directions, the
    trajectory with a margin for PCA; each holds the whole projected trajectory."""
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    if kind == "random":
        margin = _MARGIN * (hi - lo)
        lo, hi = np.minimum(lo - margin, -1.0), np.maximum(hi + margin, 1.0)
    else:
        span = np.maximum(hi - lo, 1e-3 * max(1.0, float(np.abs(coords).max())))
        lo, hi = lo - _MARGIN * span, hi + _MARGIN * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def _description(land: NetworkLandscape, plane: Plane) -> str:
    """One line on what the slice shows."""
    if plane.kind == "pca":
        share = 100.0 * (plane.explained[0] + plane.explained[1])
        return (
            f"The loss of {land.arch.label} on the plane of the trajectory's top two principal "
            f"directions ({share:.0f}% of its variance), through the current weights"
        )
    return (
        f"The loss of {land.arch.label} on a plane through the current weights along two "
        "filter-normalized random directions (Li et al. 2018)"
    )
