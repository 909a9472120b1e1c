"""A race frame in two layers: what stays (surface, minima, the settled part of every path),
kept in a LayerCache and grown by the segments that settled since, and what moves (the last
segment of each path and the balls), drawn on top every frame."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from OpenGL import GL

from gdstudio.render.glitem import BufferedItem
from gdstudio.render.glview import Frame, OrbitView
from gdstudio.render.layer_cache import LayerCache
from gdstudio.render.line_item import PathLinesItem
from gdstudio.render.path_geometry import PathGeometry, PathSpan


class RaceLayers:
    """Draws `static` items, `paths` and `heads` as one frame, keeping what did not move."""

    def __init__(
        self, static: Sequence[BufferedItem], paths: PathLinesItem, heads: BufferedItem
    ) -> None:
        self.static, self.paths, self.heads = list(static), paths, heads
        self.cache = LayerCache()
        self.spans: tuple[PathSpan, ...] = ()
        self.kept_segments: tuple[int, ...] = ()  # settled segments of each path in the cache
        self._colors = b""
        self._view: Hashable = None  # the camera (and what else `key` holds) of the last frame

    def set_paths(self, geometry: PathGeometry) -> None:
        """The paths now drawn (their points are in `paths` already)."""
        self.spans = geometry.spans
        self._colors = geometry.head_colors.tobytes()

    def paint(self, view: OrbitView, frame: Frame, key: Hashable) -> bool:
        """Draw the frame into `view`'s framebuffer: the kept layer (drawn again when `key`,
        the static items or the paths' identities changed, else grown), then what moves.
        False where the cache cannot be used, or the camera moved since the last frame
        (keeping a picture that the next frame of an orbit throws away costs more than it
        saves): the caller draws everything itself."""
        if key != self._view:
            self._view = key
            return False
        spans, paths = self.spans, self.paths
        key = (
            key,
            *(item.version for item in self.static),
            *(item.visible() for item in self.static),
            paths.visible(),
            self._colors,
            tuple(s.generation for s in spans),
        )

        def segments(done: tuple[int, ...]) -> list[tuple[int, int]]:
            # segment j of a path is segment first + j of the whole point list
            return [(s.first + d, s.settled - d) for s, d in zip(spans, done, strict=True)]

        def repaint() -> None:
            GL.glClearColor(*view.opts["bgcolor"])
            GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
            view.draw_items(self.static, frame)
            self._add(frame, segments((0,) * len(spans)))

        def add() -> None:
            self._add(frame, segments(self.kept_segments))

        width, height = view.deviceWidth(), view.deviceHeight()
        target = view.defaultFramebufferObject()
        if not self.cache.draw(target, width, height, key, repaint, add):
            return False
        if paths.visible():
            paths.paint(frame, [(s.first + s.settled, s.count - 1 - s.settled) for s in spans])
        view.draw_items([self.heads], frame)
        return True

    def _add(self, frame: Frame, ranges: list[tuple[int, int]]) -> None:
        if self.paths.visible():
            self.paths.paint(frame, ranges)
        self.kept_segments = tuple(s.settled for s in self.spans)
