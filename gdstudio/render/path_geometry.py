"""Turn optimizer paths (params + losses) into world-space line and ball arrays (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gdstudio.render.heightmap import HeightMap

PATH_LIFT = 0.01
"""World units a path floats above the surface."""
PATH_STACKING = 0.002
"""Extra lift per path so overlapping runs do not z-fight (later paths on top)."""
_OVERSHOOT = 1.25
"""Paths that leave the box are drawn at most this far out (relative to the box)."""


@dataclass(frozen=True)
class PathGeometry:
    """Everything the view draws for a set of paths."""

    segment_positions: np.ndarray
    segment_colors: np.ndarray
    head_positions: np.ndarray
    head_colors: np.ndarray


def polyline_segments(points: np.ndarray) -> np.ndarray:
    """Vertex pairs (2·(n−1), k) for GL_LINES drawing the polyline through n points."""
    points = np.asarray(points)
    if len(points) < 2:
        return np.empty((0,) + points.shape[1:], dtype=points.dtype)
    out = np.empty((2 * (len(points) - 1),) + points.shape[1:], dtype=points.dtype)
    out[0::2] = points[:-1]
    out[1::2] = points[1:]
    return out


def path_fields(path: Any) -> tuple[tuple[float, float, float], np.ndarray, np.ndarray]:
    """(color, points, losses) of a path given as an object with those attributes or a tuple."""
    if hasattr(path, "points"):
        color, points, losses = path.color, path.points, getattr(path, "losses", ())
    else:
        color, points, losses = path
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    losses = np.asarray(losses, dtype=np.float64).reshape(-1)
    return (float(color[0]), float(color[1]), float(color[2])), points, losses


def world_path(
    heightmap: HeightMap, points: np.ndarray, losses: np.ndarray, lift: float = PATH_LIFT
) -> np.ndarray:
    """World points of a path, lifted above the surface and kept near the box."""
    if len(losses) != len(points):
        losses = heightmap.loss(points)
    world = heightmap.to_world(points, losses)
    world = np.asarray(np.nan_to_num(world, nan=0.0, posinf=1e9, neginf=-1e9))
    ex, ey = heightmap.extent * _OVERSHOOT
    world[:, 0] = np.clip(world[:, 0], -ex, ex)
    world[:, 1] = np.clip(world[:, 1], -ey, ey)
    world[:, 2] = np.clip(world[:, 2], 0.0, heightmap.height * _OVERSHOOT) + lift
    return world


def build_path_geometry(heightmap: HeightMap, paths: list[Any]) -> PathGeometry:
    """Line segments (one draw for all runs) and one head ball per non-empty path."""
    segments, seg_colors, heads, head_colors = [], [], [], []
    for i, path in enumerate(paths):
        color, points, losses = path_fields(path)
        if len(points) == 0:
            continue
        world = world_path(heightmap, points, losses, PATH_LIFT + PATH_STACKING * i)
        rgba = np.array([*color, 1.0], dtype=np.float32)
        seg = polyline_segments(world)
        segments.append(seg)
        seg_colors.append(np.broadcast_to(rgba, (len(seg), 4)))
        heads.append(world[-1])
        head_colors.append(rgba)
    if not heads:
        empty3, empty4 = np.empty((0, 3), np.float32), np.empty((0, 4), np.float32)
        return PathGeometry(empty3, empty4, empty3, empty4)
    return PathGeometry(
        np.concatenate(segments).astype(np.float32),
        np.concatenate(seg_colors).astype(np.float32),
        np.array(heads, dtype=np.float32),
        np.array(head_colors, dtype=np.float32),
    )
