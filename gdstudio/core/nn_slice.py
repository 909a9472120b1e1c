"""A 2-D slice of a network's loss landscape through its weights θ: L(θ + α·d1 + β·d2).

The two directions are either filter-normalized random directions (Li et al. 2018,
"Visualizing the Loss Landscape of Neural Nets") or the top two principal directions of the
training trajectory. The loss over an (α, β) grid is computed in batches of grid points, each
batch one stack of forward passes (numpy's batched matmul), never a Python loop per point.

The grid is computed in float32 by default: it is a picture (its values agree with the float64
loss to about 1e-6 relative) and float32 tanh costs a quarter of float64's, which is what keeps
a 64×64 slice on 1,000 points under a second. `dtype=np.float64` gives the exact loss.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike, NDArray

from .checks import check_int
from .errors import ConfigError
from .nn import Architecture
from .nn_landscape import NetworkLandscape
from .nn_passes import ACTIVATE, bce_terms

Array = NDArray[np.float64]
# Elements of one hidden layer's buffer per batch of grid points (about a megabyte of float32:
# the batch's passes stay in the cache).
_BATCH_ELEMENTS = 1 << 18


@dataclass(frozen=True)
class Plane:
    """The plane θ + α·d1 + β·d2: its origin θ, its two directions and how they were made."""

    origin: Array
    d1: Array
    d2: Array
    kind: str  # "random" (filter-normalized) or "pca"
    explained: tuple[float, float] = (float("nan"), float("nan"))  # PCA: variance shares

    def points(self, alpha: Array, beta: Array) -> Array:
        """The parameter vectors θ + α·d1 + β·d2, shape (..., d) for α, β of shape (...)."""
        a = np.asarray(alpha, dtype=np.float64)[..., None]
        b = np.asarray(beta, dtype=np.float64)[..., None]
        out: Array = self.origin + a * self.d1 + b * self.d2
        return out


def filter_normalize(arch: Architecture, direction: Array, theta: Array) -> Array:
    """The direction with each neuron's incoming weights (a row of each W, its "filter")
    rescaled to the norm of the same row of θ, and every bias zeroed.

    Li et al. normalize each filter of a convolutional net; in an MLP a filter is the row of
    weights into one unit. Biases are set to zero, as the paper's code does for biases and
    batch-norm parameters (its ignore='biasbn'), so the slice moves the weights only.
    """
    d: Array = np.array(direction, dtype=np.float64)
    t = np.asarray(theta, dtype=np.float64)
    for w_block, b_block in zip(arch.blocks[::2], arch.blocks[1::2], strict=True):
        rows = d[w_block.start : w_block.stop].reshape(w_block.shape)
        target = np.linalg.norm(t[w_block.start : w_block.stop].reshape(w_block.shape), axis=1)
        size = np.linalg.norm(rows, axis=1)
        scale = np.divide(target, size, out=np.zeros_like(size), where=size > 0)
        rows *= scale[:, None]
        d[b_block.start : b_block.stop] = 0.0
    return d


def random_plane(arch: Architecture, theta: Array, seed: int = 0) -> Plane:
    """Two seeded Gaussian directions, each filter-normalized to θ, through θ."""
    seed = check_int("seed", seed, 0)
    t = np.array(theta, dtype=np.float64)
    if t.shape != (arch.n_params,):
        raise ConfigError(f"θ must be {arch.n_params} numbers for {arch.label}")
    rng = np.random.default_rng([_SLICE_STREAM, seed])
    d1 = filter_normalize(arch, rng.standard_normal(arch.n_params), t)
    d2 = filter_normalize(arch, rng.standard_normal(arch.n_params), t)
    return Plane(t, d1, d2, "random")


def pca_plane(trajectory: Array) -> Plane:
    """The plane through the trajectory's last point θ_final along the top two principal
    directions of θ_i − θ_final (orthonormal; the SVD of those differences, not centred).

    Not centring gives the plane through θ_final that fits the trajectory best in least
    squares, so the slice drawn around θ_final holds the path as closely as a plane can
    (Li et al.'s code centres the differences first, sklearn's PCA: a plane through their
    mean, which need not pass through θ_final).
    """
    path = np.asarray(trajectory, dtype=np.float64)
    if path.ndim != 2 or len(path) < 3:
        raise ConfigError("the trajectory needs at least 3 steps for its two PCA directions")
    final = path[-1].copy()
    diffs = path[:-1] - final
    _, s, vt = np.linalg.svd(diffs, full_matrices=False)
    if len(s) < 2 or not s[1] > 1e-12 * s[0]:
        raise ConfigError("the trajectory moved along a single line: it has no second direction")
    total = float(np.sum(s * s))
    d1, d2 = vt[0].copy(), vt[1].copy()
    # A sign that points from θ_final back towards the start, so the path reads left to right.
    if np.dot(diffs[0], d1) > 0:
        d1 = -d1
    if np.dot(diffs[0], d2) > 0:
        d2 = -d2
    return Plane(final, d1, d2, "pca", (float(s[0] ** 2 / total), float(s[1] ** 2 / total)))


def project(plane: Plane, trajectory: Array) -> Array:
    """(α, β) of each point's orthogonal projection onto the plane (least squares), (m, 2).

    For the PCA plane (orthonormal directions) these are the dot products with d1 and d2;
    filter-normalized random directions are neither unit nor orthogonal, so they are solved for
    by the 2×2 normal equations (a twentieth of least squares' cost on a long path), or by least
    squares when the two directions are nearly parallel.
    """
    diffs = np.asarray(trajectory, dtype=np.float64) - plane.origin
    basis = np.stack([plane.d1, plane.d2])
    gram = basis @ basis.T
    if np.linalg.cond(gram) < 1e10:
        coords = np.linalg.solve(gram, basis @ diffs.T)
    else:
        coords, *_ = np.linalg.lstsq(basis.T, diffs.T, rcond=None)
    out: Array = coords.T
    return out


def slice_losses(
    land: NetworkLandscape,
    plane: Plane,
    alpha: Array,
    beta: Array,
    dtype: DTypeLike = np.float32,
) -> Array:
    """L(θ + α·d1 + β·d2) (training loss with the L2 penalty) for α, β of one shape (...).

    The grid points go through the network in batches: each batch is one stack of forward
    passes over the training points, its buffers reused by the next batch.
    """
    a = np.asarray(alpha, dtype=np.float64)
    b = np.asarray(beta, dtype=np.float64)
    shape = np.broadcast_shapes(a.shape, b.shape)
    params = plane.points(np.broadcast_to(a, shape).ravel(), np.broadcast_to(b, shape).ravel())
    return losses_at(land, params, dtype).reshape(shape)


def losses_at(land: NetworkLandscape, params: Array, dtype: DTypeLike = np.float32) -> Array:
    """The loss at each row of params (G, d), in batched forward passes computed in `dtype`."""
    y = land.train.labels.astype(dtype)
    out = np.full(len(params), np.nan)
    if len(y) == 0:
        return out
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for rows, z in logit_batches(land.arch, params, land.train.inputs, dtype):
            terms, _ = bce_terms(z, y)
            out[rows] = np.mean(terms, axis=-1, dtype=np.float64)
    if land.l2:
        out += _penalties(land, params)
    return out


def logit_batches(
    arch: Architecture, params: Array, x: Array, dtype: DTypeLike = np.float32
) -> Iterator[tuple[slice, Array]]:
    """(rows, logits of shape (g, n)) for successive batches of the rows of params (G, d) on
    points x (n, 2); each batch's logits live in a buffer the next batch overwrites."""
    xs: Array = np.asarray(x).astype(dtype)
    n = len(xs)
    widths = arch.sizes[1:-1]
    batch = max(1, _BATCH_ELEMENTS // max(1, n * max(widths, default=1)))
    buffers = [_Buffers(batch, n, width, dtype) for width in widths]
    act = ACTIVATE[arch.activation]
    weights = list(zip(arch.blocks[::2], arch.blocks[1::2], strict=True))
    logits: Array = np.empty((batch, n, 1), dtype=dtype)  # float32 arrays typed as Array
    for lo in range(0, len(params), batch):
        ps = params[lo : lo + batch].astype(dtype)
        g = len(ps)
        inputs = xs
        for k, (wb, bb) in enumerate(weights):
            w = ps[:, wb.start : wb.stop].reshape(g, *wb.shape).transpose(0, 2, 1)
            if k < len(widths):
                buf = buffers[k]
                z, act_out, tmp = buf.z[:g], buf.a[:g], buf.tmp[:g]
            else:
                z = logits[:g]
            np.matmul(inputs, w, out=z)
            z += ps[:, None, bb.start : bb.stop]
            if k < len(widths):
                act(z, act_out, tmp)
                inputs = act_out
        yield slice(lo, lo + g), logits[:g, :, 0]


def _penalties(land: NetworkLandscape, params: Array) -> Array:
    """(l2 / 2) · Σ W² of each row of params (every weight of every W; no bias)."""
    total = np.zeros(len(params))
    for block in land.arch.blocks[::2]:
        w = params[:, block.start : block.stop]
        total += np.einsum("gd,gd->g", w, w)
    out: Array = 0.5 * land.l2 * total
    return out


class _Buffers:
    """One hidden layer's z, f(z) and scratch for a batch of grid points."""

    def __init__(self, batch: int, n: int, width: int, dtype: DTypeLike) -> None:
        self.z = np.empty((batch, n, width), dtype=dtype)
        self.a = np.empty((batch, n, width), dtype=dtype)
        self.tmp = np.empty((batch, n, width), dtype=dtype)


_SLICE_STREAM = 0x511CE  # the slice's directions, apart from the init, data and batch streams
