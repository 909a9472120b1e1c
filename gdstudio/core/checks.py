"""Value checks shared by the core's constructors; each refuses a bad value with a ConfigError."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

from .errors import ConfigError

# The largest integer any count or seed may be: it fits a signed 64-bit integer (numpy, JSON
# readers in other languages, Qt's widgets) and is far beyond any run this program can take.
INT_LIMIT = 2**63 - 1
_SHOWN_CHARS = 40


def shown(value: object) -> str:
    """A short repr of a value for an error message (huge integers and long texts shortened)."""
    if isinstance(value, Integral) and not isinstance(value, bool) and abs(int(value)) > 10**30:
        n = abs(int(value))
        digits = int((n.bit_length() - 1) * math.log10(2)) + 1
        digits += n >= 10**digits  # exact: the estimate is low by at most one
        return f"{'a negative' if value < 0 else 'an'} integer of {digits} digits"
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not replace the message with its own error
        return f"a {type(value).__name__}"
    if len(text) > _SHOWN_CHARS:
        return f"{text[: _SHOWN_CHARS - 10]}… ({len(text)} characters)"
    return text


def as_real(value: object) -> float | None:
    """The value as a float if it is a real number (not a bool) a float can hold, else None."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        return None
    try:
        return float(value)
    except (OverflowError, ValueError, TypeError):
        return None


def as_int(value: object) -> int | None:
    """The value as an int if it is an integer (not a bool, not a float), else None."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral):
        return None
    return int(value)


def check_int(field: str, value: object, low: int, high: int = INT_LIMIT) -> int:
    """An integer in [low, high], else ConfigError naming the field."""
    n = as_int(value)
    if n is None or not low <= n <= high:
        top = "" if high == INT_LIMIT else f" and <= {high}"
        raise ConfigError(f"{field} must be a whole number >= {low}{top}, got {shown(value)}")
    return n


def check_real(field: str, value: object, low: float, *, strict: bool) -> float:
    """A finite number >= low (> low if strict), else ConfigError naming the field."""
    x = as_real(value)
    if x is None or not math.isfinite(x) or x < low or (strict and x == low):
        op = ">" if strict else ">="
        raise ConfigError(f"{field} must be a finite number {op} {low:g}, got {shown(value)}")
    return x


def check_point(field: str, value: object, names: tuple[str, ...]) -> np.ndarray:
    """len(names) finite numbers as a float64 array, else ConfigError naming the field."""
    want = f"{field} must be {len(names)} finite numbers ({', '.join(names)})"
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "iufO" or arr.shape != (len(names),):
            raise TypeError
        if arr.dtype.kind == "O" and any(as_real(v) is None for v in arr.tolist()):
            raise TypeError
        arr = arr.astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{want}, got {shown(value)}") from None
    if not np.isfinite(arr).all():
        raise ConfigError(f"{want}, got {shown(tuple(arr.tolist()))}")
    return arr
