"""A picture of what did not change (surface, minima, the settled part of the paths), kept in
an offscreen buffer.

While a race plays only the tips of the paths and the balls move: each frame adds the newly
settled segments to the kept picture and copies its colour and depth into the frame (one
blit) instead of drawing 30,000 triangles and every segment again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from OpenGL import GL
from OpenGL.error import GLError
from PySide6 import QtGui
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat


def offscreen_fbo(width: int, height: int, samples: int = 0) -> QOpenGLFramebufferObject:
    """A colour + depth/stencil framebuffer in the current context (`samples`× multisampled
    where the GL can, else single-sampled; check isValid())."""
    fmt = QOpenGLFramebufferObjectFormat()
    fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
    fmt.setSamples(samples)
    fbo = QOpenGLFramebufferObject(width, height, fmt)
    if samples and not fbo.isValid():
        return offscreen_fbo(width, height)
    return fbo


class LayerCache:
    """Colour and depth of a drawing, redrawn only when its key changes."""

    def __init__(self) -> None:
        self.enabled = True
        self._fbo: QOpenGLFramebufferObject | None = None
        self._context: QtGui.QOpenGLContext | None = None
        self._key: Hashable = None

    def draw(
        self,
        target: int,
        width: int,
        height: int,
        key: Hashable,
        paint: Callable[[], None],
        add: Callable[[], None] | None = None,
    ) -> bool:
        """Copy the kept picture into framebuffer `target` (width×height device pixels),
        running paint() into it first when `key` changed (or else add(), which draws on top
        of what is kept); False if this GL cannot (the caller draws directly, and the cache
        stays off)."""
        if not self.enabled:
            return False
        ctx = QtGui.QOpenGLContext.currentContext()
        fbo = self._fbo
        if ctx is not self._context or fbo is None or fbo.size().toTuple() != (width, height):
            self._context = ctx
            fbo = self._fbo = offscreen_fbo(width, height)
            self._key = None
            if not fbo.isValid():
                self.enabled, self._fbo = False, None
                return False
        try:
            if key != self._key:
                GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo.handle())
                paint()
                self._key = key
            elif add is not None:
                GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, fbo.handle())
                add()
            GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, fbo.handle())
            GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
            mask = GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT
            GL.glBlitFramebuffer(0, 0, width, height, 0, 0, width, height, mask, GL.GL_NEAREST)
        except GLError:
            self.enabled, self._fbo = False, None  # e.g. depth formats that do not match
            return False
        finally:
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        return True
