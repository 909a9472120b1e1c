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


class _Thinned:
    """What a path looked like last time: how many rows had settled (all but the last: a
    history's latest row is replaced by the next one), a few of them to recognise the path
    by, and the thinned world points of the settled rows."""

    __slots__ = ("generation", "kept", "length", "marks", "settled")

    def __init__(
        self, params: np.ndarray, losses: np.ndarray, world: np.ndarray, tol: float, generation: int
    ):
        self.generation = generation
        self.settled = len(params) - 1
        self.marks = self._marks(params, losses, self.settled)
        length = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(world, axis=0), axis=1))])
        self.length = float(length[-2])
        cell = np.floor(length / tol)
        keep = np.empty(self.settled, dtype=bool)
        keep[0] = True
        keep[1:] = cell[1:-1] != cell[:-2]
        self.kept: np.ndarray = world[:-1][keep]

    @staticmethod
    def _marks(params: np.ndarray, losses: np.ndarray, settled: int) -> np.ndarray:
        rows = [0, settled // 2, settled - 1]
        return np.concatenate([params[rows].ravel(), losses[rows]])

    def extend(self, params: np.ndarray, losses: np.ndarray, tail: np.ndarray, tol: float) -> None:
        """Settle every new row but the last; `tail` is the world of rows self.settled - 1
        onwards (the last settled row first)."""
        steps = np.linalg.norm(np.diff(tail, axis=0), axis=1)
        length = np.cumsum(np.concatenate([[self.length], steps]))
        cell = np.floor(length / tol)
        new = slice(1, -1)  # rows settled now: after the last settled one, before the latest
        self.kept = np.concatenate([self.kept, tail[new][cell[new] != cell[:-2]]])
        self.settled = len(params) - 1
        self.marks = self._marks(params, losses, self.settled)
        self.length = float(length[-2])

    def matches(self, params: np.ndarray, losses: np.ndarray) -> bool:
        """Whether the path only grew since. A history only ever appends, or halves its rows
        when full, or starts again: the last two make it shorter; the marks catch another
        path that happens to be longer."""
        n = self.settled
        return len(params) > n and np.array_equal(self._marks(params, losses, n), self.marks)


class PathCache:
    """Thinned world points of each path kept between calls, so a race tick only maps and
    thins the rows that are new (a history that dropped rows is redone in full)."""

    def __init__(self) -> None:
        self._entries: dict[int, _Thinned] = {}
        self._key: tuple[int, float] | None = None
        self._generations = 0

    def thinned(
        self,
        heightmap: HeightMap,
        index: int,
        points: np.ndarray,
        losses: np.ndarray,
        tolerance: float,
    ) -> tuple[np.ndarray, int, int | None]:
        """simplify(world_path(...)) of path `index` (lifted by its stacking), how many of its
        first points have settled, and the generation of what settled (see PathSpan)."""
        lift = PATH_LIFT + PATH_STACKING * index
        if self._key != (id(heightmap), tolerance):
            self._key, self._entries = (id(heightmap), tolerance), {}
        if len(points) < 3 or len(losses) != len(points) or tolerance <= 0.0:
            self._entries.pop(index, None)
            return simplify(world_path(heightmap, points, losses, lift), tolerance), 0, None
        entry = self._entries.get(index)
        if entry is not None and entry.matches(points, losses):
            start = entry.settled - 1
            tail = world_path(heightmap, points[start:], losses[start:], lift)
            entry.extend(points, losses, tail, tolerance)
            last = tail[-1]
        else:
            world = world_path(heightmap, points, losses, lift)
            self._generations += 1
            entry = _Thinned(points, losses, world, tolerance, self._generations)
            self._entries[index] = entry
            last = world[-1]
        return np.concatenate([entry.kept, last[None, :]]), len(entry.kept), entry.generation


def empty_geometry() -> PathGeometry:
    """The geometry of no paths."""
    empty3, empty4 = np.empty((0, 3), np.float32), np.empty((0, 4), np.float32)
    return PathGeometry(empty3, empty4, empty3, empty4)


def build_path_geometry(
    heightmap: HeightMap,
    paths: list[Any],
    tolerance: float = PATH_TOLERANCE,
    cache: PathCache | None = None,
) -> PathGeometry:
    """All paths as one point list (one draw for all runs) and one head ball per non-empty
    path; each path simplified to `tolerance` world units (with `cache`, only its new rows
    are mapped and thinned)."""
    cache = cache if cache is not None else PathCache()
    chunks, colors, heads, head_colors, spans = [], [], [], [], []
    first = 0
    for i, path in enumerate(paths):
        color, points, losses = path_fields(path)
        if len(points) == 0:
            continue
        world, settled, generation = cache.thinned(heightmap, i, points, losses, tolerance)
        spans.append(PathSpan(first, len(world), max(settled - 1, 0), generation))
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
