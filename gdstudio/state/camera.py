"""The 3D view's camera, declared once: what sessions save under "camera" and the view shows.

The 3D view reports its camera here (once per gesture) and follows this state's events; a
session's camera is set here and the view applies it. Camera moves do not bump the document's
revision (as in most apps, looking around is not an edit): `Studio.camera` is not owned.
A camera placed while its surface is still being computed is `held`: the view applies it to
the next surface it shows instead of framing that surface. Qt-free.
"""

from __future__ import annotations

from typing import Any

from .evented import Evented, Field
from .settings import CAMERA_FIELDS, check_camera


class Camera(Evented):
    """Distance, elevation, azimuth (degrees), horizontal field of view and centre."""

    distance: Field[float] = Field(CAMERA_FIELDS["distance"], 10.0)
    elevation: Field[float] = Field(CAMERA_FIELDS["elevation"], 30.0)
    azimuth: Field[float] = Field(CAMERA_FIELDS["azimuth"], 45.0)
    fov: Field[float] = Field(CAMERA_FIELDS["fov"], 60.0)
    center: Field[list[float]] = Field(CAMERA_FIELDS["center"], [0.0, 0.0, 0.0])

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self.held = False

    def place(self, camera: Any, hold: bool = False) -> None:
        """Take a session's or scene's camera (keys optional; SessionError if bad, no change).

        `hold`: its surface is not shown yet, so the view applies it there instead of framing.
        """
        checked = check_camera(camera)
        if checked:
            self.set(**checked)
        self.held = hold

    def take_hold(self) -> bool:
        """True once if a placed camera waits for its surface (the view calls this)."""
        held, self.held = self.held, False
        return held
