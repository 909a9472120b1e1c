"""The least absolute deviations line, exact: descent from data point to data point.

Some optimal line passes through two data points. Among the lines through one point k, the
best is found exactly: Σ|yᵢ − y_k − w(xᵢ − x_k)| = Σ|xᵢ − x_k|·|sᵢ − w| with sᵢ the slope to
point i, minimized by the weighted median of the sᵢ. The descent pivots to the other point
on that line and repeats while the loss falls (Wesolowsky 1981); when no line through any
point on the current one does better, the current line is optimal, because the loss is convex
and piecewise linear with its kinks exactly along those pencils of lines.
"""

from __future__ import annotations

import numpy as np

# Exact up to this many points; beyond, the descent stops after MAX_PIVOTS_LARGE pivots (each
# costs a sort of the points) with the best line found so far.
EXACT_LIMIT = 50_000
MAX_PIVOTS_LARGE = 40
_MAX_ACTIVE = 32  # points on the final line whose pencils are checked too (ties, collinear)


def _pencil(x: np.ndarray, y: np.ndarray, k: int) -> tuple[float, float, int]:
    """(loss, slope, other point) of the best line through point k."""
    dx, dy = x - x[k], y - y[k]
    moving = np.flatnonzero(dx != 0)
    with np.errstate(over="ignore"):  # a near-vertical pair: an infinite slope, never chosen
        slopes = dy[moving] / dx[moving]
    order = np.argsort(slopes, kind="stable")
    weights = np.abs(dx[moving])[order]
    cum = np.cumsum(weights)
    j = min(int(np.searchsorted(cum, 0.5 * cum[-1])), len(order) - 1)
    w = float(slopes[order[j]])
    with np.errstate(all="ignore"):
        loss = float(np.abs(dy - w * dx).sum())
    return loss if np.isfinite(loss) else np.inf, w, int(moving[order[j]])


def lad_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """(w, b) minimizing Σ|y − (w·x + b)|, or None when x does not vary (no unique line).

    None too when the best line is steeper than a float can hold (x differing by 1e-300).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = len(x)
    if n == 0 or float(np.ptp(x)) == 0.0:
        return None
    w0, b0 = np.polyfit(x - x.mean(), y, 1) if n > 1 else (0.0, float(y[0]))
    residual = y - (w0 * (x - x.mean()) + b0)
    k = int(np.argsort(residual, kind="stable")[n // 2])  # start on the median residual
    loss, w, j = _pencil(x, y, k)
    pivots = 0
    limit = None if n <= EXACT_LIMIT else MAX_PIVOTS_LARGE
    while limit is None or pivots < limit:
        pivots += 1
        better = _improve(x, y, k, j, w, loss)
        if better is None:
            break
        k, (loss, w, j) = better
    b = float(y[k] - w * x[k])
    return (w, b) if np.isfinite(w) and np.isfinite(b) else None


def _improve(
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    j: int,
    w: float,
    loss: float,
) -> tuple[int, tuple[float, float, int]] | None:
    """A pivot on the line through k (slope w) and the best line through it, if lower."""
    tol = 1e-15 * max(loss, 1e-300) * 4
    candidates = [j]
    r = np.abs(y - y[k] - w * (x - x[k]))
    scale = np.abs(y - y[k]) + np.abs(w * (x - x[k])) + 1e-300
    on_line = np.flatnonzero(r <= 1e-12 * scale)
    candidates += [int(i) for i in on_line[:_MAX_ACTIVE] if i not in (j, k)]
    for c in candidates:
        found = _pencil(x, y, c)
        if found[0] < loss - tol:
            return c, found
    return None
