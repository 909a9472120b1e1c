"""OrbitCamera: pyqtgraph's GLViewWidget camera and mouse gestures on a plain widget.

The camera is distance, elevation, azimuth, center and fov in `opts` (with the clear colour),
with the same view and projection matrices and the same gestures as GLViewWidget, so pictures
and saved cameras are unchanged; OrbitView (glview.py) draws with it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


class OrbitCamera(QWidget):
    """A widget with an orbit camera: left-drag orbits, wheel zooms, middle-drag pans.

    Ctrl+left-drag pans in the view plane, ctrl+wheel changes the field of view; every move
    calls update().
    """

    mousePos: QtCore.QPointF

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opts: dict[str, Any] = {
            "center": QtGui.QVector3D(0.0, 0.0, 0.0),
            "distance": 10.0,
            "fov": 60.0,
            "elevation": 30.0,
            "azimuth": 45.0,
            "bgcolor": (0.0, 0.0, 0.0, 1.0),
        }
        self.mousePos = QtCore.QPointF()

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
