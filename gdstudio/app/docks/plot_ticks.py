"""Tick values and labels for the loss plots: round values spaced for their text, never piled up.

Pure arithmetic: an axis asks for ticks over (lo, hi) on `length` pixels with labels at least
`gap` pixels apart (its text height, or a label's width), and gets labelled major ticks and
unlabelled minor ones. On a log axis the values are log10 units; labels are 1, 2 and 5 × a
power of ten at most, never the 2…9 minor ticks.
"""

from __future__ import annotations

import math
from collections.abc import Callable

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_EPS = 1e-9
# Labelled mantissas per decade, densest first, then every k-th decade.
_LOG_MANTISSAS: tuple[tuple[int, ...], ...] = ((1, 2, 5), (1,))
_DECADE_STEPS = (2, 5, 10, 20, 50, 100)
_MINOR_GAP = 3.0  # pixels between minor ticks at least


Ticks = tuple[list[float], list[float]]
"""(labelled values, unlabelled minor values)."""


def power_label(mantissa: int, exponent: int, plain: bool) -> str:
    """m × 10^e as text: plain decimals ("0.002", "500") or "2×10⁻⁵" / "10⁶"."""
    if plain:
        if exponent >= 0:
            return str(mantissa * 10**exponent)
        return "0." + "0" * (-exponent - 1) + str(mantissa)
    if exponent == 0:
        return str(mantissa)
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa}×{power}"


def _decompose(v: float) -> tuple[int, int]:
    """(m, e) with 10**v == m × 10**e and m a whole number 1..9."""
    e = math.floor(v + _EPS)
    m = round(10.0 ** (v - e))
    return (1, e + 1) if m >= 10 else (m, e)


def _in_range(values: list[float], lo: float, hi: float) -> list[float]:
    span = (hi - lo) * _EPS
    return [v for v in values if lo - span <= v <= hi + span]


def _min_gap_px(values: list[float], px_per_unit: float) -> float:
    if len(values) < 2:
        return math.inf
    return min(b - a for a, b in zip(values, values[1:], strict=False)) * px_per_unit


def _log_level(lo: float, hi: float, mantissas: tuple[int, ...]) -> list[float]:
    out: list[float] = []
    for e in range(math.floor(lo) - 1, math.ceil(hi) + 1):
        out.extend(e + math.log10(m) for m in mantissas)
    return _in_range(out, lo, hi)


def _decade_level(lo: float, hi: float, k: int) -> list[float]:
    return [float(e) for e in range(math.ceil(lo - _EPS), math.floor(hi + _EPS) + 1) if e % k == 0]


def log_ticks(lo: float, hi: float, length: float, gap: float) -> Ticks:
    """Ticks of a log10 axis: labels at 1-2-5, decades or every k-th decade, whichever is
    densest with labels `gap` pixels apart; minor ticks one level finer."""
    if not (hi > lo and length > 0):
        return [], []
    px = length / (hi - lo)
    levels: list[list[float] | None] = [None] * (len(_LOG_MANTISSAS) + len(_DECADE_STEPS))

    def level(i: int) -> list[float]:  # worked out only when asked (many decades: many ticks)
        out = levels[i]
        if out is None:
            if i < len(_LOG_MANTISSAS):
                out = _log_level(lo, hi, _LOG_MANTISSAS[i])
            else:
                out = _decade_level(lo, hi, _DECADE_STEPS[i - len(_LOG_MANTISSAS)])
            levels[i] = out
        return out

    for i in range(len(levels)):
        labelled = level(i)
        if labelled and _min_gap_px(labelled, px) >= gap:
            # 2…9, else 2 and 5 (or decades, with labels sparser than a decade)
            for m in (_log_level(lo, hi, tuple(range(1, 10))), level(1 if i >= 2 else 0)):
                if _min_gap_px(m, px) >= _MINOR_GAP:
                    return labelled, _apart(m, labelled)
            return labelled, []
    sparse = next((lv for lv in map(level, reversed(range(len(levels)))) if lv), [])
    return sparse[:1], []


def _apart(values: list[float], others: list[float]) -> list[float]:
    """The values not within 1e-6 of one of `others` (rounded alike: tick values)."""
    taken = {round(w, 6) for w in others}
    return [v for v in values if round(v, 6) not in taken]


