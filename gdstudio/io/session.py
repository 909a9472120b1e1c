"""Session files (`.gdstudio`): versioned JSON, migrated on load, written atomically.

A document is ``{"schema_version": N, "app": "gdstudio", "saved_with": version,
"model": <gdstudio.state.Studio.to_dict()>, "camera": {...} | null}``. Older schema versions are
migrated step by step (``MIGRATIONS``) to ``SCHEMA_VERSION`` before anything reads them.

Version 1 (gdstudio 0.0.x) stored the points as ``"points": [[x, y(, label)], ...]``, the
racers as ``"optimizers": [{"name", "params", ...}]``, the schedule as a flat name plus
``"schedule_params"``, and had no Huber δ, x normalization or restart-on-edit setting.
"""

from __future__ import annotations

import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import numpy as np

from .. import __version__
from ..state import Studio, check_camera
from ..state.kinds import (
    SessionError,
    Unrepresentable,
    as_list,
    as_object,
    describe,
    finite_numbers,
    required,
)
from ..state.runs import default_color
from . import atomic

__all__ = ["SessionError", "load_session", "parse_session", "save_session", "validate"]

APP_ID = "gdstudio"
SCHEMA_VERSION = 2
SUFFIX = ".gdstudio"
FILE_FILTER = "Gradient Descent Studio sessions (*.gdstudio);;All files (*)"
APP_NAME = "Gradient Descent Studio"
MAX_BYTES = 256 * 2**20  # a million points take about 40 MB
_CHUNK = 65_536  # values per piece when writing a data column

Doc = dict[str, Any]


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


def encode_session(doc: Doc) -> Iterator[bytes]:
    """The session file's bytes, piece by piece (ValueError for NaN/inf or a foreign type).

    Numpy arrays (a snapshot's data columns, copied on the UI thread) are written a chunk
    at a time, so a worker thread encoding a million points never holds the GIL for long.
    """
    arrays: list[np.ndarray] = []
    token = os.urandom(8).hex()  # as secrets.token_hex, without loading OpenSSL at start-up

    def placeholder(obj: object) -> str:
        if not isinstance(obj, np.ndarray):
            raise TypeError(f"{type(obj).__name__} is not JSON")
        arrays.append(obj)
        return f"@array{len(arrays) - 1}-{token}@"

    encoder = json.JSONEncoder(indent=1, ensure_ascii=False, allow_nan=False, default=placeholder)
    text = encoder.encode(doc) + "\n"
    parts = re.split(f'"@array(\\d+)-{token}@"', text)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            yield part.encode("utf-8")
        else:
            yield from _encode_array(arrays[int(part)])


def _encode_array(values: np.ndarray) -> Iterator[bytes]:
    if not np.isfinite(values).all():
        raise ValueError("a data column holds NaN or infinity")
    yield b"["
    for start in range(0, len(values), _CHUNK):
        chunk = ", ".join(map(repr, values[start : start + _CHUNK].tolist()))
        yield (", " + chunk if start else chunk).encode("ascii")
    yield b"]"


def save_session(path: str | os.PathLike[str], doc: Doc) -> None:
    """Write `doc` to `path` atomically: the old file stays intact unless the write completes."""
    name = _display_name(path)

    def write(f: BinaryIO) -> None:
        for piece in encode_session(doc):
            f.write(piece)

    try:
        atomic.write_atomic(path, write)
    except (TypeError, ValueError) as e:
        raise SessionError(
            f"Could not save “{name}”: the session holds a value that cannot be written ({e})."
        ) from None
    except OSError as e:
        raise SessionError(
            f"Could not save “{name}”: {e.strerror or e}. The previous file, if any, is unchanged."
        ) from None


# --- reading ---------------------------------------------------------------------------------


def load_session(path: str | os.PathLike[str]) -> Doc:
    """Read, check and migrate a session file to the current schema (SessionError if bad)."""
    return parse_session(read_session_bytes(path), _display_name(path))


