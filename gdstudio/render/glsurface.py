"""The GL surface of an OrbitView: a QOpenGLWindow in a window container, and an offscreen
context for pictures of a view that was never shown.

A QOpenGLWidget makes Qt compose the whole top-level window through OpenGL on every repaint
of any widget in it (~28 ms of software GL per composition); a QOpenGLWindow embedded with
createWindowContainer is a native child window that swaps on its own, and raster widgets
around it are flushed as plain images.

Frames are drawn into a framebuffer object of the surface's own, which keeps them: the
race's kept layer is copied into it image for image (exact colour and depth, which a
window's own framebuffer cannot take: a depth blit there rounds), and it is copied to the
window. Where the window's framebuffer keeps the last frame too (Mesa's software rasterizers
on X11 draw in a back buffer of their own and copy it to the window at each swap), only what
the view says changed is copied (`set_damage`): a whole-window blit is ~7 ms of software GL
at 1200×800, the tips of a race a fraction of it. Elsewhere it is copied whole, and on GPUs
the framebuffer object is 4× multisampled (resolved by the copy).

Which of these holds is read from the surface's own context when it is made (GL_RENDERER):
no throw-away context is made first to ask (~20 ms of a window's start on software GL).
"""

from __future__ import annotations

import atexit
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6 import QtCore, QtGui
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext
from PySide6.QtOpenGL import (
    QOpenGLFramebufferObject,
    QOpenGLFramebufferObjectFormat,
    QOpenGLWindow,
)
from PySide6.QtWidgets import QApplication, QStyle, QToolTip

from gdstudio.render import gl, glprobe
from gdstudio.render.busy_turn import busy_turn
from gdstudio.render.frame_copy import FrameCopy

if TYPE_CHECKING:
    from gdstudio.render.glview import OrbitView


def window_keeps_frames(renderer: str) -> bool:
    """Whether a GL window's framebuffer still holds the last frame when the next is drawn:
    so with Mesa's software rasterizers on X11, which draw in a back buffer of their own and
    copy it to the window at each swap (GPUs swap buffers whose content is undefined)."""
    return QGuiApplication.platformName() == "xcb" and glprobe.is_software_renderer(renderer)


