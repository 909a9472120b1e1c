"""Vectorized geometry of the scatter editor: hit tests and clipped model curves."""

from __future__ import annotations

import numpy as np

DISPLAY_LIMIT = 20_000  # more points than this are drawn as a density, not as markers
CURVE_SAMPLES = 256


def nearest_point(
    x: np.ndarray,
    y: np.ndarray,
    cx: float,
    cy: float,
    sx: float,
    sy: float,
    radius: float,
) -> int | None:
    """Index of the point nearest (cx, cy) within `radius` pixels, or None.

    `sx`, `sy` are pixels per data unit along each axis (their signs do not matter).
    """
    sx, sy = abs(sx), abs(sy)
    if not (sx > 0 and sy > 0) or len(x) == 0:
        return None
    near = np.flatnonzero((np.abs(x - cx) <= radius / sx) & (np.abs(y - cy) <= radius / sy))
    if near.size == 0:
        return None
    d2 = ((x[near] - cx) * sx) ** 2 + ((y[near] - cy) * sy) ** 2
    best = int(np.argmin(d2))
    return int(near[best]) if d2[best] <= radius * radius else None


def points_in_rect(
    x: np.ndarray,
    y: np.ndarray,
    x0: float,
    x1: float,
    y0: float,
    y1: float,
) -> np.ndarray:
    """Indices of the points inside the rectangle (corners in any order)."""
    xa, xb = min(x0, x1), max(x0, x1)
    ya, yb = min(y0, y1), max(y0, y1)
    return np.flatnonzero((x >= xa) & (x <= xb) & (y >= ya) & (y <= yb))


def padded_range(values: np.ndarray) -> tuple[float, float]:
    """min to max of some values, with a margin (a unit or so around a single value)."""
    lo, hi = float(values.min()), float(values.max())
    pad = 0.08 * (hi - lo) if hi > lo else max(1.0, 0.1 * abs(lo))
    return lo - pad, hi + pad


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def model_curve(
    w: float,
    b: float,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    logistic: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Points of y = w·x + b (or σ(w·x + b)) across x_range, kept within a margin of y_range."""
    if not (np.isfinite(w) and np.isfinite(b)):
        return np.empty(0), np.empty(0)
    x0, x1 = x_range
    if logistic:
        xs = np.linspace(x0, x1, CURVE_SAMPLES)
        with np.errstate(over="ignore", invalid="ignore"):
            return xs, sigmoid(w * xs + b)
    # A straight line is clipped exactly, so no huge coordinates reach the painter.
    span = y_range[1] - y_range[0]
    lo, hi = y_range[0] - span, y_range[1] + span
    if w != 0:
        xa, xb = sorted(((lo - b) / w, (hi - b) / w))
        x0, x1 = max(x0, xa), min(x1, xb)
        if not x0 < x1:
            return np.empty(0), np.empty(0)
    elif not lo <= b <= hi:
        return np.empty(0), np.empty(0)
    xs = np.array([x0, x1])
    return xs, w * xs + b


def residual_segments(
    x: np.ndarray,
    y: np.ndarray,
    fitted: np.ndarray,
    y_range: tuple[float, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Vertical segments from each point to the fitted value, as (xs, ys) in 'pairs' order."""
    span = y_range[1] - y_range[0]
    with np.errstate(invalid="ignore"):
        end = np.clip(fitted, y_range[0] - span, y_range[1] + span)
    keep = np.isfinite(end)
    xs = np.repeat(x[keep], 2)
    ys = np.empty_like(xs)
    ys[0::2], ys[1::2] = y[keep], end[keep]
    return xs, ys
