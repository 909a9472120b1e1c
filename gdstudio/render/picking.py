"""Screen <-> world ray math and ray / height-field intersection (no Qt)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

HeightFn = Callable[[np.ndarray], np.ndarray]


def project_to_screen(
    points: np.ndarray, width: float, height: float, view: np.ndarray, projection: np.ndarray
) -> np.ndarray:
    """Pixel positions (..., 2), x right and y down, of world points (..., 3)."""
    pts = np.asarray(points, dtype=np.float64)
    homo = np.concatenate([pts, np.ones(pts.shape[:-1] + (1,))], axis=-1)
    clip = homo @ (projection @ view).T
    ndc = clip[..., :2] / clip[..., 3:4]
    return np.stack([(ndc[..., 0] + 1.0) * 0.5 * width, (1.0 - ndc[..., 1]) * 0.5 * height], -1)


def ray_from_screen(
    x: float, y: float, width: float, height: float, view: np.ndarray, projection: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """World origin (on the near plane) and unit direction of the ray through pixel (x, y)."""
    ndc_x = 2.0 * x / width - 1.0
    ndc_y = 1.0 - 2.0 * y / height
    inverse = np.linalg.inv(projection @ view)
    ends = np.array([[ndc_x, ndc_y, -1.0, 1.0], [ndc_x, ndc_y, 1.0, 1.0]]) @ inverse.T
    near, far = ends[:, :3] / ends[:, 3:4]
    direction = far - near
    return near, direction / np.linalg.norm(direction)


def clip_ray_to_box(
    origin: np.ndarray, direction: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[float, float] | None:
    """Parameter interval [t0, t1] (t0 ≥ 0) where the ray is inside the box, or None."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ta = (lo - origin) / direction
        tb = (hi - origin) / direction
    tmin = np.where(
        direction == 0.0,
        np.where((origin >= lo) & (origin <= hi), -np.inf, np.inf),
        np.minimum(ta, tb),
    )
    tmax = np.where(
        direction == 0.0,
        np.where((origin >= lo) & (origin <= hi), np.inf, -np.inf),
        np.maximum(ta, tb),
    )
    t0, t1 = max(float(np.max(tmin)), 0.0), float(np.min(tmax))
    return (t0, t1) if t0 <= t1 else None


def intersect_heightfield(
    origin: np.ndarray,
    direction: np.ndarray,
    height_at: HeightFn,
    lo: np.ndarray,
    hi: np.ndarray,
    samples: int = 1024,
    refine: int = 40,
) -> np.ndarray | None:
    """First world point where the ray meets the solid under z = height_at(xy) in the box.

    Marches the clipped ray with one vectorized height evaluation, then bisects the first
    bracket where it goes below the surface. A ray entering through a side wall hits at its
    entry point. Returns None on a miss.
    """
    origin = np.asarray(origin, dtype=np.float64)
    direction = np.asarray(direction, dtype=np.float64)
    span = clip_ray_to_box(origin, direction, np.asarray(lo), np.asarray(hi))
    if span is None:
        return None
    t = np.linspace(span[0], span[1], samples)
    pts = origin + t[:, None] * direction
    gap = pts[:, 2] - height_at(pts[:, :2])
    below = np.flatnonzero(~(gap > 0.0))
    if below.size == 0:
        return None
    k = int(below[0])
    if k == 0:
        entry: np.ndarray = pts[0]
        return entry
    ta, tb = t[k - 1], t[k]
    for _ in range(refine):
        tm = 0.5 * (ta + tb)
        pm = origin + tm * direction
        if pm[2] - float(height_at(pm[None, :2])[0]) > 0.0:
            ta = tm
        else:
            tb = tm
    hit: np.ndarray = origin + 0.5 * (ta + tb) * direction
    return hit
