"""A race frame in two layers: what stays (surface, minima, the settled part of every path),
kept in a LayerCache and grown by the segments that settled since, and what moves (the last
segment of each path and the balls), drawn on top every frame. An `overlay` (the step
arrows) is drawn with what moves, and the boxes around where it was and is are copied again.

Only the segments that settled since the last frame and the tips go to the GL each frame, in
a small item of their own (`moving`); the item of every path (`paths`) is given the paths
only when a frame or a picture draws them whole.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from gdstudio.render import gl
from gdstudio.render.glitem import BufferedItem
from gdstudio.render.glview import Frame, OrbitView
from gdstudio.render.layer_cache import LayerCache
from gdstudio.render.line_item import PathLinesItem
from gdstudio.render.live_damage import Box, damage_boxes
from gdstudio.render.path_geometry import PathGeometry, PathSpan, empty_geometry
from gdstudio.render.path_tracks import PathTracks, pieces


class RaceLayers:
    """Draws `static` items, the paths and `heads` as one frame, keeping what did not move.

    `paths` and `moving` are two PathLinesItems of one style: `paths` draws whole paths,
    `moving` the pieces of each frame (it is not one of the view's items). The `overlay`
    items are drawn every frame over the kept layer, under the balls (see set_overlay).
    """

    def __init__(
        self,
        static: Sequence[BufferedItem],
        paths: PathLinesItem,
        moving: PathLinesItem,
        heads: BufferedItem,
        overlay: Sequence[BufferedItem] = (),
    ) -> None:
        self.static, self.paths, self.moving, self.heads = list(static), paths, moving, heads
        self.overlay = list(overlay)
        self._overlay: list[np.ndarray] = []  # world points of what `overlay` draws
        self._overlay_drawn: list[np.ndarray] = []  # ...and drew in the last frame
        self.cache = LayerCache()
        self.tracks: PathTracks | None = None
        self.spans: tuple[PathSpan, ...] = ()
        self.kept_segments: tuple[int, ...] = ()  # settled segments of each path in the cache
        self._colors = b""
        self._view: Hashable = None  # the camera (and what else `key` holds) of the last frame
        self._frame: Frame | None = None  # ...and its frame
        self._stale = False  # `paths` does not hold the latest paths
        self._heads = np.empty((0, 3), np.float32)  # where `heads` draws its balls
        self._heads_drawn: np.ndarray | None = None  # ...and drew them in the last frame

    def set_paths(self, tracks: PathTracks, heads: np.ndarray) -> None:
        """The paths now drawn (they changed since the last call), and the world positions
        of the balls `heads` draws on them."""
        self.tracks = tracks
        self._heads = np.asarray(heads, dtype=np.float32).reshape(-1, 3)
        self.spans = tracks.spans
        self._colors = b"".join(t.rgba.tobytes() for t in tracks.shown)
        self._stale = True

    def set_overlay(self, groups: Sequence[np.ndarray]) -> None:
        """World points (n, 3) of each group the overlay items draw now (none when hidden):
        a frame copies the kept layer again around where they were and are."""
        self._overlay = [np.asarray(g, dtype=np.float64).reshape(-1, 3) for g in groups]

    def full_geometry(self) -> PathGeometry:
        """Every path as one geometry, which `paths` then holds (for a frame drawn whole or
        a picture)."""
        geometry = self.tracks.geometry() if self.tracks is not None else empty_geometry()
        if self._stale:
            self.paths.set_polylines(geometry.points, geometry.point_colors)
            self._stale = False
        return geometry

    def paint(
        self, view: OrbitView, frame: Frame, key: Hashable, margin: float | None = None
    ) -> bool:
        """Draw the frame into `view`'s framebuffer: the kept layer (drawn again when `key`,
        the static items or the paths' identities changed, else grown), then what moves.
        False where the cache cannot be used, or the camera moved since the last frame
        (keeping a picture that the next frame of an orbit throws away costs more than it
        saves): the caller draws everything itself, after full_geometry().

        Give `margin`, the pixels around a path point that hold all that is drawn for it,
        when the framebuffer still holds the last frame: only boxes around what moved are
        copied from the kept layer then."""
        self._frame = frame
        if key != self._view:
            self._view = key
            self.cache.target_changed()
            return False
        spans, paths = self.spans, self.paths
        width, height = view.deviceWidth(), view.deviceHeight()
        boxes = None if margin is None else self._damage(frame, (width, height), margin)
        added, tips = self._set_moving(spans)

        def add() -> None:
            if paths.visible():
                self.moving.paint(frame, [added])
            self.kept_segments = tuple(s.settled for s in spans)

        target = view.defaultFramebufferObject()
        kept = self._kept_key(key)
        if not self.cache.draw(
            target, width, height, kept, lambda: self._repaint(view, frame), add, boxes
        ):
            return False
        if paths.visible():
            self.moving.paint(frame, [tips])
        view.draw_items([*self.overlay, self.heads], frame)
        self._heads_drawn = self._heads
        self._overlay_drawn = self._overlay
        return True

    def draw_ahead(self, view: OrbitView) -> bool:
        """Between frames (the view's context current): draw the kept layer for the camera
        of the last frame if it is out of date (a new surface under a still camera), without
        waiting for it; the next frame only copies it. True if drawn."""
        frame, key = self._frame, self._view
        if frame is None or key is None:
            return False
        width, height = view.deviceWidth(), view.deviceHeight()
        kept = self._kept_key(key)
        return self.cache.draw_ahead(width, height, kept, lambda: self._repaint(view, frame))

    def _kept_key(self, key: Hashable) -> Hashable:
        """What the kept layer depends on: the camera's `key`, the static items and the
        paths' identities."""
        return (
            key,
            *(item.version for item in self.static),
            *(item.visible() for item in self.static),
            self.paths.visible(),
            self._colors,
            tuple(s.generation for s in self.spans),
        )

    def _repaint(self, view: OrbitView, frame: Frame) -> None:
        """Draw the kept layer whole into the framebuffer bound: the static items and the
        settled part of every path."""
        spans, paths = self.spans, self.paths
        gl.glClearColor(*view.opts["bgcolor"])
        gl.glClear(gl.GL_DEPTH_BUFFER_BIT | gl.GL_COLOR_BUFFER_BIT)
        view.draw_items(self.static, frame)
        if paths.visible():
            self.full_geometry()
            paths.paint(frame, [(s.first, s.settled) for s in spans])
        self.kept_segments = tuple(s.settled for s in spans)

    @property
    def damage(self) -> list[Box]:
        """Where the last frame painted differs from the one before (all of it or boxes)."""
        return self.cache.copied

    def _damage(self, frame: Frame, size: tuple[int, int], margin: float) -> list[Box] | None:
        """Boxes around each path's points from the first not yet kept on, and around its
        ball now and in the last frame: all a frame grown from the last one can change
        (None: copy the whole kept layer)."""
        shown = self.tracks.shown if self.tracks is not None else []
        old, new, kept = self._heads_drawn, self._heads, self.kept_segments
        if old is None or not len(old) == len(new) == len(kept) == len(shown):
            return None
        groups = [
            np.concatenate([t.points[k:], was[None], now[None]])
            for t, k, was, now in zip(shown, kept, old, new, strict=True)
        ]
        return damage_boxes(
            [*groups, *self._overlay_drawn, *self._overlay], frame.mvp, size, margin
        )

    def _set_moving(self, spans: tuple[PathSpan, ...]) -> tuple[tuple[int, int], tuple[int, int]]:
        """Give `moving` the segments settled since the kept layer was grown, then the tips;
        the (first, count) segment ranges of each."""
        shown = self.tracks.shown if self.tracks is not None else []
        kept = self.kept_segments
        if len(kept) != len(spans):
            kept = (0,) * len(spans)  # the kept layer is drawn again: nothing is added
        added = pieces(shown, [(k, s.settled + 1) for s, k in zip(spans, kept, strict=True)])
        tips = pieces(shown, [(s.settled, s.count) for s in spans])
        first = len(added.points)
        self.moving.set_polylines(
            np.concatenate([added.points, tips.points]),
            np.concatenate([added.point_colors, tips.point_colors]),
        )
        return (0, max(first - 1, 0)), (first, max(len(tips.points) - 1, 0))
