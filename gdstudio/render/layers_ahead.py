"""LayersAhead: a race's kept layer drawn ahead of the frame that shows a new surface.

A data edit under a still camera gives the 3D view a new surface; on software GL its
picture is drawn ahead in turns of the event loop of its own (surface_picture). The frame
that shows it would then still draw the whole kept layer (that picture, the minima, the axes
and the settled paths) and wait for it to be rasterized, before it copies the layer into the
window: ~6 ms of a ~14 ms frame. Here the kept layer is drawn in a turn of its own too, once
the picture is rasterized, and the frame, held until the layer is rasterized in turn, only
copies it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6

from gdstudio.render.busy_turn import busy_turn
from gdstudio.render.later import call_later

if TYPE_CHECKING:
    from gdstudio.render.glview import OrbitView
    from gdstudio.render.race_layers import RaceLayers
    from gdstudio.render.surface_item import SurfaceItem

HOLD_MS = 60.0
"""The longest the frame that shows a new surface is put off for the picture and the kept
layer to be drawn ahead and rasterized (it draws what is not ready itself)."""
_RETRY_MS = 1


class LayersAhead:
    """Draws `layers`' kept layer ahead once `surface`'s picture drawn ahead is ready, after
    `follow()` (which brings the paths drawn up to date, as a frame does first)."""

    def __init__(
        self,
        view: OrbitView,
        surface: SurfaceItem,
        layers: RaceLayers,
        follow: Callable[[], None],
    ) -> None:
        self._view, self._surface, self._layers, self._follow = view, surface, layers, follow
        self._due = False
        self._until = 0.0

    def start(self) -> None:
        """After a new mesh: if its picture is being drawn ahead, draw the kept layer ahead
        too, and hold the frame until both are rasterized."""
        if not self._surface.drawing_ahead:
            return
        self._until = time.perf_counter() + HOLD_MS / 1000.0
        if not self._due:
            self._due = self._again()
        glsurface = getattr(self._view, "surface", None)
        if glsurface is not None:
            glsurface.hold(self._ready, HOLD_MS)

    def _again(self) -> bool:
        """_draw after _RETRY_MS; False (nothing due) once the view is gone."""
        return call_later(_RETRY_MS, self._view, self._draw)

    def _ready(self) -> bool:
        """For the frame's hold (the context current): whether it can copy what is ahead."""
        if self._due:
            return False
        return not self._surface.drawing_ahead and self._layers.cache.rasterized()

    def _draw(self) -> None:
        if not self._due:
            return
        if self._surface.drawing_ahead or not self._picture_ready():
            if self._surface.drawing_ahead or time.perf_counter() < self._until:
                self._due = self._again()  # the picture is not ready yet
            else:
                self._due = False  # never drawn (a camera moved): the frame draws it all
            return
        with busy_turn().piece() as mine:
            if not mine:  # other costly work in this turn: in a later one
                self._due = self._again()
                return
            self._due = False
            self._draw_now()

    def _picture_ready(self) -> bool:
        glsurface = getattr(self._view, "surface", None)
        if glsurface is None or not shiboken6.isValid(glsurface) or not glsurface.isExposed():
            return False
        glsurface.makeCurrent()
        return self._surface.picture_ready()

    def _draw_now(self) -> None:
        self._follow()  # the paths as the frame would draw them
        self._layers.draw_ahead(self._view)
