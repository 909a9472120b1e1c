"""What a session may hold: every field once, with its type, bounds and default.

`check_model` and `check_camera` turn the parts of a (migrated) session document into
checked values, or raise one `SessionError` whose message names the field, the values
allowed and the value found. Bounds are those of the widget that shows the field (Controls,
run editor, data panel), so a loaded session never holds what the window cannot show.
Numbers the JSON reader could not represent (NaN, Infinity, a 5,000-digit integer) arrive
as `Unrepresentable`, a float beyond range (1e400) as inf: both fail every number check.
Qt-free.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..app.palette import run_color
from ..core.catalog import is_data_landscape, landscape_names, make_landscape
from ..core.data import Dataset
from ..core.optimizers import OPTIMIZERS, make_optimizer
from ..core.schedules import SCHEDULES, make_schedule

MAX_RUNS = 8
MAX_LABEL = 200
MAX_BATCH = 1_000_000
MAX_SEED = 2**31 - 1
MAX_START = 1e9
INTEGER_SCHEDULE_PARAMS = ("step_size", "T_max", "warmup_steps")


class SessionError(ValueError):
    """A session that cannot be read, checked or written; the message is meant for the user."""


class Unrepresentable:
    """A JSON number (or NaN/Infinity) with no finite float value; `text` is how it reads."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def describe(value: Any) -> str:
    """A short, safe rendering of a found value for an error message."""
    if isinstance(value, Unrepresentable):
        return value.text
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        if abs(value) < 10**18:
            return str(value)
        x = _finite(value)
        return f"{x:.6g}" if x is not None else f"about 1e{int(value.bit_length() * 0.30103)}"
    if isinstance(value, float):
        return repr(value) if abs(value) < 1e16 else f"{value:.6g}"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:40] + "…", ensure_ascii=False)
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _finite(value: int | float) -> float | None:
    """The value as a finite float, None if it has none (NaN, inf, an int beyond 1e308)."""
    try:
        x = float(value)
    except OverflowError:
        return None
    return x if math.isfinite(x) else None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e10 else f"{x:g}"


def _fail(where: str, allowed: str, value: Any) -> SessionError:
    return SessionError(f"{where}: must be {allowed}, got {describe(value)}")


# --- field kinds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """A finite number in [lo, hi] ((lo, hi] if lo_open); whole if `integer`."""

    lo: float
    hi: float
    integer: bool = False
    lo_open: bool = False
    nullable: bool = False

    def describe(self) -> str:
        """The allowed values in words."""
        word = "an integer" if self.integer else "a number"
        if self.lo_open:
            return f"{word} > {_fmt(self.lo)} and at most {_fmt(self.hi)}"
        return f"{word} from {_fmt(self.lo)} to {_fmt(self.hi)}"

    def check(self, value: Any, where: str) -> Any:
        """The value as int/float (None if null and allowed), or SessionError."""
        if value is None and self.nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail(where, self.describe(), value)
        x = _finite(value)
        if x is None or not (x > self.lo if self.lo_open else x >= self.lo) or x > self.hi:
            raise _fail(where, self.describe(), value)
        if self.integer:
            if not x.is_integer():
                raise _fail(where, self.describe(), value)
            return int(x)
        return x


@dataclass(frozen=True)
class Flag:
    """true or false (or null if nullable)."""

    nullable: bool = False

    def check(self, value: Any, where: str) -> bool | None:
        """The flag, or SessionError."""
        if value is None and self.nullable:
            return None
        if not isinstance(value, bool):
            raise _fail(where, "true or false" + (" or null" if self.nullable else ""), value)
        return value


@dataclass(frozen=True)
class Choice:
    """One of a list of names (computed when checked: registries may grow)."""

    names: Callable[[], list[str]]

    def check(self, value: Any, where: str) -> str:
        """The name, or SessionError."""
        allowed = self.names()
        if not isinstance(value, str) or value not in allowed:
            raise _fail(where, "one of " + ", ".join(allowed), value)
        return value


@dataclass(frozen=True)
class Text:
    """A string of at most `max_len` characters, matching `pattern` if given."""

    max_len: int = MAX_LABEL
    pattern: str | None = None
    nullable: bool = False

    def check(self, value: Any, where: str) -> str | None:
        """The text, or SessionError."""
        if value is None and self.nullable:
            return None
        if not isinstance(value, str) or len(value) > self.max_len:
            raise _fail(where, f"text of at most {self.max_len} characters", value)
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise _fail(where, f"text like {self.pattern}", value)
        return value


# --- the fields ------------------------------------------------------------------------------