class GLSurface(QOpenGLWindow):
    """The window the view draws into: paints through the view and hands it the user's
    mouse, wheel and key events (positions are the view's: the surface covers it)."""

    def __init__(self, view: OrbitView) -> None:
        # the window's framebuffer is drawn only by the surface's copies (NoPartialUpdate):
        # frames are drawn in the surface's own framebuffer object
        super().__init__(QOpenGLWindow.UpdateBehavior.NoPartialUpdate)
        self.keeps_frames = False
        """Whether the window's framebuffer keeps the last frame, so that a frame copies
        only what changed into it (known once the context is made: see initializeGL)."""
        self.samples = 0
        """Multisampling of the framebuffer object frames are drawn in (known likewise)."""
        self._view = view
        self._frame: QOpenGLFramebufferObject | None = None  # where paints draw
        self._no_frame = False  # this GL made no framebuffer object: paints draw in the window
        # the size of the first frame while it was drawn straight into the window (see
        # _first_in_window), None before it and once frames go to the framebuffer object
        self._in_window: tuple[int, int] | None = None
        self._presented: tuple[int, int] | None = None  # the size the window last got
        self._damage: list[tuple[int, int, int, int]] | None = None
        self._copy = FrameCopy()
        self._tip = QtCore.QTimer(self)  # a QWindow has no tooltip: the view's is shown
        self._tip.setSingleShot(True)
        self._tip.timeout.connect(self._show_tip)
        self._tip_at = QtCore.QPoint()
        self._hold: tuple[Callable[[], bool], float] | None = None
        self._now = False  # inside paint_now: the frame is neither held nor put off
        self._held = QtCore.QTimer(self)  # asks again for the frame a hold put off
        self._held.setSingleShot(True)
        self._held.setInterval(1)
        self._held.timeout.connect(self._ask_again)

    def hold(self, ready: Callable[[], bool], max_ms: float) -> None:
        """Put the next frame off until `ready()` (asked with the context current) or for
        at most `max_ms`: GL work issued ahead (a surface drawn ahead) is done meanwhile,
        while the event loop turns, instead of inside the frame that needs it."""
        self._hold = (ready, time.perf_counter() + max_ms / 1000.0)

    def _ask_again(self) -> None:
        """The frame put off, asked for again now: an update request sent at once (update()
        would wait for the platform's next one, ~5 ms), which a hold may put off again."""
        if self.isExposed() and self.isValid():
            # (the region still to paint is the one the put-off request would have painted;
            # update() here would ask the platform for one more request, a frame more)
            QApplication.sendEvent(self, QEvent(QEvent.Type.UpdateRequest))
        else:
            self.update()

    def _put_off(self) -> bool:
        """For an update request: whether a hold puts the frame off (asked again soon)."""
        if self._hold is None:
            return False
        ready, until = self._hold
        if self.isValid():
            self.makeCurrent()
            if not ready() and time.perf_counter() < until:
                self._held.start()
                return True
        self._hold = None
        return False

    def initializeGL(self) -> None:  # noqa: N802
        """What this GL is (see the module's note), then the view's GL set-up."""
        renderer = glprobe.current_renderer()
        glprobe.note_renderer(renderer)
        self.keeps_frames = window_keeps_frames(renderer)
        self.samples = glprobe.samples_for(renderer)
        self._view.initializeGL()

    def resizeGL(self, w: int, h: int) -> None:  # noqa: N802
        """The view's resize handling."""
        self._view.resizeGL(w, h)

    def paintGL(self) -> None:  # noqa: N802
        """The view's frame (looked up on the view each time, so it can be wrapped), drawn
        in the surface's framebuffer object and copied where it changed into the window."""
        ratio = self.devicePixelRatio()
        width, height = round(self.width() * ratio), round(self.height() * ratio)
        self._damage = None
        if self.keeps_frames and self._first_in_window(width, height):
            return
        frame = self._frame_buffer(width, height)
        if frame is not None:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, frame.handle())
        gl.glViewport(0, 0, width, height)
        self._view.paintGL()
        if frame is not None:
            self._present(frame, width, height)

    def _first_in_window(self, width: int, height: int) -> bool:
        """Whether this paint is done without the framebuffer object: the first frame is
        drawn straight into the window (which keeps it), so that it is on screen without
        first making the framebuffer object and compiling the shader that copies it; the
        window shows it again (X's second expose) with no drawing. The first frame that
        changes anything is drawn whole into the new framebuffer object."""
        if self._frame is not None:  # frames go to it (once made, it stays)
            return False
        if self._in_window is None:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
            gl.glViewport(0, 0, width, height)
            self._view.paintGL()
            self._in_window = (width, height)
            return True
        if self._in_window == (width, height) and self._view.shows_current_frame():
            return True  # the window's framebuffer holds this frame: the swap shows it
        self._in_window = None
        self._view.frame_stale = True  # the framebuffer object holds nothing yet
        return False

    def holds_frames(self) -> bool:
        """Whether the last frame is kept to be shown again (in the framebuffer object)."""
        return not self._no_frame

    def set_damage(self, boxes: list[tuple[int, int, int, int]]) -> None:
        """During paintGL: the frame differs from the last one only in these boxes (x0, y0,
        x1, y1 in device pixels, y up); without it the whole window is copied."""
        self._damage = list(boxes)

    def defaultFramebufferObject(self) -> int:  # noqa: N802
        """The framebuffer paints draw into (the surface's own, or Qt's)."""
        if self._frame is not None:
            return int(self._frame.handle())
        return int(super().defaultFramebufferObject())

    def _frame_buffer(self, width: int, height: int) -> QOpenGLFramebufferObject | None:
        """The framebuffer object frames are drawn in, at the window's size (None where
        this GL makes none: frames then go straight to the window, drawn whole)."""
        if self._no_frame:
            return None
        frame = self._frame
        if frame is None or frame.size().toTuple() != (width, height):
            self._frame, self._presented = None, None
            frame = framebuffer(width, height, self.samples)
            if not frame.isValid() and self.samples:
                self.samples = 0  # no multisampled framebuffer objects here: plain ones
                frame = framebuffer(width, height, 0)
            if not frame.isValid():
                self._no_frame, self.keeps_frames = True, False
                return None
            self._frame = frame
        return frame

    def _present(self, frame: QOpenGLFramebufferObject, width: int, height: int) -> None:
        """Copy the frame's colour into the window (see FrameCopy; else a blit): where it
        changed, when the window holds the last one."""
        boxes = self._damage
        if boxes is None or not self.keeps_frames or self._presented != (width, height):
            boxes = [(0, 0, width, height)]
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        texture = frame.texture() if frame.format().samples() == 0 else 0
        if not (texture and self._copy.copy(texture, width, height, boxes)):
            gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, frame.handle())
            for x0, y0, x1, y1 in boxes:
                gl.glBlitFramebuffer(
                    x0, y0, x1, y1, x0, y0, x1, y1, gl.GL_COLOR_BUFFER_BIT, gl.GL_NEAREST
                )
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
        self._presented = (width, height)

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
        """Leaving the surface hides the tooltip; a hold puts a frame off (see `hold`), and so
        does other costly work in the same turn of the loop (see busy_turn)."""
        if ev.type() == QEvent.Type.Leave:
            self._tip.stop()
            QToolTip.hideText()
        elif ev.type() == QEvent.Type.UpdateRequest:
            if not self._now and self._put_off():
                return True
            with busy_turn().piece() as mine:
                if not (mine or self._now):  # other costly work in this turn: a later one
                    self._held.start()  # (a frame wanted now is drawn now all the same)
                    return True
                return super().event(ev)
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
        self._hold = None  # a frame wanted now is not put off
        self.update()
        self._now = True
        try:
            QApplication.sendEvent(self, QEvent(QEvent.Type.UpdateRequest))
        finally:
            self._now = False
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
