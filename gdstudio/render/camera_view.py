"""CameraView: an OrbitView whose camera is plain values, bound to the state's Camera."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6 import QtGui

from gdstudio.render.camera import (
    DEFAULT_ELEVATION,
    best_azimuth,
    fit_distance,
    frame_focus,
    look_at_height,
)
from gdstudio.render.glview import OrbitView
from gdstudio.render.heightmap import HeightMap
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
    _framed: tuple[float, ...] | None = None  # the camera frame_surface last set
    _expected: bytes | None = None  # the starts framed, until the next ones come

    def reset_camera(self) -> None:
        """Frame what the view shows (subclasses)."""

    def frame_surface(self, heightmap: HeightMap, starts: np.ndarray) -> None:
        """Frame the start points (k, 2) and the minima, with a margin, from a side and
        elevation that sees them (camera.frame_focus); with no starts, the whole surface
        from the three-quarter side that hides the least of it."""
        if len(starts):
            focus = np.concatenate([starts, heightmap.minima_inside()])
            framing = frame_focus(heightmap, focus, self.opts["fov"], self.width(), self.height())
            self.setCameraPosition(
                pos=QtGui.QVector3D(*framing.center),
                distance=framing.distance,
                elevation=framing.elevation,
                azimuth=framing.azimuth,
            )
        else:
            self.setCameraPosition(
                pos=QtGui.QVector3D(0.0, 0.0, look_at_height(heightmap)),
                distance=fit_distance(heightmap, self.opts["fov"], self.width(), self.height()),
                elevation=DEFAULT_ELEVATION,
                azimuth=best_azimuth(heightmap),
            )
        self._framed = self._camera_key()

    def still_framed(self) -> bool:
        """Whether the camera is where frame_surface put it (nobody moved it since)."""
        return self._framed is not None and self._framed == self._camera_key()

    def expect_starts(self, starts: np.ndarray) -> None:
        """The starts just framed: the next ones given to take_starts may be a lesson's own."""
        self._expected = np.asarray(starts, dtype=np.float64).tobytes()

    def take_starts(self, starts: np.ndarray) -> None:
        """A lesson's paths arrive just after its surface: the first starts after a framing
        are framed too, when they differ and the camera has not moved since."""
        expected, self._expected = self._expected, None
        if expected is not None and self.still_framed():
            if expected != np.asarray(starts, dtype=np.float64).tobytes():
                self.reset_camera()

    def resizeEvent(self, ev: QtGui.QResizeEvent) -> None:  # noqa: N802
        """A camera still as framed frames the same again for the new size."""
        super().resizeEvent(ev)
        if self.still_framed():
            self.reset_camera()

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
