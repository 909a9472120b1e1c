"""OrbitView: a GL view (a QOpenGLWindow surface in a widget) with an orbit camera and a
list of GL items (no pyqtgraph).

The camera is pyqtgraph's GLViewWidget camera (distance, elevation, azimuth, center, fov in
`opts`, the same view and projection matrices, the same mouse gestures), so pictures and saved
cameras are unchanged; the paint loop hands every item the frame's matrices once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from OpenGL import GL
from PySide6 import QtCore, QtGui
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gdstudio.render import glsl
from gdstudio.render.glsurface import GLSurface, Offscreen, framebuffer


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


class OrbitView(QWidget):
    """A GL view with an orbit camera: left-drag orbits, wheel zooms, middle-drag pans.

    Ctrl+left-drag pans in the view plane, ctrl+wheel changes the field of view. It draws
    into a QOpenGLWindow (`surface`) filling it, with QOpenGLWidget's methods; pictures of a
    view not on screen are drawn in a context of its own.
    """

    frameSwapped = Signal()
    mousePos: QtCore.QPointF

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._offscreen: Offscreen | None = None
        self._target_fbo: int | None = None  # the framebuffer of an offscreen paint
        self.surface = GLSurface(self)
        self.setFormat(QtGui.QSurfaceFormat.defaultFormat())
        # queued: a listener may close or quit the window, which must not happen inside the
        # surface's own paint event (the window would be torn down under it: a crash)
        self.surface.frameSwapped.connect(self.frameSwapped, Qt.ConnectionType.QueuedConnection)
        container = QWidget.createWindowContainer(self.surface, self)
        container.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(container)
        self.opts: dict[str, Any] = {
            "center": QtGui.QVector3D(0.0, 0.0, 0.0),
            "distance": 10.0,
            "fov": 60.0,
            "elevation": 30.0,
            "azimuth": 45.0,
            "bgcolor": (0.0, 0.0, 0.0, 1.0),
        }
        self.items: list[GLItem] = []
        self.mousePos = QtCore.QPointF()
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # --- the QOpenGLWidget methods, on the surface ---------------------------------------

    def initializeGL(self) -> None:  # noqa: N802
        """Set up GL (items set themselves up when they first paint)."""

    def resizeGL(self, w: int, h: int) -> None:  # noqa: N802
        """React to a new size (nothing: every paint reads the size)."""

    def update(self) -> None:  # type: ignore[override]  # the no-argument form only
        """Schedule a repaint of the GL picture."""
        self.surface.update()

    def repaint(self) -> None:  # type: ignore[override]
        """Paint a frame now (on screen, else offscreen)."""
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
            self.surface.makeCurrent()
            self.surface.paintGL()  # into the back buffer, read before any swap
            return self.surface.grabFramebuffer()
        offscreen = self.offscreen()
        if not offscreen.make_current():
            return QtGui.QImage()
        width, height = max(self.deviceWidth(), 1), max(self.deviceHeight(), 1)
        fbo = framebuffer(width, height, max(self.format().samples(), 0))
        try:
            fbo.bind()
            self._target_fbo = int(fbo.handle())
            GL.glViewport(0, 0, width, height)
            self.paintGL()
            return fbo.toImage()
        finally:
            self._target_fbo = None
            fbo.release()
            del fbo
            offscreen.done_current()

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

    # --- camera ----------------------------------------------------------------------------

    def getViewport(self) -> tuple[int, int, int, int]:  # noqa: N802
        """(x, y, w, h) of the widget in logical pixels."""
        return (0, 0, self.width(), self.height())

    def projectionMatrix(  # noqa: N802
        self, region: tuple[float, ...], viewport: tuple[float, ...]
    ) -> QtGui.QMatrix4x4:
        """Perspective for `region` of `viewport` (horizontal fov, near/far from distance)."""
        x0, y0, w, h = viewport
        dist = self.opts["distance"]
        near, far = dist * 0.001, dist * 1000.0
        r = near * math.tan(0.5 * math.radians(self.opts["fov"]))
        t = r * h / w
        left = r * ((region[0] - x0) * (2.0 / w) - 1)
        right = r * ((region[0] + region[2] - x0) * (2.0 / w) - 1)
        bottom = t * ((region[1] - y0) * (2.0 / h) - 1)
        top = t * ((region[1] + region[3] - y0) * (2.0 / h) - 1)
        m = QtGui.QMatrix4x4()
        m.frustum(left, right, bottom, top, near, far)
        return m

    def viewMatrix(self) -> QtGui.QMatrix4x4:  # noqa: N802
        """World → eye: back off `distance`, tilt by elevation, turn by azimuth."""
        m = QtGui.QMatrix4x4()
        m.translate(0.0, 0.0, -self.opts["distance"])
        m.rotate(self.opts["elevation"] - 90.0, 1.0, 0.0, 0.0)
        m.rotate(self.opts["azimuth"] + 90.0, 0.0, 0.0, -1.0)
        c = self.opts["center"]
        m.translate(-c.x(), -c.y(), -c.z())
        return m

    def setCameraPosition(  # noqa: N802
        self,
        pos: QtGui.QVector3D | None = None,
        distance: float | None = None,
        elevation: float | None = None,
        azimuth: float | None = None,
    ) -> None:
        """Move the camera; None keeps a value."""
        if pos is not None:
            self.opts["center"] = QtGui.QVector3D(pos)
        if distance is not None:
            self.opts["distance"] = distance
        if elevation is not None:
            self.opts["elevation"] = elevation
        if azimuth is not None:
            self.opts["azimuth"] = azimuth
        self.update()

    def cameraPosition(self) -> QtGui.QVector3D:  # noqa: N802
        """World position of the eye."""
        c, d = self.opts["center"], self.opts["distance"]
        elev, azim = math.radians(self.opts["elevation"]), math.radians(self.opts["azimuth"])
        return QtGui.QVector3D(
            c.x() + d * math.cos(elev) * math.cos(azim),
            c.y() + d * math.cos(elev) * math.sin(azim),
            c.z() + d * math.sin(elev),
        )

    def orbit(self, azim: float, elev: float) -> None:
        """Turn the camera around the center by degrees (elevation stays within ±90)."""
        self.opts["azimuth"] += azim
        self.opts["elevation"] = float(np.clip(self.opts["elevation"] + elev, -90.0, 90.0))
        self.update()

    def pan(self, dx: float, dy: float, dz: float, relative: str = "view") -> None:
        """Move the center about one pixel per unit: in the view plane ("view") or in the
        ground plane and up ("view-upright")."""
        c = self.opts["center"]
        dist = (c - self.cameraPosition()).length()
        scale = dist * 2.0 * math.tan(0.5 * math.radians(self.opts["fov"])) / self.width()
        if relative == "view":
            elev, azim = math.radians(self.opts["elevation"]), math.radians(self.opts["azimuth"])
            z = scale * math.cos(elev) * dy
            x = scale * (math.sin(azim) * dx - math.sin(elev) * math.cos(azim) * dy)
            y = scale * (math.cos(azim) * dx + math.sin(elev) * math.sin(azim) * dy)
            self.opts["center"] = c + QtGui.QVector3D(x, -y, z)
        else:
            to_center = c - self.cameraPosition()
            up = QtGui.QVector3D(0.0, 0.0, 1.0)
            xv = QtGui.QVector3D.crossProduct(up, to_center).normalized()
            yv = QtGui.QVector3D.crossProduct(xv, up).normalized()
            self.opts["center"] = c + (xv * dx + yv * dy + up * dz) * scale
        self.update()

    # --- mouse -----------------------------------------------------------------------------

    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        """Remember where a gesture starts."""
        self.mousePos = ev.position()

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802
        """Left-drag orbits (ctrl: pans), middle-drag pans over the ground (ctrl: up)."""
        diff = ev.position() - self.mousePos
        self.mousePos = ev.position()
        ctrl = bool(ev.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ev.buttons() == Qt.MouseButton.LeftButton:
            if ctrl:
                self.pan(diff.x(), diff.y(), 0.0, relative="view")
            else:
                self.orbit(-diff.x(), diff.y())
        elif ev.buttons() == Qt.MouseButton.MiddleButton:
            if ctrl:
                self.pan(diff.x(), 0.0, diff.y(), relative="view-upright")
            else:
                self.pan(diff.x(), diff.y(), 0.0, relative="view-upright")

    def wheelEvent(self, ev: QtGui.QWheelEvent) -> None:  # noqa: N802
        """Zoom (ctrl: change the field of view)."""
        delta = ev.angleDelta().x() or ev.angleDelta().y()
        key = "fov" if ev.modifiers() & Qt.KeyboardModifier.ControlModifier else "distance"
        self.opts[key] *= 0.999**delta
        self.update()

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
        GL.glClearColor(*self.opts["bgcolor"])
        GL.glClear(GL.GL_DEPTH_BUFFER_BIT | GL.GL_COLOR_BUFFER_BIT)
        self.draw_items(self.items, self.frame(region, viewport))

    @staticmethod
    def draw_items(items: Sequence[GLItem], frame: Frame) -> None:
        """Draw `items` (already in depth order) with one frame's matrices."""
        for item in items:
            if item.visible():
                item.paint(frame)
