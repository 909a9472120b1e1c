"""Session files (`.gdstudio`): versioned JSON, migrated on load, written atomically.

A document is ``{"schema_version": N, "app": "gdstudio", "saved_with": version,
"model": <StudioModel.snapshot()>, "camera": {...} | null}``. Older schema versions are
migrated step by step (``MIGRATIONS``) to ``SCHEMA_VERSION`` before anything reads them.

Version 1 (gdstudio 0.0.x) stored the points as ``"points": [[x, y(, label)], ...]``, the
racers as ``"optimizers": [{"name", "params", ...}]``, the schedule as a flat name plus
``"schedule_params"``, and had no Huber δ, x normalization or restart-on-edit setting.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QIODevice, QSaveFile

from .. import __version__
from ..app.palette import run_color

APP_ID = "gdstudio"
SCHEMA_VERSION = 2
SUFFIX = ".gdstudio"
FILE_FILTER = "Gradient Descent Studio sessions (*.gdstudio);;All files (*)"
APP_NAME = "Gradient Descent Studio"

Doc = dict[str, Any]


class SessionError(Exception):
    """A session file that cannot be read or written; the message is meant for the user."""


def new_document(model: dict[str, Any], camera: dict[str, Any] | None = None) -> Doc:
    """A current-version session document around a model snapshot and a camera."""
    return {
        "schema_version": SCHEMA_VERSION,
        "app": APP_ID,
        "saved_with": __version__,
        "model": model,
        "camera": camera,
    }


# --- writing ---------------------------------------------------------------------------------


def save_session(path: str | os.PathLike[str], doc: Doc) -> None:
    """Write `doc` to `path` atomically: the old file stays intact unless the write completes."""
    name = _display_name(path)
    # iterencode is the pure-Python encoder: in a worker thread it lets the UI thread run.
    encoder = json.JSONEncoder(indent=1, ensure_ascii=False, allow_nan=False)
    try:
        text = "".join(encoder.iterencode(doc)) + "\n"
    except (TypeError, ValueError) as e:
        raise SessionError(f"Could not save “{name}”: the session holds a value that "
                           f"cannot be written ({e}).") from None
    data = text.encode("utf-8")
    out = QSaveFile(os.fspath(path))
    if not out.open(QIODevice.OpenModeFlag.WriteOnly):
        raise SessionError(f"Could not save “{name}”: {out.errorString()}.")
    written = out.write(data)
    if written != len(data):
        reason = out.errorString()
        out.cancelWriting()
        raise SessionError(f"Could not save “{name}”: {reason or 'the write was incomplete'}.")
    if not out.commit():
        raise SessionError(f"Could not save “{name}”: {out.errorString() or 'commit failed'}. "
                           "The previous file, if any, is unchanged.")


# --- reading ---------------------------------------------------------------------------------


def load_session(path: str | os.PathLike[str]) -> Doc:
    """Read, check and migrate a session file to the current schema (SessionError if bad)."""
    name = _display_name(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise SessionError(f"Could not open “{name}”: the file does not exist.") from None
    except IsADirectoryError:
        raise SessionError(f"Could not open “{name}”: it is a folder, not a file.") from None
    except OSError as e:
        raise SessionError(f"Could not open “{name}”: {e.strerror or e}.") from None
    return parse_session(raw, name)


def parse_session(raw: bytes, name: str = "the session") -> Doc:
    """Check and migrate the bytes of a session file (SessionError with a clear message)."""
    if not raw.strip():
        raise SessionError(f"“{name}” is empty: it is not a Gradient Descent Studio session.")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SessionError(f"“{name}” is not a Gradient Descent Studio session "
                           "(it is not a text file).") from None
    except json.JSONDecodeError as e:
        raise SessionError(f"“{name}” is damaged or incomplete and cannot be opened "
                           f"(invalid JSON at line {e.lineno}, column {e.colno}).") from None
    if not isinstance(doc, dict) or doc.get("app") != APP_ID:
        raise SessionError(f"“{name}” is not a Gradient Descent Studio session file.")
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"“{name}” is damaged: its schema_version is {version!r}, "
                           "not a version number.")
    if version > SCHEMA_VERSION:
        raise SessionError(
            f"“{name}” was saved by a newer version of {APP_NAME} (schema {version}); "
            f"this version reads up to {SCHEMA_VERSION}. Update {APP_NAME} to open it.")
    try:
        doc = migrate(doc)
        validate(doc)
    except SessionError as e:
        raise SessionError(f"“{name}” is damaged: {e}") from None
    return doc


def _display_name(path: str | os.PathLike[str]) -> str:
    return Path(path).name or os.fspath(path)


# --- migrations ------------------------------------------------------------------------------


def _v1_to_v2(doc: Doc) -> Doc:
    """v1 → v2: points → data columns, optimizers → runs, schedule object, new defaults."""
    old = _require(doc, "model", dict, "model")
    points = _require(old, "points", list, "model.points")
    rows = [_number_list(p, f"model.points[{i}]") for i, p in enumerate(points)]
    widths = {len(r) for r in rows}
    if not widths <= {2} and not widths <= {3}:
        raise SessionError("model.points must all be [x, y] or all be [x, y, label]")
    labelled = widths == {3}
    runs = []
    for i, o in enumerate(_require(old, "optimizers", list, "model.optimizers")):
        where = f"model.optimizers[{i}]"
        if not isinstance(o, dict):
            raise SessionError(f"{where} must be an object")
        runs.append({
            "optimizer": _require(o, "name", str, f"{where}.name"),
            "hyper": dict(_optional(o, "params", dict, f"{where}.params") or {}),
            "color": o.get("color", run_color(i)),
            "label": o.get("label", ""),
            "enabled": o.get("enabled", True),
            "batch": o.get("batch", "full"),
            "seed": o.get("seed", 0),
        })
    model = {
        "scene": old.get("scene"),
        "landscape": _require(old, "landscape", str, "model.landscape"),
        "data": {
            "x": [r[0] for r in rows],
            "y": [r[1] for r in rows],
            "label": [r[2] for r in rows] if labelled else None,
        },
        "huber_delta": 1.0,
        "normalize_x": False,
        "start": old.get("start"),
        "runs": runs,
        "schedule": {
            "name": _optional(old, "schedule", str, "model.schedule") or "constant",
            "params": dict(_optional(old, "schedule_params", dict, "model.schedule_params")
                           or {}),
        },
        "restart_on_edit": False,
    }
    for key in ("clip_norm", "speed", "max_steps", "tol", "view_mode", "log_height"):
        if key in old:
            model[key] = old[key]
    return {**doc, "schema_version": 2, "model": model}


MIGRATIONS: dict[int, Callable[[Doc], Doc]] = {1: _v1_to_v2}


def migrate(doc: Doc) -> Doc:
    """Bring a document of any older schema to SCHEMA_VERSION, one step at a time."""
    version = doc["schema_version"]
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        if doc["schema_version"] != version + 1:
            raise AssertionError(f"migration from schema {version} did not advance by one")
        version = doc["schema_version"]
    return doc


# --- structure -------------------------------------------------------------------------------


def validate(doc: Doc) -> None:
    """Check the shape and value types of a current-version document (SessionError if bad).

    Meaning (known landscape and optimizer names, hyperparameter ranges) is checked by
    StudioModel.restore, which refuses a bad snapshot before replacing anything.
    """
    m = _require(doc, "model", dict, "model")
    _optional(m, "scene", str, "model.scene")
    _require(m, "landscape", str, "model.landscape")
    data = _require(m, "data", dict, "model.data")
    x = _number_list(_require(data, "x", list, "model.data.x"), "model.data.x")
    y = _number_list(_require(data, "y", list, "model.data.y"), "model.data.y")
    if len(x) != len(y):
        raise SessionError(f"model.data has {len(x)} x values but {len(y)} y values")
    label = _optional(data, "label", list, "model.data.label")
    if label is not None and len(_number_list(label, "model.data.label")) != len(x):
        raise SessionError("model.data.label must have one entry per point")
    _number_list(_require(m, "start", list, "model.start"), "model.start")
    for i, r in enumerate(_require(m, "runs", list, "model.runs")):
        where = f"model.runs[{i}]"
        if not isinstance(r, dict):
            raise SessionError(f"{where} must be an object")
        _require(r, "optimizer", str, f"{where}.optimizer")
        _optional(r, "hyper", dict, f"{where}.hyper")
        _optional(r, "color", str, f"{where}.color")
        _optional(r, "label", str, f"{where}.label")
        _optional(r, "enabled", bool, f"{where}.enabled")
        _optional(r, "batch", (str, int), f"{where}.batch")
        _optional(r, "seed", int, f"{where}.seed")
    schedule = _optional(m, "schedule", dict, "model.schedule")
    if schedule is not None:
        _require(schedule, "name", str, "model.schedule.name")
        _require(schedule, "params", dict, "model.schedule.params")
    for key in ("huber_delta", "clip_norm", "speed", "tol"):
        _optional(m, key, (int, float), f"model.{key}")
    _optional(m, "max_steps", int, "model.max_steps")
    _optional(m, "view_mode", str, "model.view_mode")
    for key in ("normalize_x", "log_height", "restart_on_edit"):
        _optional(m, key, bool, f"model.{key}")
    camera = _optional(doc, "camera", dict, "camera")
    if camera is not None:
        for key in ("distance", "elevation", "azimuth", "fov"):
            _optional(camera, key, (int, float), f"camera.{key}")
        center = _optional(camera, "center", list, "camera.center")
        if center is not None and len(_number_list(center, "camera.center")) != 3:
            raise SessionError("camera.center must hold three numbers")


_TYPE_WORDS = {dict: "an object", list: "a list", str: "text", bool: "true or false",
               int: "a whole number", (int, float): "a number", (str, int): "text or a number"}


def _check_type(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    bad_bool = isinstance(value, bool) and kind is not bool
    if bad_bool or not isinstance(value, kind):
        raise SessionError(f"{where} must be {_TYPE_WORDS.get(kind, kind)}, "
                           f"not {json.dumps(value)[:40]}")
    if isinstance(value, float) and not math.isfinite(value):
        raise SessionError(f"{where} must be a finite number, not {json.dumps(value)}")
    return value


def _require(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise SessionError(f"{where} is missing")
    return _check_type(obj[key], kind, where)


def _optional(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = obj.get(key)
    return None if value is None else _check_type(value, kind, where)


def _number_list(values: Any, where: str) -> list[float]:
    _check_type(values, list, where)
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise SessionError(f"{where}[{i}] must be a finite number, not {json.dumps(v)}")
    return values
