"""Where on screen an export frame differs from the one before: only the tips of the paths
and the balls move, so only boxes around them are drawn again (no Qt, no GL)."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np

from gdstudio.render.path_geometry import PathGeometry

Box = tuple[int, int, int, int]
"""x0, y0, x1, y1 in framebuffer pixels (GL's: y up), x1 and y1 excluded."""


def _pixels(points: np.ndarray, mvp: np.ndarray, size: tuple[int, int]) -> np.ndarray | None:
    """Framebuffer positions (n, 2) of world points, or None if one is not in front of the
    camera. (A lifted point moves along its view ray: it lands where the point does.)"""
    clip = np.asarray(points, dtype=np.float64) @ mvp[:3] + mvp[3]
    w = clip[:, 3]
    if len(w) and float(w.min()) <= 1e-6:
        return None
    half = 0.5 * np.array(size, dtype=np.float64)
    pixels: np.ndarray = (clip[:, :2] / w[:, None] + 1.0) * half
    return pixels


class PathDamage:
    """Remembers the paths of the last frame drawn and tells, for the next one, the boxes
    outside which nothing changed and the segments that can reach into each box."""

    def __init__(self) -> None:
        self._key: Hashable = None
        self._paths: list[np.ndarray] = []

    def forget(self) -> None:
        """The next frame is drawn whole."""
        self._key = None

    def regions(
        self,
        geometry: PathGeometry,
        mvp: np.ndarray,
        size: tuple[int, int],
        margin: float,
        key: Hashable,
    ) -> list[tuple[Box, list[tuple[int, int]]]] | None:
        """For a frame of `geometry` seen through `mvp` (column-major, as GL takes it) at
        `size`: (box, segment ranges (first, count) that may draw into it) for each path
        that changed since the last frame, or None when the frame must be drawn whole
        (first frame, `key` changed, a path not in front of the camera). `margin` pixels
        around a point hold everything drawn for it. The frame is then taken as drawn."""
        matrix = np.asarray(mvp, dtype=np.float64).reshape(4, 4)  # rows: x, y, z, w inputs
        paths = [geometry.points[s.first : s.first + s.count] for s in geometry.spans]
        previous = self._paths
        fresh = key != self._key or len(previous) != len(paths)
        self._key, self._paths = key, paths
        if fresh:
            return None
        screen = _pixels(geometry.points, matrix, size)
        if screen is None:
            return None
        out = []
        for old, new in zip(previous, paths, strict=True):
            common = min(len(old), len(new))
            same = old[:common] == new[:common]
            k = int(np.argmin(same.all(axis=1))) if common else 0
            if common and bool(same[k].all()):
                k = common  # one is the start of the other
            if k == len(old) == len(new):
                continue
            start = max(k - 1, 0)  # the segment into the first changed point changed too
            moved = np.concatenate([old[start:], new[start:]])  # the ball sits on the last
            where = _pixels(moved, matrix, size)
            if where is None:
                return None
            box = _box(where, margin, size)
            if box is not None:
                out.append((box, _segments_in(screen, box, margin)))
        return out


def _box(where: np.ndarray, margin: float, size: tuple[int, int]) -> Box | None:
    """The pixels within `margin` of the points, inside the frame (None if none)."""
    lo = np.floor(where.min(axis=0) - margin).astype(int)
    hi = np.ceil(where.max(axis=0) + margin).astype(int) + 1
    x0, y0 = max(int(lo[0]), 0), max(int(lo[1]), 0)
    x1, y1 = min(int(hi[0]), size[0]), min(int(hi[1]), size[1])
    if x0 >= x1 or y0 >= y1:
        return None
    return (x0, y0, x1, y1)


def _segments_in(screen: np.ndarray, box: Box, margin: float) -> list[tuple[int, int]]:
    """(first, count) runs of the segments (point i to i + 1) whose drawing may reach `box`."""
    if len(screen) < 2:
        return []
    a, b = screen[:-1], screen[1:]
    lo, hi = np.minimum(a, b) - margin, np.maximum(a, b) + margin
    x0, y0, x1, y1 = box
    hit = (hi[:, 0] >= x0) & (lo[:, 0] <= x1) & (hi[:, 1] >= y0) & (lo[:, 1] <= y1)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], hit.astype(np.int8), [0]])))
    return [(int(s), int(e - s)) for s, e in zip(edges[::2], edges[1::2], strict=True)]
