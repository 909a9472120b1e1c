"""OrbitView: a GL view (a QOpenGLWindow surface in a widget) with an orbit camera
(orbit_camera.py, pyqtgraph's GLViewWidget camera) and a list of GL items (no pyqtgraph).

The paint loop hands every item the frame's matrices once; a frame the window holds already
is not drawn again (shows_current_frame).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6 import QtCore, QtGui
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gdstudio.render import gl, glprobe, glsl
from gdstudio.render.glsurface import GLSurface, Offscreen, framebuffer
from gdstudio.render.orbit_camera import OrbitCamera

# Events after which the surface's window may not hold its last frame any more.
_NEW_WINDOW_EVENTS = frozenset(
    {
        QtCore.QEvent.Type.Expose,  # exposed again after being hidden or covered
        QtCore.QEvent.Type.Show,
        QtCore.QEvent.Type.Hide,
        QtCore.QEvent.Type.Resize,
        QtCore.QEvent.Type.PlatformSurface,
        QtCore.QEvent.Type.ScreenChangeInternal,
    }
)


class Frame:
    """The matrices of one paint, as float32 column-major arrays glUniformMatrix*fv takes."""

    __slots__ = ("modelview", "mvp", "normal", "projection")

    def __init__(self, view: QtGui.QMatrix4x4, projection: QtGui.QMatrix4x4) -> None:
        self.modelview = glsl.matrix(view)
        self.projection = glsl.matrix(projection)
        self.mvp = glsl.matrix(projection * view)
        self.normal = glsl.matrix(view.normalMatrix())


class GLItem(Protocol):
    """What the view needs of an item: a depth (drawing order), visibility and paint."""

    def depth_value(self) -> float:
        """Items are drawn in increasing depth value."""

    def visible(self) -> bool:
        """Hidden items are skipped."""

    def attach(self, view: OrbitView | None) -> None:
        """The view the item is drawn in (it asks it to repaint when it changes)."""

    def paint(self, frame: Frame) -> None:
        """Draw with the frame's matrices (the GL context is current)."""