# Settings the model stores under the same name as the session: (kind, default).
SETTINGS: dict[str, tuple[Any, Any]] = {
    "huber_delta": (Number(0.01, 1000.0), 1.0),        # data panel's δ spin box
    "normalize_x": (Flag(), False),
    "clip_norm": (Number(1e-4, 1e6, nullable=True), None),  # Controls: clip spin box
    "speed": (Number(1.0, 5000.0), 60.0),             # Controls: speed slider
    "max_steps": (Number(1, 10_000_000, integer=True), 5000),  # Controls: max steps spin
    "tol": (Number(0.0, 1.0), 1e-6),                    # Controls: tolerance slider
    "view_mode": (Choice(lambda: ["3d", "contour"]), "3d"),
    "log_height": (Flag(nullable=True), None),
    "restart_on_edit": (Flag(), False),
}
RUN_FIELDS: dict[str, Any] = {
    "optimizer": Choice(lambda: list(OPTIMIZERS)),
    "color": Text(pattern=r"#[0-9A-Fa-f]{6}"),
    "label": Text(),
    "enabled": Flag(),
    "seed": Number(0, MAX_SEED, integer=True),          # run editor's seed spin box
}
# Hyperparameters, by the kind of their default: the run editor's ranges.
LR = Number(0.0, 1e4)                                   # lr slider's spin box: 0 .. 10 × 1000
HYPER_NUMBER = Number(0.0, 1e6)
HYPER_PAIR_ITEM = Number(0.0, 0.999999)
SCHEDULE_PARAM = Number(0.0, 1e9)                       # Controls: schedule spin boxes
START_ITEM = Number(-MAX_START, MAX_START)
CAMERA_FIELDS: dict[str, Number] = {
    "distance": Number(0.0, 1e6, lo_open=True),
    "elevation": Number(-90.0, 90.0),
    "azimuth": Number(-1e6, 1e6),
    "fov": Number(0.0, 179.0, lo_open=True),
}
CAMERA_CENTER_ITEM = Number(-1e6, 1e6)


@dataclass(frozen=True)
class RunState:
    """One checked racer."""

    optimizer: str
    hyper: dict[str, Any]
    color: str
    label: str
    enabled: bool
    batch: int | None
    seed: int


@dataclass(frozen=True)
class ModelState:
    """A checked model snapshot: everything StudioModel.restore needs, nothing left to check."""

    scene: str | None
    landscape: str
    dataset: Dataset
    start: np.ndarray | None  # None: the landscape's default start
    runs: tuple[RunState, ...]
    schedule_name: str
    schedule_params: dict[str, Any]
    settings: dict[str, Any]


# --- checks ----------------------------------------------------------------------------------


def as_object(value: Any, where: str) -> dict[str, Any]:
    """The value if it is a JSON object (SessionError naming `where` otherwise)."""
    if not isinstance(value, dict):
        raise _fail(where, "an object", value)
    return value


def as_list(value: Any, where: str) -> list[Any]:
    """The value if it is a JSON list (SessionError naming `where` otherwise)."""
    if not isinstance(value, list):
        raise _fail(where, "a list", value)
    return value


def required(obj: dict[str, Any], key: str, where: str) -> Any:
    """obj[key], or SessionError saying `where.key` is missing."""
    if key not in obj:
        raise SessionError(f"{where}.{key}: missing" if where else f"{key}: missing")
    return obj[key]


def check_model(state: Any, where: str = "model") -> ModelState:
    """Check a model snapshot completely (SessionError naming the first bad field)."""
    m = as_object(state, where)
    scene = Text(max_len=100, nullable=True).check(m.get("scene"), f"{where}.scene")
    landscape = Choice(landscape_names).check(
        required(m, "landscape", where), f"{where}.landscape")
    settings = {key: kind.check(m.get(key, default), f"{where}.{key}")
                for key, (kind, default) in SETTINGS.items()}
    dataset = _check_data(required(m, "data", where), landscape, f"{where}.data")
    start = _check_start(m.get("start"), landscape, f"{where}.start")
    runs_in = as_list(required(m, "runs", where), f"{where}.runs")
    if len(runs_in) > MAX_RUNS:
        raise SessionError(f"{where}.runs: a race holds at most {MAX_RUNS} optimizers, "
                           f"got {len(runs_in)}")
    runs = tuple(_check_run(r, i, f"{where}.runs[{i}]") for i, r in enumerate(runs_in))
    name, params = _check_schedule(m.get("schedule"), f"{where}.schedule")
    return ModelState(scene, landscape, dataset, start, runs, name, params, settings)


def check_camera(camera: Any, where: str = "camera") -> dict[str, Any] | None:
    """Check a camera state (None if absent); SessionError naming the bad field."""
    if camera is None:
        return None
    c = as_object(camera, where)
    out: dict[str, Any] = {key: kind.check(c[key], f"{where}.{key}")
                           for key, kind in CAMERA_FIELDS.items() if key in c}
    if "center" in c:
        center = as_list(c["center"], f"{where}.center")
        if len(center) != 3:
            raise _fail(f"{where}.center", "three numbers", center)
        out["center"] = [CAMERA_CENTER_ITEM.check(v, f"{where}.center[{i}]")
                         for i, v in enumerate(center)]
    return out


