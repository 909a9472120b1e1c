"""Camera framing for a height map: how far away, and from which side (no Qt)."""

from __future__ import annotations

import math

import numpy as np

from gdstudio.render.heightmap import HeightMap

THREE_QUARTER_AZIMUTHS = (-62.0, 118.0, 28.0, 208.0)
DEFAULT_ELEVATION = 40.0


def look_at_height(heightmap: HeightMap) -> float:
    """Height of the point the camera looks at: a little below the box middle."""
    return 0.38 * heightmap.height


def fit_distance(heightmap: HeightMap, fov_deg: float, width: float, height: float) -> float:
    """Camera distance at which the whole world box fits a view of horizontal fov and size."""
    ex, ey = heightmap.extent
    cz = look_at_height(heightmap)
    reach_z = max(cz, heightmap.height - cz)
    radius = 1.04 * math.sqrt(ex * ex + ey * ey + reach_z * reach_z)
    half_h = math.radians(fov_deg) / 2.0
    half_v = math.atan(math.tan(half_h) * max(height, 1.0) / max(width, 1.0))
    return radius / math.sin(min(half_h, half_v))


def best_azimuth(
    heightmap: HeightMap, candidates: tuple[float, ...] = THREE_QUARTER_AZIMUTHS, samples: int = 65
) -> float:
    """The candidate azimuth whose camera-facing box sides are lowest (hide the least)."""
    n = samples
    grid = heightmap.param_grid(n).reshape(-1, 2)
    z = heightmap.surface_z_at_world(heightmap.world_xy(grid)).reshape(n, n)
    side_z = np.array([z[0, :].mean(), z[:, -1].mean(), z[-1, :].mean(), z[:, 0].mean()])
    outward = np.array([[0.0, -1.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    scores = []
    for azimuth in candidates:
        a = math.radians(azimuth)
        facing = np.maximum(outward @ np.array([math.cos(a), math.sin(a)]), 0.0)
        scores.append(float(facing @ side_z / facing.sum()))
    # prefer the first candidate unless another is clearly better
    return candidates[int(np.argmin(np.array(scores) + 0.02 * (np.arange(len(scores)) > 0)))]
