"""The GL surface of an OrbitView: a QOpenGLWindow in a window container, and an offscreen
context for pictures of a view that was never shown.

A QOpenGLWidget makes Qt compose the whole top-level window through OpenGL on every repaint
of any widget in it (~28 ms of software GL per composition); a QOpenGLWindow embedded with
createWindowContainer is a native child window that swaps on its own, and raster widgets
around it are flushed as plain images.
"""

from __future__ import annotations

import atexit
import weakref
from typing import TYPE_CHECKING

import shiboken6
from OpenGL import GL
from PySide6 import QtCore, QtGui
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QOffscreenSurface, QOpenGLContext
from PySide6.QtOpenGL import (
    QOpenGLFramebufferObject,
    QOpenGLFramebufferObjectFormat,
    QOpenGLWindow,
)
from PySide6.QtWidgets import QApplication, QStyle, QToolTip

if TYPE_CHECKING:
    from gdstudio.render.glview import OrbitView


class GLSurface(QOpenGLWindow):
    """The window the view draws into: paints through the view and hands it the user's
    mouse, wheel and key events (positions are the view's: the surface covers it)."""

    def __init__(self, view: OrbitView) -> None:
        # Frames are drawn into Qt's framebuffer object and blitted to the window: the
        # race's kept layer is copied into it image for image (exact colour and depth), which
        # the window's own framebuffer does not allow (a depth blit there rounds).
        super().__init__(QOpenGLWindow.UpdateBehavior.PartialUpdateBlit)
        self._view = view
        self._tip = QtCore.QTimer(self)  # a QWindow has no tooltip: the view's is shown
        self._tip.setSingleShot(True)
        self._tip.timeout.connect(self._show_tip)
        self._tip_at = QtCore.QPoint()

    def initializeGL(self) -> None:  # noqa: N802
        """The view's GL set-up."""
        self._view.initializeGL()

    def resizeGL(self, w: int, h: int) -> None:  # noqa: N802
        """The view's resize handling."""
        self._view.resizeGL(w, h)

    def paintGL(self) -> None:  # noqa: N802
        """The view's frame (looked up on the view each time, so it can be wrapped)."""
        ratio = self.devicePixelRatio()
        GL.glViewport(0, 0, round(self.width() * ratio), round(self.height() * ratio))
        self._view.paintGL()

    def _forward(self, ev: QEvent) -> None:
        # sent through QApplication: focus on click, tooltips on hover and propagation of
        # ignored events to the parents work as for any widget
        QApplication.sendEvent(self._view, ev)

    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        """To the view (a press ends the hover that would show the tooltip)."""
        self._tip.stop()
        QToolTip.hideText()
        self._forward(ev)

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        """To the view; resting without a button held shows the view's tooltip."""
        if ev.buttons() == Qt.MouseButton.NoButton and self._view.toolTip():
            self._tip_at = ev.globalPosition().toPoint()
            if not QToolTip.isVisible():
                delay = QApplication.style().styleHint(QStyle.StyleHint.SH_ToolTip_WakeUpDelay)
                self._tip.start(delay)
        self._forward(ev)

    def event(self, ev: QEvent) -> bool:
        """Leaving the surface hides the tooltip."""
        if ev.type() == QEvent.Type.Leave:
            self._tip.stop()
            QToolTip.hideText()
        return super().event(ev)

    def _show_tip(self) -> None:
        QToolTip.showText(self._tip_at, self._view.toolTip(), self._view)

    def mouseReleaseEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        """To the view."""
        self._forward(ev)

    def mouseDoubleClickEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        """To the view."""
        self._forward(ev)

    def wheelEvent(self, ev: QtGui.QWheelEvent) -> None:  # noqa: N802
        """To the view."""
        self._forward(ev)

    def keyPressEvent(self, ev: QtGui.QKeyEvent) -> None:  # noqa: N802
        """To the view (and on to its parents when it ignores the key)."""
        self._forward(ev)

    def keyReleaseEvent(self, ev: QtGui.QKeyEvent) -> None:  # noqa: N802
        """To the view."""
        self._forward(ev)

    def paint_now(self) -> bool:
        """Paint and swap a frame at once; False when the surface is not on screen."""
        if not (self.isExposed() and self.isValid()):
            return False
        self.update()
        QApplication.sendEvent(self, QEvent(QEvent.Type.UpdateRequest))
        return True


class Offscreen:
    """A context and offscreen surface of the view's format (sharing the surface's objects
    when it has a context already), destroyed explicitly before the application quits."""

    def __init__(self, fmt: QtGui.QSurfaceFormat, share: QOpenGLContext | None) -> None:
        self.surface = QOffscreenSurface()
        self.surface.setFormat(fmt)
        self.surface.create()
        self.context: QOpenGLContext | None = QOpenGLContext()
        self.context.setFormat(fmt)
        if share is not None:
            self.context.setShareContext(share)
        if not self.context.create():
            self.context = None
        app = QtCore.QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.destroy)
        _LIVE.add(self)  # and at exit, for a process that never quits its application

    def is_valid(self) -> bool:
        """Whether the context exists."""
        return self.context is not None and self.context.isValid()

    def make_current(self) -> bool:
        """Make the context current on the offscreen surface."""
        return self.context is not None and self.context.makeCurrent(self.surface)

    def done_current(self) -> None:
        """Release the context."""
        if self.context is not None:
            self.context.doneCurrent()

    def destroy(self) -> None:
        """Free the context and the surface (at exit, before Python tears Qt down)."""
        if self.context is not None:
            self.context.doneCurrent()
            shiboken6.delete(self.context)  # now: no later event loop deletes it
            self.context = None
            self.surface.destroy()


_LIVE: weakref.WeakSet[Offscreen] = weakref.WeakSet()


@atexit.register
def destroy_offscreen_contexts() -> None:
    """Free every offscreen context still alive before Python tears Qt down (a context left
    to the interpreter's exit crashed it: pytest, scripts that exit without quitting)."""
    for offscreen in list(_LIVE):
        offscreen.destroy()


def framebuffer(width: int, height: int, samples: int) -> QOpenGLFramebufferObject:
    """A colour + depth/stencil framebuffer to paint a view's frame into."""
    fmt = QOpenGLFramebufferObjectFormat()
    fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
    fmt.setSamples(samples)
    return QOpenGLFramebufferObject(width, height, fmt)