def log_axis(
    lo: float, hi: float, length: float, gap: float
) -> tuple[list[float], list[float], list[str]]:
    """(labelled, minor, labels) of a log10 axis. A range too narrow for two 1-2-5 labels
    (less than a decade, say 6 to 17) gets round linear values instead (6, 8, 10 … 16), at
    their log positions."""
    major, minor = log_ticks(lo, hi, length, gap)
    if len(major) >= 2 or not (hi > lo and length > 0):
        return major, minor, log_labels(major)
    a, b = 10.0**lo, 10.0**hi
    px = length / (hi - lo)
    for spacing in nice_spacings(b - a):
        values = [v for v in _multiples(a, b, spacing) if v > 0]
        logs = [math.log10(v) for v in values]
        if len(values) >= 2 and _min_gap_px(logs, px) >= gap:
            fine = [v for v in _multiples(a, b, _minor_spacing(spacing)) if v > 0]
            fine_logs = [math.log10(v) for v in fine]
            minor = _apart(fine_logs, logs)
            if _min_gap_px(fine_logs, px) < _MINOR_GAP:
                minor = []
            return logs, minor, value_labels(values)
    return major, minor, log_labels(major)


def log_labels(values: list[float]) -> list[str]:
    """Labels of log10 tick values: plain decimals from 0.001 to 10000, else powers of ten."""
    parts = [_decompose(v) for v in values]
    plain = all(-3 <= e <= 4 for _, e in parts)
    return [power_label(m, e, plain) for m, e in parts]


def nice_spacings(span: float) -> list[float]:
    """Candidate spacings 1, 2, 5 × powers of ten from about span/100 up to span."""
    e = math.floor(math.log10(span)) - 2
    return [m * 10.0**k for k in range(e, e + 4) for m in (1.0, 2.0, 5.0)]


def _minor_spacing(spacing: float) -> float:
    m, e = _decompose(math.log10(spacing))
    return (0.5 if m == 2 else m / 5.0) * 10.0**e


def _multiples(lo: float, hi: float, spacing: float, ends: bool = False) -> list[float]:
    """The multiples of `spacing` in [lo, hi]; with `ends`, only the first and last of them."""
    first = math.ceil(lo / spacing - _EPS)
    last = math.floor(hi / spacing + _EPS)
    if ends and last > first:
        return [first * spacing, last * spacing]
    return [k * spacing for k in range(first, last + 1)]


def linear_ticks(
    lo: float,
    hi: float,
    length: float,
    gap: float | Callable[[list[float]], float],
) -> Ticks:
    """Ticks of a linear axis at the smallest round spacing whose labels are `gap` pixels
    apart (`gap` may be a function of the candidate values, for labels as wide as their text;
    it must ask at least as much of the values as of their first and last alone, which it is
    asked first so that a spacing far too fine is not measured label by label)."""
    if not (hi > lo and length > 0):
        return [], []
    px = length / (hi - lo)
    for spacing in nice_spacings(hi - lo):
        if callable(gap):
            ends = _multiples(lo, hi, spacing, ends=True)
            if spacing * px < gap(ends):
                continue
        elif spacing * px < gap:
            continue
        values = _multiples(lo, hi, spacing)
        need = gap(values) if callable(gap) else gap
        if spacing * px >= need:
            minor_spacing = _minor_spacing(spacing)
            minor = []
            if minor_spacing * px >= _MINOR_GAP:
                minor = _apart(_multiples(lo, hi, minor_spacing), values)
            return values, minor
    return [lo], []


def step_labels(values: list[float]) -> list[str]:
    """Step counts as text: 0, 250, 1500, 20k, 2.5M."""
    big = max((abs(v) for v in values), default=0.0) >= 1e4
    return [_step_label(v, big) for v in values]


def _step_label(v: float, big: bool) -> str:
    if abs(v) >= 1e6:
        return f"{v / 1e6:.6g}M"
    if big and abs(v) >= 1e3:
        return f"{v / 1e3:.6g}k"
    return f"{v:.6g}"


def value_labels(values: list[float]) -> list[str]:
    """Values of a linear axis as text, with as many decimals as their spacing needs."""
    if not values:
        return []
    spacing = min((b - a for a, b in zip(values, values[1:], strict=False)), default=0.0)
    top = max(abs(v) for v in values)
    if top >= 1e6 or 0 < spacing < 1e-6:
        exponent = math.floor(math.log10(top) + _EPS) if top > 0 else 0
        return [_scaled(v, exponent, spacing) for v in values]
    decimals = max(0, -math.floor(math.log10(spacing) + _EPS)) if spacing > 0 else 0
    return [f"{v:.{decimals}f}" if v else "0" for v in values]


def _scaled(v: float, exponent: int, spacing: float) -> str:
    """v as m×10^exponent, m with the decimals the spacing needs."""
    if v == 0:
        return "0"
    unit = 10.0**exponent
    decimals = max(0, -math.floor(math.log10(spacing / unit) + _EPS)) if spacing > 0 else 0
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return f"{v / unit:.{decimals}f}×{power}"
