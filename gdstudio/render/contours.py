"""Contour-line geometry by marching squares, vectorized over cells and levels (numpy only)."""

from __future__ import annotations

import numpy as np


def _crossed_edges() -> np.ndarray:
    """For each of the 16 corner codes, which cell edges the isoline crosses."""
    bit = (np.arange(16)[:, None] >> np.arange(4)) & 1  # columns a, b, d, e
    a, b, d, e = bit.T
    # Edges in order bottom (a-b), right (b-d), top (e-d), left (a-e).
    return np.stack([a != b, b != d, e != d, a != e], axis=-1)


_CROSSED = _crossed_edges()


def contour_levels(lo: float, hi: float, count: int) -> np.ndarray:
    """`count` evenly spaced levels strictly between lo and hi (none if the range is empty)."""
    if count < 1 or not (np.isfinite(lo) and np.isfinite(hi)) or not hi > lo:
        return np.empty(0)
    return np.linspace(lo, hi, count + 2)[1:-1]


def isoline_segments(
    z: np.ndarray, levels: np.ndarray, xs: np.ndarray, ys: np.ndarray
) -> np.ndarray:
    """Marching squares over z (rows at ys, columns at xs): segment endpoints, shape (2k, 2).

    Consecutive rows are the two ends of one segment. A cell with a non-finite corner is
    skipped, so are non-finite levels; xs and ys must increase but need not be evenly spaced.
    """
    z = np.asarray(z, dtype=np.float64)
    levels = np.asarray(levels, dtype=np.float64).ravel()
    levels = levels[np.isfinite(levels)]
    if z.ndim != 2 or min(z.shape) < 2 or levels.size == 0:
        return np.empty((0, 2))
    finite = np.isfinite(z)
    cell_ok = finite[:-1, :-1] & finite[:-1, 1:] & finite[1:, 1:] & finite[1:, :-1]
    with np.errstate(invalid="ignore"):
        above = (z[None, :, :] > levels[:, None, None]).view(np.uint8)
    # Corner a = (row i, col j) is bit 1, b = (i, j+1) bit 2, d = (i+1, j+1) bit 4, e = (i+1, j) 8.
    code = (
        above[:, :-1, :-1]
        | (above[:, :-1, 1:] << 1)
        | (above[:, 1:, 1:] << 2)
        | (above[:, 1:, :-1] << 3)
    )
    code[:, ~cell_ok] = 0
    code = code.ravel()
    cells = np.flatnonzero((code != 0) & (code != 15))
    if cells.size == 0:
        return np.empty((0, 2))
    flags = _CROSSED[code[cells]]
    n_cell = (z.shape[0] - 1) * (z.shape[1] - 1)
    lvl, rest = np.divmod(cells, n_cell)
    r, c = np.divmod(rest, z.shape[1] - 1)
    level = levels[lvl]
    za, zb = z[r, c], z[r, c + 1]
    zd, ze = z[r + 1, c + 1], z[r + 1, c]
    rf, cf = r.astype(np.float64), c.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.stack(
            [
                (level - za) / (zb - za),
                (level - zb) / (zd - zb),
                (level - ze) / (zd - ze),
                (level - za) / (ze - za),
            ],
            axis=-1,
        )
    # Endpoints in (column, row) grid units, one per edge.
    pts = np.empty((cells.size, 4, 2))
    pts[:, 0, 0], pts[:, 0, 1] = cf + t[:, 0], rf
    pts[:, 1, 0], pts[:, 1, 1] = cf + 1.0, rf + t[:, 1]
    pts[:, 2, 0], pts[:, 2, 1] = cf + t[:, 2], rf + 1.0
    pts[:, 3, 0], pts[:, 3, 1] = cf, rf + t[:, 3]
    count = flags.sum(axis=-1)
    two = np.flatnonzero(count == 2)
    first = np.argmax(flags[two], axis=-1)
    second = 3 - np.argmax(flags[two, ::-1], axis=-1)
    pieces = [np.stack([pts[two, first], pts[two, second]], axis=1)]
    # Saddle cells: the centre (mean of the corners) decides which opposite pair it joins.
    # Edges 0+1 meet at corner b, 2+3 at e; 0+3 at a, 1+2 at d.
    four = np.flatnonzero(count == 4)
    if four.size:
        centre_above = 0.25 * (za[four] + zb[four] + zd[four] + ze[four]) > level[four]
        cut_b_and_e = (za[four] > level[four]) == centre_above
        pairs = np.where(cut_b_and_e[:, None], [[0, 1, 2, 3]], [[0, 3, 1, 2]])
        pieces.append(pts[four[:, None], pairs].reshape(-1, 2, 2))
    seg = np.concatenate(pieces).reshape(-1, 2)
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    return np.stack(
        [
            np.interp(seg[:, 0], np.arange(len(xs)), xs),
            np.interp(seg[:, 1], np.arange(len(ys)), ys),
        ],
        axis=-1,
    )
