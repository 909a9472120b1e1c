"""Command-line arguments: one-line errors, value parsing and the range checks subcommands share."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

# Options whose value may be a negative number or a list starting with one ("-1.5,2").
_VALUE_OPTIONS = {
    "--start",
    "--lr",
    "--clip-norm",
    "--param",
    "--schedule-param",
    "--seed",
    "--tol",
    "--steps",
    "--every",
    "--max-steps",
    "--bounds",
    "--noise",
    "--validation",
    "--points",
    "--layers",
}
# Options whose value is free text that may start with "-" (a formula such as "-w^2 + b").
_TEXT_OPTIONS = {"--expression"}
_NEGATIVE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)
WHOLE = re.compile(r"^[+-]?\d{1,30}$")
# The window's limits (app/docks/controls.py, run_editor.py), so the CLI accepts the same runs.
MAX_STEPS = 10_000_000
MAX_SEED = 2**31 - 1
MAX_BATCH = 1_000_000
# Integers beyond this become floats (and must fit one), so core messages stay short.
_EXACT_INT = 2**53
_MESSAGE_MAX = 400


class ArgError(Exception):
    """A bad command-line argument: one line naming it and what is allowed."""


def one_line(message: str) -> str:
    """The message on one printable line, its middle cut if it is very long."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    if len(text) > _MESSAGE_MAX:
        half = _MESSAGE_MAX // 2
        text = f"{text[:half]} … {text[-half:]}"
    return text


def shown(text: str) -> str:
    """An argument as a message quotes it: repr, shortened when long."""
    if len(text) <= 40:
        return repr(text)
    return f"{text[:24] + '…' + text[-8:]!r} ({len(text)} characters)"


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn `--start -1.5,2` into `--start=-1.5,2` so argparse keeps the value (a formula too)."""
    out: list[str] = []
    it = iter(range(len(argv)))
    for i in it:
        a = argv[i]
        follows = i + 1 < len(argv)
        if follows and (
            a in _TEXT_OPTIONS
            and argv[i + 1].startswith("-")
            or a in _VALUE_OPTIONS
            and _NEGATIVE.match(argv[i + 1])
        ):
            out.append(f"{a}={argv[i + 1]}")
            next(it, None)
        else:
            out.append(a)
    return out


def parse_value(text: str) -> object:
    """A --param value: bool (true/false), number, or comma list of numbers."""
    t = text.strip()
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if "," in t:
        return tuple(_number(part) for part in t.split(","))
    return _number(t)


def _number(text: str) -> float | int:
    """An int (floats beyond 2**53) or a float; ArgError if it is neither or beyond a float."""
    t = text.strip()
    try:
        i = int(t)
    except ValueError:
        pass
    else:
        if abs(i) <= _EXACT_INT:
            return i
        try:
            return float(i)
        except OverflowError:
            raise ArgError(f"{shown(t)} is too large; allowed: up to about ±1.8e308") from None
    try:
        x = float(t)
    except ValueError:
        raise ArgError(f"{shown(t)} is not a number, true/false or a comma list") from None
    if math.isinf(x) and "inf" not in t.lower():
        raise ArgError(f"{shown(t)} is too large; allowed: up to about ±1.8e308")
    return x


def key_values(items: Sequence[str] | None, option: str) -> dict[str, object]:
    """NAME=VALUE arguments as a dict of parsed values; ArgError naming the option otherwise."""
    out: dict[str, object] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ArgError(f"{option}: expected NAME=VALUE, got {shown(item)}")
        if name in out:
            raise ArgError(f"{option} {shown(name)}: given twice; give each name once")
        try:
            out[name] = parse_value(value)
        except ArgError as e:
            raise ArgError(f"{option} {shown(name)}: {e}") from None
    return out


def whole(text: str, option: str, low: int, high: int) -> int:
    """A whole-number argument in [low, high]; ArgError naming the option otherwise."""
    t = text.strip()
    n = int(t) if WHOLE.match(t) else None
    if n is None or not low <= n <= high:
        raise ArgError(f"{option}: must be a whole number from {low} to {high}, got {shown(text)}")
    return n


def real(text: str, option: str, allowed: str, ok: Callable[[float], bool]) -> float:
    """A finite float argument for which `ok` holds; ArgError naming the option otherwise."""
    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not (math.isfinite(x) and ok(x)):
        raise ArgError(f"{option}: must be {allowed}, got {shown(text)}")
    return x
