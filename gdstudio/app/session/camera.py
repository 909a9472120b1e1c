"""The 3D view's camera as sessions save and restore it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from .host import SessionHost


class SessionCamera(QObject):
    """Reads the camera, and puts a session's back, again after a surface computed off the UI
    thread arrives (the window frames each new surface)."""

    def __init__(self, host: SessionHost) -> None:
        super().__init__(host.window())
        self.host = host
        self._pending: dict[str, Any] | None = None
        host.model.surfaceChanged.connect(self._on_surface_changed)

    def state(self) -> dict[str, Any]:
        """The camera as a session stores it."""
        return self.host.view3d.camera_state()

    def restore(self, camera: dict[str, Any]) -> None:
        """Show `camera` now, and again once a surface still being computed has arrived."""
        self.host.view3d.set_camera_state(camera)
        model = self.host.model
        pending = model.display_landscape is not model.landscape
        self._pending = dict(camera) if pending else None

    def forget(self) -> None:
        """Drop a camera waiting for its surface (another session is coming)."""
        self._pending = None

    def reset(self) -> None:
        """The default view of the landscape."""
        self._pending = None
        self.host.view3d.reset_camera()

    def _on_surface_changed(self) -> None:
        if self._pending is not None:
            camera, self._pending = self._pending, None
            # After every other slot of this signal, whatever order they connected in.
            view = self.host.view3d
            QTimer.singleShot(0, self, lambda: view.set_camera_state(camera))
