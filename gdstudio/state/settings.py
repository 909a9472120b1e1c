"""The studio's settings and view, each field declared once with its kind and default.

Bounds are those of the widget that shows the field (Controls, data panel): widgets take
their ranges from here, so a loaded session never holds what the window cannot show.
"""

from __future__ import annotations

from typing import Any

from ..core.schedules import SCHEDULES, make_schedule
from .evented import Evented, Field
from .kinds import Choice, Flag, Kind, Number, SessionError, as_list, as_object, fail, required

INTEGER_SCHEDULE_PARAMS = ("step_size", "T_max", "warmup_steps")
SCHEDULE_PARAM = Number(0.0, 1e9)  # Controls: schedule spin boxes


def schedule_param_kind(key: str) -> Number:
    """The kind of one schedule parameter (whole numbers for step counts)."""
    if key in INTEGER_SCHEDULE_PARAMS:
        return Number(SCHEDULE_PARAM.lo, SCHEDULE_PARAM.hi, integer=True)
    return SCHEDULE_PARAM


class Schedule(Kind):
    """A learning-rate schedule: (name, params), written as {"name", "params"}; null: constant."""

    def check(self, value: Any, where: str) -> tuple[str, dict[str, Any]]:
        """The (name, params) pair, or SessionError naming the bad part."""
        if value is None:
            return "constant", {}
        if isinstance(value, tuple):
            value = {"name": value[0], "params": value[1]}
        s = as_object(value, where)
        name = Choice(lambda: list(SCHEDULES)).check(required(s, "name", where), f"{where}.name")
        cls = SCHEDULES[name]
        allowed = (*cls.required, *cls.defaults)
        params: dict[str, Any] = {}
        for key, v in as_object(s.get("params") or {}, f"{where}.params").items():
            at = f"{where}.params.{key}"
            if key not in allowed:
                raise SessionError(
                    f"{at}: not a parameter of the {name} schedule; allowed: "
                    f"{', '.join(allowed) or 'none'}"
                )
            params[key] = schedule_param_kind(key).check(v, at)
        try:
            make_schedule(name, **params)
        except ValueError as e:
            raise SessionError(f"{where}: {e}") from None
        return name, params

    def dump(self, value: tuple[str, dict[str, Any]], copy_arrays: bool = False) -> Any:
        """{"name": ..., "params": {...}}."""
        return {"name": value[0], "params": dict(value[1])}


class Settings(Evented):
    """How the runs step: speed, limits, schedule, clipping, and the data fit's options."""

    huber_delta: Field[float] = Field(Number(0.01, 1000.0), 1.0)  # data panel's δ spin box
    normalize_x: Field[bool] = Field(Flag(), False)
    clip_norm: Field[float | None] = Field(Number(1e-4, 1e6, nullable=True), None)
    speed: Field[float] = Field(Number(1.0, 5000.0), 60.0)  # steps per second while playing
    max_steps: Field[int] = Field(Number(1, 10_000_000, integer=True), 5000)
    tol: Field[float] = Field(Number(0.0, 1.0), 1e-6)  # convergence tolerance on |∇L|
    restart_on_edit: Field[bool] = Field(Flag(), False)  # data edits restart the runs
    schedule: Field[tuple[str, dict[str, Any]]] = Field(Schedule(), ("constant", {}))


class View(Evented):
    """How the landscape is drawn."""

    view_mode: Field[str] = Field(Choice(lambda: ["3d", "contour"]), "3d")
    log_height: Field[bool | None] = Field(Flag(nullable=True), None)


class Center(Kind):
    """The camera's centre: three numbers."""

    item = Number(-1e6, 1e6)

    def check(self, value: Any, where: str) -> list[float]:
        """The centre as three floats, or SessionError."""
        center = as_list(value, where)
        if len(center) != 3:
            raise fail(where, "three numbers", center)
        return [self.item.check(v, f"{where}[{i}]") for i, v in enumerate(center)]


CAMERA_FIELDS: dict[str, Kind] = {
    "distance": Number(0.0, 1e6, lo_open=True),
    "elevation": Number(-90.0, 90.0),
    "azimuth": Number(-1e6, 1e6),
    "fov": Number(0.0, 179.0, lo_open=True),
    "center": Center(),
}


def check_camera(camera: Any, where: str = "camera") -> dict[str, Any] | None:
    """Check a session's camera (None if absent; each key optional); SessionError if bad."""
    if camera is None:
        return None
    c = as_object(camera, where)
    return {
        key: kind.check(c[key], f"{where}.{key}") for key, kind in CAMERA_FIELDS.items() if key in c
    }