def read_session_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; never blocks on a pipe or device."""
    name = _display_name(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise SessionError(f"Could not open “{name}”: the file does not exist.") from None
    except (OSError, ValueError) as e:
        raise SessionError(
            f"Could not open “{name}”: {getattr(e, 'strerror', None) or e}."
        ) from None
    _check_regular(info, name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as f:
            _check_regular(os.fstat(f.fileno()), name)  # it may have been swapped since
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise SessionError(f"Could not open “{name}”: {e.strerror or e}.") from None
    if len(raw) > MAX_BYTES:
        raise _too_large(name, len(raw))
    return raw


def _check_regular(info: os.stat_result, name: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise SessionError(f"Could not open “{name}”: it is a folder, not a file.")
    if not stat.S_ISREG(info.st_mode):
        raise SessionError(
            f"Could not open “{name}”: it is not a regular file "
            "(a named pipe, device or socket), so it is not a session."
        )
    if info.st_size > MAX_BYTES:
        raise _too_large(name, info.st_size)


def _too_large(name: str, size: int) -> SessionError:
    return SessionError(
        f"Could not open “{name}”: it is too large to be a session "
        f"({size / 2**20:.0f} MB; at most {MAX_BYTES // 2**20} MB)."
    )


def _parse_int(text: str) -> int | float | Unrepresentable:
    """Integers as int up to 18 digits, float up to 300, beyond that Unrepresentable.

    (A float that overflows, such as 1e400, reads as inf and fails every number check; a
    float hook would triple the time a million points take to read.)
    """
    digits = text.lstrip("-")
    if len(digits) <= 18:
        return int(text)
    if len(digits) <= 300:
        return float(text)
    sign = "-" if text.startswith("-") else ""
    mantissa = (digits[0] + "." + digits[1:3]).rstrip("0").rstrip(".")
    return Unrepresentable(f"{sign}{mantissa}e{len(digits) - 1}")


def decode_json(text: str) -> Any:
    """JSON as the session reader sees it: NaN, Infinity and huge integers as Unrepresentable.

    Raises json.JSONDecodeError, or RecursionError when nested too deeply.
    """
    return json.loads(text, parse_int=_parse_int, parse_constant=Unrepresentable)


def parse_session(raw: bytes, name: str = "the session") -> Doc:
    """Check and migrate the bytes of a session file (SessionError with a clear message)."""
    if not raw.strip():
        raise SessionError(f"“{name}” is empty: it is not a Gradient Descent Studio session.")
    try:
        doc = decode_json(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SessionError(
            f"“{name}” is not a Gradient Descent Studio session (it is not a text file)."
        ) from None
    except json.JSONDecodeError as e:
        raise SessionError(
            f"“{name}” is damaged or incomplete and cannot be opened "
            f"(invalid JSON at line {e.lineno}, column {e.colno})."
        ) from None
    except RecursionError:
        raise SessionError(f"“{name}” is damaged: its JSON is nested too deeply.") from None
    if not isinstance(doc, dict) or doc.get("app") != APP_ID:
        raise SessionError(f"“{name}” is not a Gradient Descent Studio session file.")
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(
            f"“{name}” is damaged: its schema_version is {describe(version)}, not a version number."
        )
    if version > SCHEMA_VERSION:
        raise SessionError(
            f"“{name}” was saved by a newer version of {APP_NAME} (schema {version}); "
            f"this version reads up to {SCHEMA_VERSION}. Update {APP_NAME} to open it."
        )
    try:
        doc = migrate(doc)
        validate(doc)
    except SessionError as e:
        raise SessionError(f"“{name}” is damaged: {e}") from None
    return doc


def _display_name(path: str | os.PathLike[str]) -> str:
    """The file name for messages, on one line (control characters shown as U+FFFD)."""
    name = os.path.basename(os.fspath(path)) or os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in name)


# --- migrations ------------------------------------------------------------------------------


def _v1_to_v2(doc: Doc) -> Doc:
    """v1 → v2: points → data columns, optimizers → runs, schedule object, new defaults."""
    old = as_object(required(doc, "model", ""), "model")
    points = as_list(required(old, "points", "model"), "model.points")
    rows = [finite_numbers(p, f"model.points[{i}]").tolist() for i, p in enumerate(points)]
    widths = {len(r) for r in rows}
    if not widths <= {2} and not widths <= {3}:
        raise SessionError("model.points: must all be [x, y] or all be [x, y, label]")
    labelled = widths == {3}
    runs = []
    for i, o in enumerate(as_list(required(old, "optimizers", "model"), "model.optimizers")):
        where = f"model.optimizers[{i}]"
        o = as_object(o, where)
        runs.append(
            {
                "optimizer": required(o, "name", where),
                "hyper": o.get("params") or {},
                "color": o.get("color", default_color(i)),
                "label": o.get("label", ""),
                "enabled": o.get("enabled", True),
                "batch": o.get("batch", "full"),
                "seed": o.get("seed", 0),
            }
        )
    model = {
        "scene": old.get("scene"),
        "landscape": required(old, "landscape", "model"),
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
            "name": old.get("schedule") or "constant",
            "params": old.get("schedule_params") or {},
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


# --- checks --------------------------------------------------------------------------------


def validate(doc: Doc) -> None:
    """Check everything a current-version document holds (SessionError naming the field).

    The rules live once, in the state's declaration; StudioModel.restore applies them too.
    """
    Studio.check(required(doc, "model", ""))
    check_camera(doc.get("camera"))
