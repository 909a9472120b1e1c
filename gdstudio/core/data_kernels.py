"""Fused loss kernels of the data fits: the loss and its gradient over many (w, b) in one pass.

Every kernel sums over the data points in chunks whose temporaries stay under TEMP_BYTES, so
a 256×256 surface over a million points never holds a (grid × points) array. MAE on a
regular grid sorts the points once per w and reads every b from prefix sums (O(N log N) per
column instead of O(N) per grid point).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

TEMP_BYTES = 32 * 2**20
# (grid chunk × point chunk) elements per kernel call: two float64 buffers of this size,
# small enough to stay in cache (bigger chunks measure slower, not faster).
_CHUNK = 1 << 15
# A run's own point (or a few, one per racer) goes through the points in far longer runs:
# numpy's per-call overhead dominates short ones, and each call is a chance for a busy surface
# worker to take the GIL (31 chunks of a million points cost a racer ~0.5 s a step that way).
_FEW_POINTS = 16
_POINT_CHUNK = 1 << 19
# Columns of the sorted MAE grid at once: c, its order, sorted x and two prefix sums per point,
# in a block that stays in cache (measured faster than blocks up to TEMP_BYTES).
_SORTED_ARRAYS = 5
_SORTED_BYTES = 1 << 20
# One column of the sorted grid holds about seven arrays of N; beyond this many points the
# fused kernel (chunked over points) keeps under TEMP_BYTES instead.
SORTED_MAX_POINTS = TEMP_BYTES // (8 * 7)
# Below this many points the fused kernel beats the sorted grid's per-column overhead.
SORTED_MIN_POINTS = 32


def fused_sums(
    loss: str, delta: float, w: Array, b: Array, x: Array, t: Array, want_grad: bool = True
) -> tuple[Array, Array, Array]:
    """Sums over the points of the loss and of its (w, b) derivatives at each (w[g], b[g]).

    The loss of one point is that of prediction z = w·x + b against target t: |z − t| (MAE),
    Huber of z − t with `delta`, or log(1 + eᶻ) − t·z (BCE, logits). Returns (Σ loss,
    Σ ∂/∂w, Σ ∂/∂b), each shaped like w; the derivative sums are zeros unless want_grad.
    """
    g_count, n = len(w), len(x)
    val, gw, gb = np.zeros(g_count), np.zeros(g_count), np.zeros(g_count)
    if n == 0 or g_count == 0:
        return val, gw, gb
    chunk = _POINT_CHUNK if g_count <= _FEW_POINTS else _CHUNK
    p_chunk = min(n, chunk)
    g_chunk = max(1, chunk // p_chunk)
    buf_r = np.empty((g_chunk, p_chunk))
    buf_d = np.empty((g_chunk, p_chunk))
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for plo in range(0, n, p_chunk):
            xs, ts = x[plo : plo + p_chunk], t[plo : plo + p_chunk]
            if loss == "bce":
                t_sum, tx_sum = float(ts.sum()), _dot(ts, xs)
            for glo in range(0, g_count, g_chunk):
                ghi = min(glo + g_chunk, g_count)
                r = buf_r[: ghi - glo, : len(xs)]
                d = buf_d[: ghi - glo, : len(xs)]
                np.multiply(w[glo:ghi, None], xs, out=r)
                r += b[glo:ghi, None]
                if loss == "bce":
                    v, dw, db = _bce(r, d, xs, want_grad)
                    v -= w[glo:ghi] * tx_sum + b[glo:ghi] * t_sum
                else:
                    r -= ts
                    v, dw, db = (_mae if loss == "mae" else _huber)(r, d, xs, delta, want_grad)
                val[glo:ghi] += v
                if dw is not None and db is not None:
                    gw[glo:ghi] += dw
                    gb[glo:ghi] += db
                    if loss == "bce":
                        gw[glo:ghi] -= tx_sum
                        gb[glo:ghi] -= t_sum
    return val, gw, gb


_Sums = tuple[Array, Array | None, Array | None]


# Long products summed by einsum, not BLAS: OpenBLAS wakes its threads for a long row, and on
# a busy 2-core machine (the GL rasterizer's threads, a surface worker) the caller then spins
# for milliseconds on what takes half of one. A grid's short blocks stay on one BLAS thread,
# where BLAS is the quicker.
def _rows_dot(a: Array, x: Array) -> Array:
    """Σⱼ a[i, j]·x[j] for every row i."""
    out: Array = a @ x if a.size <= _CHUNK else np.einsum("ij,j->i", a, x)
    return out


def _dot(a: Array, b: Array) -> float:
    """Σ a·b of two vectors."""
    return float(np.einsum("i,i->", a, b))


def _mae(r: Array, d: Array, x: Array, _delta: float, want_grad: bool) -> _Sums:
    """|r| summed (as sign(r)·r), and the sums of sign(r)·x and sign(r)."""
    np.sign(r, out=d)
    value = np.einsum("ij,ij->i", d, r)
    if not want_grad:
        return value, None, None
    return value, _rows_dot(d, x), d.sum(axis=1)


def _huber(r: Array, d: Array, x: Array, delta: float, want_grad: bool) -> _Sums:
    """Huber summed as ψ·(r − ψ/2) with ψ = clip(r, ±δ), and the sums of ψ·x and ψ."""
    np.clip(r, -delta, delta, out=d)
    dw = _rows_dot(d, x) if want_grad else None
    db = d.sum(axis=1) if want_grad else None
    d *= 0.5  # exact: ψ/2, so Σ ψ·(r − ψ/2) = 2·Σ (ψ/2)·(r − ψ/2)
    r -= d
    return 2.0 * np.einsum("ij,ij->i", d, r), dw, db


def _bce(z: Array, d: Array, x: Array, want_grad: bool) -> _Sums:
    """Σ log(1 + eᶻ), and the sums of σ(z)·x and σ(z) (σ = exp(z − log(1 + eᶻ)))."""
    np.logaddexp(0.0, z, out=d)
    value = d.sum(axis=1)
    if not want_grad:
        return value, None, None
    np.subtract(z, d, out=z)
    np.exp(z, out=z)
    return value, _rows_dot(z, x), z.sum(axis=1)


def mae_grid(ws: Array, bs: Array, x: Array, t: Array) -> tuple[Array, Array, Array]:
    """Σ|w·x + b − t| and its (w, b) derivative sums on the grid ws × bs, each (len(bs), len(ws)).

    For one w the loss is Σ|b − c| with c = t − w·x: with c sorted, the points below b, above b
    and the prefix sums of c and x give every b by two binary searches.
    """
    n = len(x)
    shape = (len(bs), len(ws))
    val, gw, gb = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    if n == 0:
        return val, gw, gb
    cols = max(1, _SORTED_BYTES // (8 * _SORTED_ARRAYS * (n + 1)))
    with np.errstate(over="ignore", invalid="ignore"):
        for lo in range(0, len(ws), cols):
            w = ws[lo : lo + cols]
            c = t[None, :] - w[:, None] * x[None, :]
            order = np.argsort(c, axis=1)
            c = np.take_along_axis(c, order, axis=1)
            centre = c[:, n // 2 : n // 2 + 1]  # sums of c − centre keep their precision
            prefix_c = _prefix(c - centre)
            prefix_x = _prefix(x[order])
            # per w, the points with c < b (residual > 0) and with c ≤ b: two binary searches
            # each; the sums for every b of every w then at once
            below = np.empty((len(w), len(bs)), dtype=np.intp)
            upto = np.empty_like(below)
            for k in range(len(w)):
                below[k] = np.searchsorted(c[k], bs, side="left")
                upto[k] = np.searchsorted(c[k], bs, side="right")
            above = n - upto  # c > b: residual < 0
            b_c = bs[None, :] - centre
            pc_n, px_n = prefix_c[:, n : n + 1], prefix_x[:, n : n + 1]
            pc_b, pc_a = (np.take_along_axis(prefix_c, i, axis=1) for i in (below, upto))
            px_b, px_a = (np.take_along_axis(prefix_x, i, axis=1) for i in (below, upto))
            cols_ = slice(lo, lo + len(w))
            val[:, cols_] = (b_c * (below - above) - pc_b + (pc_n - pc_a)).T
            gw[:, cols_] = (px_b - (px_n - px_a)).T
            gb[:, cols_] = (below - above).T
    return val, gw, gb


def _prefix(a: Array) -> Array:
    """Prefix sums along the last axis with a leading zero: out[..., k] = Σ a[..., :k]."""
    out = np.zeros(a.shape[:-1] + (a.shape[-1] + 1,))
    np.cumsum(a, axis=-1, out=out[..., 1:])
    return out
