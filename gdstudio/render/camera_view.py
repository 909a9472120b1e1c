"""CameraView: an OrbitView whose camera is plain values, bound to the state's Camera."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6 import QtGui

from gdstudio.render.glview import OrbitView
from gdstudio.state.camera import Camera
from gdstudio.state.kinds import SessionError


def _qmatrix_to_numpy(m: QtGui.QMatrix4x4) -> np.ndarray:
    matrix: np.ndarray = np.array(m.data(), dtype=np.float64).reshape(4, 4).T
    return matrix


class CameraView(OrbitView):
    """The camera as JSON-able values and matrices; bound to a state Camera (`bind_camera`),
    the view reports its moves there (not while a drag goes on) and follows its events."""

    # Class defaults: OrbitView calls update() before a subclass's __init__ has run.
    _camera: Camera | None = None
    _camera_blocked = False
    _dragging = False  # set by the subclass's mouse handling
    _reported: tuple[float, ...] | None = None  # the camera the state last heard of

    def bind_camera(self, camera: Camera) -> None:
        """Report this view's camera into `camera` from now on, and follow its events."""
        self._camera = camera
        camera.connect("*", self._on_camera_field)
        self._report_camera()

    def _on_camera_field(self, _name: str) -> None:
        if not self._camera_blocked:
            self._apply_camera()

    def _apply_camera(self) -> None:
        """Show the bound state's camera (not reported back: it is the state's already)."""
        if self._camera is None:
            return
        self._camera_blocked = True
        try:
            self.set_camera_state(self._camera.to_dict())
        finally:
            self._camera_blocked = False

    def _camera_key(self) -> tuple[float, ...]:
        o, c = self.opts, self.opts["center"]
        return (o["distance"], o["elevation"], o["azimuth"], o["fov"], c.x(), c.y(), c.z())

    def _report_camera(self) -> None:
        """Tell the bound state where the camera is (its events do not move the view back).

        update() runs on every frame of a race: only a camera that moved since the last
        report is checked and sent.
        """
        if self._camera is None or self._camera_blocked:
            return
        key = self._camera_key()
        if key == self._reported:
            return
        self._reported = key
        self._camera_blocked = True
        try:
            self._camera.set(**self.camera_state())
        except SessionError:
            pass  # beyond what a session may hold (zoomed out past 1e6): keep the last valid one
        finally:
            self._camera_blocked = False

    def update(self) -> None:  # type: ignore[override]  # the no-argument form only
        """Repaint; a camera moved by anything but a drag still going on is reported."""
        super().update()
        if not self._dragging:
            self._report_camera()

    def camera_state(self) -> dict[str, Any]:
        """The camera as plain JSON-able values."""
        c = self.opts["center"]
        return {
            "distance": float(self.opts["distance"]),
            "elevation": float(self.opts["elevation"]),
            "azimuth": float(self.opts["azimuth"]),
            "center": [float(c.x()), float(c.y()), float(c.z())],
            "fov": float(self.opts["fov"]),
        }

    def set_camera_state(self, state: dict[str, Any]) -> None:
        """Restore a camera from camera_state(); missing keys keep their current value."""
        center = state.get("center")
        self.setCameraPosition(
            pos=None if center is None else QtGui.QVector3D(*(float(v) for v in center[:3])),
            distance=None if "distance" not in state else float(state["distance"]),
            elevation=None if "elevation" not in state else float(state["elevation"]),
            azimuth=None if "azimuth" not in state else float(state["azimuth"]),
        )
        if "fov" in state:
            self.opts["fov"] = float(state["fov"])
            self.update()

    def camera_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """(view, projection) 4×4 matrices of the current camera for the widget's size."""
        viewport = self.getViewport()
        return (
            _qmatrix_to_numpy(self.viewMatrix()),
            _qmatrix_to_numpy(self.projectionMatrix(viewport, viewport)),
        )
