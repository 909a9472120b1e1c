"""SurfacePicture: a new surface drawn ahead of the frame that shows it (software GL).

On software GL a 256² surface costs the thread that draws it ~5 ms of vertex work, and the
frame then waits for its rasterization. When the mesh changes under a still camera (a data
edit), the surface is drawn in event-loop turns of its own, half its triangles in each, into
a picture of colour and depth, and the frame copies that picture in place of the clear and
the draw it would have made (the surface is the first item drawn): exact (the same triangles
in the same order), and the rasterization ran meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shiboken6
from PySide6 import QtGui
from PySide6.QtOpenGL import QOpenGLFramebufferObject

from gdstudio.render import gl
from gdstudio.render.fence import Fence
from gdstudio.render.gl import GLError
from gdstudio.render.glprobe import is_software_gl
from gdstudio.render.layer_cache import copy_images, image_copies, offscreen_fbo

if TYPE_CHECKING:
    from gdstudio.render.glview import Frame, OrbitView

HOLD_MS = 40.0
"""The longest a frame is put off for the picture to be drawn ahead and rasterized."""


@dataclass(frozen=True)
class Seen:
    """What the last on-screen frame drew the surface with: the picture is drawn for it."""

    context: QtGui.QOpenGLContext
    width: int
    height: int
    frame: Frame
    background: tuple[float, ...]

    def key(self, version: int) -> Hashable:
        """Everything the picture depends on, with the item's version."""
        f = self.frame
        matrices = (f.mvp.tobytes(), f.modelview.tobytes(), f.normal.tobytes())
        return (id(self.context), self.width, self.height, *matrices, self.background, version)


class SurfacePicture:
    """The surface's picture (colour + depth) for the last camera, drawn ahead when asked."""

    def __init__(self) -> None:
        self.enabled: bool | None = None  # None: not probed yet (software GL only)
        self.seen: Seen | None = None
        self._fbo: QOpenGLFramebufferObject | None = None
        self._context: QtGui.QOpenGLContext | None = None
        self._key: Hashable = None
        self._copies: list[tuple[int, int, int, int]] | None = None
        self._copy_target = -1
        self._fence = Fence()  # after the picture drawn ahead
        self._partial: Hashable = None  # the key of a picture drawn in part so far

    def watch(self, view: OrbitView | None, frame: Frame, first: bool) -> Seen | None:
        """During a paint: note what the frame draws with when a picture could stand for the
        surface here (the view's own context, single-sampled, the surface drawn first over
        the whole viewport), else forget it; what was noted."""
        self.seen = None
        if view is None or not first or not self._usable(view):
            return None
        ctx = QtGui.QOpenGLContext.currentContext()
        x, y, width, height = gl.get_viewport()
        if ctx is not view.surface.context() or x or y or view.samples() > 0:
            return None
        background = tuple(float(v) for v in view.opts["bgcolor"])
        self.seen = Seen(ctx, width, height, frame, background)
        return self.seen

    def _usable(self, view: OrbitView) -> bool:
        if self.enabled is None:
            self.enabled = is_software_gl()
        return bool(self.enabled) and shiboken6.isValid(view.surface)

    @property
    def kept(self) -> bool:
        """Whether a picture was drawn ahead (its framebuffer is kept, in this context)."""
        return self._fbo is not None

    def drawn_for(self, seen: Seen, version: int) -> bool:
        """Whether the picture is whole and of this surface `version` for `seen`'s frame."""
        return self._fbo is not None and self._key == seen.key(version)

    def copy(self, seen: Seen, version: int) -> bool:
        """Copy the picture into the framebuffer being drawn, if it is the one this frame
        would draw (True), else leave the frame alone (False)."""
        fbo = self._fbo
        if fbo is None or self._key != seen.key(version) or self._context is not seen.context:
            return False
        target = gl.get_integer(gl.GL_DRAW_FRAMEBUFFER_BINDING)
        if not target:
            return False  # a window's own framebuffer: its depth may not match
        try:
            if self._copies is None or target != self._copy_target:
                self._copies, self._copy_target = image_copies(fbo.handle(), target), target
            copy_images(self._copies, fbo.handle(), target, seen.width, seen.height)
        except GLError:
            self.enabled = False  # formats that cannot be copied: draw as before
            return False
        finally:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, target)
        return True

    def draw_ahead(
        self,
        view: OrbitView,
        version: int,
        draw: Callable[[Frame], None],
        first: bool = True,
        last: bool = True,
    ) -> bool:
        """Between frames: draw the surface, or a part of it (`draw`), into the picture for
        the camera of the last frame, without waiting for it (True if drawn).

        A picture drawn in parts starts with `first` (the picture is cleared) and is done
        with `last`; a later part is drawn only over the earlier parts for the same camera
        and `version` (else False: start again from the first)."""
        seen = self.seen
        surface = view.surface
        if seen is None or not shiboken6.isValid(surface) or not surface.isExposed():
            return False
        key = seen.key(version)
        if surface.context() is not seen.context or self._key == key:
            return False
        if not first and (self._partial != key or self._fbo is None):
            return False
        surface.makeCurrent()
        fbo = self._fbo
        if (
            fbo is None
            or self._context is not seen.context
            or fbo.size().toTuple()
            != (
                seen.width,
                seen.height,
            )
        ):
            fbo = self._fbo = offscreen_fbo(seen.width, seen.height)
            self._context, self._copies = seen.context, None
            if not fbo.isValid():
                self.enabled, self._fbo = False, None
                return False
        saved = gl.get_integer(gl.GL_FRAMEBUFFER_BINDING)
        try:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo.handle())
            gl.glViewport(0, 0, seen.width, seen.height)
            if first:
                self._key = None  # the picture is not this or any earlier surface now
                gl.glClearColor(*seen.background)
                gl.glClear(gl.GL_DEPTH_BUFFER_BIT | gl.GL_COLOR_BUFFER_BIT)
            draw(seen.frame)
            if last:
                self._fence.put()
            gl.glFlush()  # rasterized while the event loop turns
        finally:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, saved)
        self._partial = None if last else key
        if last:
            self._key = key
        return True

    def rasterized(self) -> bool:
        """Whether the picture drawn ahead is done (its context current)."""
        return self._fence.passed()