def finite_numbers(values: Any, where: str) -> np.ndarray:
    """A list of finite numbers as float64, fast for a million points."""
    values = as_list(values, where)
    if set(map(type, values)) <= {int, float}:
        try:
            arr = np.array(values, dtype=np.float64)
        except OverflowError:
            arr = np.array([math.nan])
        if np.isfinite(arr).all():
            return arr
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or _finite(v) is None:
            raise _fail(f"{where}[{i}]", "a finite number", v)
    raise AssertionError("unreachable: every value was a finite number")


def _check_data(data: Any, landscape: str, where: str) -> Dataset:
    d = as_object(data, where)
    x = finite_numbers(required(d, "x", where), f"{where}.x")
    y = finite_numbers(required(d, "y", where), f"{where}.y")
    if len(x) != len(y):
        raise SessionError(f"{where}: {len(x)} x values but {len(y)} y values")
    label = None if d.get("label") is None else finite_numbers(d["label"], f"{where}.label")
    if label is not None and len(label) != len(x):
        raise SessionError(f"{where}.label: must have one entry per point "
                           f"({len(x)}), got {len(label)}")
    if landscape == "logistic-bce":
        if label is None:
            raise SessionError(f"{where}.label: logistic-bce needs a class label (0 or 1) "
                               "for every point")
        if not np.all(np.isin(label, (0.0, 1.0))):
            raise SessionError(f"{where}.label: class labels must be 0 or 1")
    try:
        return Dataset(x, y, label)
    except ValueError as e:
        raise SessionError(f"{where}: {e}") from None


def _check_start(start: Any, landscape: str, where: str) -> np.ndarray | None:
    if start is None:
        return None
    values = as_list(start, where)
    dim = 2 if is_data_landscape(landscape) else make_landscape(landscape).dim
    if len(values) != dim:
        raise SessionError(f"{where}: must hold {dim} number{'s' * (dim > 1)} for "
                           f"{landscape}, got {len(values)}")
    return np.array([START_ITEM.check(v, f"{where}[{i}]") for i, v in enumerate(values)])


def _check_batch(value: Any, where: str) -> int | None:
    if value is None or value == "full":
        return None
    if value == "sgd":
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_BATCH:
        raise _fail(where, f'"full", "sgd" or a batch size from 1 to {MAX_BATCH}', value)
    return value


def _check_run(run: Any, index: int, where: str) -> RunState:
    r = as_object(run, where)
    f = RUN_FIELDS
    optimizer = f["optimizer"].check(required(r, "optimizer", where), f"{where}.optimizer")
    hyper = _check_hyper(r.get("hyper") or {}, optimizer, f"{where}.hyper")
    return RunState(
        optimizer, hyper,
        f["color"].check(r.get("color", run_color(index)), f"{where}.color"),
        f["label"].check(r.get("label", ""), f"{where}.label"),
        f["enabled"].check(r.get("enabled", True), f"{where}.enabled"),
        _check_batch(r.get("batch"), f"{where}.batch"),
        f["seed"].check(r.get("seed", 0), f"{where}.seed"),
    )


def _check_hyper(hyper: Any, optimizer: str, where: str) -> dict[str, Any]:
    h = as_object(hyper, where)
    defaults = OPTIMIZERS[optimizer].defaults
    out: dict[str, Any] = {}
    for key, value in h.items():
        at = f"{where}.{key}"
        if key not in defaults:
            raise SessionError(f"{at}: not a parameter of {optimizer}; allowed: "
                               f"{', '.join(defaults)}")
        default = defaults[key]
        if isinstance(default, bool):
            out[key] = Flag().check(value, at)
        elif isinstance(default, tuple):
            pair = as_list(value, at) if not isinstance(value, tuple) else list(value)
            if len(pair) != 2:
                raise _fail(at, "two numbers", value)
            out[key] = tuple(HYPER_PAIR_ITEM.check(v, f"{at}[{i}]") for i, v in enumerate(pair))
        else:
            out[key] = (LR if key == "lr" else HYPER_NUMBER).check(value, at)
    try:
        make_optimizer(optimizer, **out)
    except ValueError as e:
        raise SessionError(f"{where}: {e}") from None
    return out


def _check_schedule(schedule: Any, where: str) -> tuple[str, dict[str, Any]]:
    if schedule is None:
        return "constant", {}
    s = as_object(schedule, where)
    name = Choice(lambda: list(SCHEDULES)).check(required(s, "name", where),
                                                      f"{where}.name")
    cls = SCHEDULES[name]
    allowed = (*cls.required, *cls.defaults)
    params: dict[str, Any] = {}
    for key, value in as_object(s.get("params") or {}, f"{where}.params").items():
        at = f"{where}.params.{key}"
        if key not in allowed:
            raise SessionError(f"{at}: not a parameter of the {name} schedule; allowed: "
                               f"{', '.join(allowed) or 'none'}")
        kind = SCHEDULE_PARAM
        if key in INTEGER_SCHEDULE_PARAMS:
            kind = Number(SCHEDULE_PARAM.lo, SCHEDULE_PARAM.hi, integer=True)
        params[key] = kind.check(value, at)
    try:
        make_schedule(name, **params)
    except ValueError as e:
        raise SessionError(f"{where}: {e}") from None
    return name, params
