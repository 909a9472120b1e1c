"""How the Data dock writes numbers, points and fitted equations (with real minus signs)."""

from __future__ import annotations

import math

MINUS = "\u2212"


def _signed(text: str, negative: bool) -> str:
    return f"{MINUS}{text}" if negative else text


def format_number(v: float) -> str:
    """About three significant digits and at least one decimal: 2.0, 3.14, −0.0123, 1234.5."""
    v = float(v)
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else _signed("∞", v < 0)
    a = abs(v)
    if a == 0:
        return "0.0"
    if a >= 1e5 or a < 1e-3:
        return _signed(f"{a:.3g}", v < 0)
    text = f"{a:.{max(1, 2 - math.floor(math.log10(a)))}f}".rstrip("0")
    return _signed(text + "0" if text.endswith(".") else text, v < 0)


def format_point(x: float, y: float) -> str:
    """A point as '(2.0, 3.1)'."""
    return f"({format_number(x)}, {format_number(y)})"


def format_coefficient(v: float) -> str:
    """A fitted coefficient's magnitude: two decimals, more for small values (2.03, 0.03, 0.004)."""
    a = abs(float(v))
    if not math.isfinite(a):
        return "nan" if math.isnan(a) else "∞"
    if a >= 1e4 or (0 < a < 1e-4):
        return f"{a:.3g}"
    if a == 0:
        return "0.00"
    return f"{a:.{max(2, -math.floor(math.log10(a)))}f}"


def format_equation(w: float, b: float, logistic: bool = False) -> str:
    """'y = 2.03 × x − 0.03', or 'p = σ(2.03 × x − 0.03)' for logistic regression."""
    slope = _signed(format_coefficient(w), w < 0)
    sign = MINUS if b < 0 else "+"
    body = f"{slope} × x {sign} {format_coefficient(b)}"
    return f"p = σ({body})" if logistic else f"y = {body}"
