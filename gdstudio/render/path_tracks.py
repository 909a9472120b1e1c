"""Paths followed as they grow (no Qt): each update maps and thins only the rows added since
the one before, all paths' new rows in one vectorized pass; a path that is not the one seen
before (a reset, a full history that dropped rows, another run in its place, a new landscape
or height scale) is redone whole. The result is the same, bit for bit, as
`build_path_geometry` of the paths as they are now."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gdstudio.render.heightmap import HeightMap
from gdstudio.render.path_geometry import (
    PATH_LIFT,
    PATH_STACKING,
    PATH_TOLERANCE,
    PathGeometry,
    PathSpan,
    empty_geometry,
    path_fields,
    simplify,
    world_path,
)

_MIN_ROOM = 256
"""Rows a track's buffer grows by at least (it grows by half its size: amortized appends)."""


def _raw(path: Any) -> tuple[Any, Any, Any]:
    """(color, points, losses) of a path as given, not converted (to tell an unchanged one)."""
    if hasattr(path, "points"):
        color, points, losses = path.color, path.points, getattr(path, "losses", ())
    else:
        color, points, losses = path
    return (float(color[0]), float(color[1]), float(color[2])), points, losses


class PathTrack:
    """One drawn path: `points` (float32 world points, thinned; the last is the latest row),
    its colour, and how much of it has settled (its first `settled` segments stay as they are
    while `generation` is the same)."""

    __slots__ = (
        "_buf",
        "_length",
        "_marks",
        "_seen",
        "count",
        "generation",
        "lift",
        "rgb",
        "rgba",
        "rows",
    )

    def __init__(self, lift: float) -> None:
        self.lift = lift
        self.rgb: Any = None
        self.rgba = np.ones(4, np.float32)
        self._buf = np.empty((0, 3), np.float32)
        self.count = 0
        self.rows = 0  # rows of the path settled (all but the latest); 0 while it is redone
        self.generation: int | None = None  # None: nothing settled (redone every time)
        self._length = 0.0  # path length at the last settled row
        self._marks = b""
        self._seen: tuple[Any, Any, bytes] = (None, None, b"")

    @property
    def points(self) -> np.ndarray:
        """The drawn points (a view: valid until the next update)."""
        return self._buf[: self.count]

    @property
    def settled(self) -> int:
        """Segments that stay: all but the last one (from the last settled row to the
        latest), none for a path redone every time."""
        return self.count - 2 if self.generation is not None else 0

    def unchanged(self, color: Any, points: Any, losses: Any) -> bool:
        """Whether these are the arrays of the last update, with the same last row."""
        seen_points, seen_losses, last = self._seen
        return (
            points is seen_points
            and losses is seen_losses
            and color == self.rgb
            and _last_row(points, losses) == last
        )

    def remember(self, color: Any, points: Any, losses: Any) -> None:
        """Note the arrays (and colour) this update drew."""
        self._seen = (points, losses, _last_row(points, losses))
        if color != self.rgb:
            self.rgb = color
            self.rgba = np.array([*color, 1.0], dtype=np.float32)

    def grows(self, params: np.ndarray, losses: np.ndarray) -> bool:
        """Whether the path only had rows appended since the last update. A history appends,
        or halves its rows when full, or starts again: the last two make it shorter than
        what settled, or change one of the rows kept to recognise it by."""
        n = self.rows
        return (
            n > 0
            and len(params) > n
            and len(losses) == len(params)
            and _marks(params, losses, n) == self._marks
        )

    def settle(
        self,
        params: np.ndarray,
        losses: np.ndarray,
        tail: np.ndarray,
        steps: np.ndarray,
        tolerance: float,
        generation: int | None,
    ) -> None:
        """Thin `tail`, the world points of the rows from the last settled one on (of all
        rows when `generation` is given: a path started again), whose `steps` are the
        distances from each point to the next, and keep what settled."""
        if generation is not None:
            self.generation, self._length, start = generation, 0.0, 0
        else:
            start = self.count - 1  # the latest row's place: new rows from there
        length = np.cumsum(np.concatenate([[self._length], steps]))
        cell = np.floor(length / tolerance)
        new = cell[1:-1] != cell[:-2]  # the rows settled now: after the last one, before the latest
        kept = tail[1:-1][new]
        if generation is not None:
            kept = np.concatenate([tail[:1], kept])  # a path's first row is always kept
        end = start + len(kept)
        self._room(end + 1, start)
        self._buf[start:end] = kept
        self._buf[end] = tail[-1]
        self.count = end + 1
        self.rows = len(params) - 1
        self._length = float(length[-2])
        self._marks = _marks(params, losses, self.rows)

    def redo(self, world: np.ndarray, tolerance: float) -> None:
        """Draw a path that cannot settle (too short, or without losses) from its world points."""
        points = simplify(world, tolerance)
        self._room(len(points), 0)
        self._buf[: len(points)] = points
        self.count = len(points)
        self.rows, self.generation, self._marks = 0, None, b""

    def _room(self, rows: int, keep: int) -> None:
        """A buffer of at least `rows` rows, its first `keep` rows kept."""
        if rows <= len(self._buf):
            return
        buf = np.empty((rows + max(_MIN_ROOM, rows // 2), 3), np.float32)
        buf[:keep] = self._buf[:keep]
        self._buf = buf


def _last_row(points: Any, losses: Any) -> bytes:
    p, loss = np.asarray(points), np.asarray(losses)
    return (p[-1].tobytes() if len(p) else b"") + (loss[-1].tobytes() if len(loss) else b"")


def _marks(params: np.ndarray, losses: np.ndarray, settled: int) -> bytes:
    rows = [0, settled // 2, settled - 1]
    return params[rows].tobytes() + losses[rows].tobytes()


class PathTracks:
    """The drawn form of a list of paths, kept up to date by `update` a frame at a time."""

    def __init__(self, tolerance: float = PATH_TOLERANCE) -> None:
        self.tolerance = tolerance
        self._heightmap: HeightMap | None = None
        self._tracks: list[PathTrack] = []
        self._shown: list[PathTrack] = []  # tracks of the non-empty paths, in order
        self._generations = 0
        self._geometry: PathGeometry | None = None
        self.spans: tuple[PathSpan, ...] = ()
        """Where each drawn path is in `geometry().points`, and how much of it settled."""

    @property
    def shown(self) -> list[PathTrack]:
        """The tracks of the non-empty paths, in drawing order."""
        return self._shown

    def update(self, heightmap: HeightMap, paths: Sequence[Any]) -> bool:
        """Follow `paths` (as for build_path_geometry); whether anything drawn changed."""
        if heightmap is not self._heightmap:
            self._heightmap, self._tracks = heightmap, []
        tracks = self._tracks
        changed = len(tracks) != len(paths)
        del tracks[len(paths) :]
        while len(tracks) < len(paths):
            tracks.append(PathTrack(PATH_LIFT + PATH_STACKING * len(tracks)))
        growing: list[tuple[PathTrack, np.ndarray, np.ndarray, int | None]] = []
        for track, path in zip(tracks, paths, strict=True):
            raw = _raw(path)
            if track.unchanged(*raw):
                continue
            changed = True
            track.remember(*raw)
            _, params, losses = path_fields(path)
            if len(params) == 0:
                track.count, track.rows, track.generation = 0, 0, None
            elif track.grows(params, losses):
                growing.append((track, params, losses, None))
            elif len(params) >= 3 and len(losses) == len(params) and self.tolerance > 0.0:
                self._generations += 1
                growing.append((track, params, losses, self._generations))
            else:
                track.redo(world_path(heightmap, params, losses, track.lift), self.tolerance)
        if growing:
            self._settle(heightmap, growing)
        if changed:
            self._shown = [t for t in tracks if t.count]
            self._geometry = None
            spans, first = [], 0
            for t in self._shown:
                spans.append(PathSpan(first, t.count, t.settled, t.generation))
                first += t.count
            self.spans = tuple(spans)
        return changed

    def _settle(
        self,
        heightmap: HeightMap,
        growing: list[tuple[PathTrack, np.ndarray, np.ndarray, int | None]],
    ) -> None:
        """Map the new rows of every growing path in one pass, then thin each."""
        starts = [0 if gen is not None else t.rows - 1 for t, _, _, gen in growing]
        params = np.concatenate([p[s:] for (_, p, _, _), s in zip(growing, starts, strict=True)])
        losses = np.concatenate([v[s:] for (_, _, v, _), s in zip(growing, starts, strict=True)])
        sizes = [len(p) - s for (_, p, _, _), s in zip(growing, starts, strict=True)]
        world = world_path(heightmap, params, losses, 0.0)
        world[:, 2] += np.repeat([t.lift for t, _, _, _ in growing], sizes)
        steps = np.linalg.norm(np.diff(world, axis=0), axis=1)  # (from one path to the next too)
        a = 0
        for (track, p, v, gen), size in zip(growing, sizes, strict=True):
            b = a + size
            track.settle(p, v, world[a:b], steps[a : b - 1], self.tolerance, gen)
            a = b

    def geometry(self) -> PathGeometry:
        """All drawn paths as one point list (made on demand, kept until the next change)."""
        if self._geometry is None:
            self._geometry = self._compact()
        return self._geometry

    def heads(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions (m, 3) and colours (m, 4) of the latest point of every drawn path."""
        shown = self._shown
        if not shown:
            return np.empty((0, 3), np.float32), np.empty((0, 4), np.float32)
        return np.array([t.points[-1] for t in shown]), np.array([t.rgba for t in shown])

    def _compact(self) -> PathGeometry:
        shown = self._shown
        if not shown:
            return empty_geometry()
        colors = np.repeat(np.array([t.rgba for t in shown]), [t.count for t in shown], axis=0)
        colors[np.cumsum([t.count for t in shown]) - 1, 3] = 0.0  # no segment joins two paths
        heads, head_colors = self.heads()
        return PathGeometry(
            np.concatenate([t.points for t in shown]),
            colors,
            heads,
            head_colors,
            self.spans,
        )


def pieces(tracks: Sequence[PathTrack], slices: Sequence[tuple[int, int]]) -> PathGeometry:
    """Points [a, b) of each track, one piece after another, as polylines whose segments
    join no two pieces (pieces of fewer than two points left out); no heads or spans."""
    chosen = [(t, a, b) for t, (a, b) in zip(tracks, slices, strict=True) if b - a >= 2]
    if not chosen:
        return empty_geometry()
    sizes = [b - a for _, a, b in chosen]
    colors = np.repeat(np.array([t.rgba for t, _, _ in chosen]), sizes, axis=0)
    colors[np.cumsum(sizes) - 1, 3] = 0.0
    points = np.concatenate([t.points[a:b] for t, a, b in chosen])
    empty3, empty4 = np.empty((0, 3), np.float32), np.empty((0, 4), np.float32)
    return PathGeometry(points, colors, empty3, empty4)
