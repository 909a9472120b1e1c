"""Kinds of values a state field may hold: each checks a value and names the field if bad.

A kind checks what a user or a session file gives it (`check(value, where)`) and writes
it back as JSON (`dump`). Numbers the JSON reader could not represent (NaN, Infinity, a
5,000-digit integer) arrive as `Unrepresentable`, a float beyond range (1e400) as inf: both
fail every number check. Qt-free.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.errors import ConfigError

MAX_LABEL = 200


class SessionError(ConfigError):
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


def fail(where: str, allowed: str, value: Any) -> SessionError:
    """The error for a value that is not one of `allowed`, naming the field."""
    return SessionError(f"{where}: must be {allowed}, got {describe(value)}")


# --- field kinds -----------------------------------------------------------------------------


class Kind:
    """How a field's values are checked, compared and written as JSON."""

    def check(self, value: Any, where: str) -> Any:
        """The value as the state holds it, or SessionError naming `where`."""
        return value

    def load(self, value: Any, where: str, context: dict[str, Any]) -> Any:
        """Check a value given the fields checked before it (`context`, by name)."""
        return self.check(value, where)

    def dump(self, value: Any, copy_arrays: bool = False) -> Any:
        """The value as plain JSON (numpy copies for arrays with `copy_arrays`)."""
        return value

    def same(self, a: Any, b: Any) -> bool:
        """True when setting `b` over `a` changes nothing."""
        return type(a) is type(b) and bool(a == b)


@dataclass(frozen=True)
class Number(Kind):
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
            raise fail(where, self.describe(), value)
        x = _finite(value)
        if x is None or not (x > self.lo if self.lo_open else x >= self.lo) or x > self.hi:
            raise fail(where, self.describe(), value)
        if self.integer:
            if not x.is_integer():
                raise fail(where, self.describe(), value)
            return int(x)
        return x


@dataclass(frozen=True)
class Flag(Kind):
    """true or false (or null if nullable)."""

    nullable: bool = False

    def check(self, value: Any, where: str) -> bool | None:
        """The flag, or SessionError."""
        if value is None and self.nullable:
            return None
        if not isinstance(value, bool):
            raise fail(where, "true or false" + (" or null" if self.nullable else ""), value)
        return value


@dataclass(frozen=True)
class Choice(Kind):
    """One of a list of names (computed when checked: registries may grow)."""

    names: Callable[[], list[str]]

    def check(self, value: Any, where: str) -> str:
        """The name, or SessionError."""
        allowed = self.names()
        if not isinstance(value, str) or value not in allowed:
            raise fail(where, "one of " + ", ".join(allowed), value)
        return value


@dataclass(frozen=True)
class Text(Kind):
    """A string of at most `max_len` characters, matching `pattern` if given."""

    max_len: int = MAX_LABEL
    pattern: str | None = None
    nullable: bool = False

    def check(self, value: Any, where: str) -> str | None:
        """The text, or SessionError."""
        if value is None and self.nullable:
            return None
        if not isinstance(value, str) or len(value) > self.max_len:
            raise fail(where, f"text of at most {self.max_len} characters", value)
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise fail(where, f"text like {self.pattern}", value)
        return value


def as_object(value: Any, where: str) -> dict[str, Any]:
    """The value if it is a JSON object (SessionError naming `where` otherwise)."""
    if not isinstance(value, dict):
        raise fail(where, "an object", value)
    return value


def as_list(value: Any, where: str) -> list[Any]:
    """The value if it is a JSON list (SessionError naming `where` otherwise)."""
    if not isinstance(value, list):
        raise fail(where, "a list", value)
    return value


def required(obj: dict[str, Any], key: str, where: str) -> Any:
    """obj[key], or SessionError saying `where.key` is missing."""
    if key not in obj:
        raise SessionError(f"{where}.{key}: missing" if where else f"{key}: missing")
    return obj[key]


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
            raise fail(f"{where}[{i}]", "a finite number", v)
    raise AssertionError("unreachable: every value was a finite number")
