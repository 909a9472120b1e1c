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
PATH_TOLERANCE = 0.001
"""World units (the box is 2 wide) a drawn path may differ from its points: under half a
pixel in a 1600-pixel picture, while a crawl of 4,000 tiny steps becomes a few segments."""
_OVERSHOOT = 1.25
"""Paths that leave the box are drawn at most this far out (relative to the box)."""


@dataclass(frozen=True)
class PathGeometry:
    """Everything the view draws for a set of paths.

    `points` are all paths one after another; the segment from point i to i + 1 is drawn in
    `point_colors[i]`, whose alpha is 0 where a path ends (no segment joins two paths).
    """

    points: np.ndarray
    point_colors: np.ndarray
    head_positions: np.ndarray
    head_colors: np.ndarray
    spans: tuple[PathSpan, ...] = ()
    """Where each drawn path is in `points`, and how much of it has settled."""


@dataclass(frozen=True)
class PathSpan:
    """Path `first`..`first + count - 1` of a PathGeometry: its first `settled` segments stay
    as they are while `generation` is the same (the path only grows after them)."""

    first: int
    count: int
    settled: int
    generation: int | None  # None: nothing settled (a path too short to thin)


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """The points of a polyline thinned to about one per `tolerance` of its length: the first
    point in each stretch of that length is kept (and the last point).

    A dropped point is within `tolerance` of path length after a kept one, so the drawn line
    stays within `tolerance` of it; what is kept depends only on the path up to it, so a
    growing path keeps the picture of its start.
    """
    points = np.asarray(points)
    if len(points) < 3 or tolerance <= 0.0:
        return points
    length = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    cell = np.floor(length / tolerance)
    keep = np.empty(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    keep[1:-1] = cell[1:-1] != cell[:-2]
    kept: np.ndarray = points[keep]
    return kept


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


def empty_geometry() -> PathGeometry:
    """The geometry of no paths."""
    empty3, empty4 = np.empty((0, 3), np.float32), np.empty((0, 4), np.float32)
    return PathGeometry(empty3, empty4, empty3, empty4)


def build_path_geometry(
    heightmap: HeightMap, paths: list[Any], tolerance: float = PATH_TOLERANCE
) -> PathGeometry:
    """All paths as one point list (one draw for all runs) and one head ball per non-empty
    path; each path simplified to `tolerance` world units and lifted by its stacking, built
    whole (path_tracks.PathTracks gives the same, following paths as they grow)."""
    chunks, colors, heads, head_colors, spans = [], [], [], [], []
    first = 0
    for i, path in enumerate(paths):
        color, points, losses = path_fields(path)
        if len(points) == 0:
            continue
        lift = PATH_LIFT + PATH_STACKING * i
        world = simplify(world_path(heightmap, points, losses, lift), tolerance)
        spans.append(PathSpan(first, len(world), 0, None))
        first += len(world)
        rgba = np.array([*color, 1.0], dtype=np.float32)
        heads.append(world[-1])
        head_colors.append(rgba)
        chunk_colors = np.empty((len(world), 4), dtype=np.float32)
        chunk_colors[:] = rgba
        chunk_colors[-1, 3] = 0.0  # no segment from this path's end to the next one
        chunks.append(world)
        colors.append(chunk_colors)
    if not heads:
        return empty_geometry()
    return PathGeometry(
        np.concatenate(chunks).astype(np.float32),
        np.concatenate(colors),
        np.array(heads, dtype=np.float32),
        np.array(head_colors, dtype=np.float32),
        tuple(spans),
    )