class OrbitView(OrbitCamera):
    """A GL view with an orbit camera: left-drag orbits, wheel zooms, middle-drag pans.

    Ctrl+left-drag pans in the view plane, ctrl+wheel changes the field of view. It draws
    into a QOpenGLWindow (`surface`) filling it, with QOpenGLWidget's methods; pictures of a
    view not on screen are drawn in a context of its own.
    """

    frameSwapped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._offscreen: Offscreen | None = None
        self._target_fbo: int | None = None  # the framebuffer of an offscreen paint
        self.surface = GLSurface(self)
        self.frame_stale = True
        """Whether the window may not show the scene as it is now (see note_shown_frame)."""
        self._shown_frame: tuple[int, int, float] | None = None  # the size of the last one
        self.surface.installEventFilter(self)
        self.setFormat(QtGui.QSurfaceFormat.defaultFormat())
        # queued: a listener may close or quit the window, which must not happen inside the
        # surface's own paint event (the window would be torn down under it: a crash)
        self.surface.frameSwapped.connect(self.frameSwapped, Qt.ConnectionType.QueuedConnection)
        container = QWidget.createWindowContainer(self.surface, self)
        container.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(container)
        self.items: list[GLItem] = []
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # --- the QOpenGLWidget methods, on the surface ---------------------------------------

    def initializeGL(self) -> None:  # noqa: N802
        """Set up GL (items set themselves up when they first paint)."""

    def resizeGL(self, w: int, h: int) -> None:  # noqa: N802
        """React to a new size (nothing: every paint reads the size)."""

    def update(self) -> None:  # type: ignore[override]  # the no-argument form only
        """Schedule a repaint of the GL picture."""
        self.frame_stale = True
        self.surface.update()

    def repaint(self) -> None:  # type: ignore[override]
        """Paint a frame now (on screen, else offscreen)."""
        self.frame_stale = True
        if not self.surface.paint_now():
            self.grabFramebuffer()

    def setFormat(self, fmt: QtGui.QSurfaceFormat) -> None:  # noqa: N802
        """The surface format (before the view is first shown), with a 24-bit depth and
        8-bit stencil buffer: the depth format of the kept pictures (layer_cache), which GL
        copies or blits only between framebuffers of one depth format."""
        fmt = QtGui.QSurfaceFormat(fmt)
        fmt.setDepthBufferSize(24)
        fmt.setStencilBufferSize(8)
        self.surface.setFormat(fmt)

    def format(self) -> QtGui.QSurfaceFormat:
        """The actual format once the context exists, else the requested one."""
        return self.surface.format()

    def samples(self) -> int:
        """Multisampling of the view's frames: its surface's, once it has a context, else
        what this machine's GL gets (see glprobe)."""
        if self.surface.isValid():
            return self.surface.samples
        return glprobe.samples_for(glprobe.renderer_name())

    def context(self) -> QtGui.QOpenGLContext | None:
        """The surface's context, or the offscreen one while the surface has none."""
        if self.surface.isValid():
            return self.surface.context()
        return None if self._offscreen is None else self._offscreen.context

    def isValid(self) -> bool:  # noqa: N802
        """Whether a GL context to draw with exists."""
        return self.surface.isValid() or (
            self._offscreen is not None and self._offscreen.is_valid()
        )

    def makeCurrent(self) -> None:  # noqa: N802
        """Make the surface's context current (the offscreen one while it has none)."""
        if self.surface.isValid():
            self.surface.makeCurrent()
        else:
            self.offscreen().make_current()

    def doneCurrent(self) -> None:  # noqa: N802
        """Release the context made current by makeCurrent."""
        if self.surface.isValid():
            self.surface.doneCurrent()
        elif self._offscreen is not None:
            self._offscreen.done_current()

    def defaultFramebufferObject(self) -> int:  # noqa: N802
        """The framebuffer a paint draws into."""
        if self._target_fbo is not None:
            return self._target_fbo
        return int(self.surface.defaultFramebufferObject())

    def offscreen(self) -> Offscreen:
        """The view's own context for pictures drawn off screen (made on first use)."""
        if self._offscreen is None or not self._offscreen.is_valid():
            share = self.surface.context() if self.surface.isValid() else None
            self._offscreen = Offscreen(self.surface.requestedFormat(), share)
        return self._offscreen

    def grabFramebuffer(self) -> QtGui.QImage:  # noqa: N802
        """Paint a frame and return it: on the surface when it is on screen, else in the
        offscreen context at the view's size."""
        if self.surface.isExposed() and self.surface.isValid():
            self.frame_stale = True  # drawn again, whatever the window shows
            self.surface.makeCurrent()
            self.surface.paintGL()  # into the back buffer, read before any swap
            self.frame_stale = True  # not shown: the next frame is drawn for the window
            return self.surface.grabFramebuffer()
        offscreen = self.offscreen()
        if not offscreen.make_current():
            return QtGui.QImage()
        width, height = max(self.deviceWidth(), 1), max(self.deviceHeight(), 1)
        fbo = framebuffer(width, height, self.samples())  # (asked of this context if need be)
        try:
            fbo.bind()
            self._target_fbo = int(fbo.handle())
            gl.glViewport(0, 0, width, height)
            self.paintGL()
            return fbo.toImage()
        finally:
            self._target_fbo = None
            fbo.release()
            del fbo
            offscreen.done_current()

    # --- frames the window holds already ----------------------------------------------------

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802
        """The surface shown, hidden, resized or made again: its next frame is drawn whole."""
        # getattr: Qt may still deliver an event while the view's Python side is torn down
        if watched is getattr(self, "surface", None) and event.type() in _NEW_WINDOW_EVENTS:
            self.frame_stale = True
        return False

    def shows_current_frame(self) -> bool:
        """Whether the window shows the scene as it is now: nothing asked for a new frame
        since the last one drawn on screen (note_shown_frame), at this size.

        X exposes a window a second time when it is first mapped; that paint (and any other
        the window system asks for while nothing changed) needs no drawing: the surface's
        framebuffer object still holds the frame, and a copy and a swap show it again."""
        size = (self.deviceWidth(), self.deviceHeight(), self.devicePixelRatioF())
        return not self.frame_stale and size == self._shown_frame and self.surface.holds_frames()

    def note_shown_frame(self) -> None:
        """A frame of the scene as it is now was drawn on screen (see shows_current_frame)."""
        self.frame_stale = False
        self._shown_frame = (self.deviceWidth(), self.deviceHeight(), self.devicePixelRatioF())

    # --- items and background --------------------------------------------------------------

    def addItem(self, item: GLItem) -> None:  # noqa: N802 - the GLViewWidget name it replaces
        """Draw `item` from now on (in depth order)."""
        self.items.append(item)
        self.items.sort(key=lambda i: i.depth_value())
        item.attach(self)
        self.update()

    def setBackgroundColor(self, rgb: tuple[float, ...]) -> None:  # noqa: N802
        """Clear colour: 0..255 integers (like pyqtgraph's mkColor) or 0..1 floats."""
        scale = 255.0 if any(isinstance(v, int) and v > 1 for v in rgb) else 1.0
        rgba = [float(v) / scale for v in rgb] + [1.0] * (4 - len(rgb))
        self.opts["bgcolor"] = tuple(rgba[:4])
        self.update()

    def deviceWidth(self) -> int:  # noqa: N802
        """Width in device pixels."""
        return int(self.width() * self.devicePixelRatioF())

    def deviceHeight(self) -> int:  # noqa: N802
        """Height in device pixels."""
        return int(self.height() * self.devicePixelRatioF())

    # --- painting --------------------------------------------------------------------------

    def paintGL(self) -> None:  # noqa: N802
        """Paint the whole widget (Qt has set the viewport)."""
        region = self.getViewport()
        self.paint(region=region, viewport=region)

    def frame(self, region: tuple[float, ...], viewport: tuple[float, ...]) -> Frame:
        """The matrices items draw `region` of `viewport` with."""
        return Frame(self.viewMatrix(), self.projectionMatrix(region, viewport))

    def paint(self, *, region: tuple[float, ...], viewport: tuple[float, ...]) -> None:
        """Clear and draw every visible item (the caller has set glViewport)."""
        gl.glClearColor(*self.opts["bgcolor"])
        gl.glClear(gl.GL_DEPTH_BUFFER_BIT | gl.GL_COLOR_BUFFER_BIT)
        self.draw_items(self.items, self.frame(region, viewport))

    @staticmethod
    def draw_items(items: Sequence[GLItem], frame: Frame) -> None:
        """Draw `items` (already in depth order) with one frame's matrices."""
        for item in items:
            if item.visible():
                item.paint(frame)
