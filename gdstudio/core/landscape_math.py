"""The analytic losses' formulas, written once for numpy arrays and for plain floats.

Each formula takes the coordinates as separate components and a math namespace (numpy for
arrays, `SCALAR` for Python floats), so the vectorized surface, a single point and the scalar
fast path of a run do the same IEEE operations in the same order: their results agree bit for
bit. Squares are products (numpy squares an array but calls pow() on a scalar), and exp, sin
and cos are the C library's in both namespaces (tests/core checks the agreement).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
# A component: a float or a float64 array (numpy's and Python's arithmetic agree on either).
Num = Any
Point = Callable[[list[float]], tuple[float, list[float]]]


def _cos(x: float) -> float:
    try:
        return math.cos(x)
    except ValueError:  # ±inf, as numpy: nan
        return math.nan


def _sin(x: float) -> float:
    try:
        return math.sin(x)
    except ValueError:
        return math.nan


class _Scalar:
    """The functions the formulas call, on Python floats (numpy's results for an infinite x)."""

    exp = staticmethod(math.exp)  # the formulas only take exp of a number <= 0 or nan
    cos = staticmethod(_cos)
    sin = staticmethod(_sin)


SCALAR = _Scalar()


@dataclass(frozen=True)
class Formula:
    """A loss as `value(*xs, m)` and `both(*xs, m) -> (value, *gradient components)`."""

    value: Callable[..., Num]
    both: Callable[..., tuple[Num, ...]]


# --- bowl1d: (w - 4)^2 + 2 ----------------------------------------------------------------


def _bowl1d_value(w: Num, m: Any) -> Num:
    d = w - 4.0
    return d * d + 2.0


def _bowl1d_both(w: Num, m: Any) -> tuple[Num, ...]:
    d = w - 4.0
    return d * d + 2.0, 2.0 * d


# --- quadratic2d: (w1 - 3)^2 + (w2 + 1)^2 --------------------------------------------------


def _quad_value(x: Num, y: Num, m: Any) -> Num:
    a, b = x - 3.0, y + 1.0
    return a * a + b * b


def _quad_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    a, b = x - 3.0, y + 1.0
    return a * a + b * b, 2.0 * a, 2.0 * b


# --- elongated: 0.5 * (w1^2 + 25 * w2^2), condition number 25 ------------------------------

_ELONG_K = 25.0


def _elong_value(x: Num, y: Num, m: Any) -> Num:
    return 0.5 * (x * x + _ELONG_K * (y * y))


def _elong_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    return 0.5 * (x * x + _ELONG_K * (y * y)), x, _ELONG_K * y


# --- rosenbrock: (1 - x)^2 + 100 (y - x^2)^2 ------------------------------------------------


def _rosen_value(x: Num, y: Num, m: Any) -> Num:
    a, r = 1.0 - x, y - x * x
    return a * a + 100.0 * (r * r)


def _rosen_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    a, r = 1.0 - x, y - x * x
    return a * a + 100.0 * (r * r), -2.0 * a - 400.0 * x * r, 200.0 * r


# --- two-valleys: a shallow Gaussian well at (-1.5, 0) and a deep one at (1.5, 0) ----------
# L = 0.1 (x^2 + y^2) + 4 - 1.5 exp(-|p - a|^2) - 3 exp(-|p - c|^2 / 1.2)


def _tv_terms(x: Num, y: Num, m: Any) -> tuple[Num, Num, Num, Num]:
    ax, cx = x + 1.5, x - 1.5
    yy = y * y
    ea = 1.5 * m.exp(-(ax * ax + yy))
    ec = 3.0 * m.exp(-(cx * cx + yy) / 1.2)
    return ax, cx, ea, ec


def _tv_value(x: Num, y: Num, m: Any) -> Num:
    _, _, ea, ec = _tv_terms(x, y, m)
    return 0.1 * (x * x + y * y) + 4.0 - ea - ec


def _tv_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    ax, cx, ea, ec = _tv_terms(x, y, m)
    wa, wc = 2.0 * ea, (2.0 / 1.2) * ec
    value = 0.1 * (x * x + y * y) + 4.0 - ea - ec
    return value, 0.2 * x + wa * ax + wc * cx, 0.2 * y + wa * y + wc * y


# --- saddle: x^2 - y^2 + y^4 / 4 (a saddle at the origin, minima at (0, ±sqrt 2)) -----------


def _saddle_value(x: Num, y: Num, m: Any) -> Num:
    yy = y * y
    return x * x - yy + 0.25 * (yy * yy) + 1.0


def _saddle_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    yy = y * y
    return x * x - yy + 0.25 * (yy * yy) + 1.0, 2.0 * x, -2.0 * y + yy * y


# --- plateau: L = 2 - 2 exp(-(x^2 + y^2) / 2), a flat mesa around a narrow bowl ---------------


def _plateau_value(x: Num, y: Num, m: Any) -> Num:
    return 2.0 - 2.0 * m.exp(-0.5 * (x * x + y * y))


def _plateau_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    e = 2.0 * m.exp(-0.5 * (x * x + y * y))
    return 2.0 - e, e * x, e * y


# --- himmelblau: (x^2 + y - 11)^2 + (x + y^2 - 7)^2 -------------------------------------------


def _himmel_value(x: Num, y: Num, m: Any) -> Num:
    a, b = x * x + y - 11.0, x + y * y - 7.0
    return a * a + b * b


def _himmel_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    a, b = x * x + y - 11.0, x + y * y - 7.0
    return a * a + b * b, 4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b


# --- beale: sum over k = 1..3 of (c_k - x + x y^k)^2, c = (1.5, 2.25, 2.625) --------------------


def _beale_terms(x: Num, y: Num) -> tuple[Num, Num, Num, Num, Num]:
    y2 = y * y
    y3 = y2 * y
    return y2, y3, 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3


def _beale_value(x: Num, y: Num, m: Any) -> Num:
    _, _, t1, t2, t3 = _beale_terms(x, y)
    return t1 * t1 + t2 * t2 + t3 * t3


def _beale_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    y2, y3, t1, t2, t3 = _beale_terms(x, y)
    gx = 2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y2 - 1.0) + 2.0 * t3 * (y3 - 1.0)
    gy = 2.0 * t1 * x + 4.0 * t2 * x * y + 6.0 * t3 * x * y2
    return t1 * t1 + t2 * t2 + t3 * t3, gx, gy


# --- rastrigin (2D, A = 10) --------------------------------------------------------------------

_TWO_PI = 2.0 * np.pi
_TWENTY_PI = 20.0 * np.pi


def _rast_value(x: Num, y: Num, m: Any) -> Num:
    return 20.0 + ((x * x - 10.0 * m.cos(_TWO_PI * x)) + (y * y - 10.0 * m.cos(_TWO_PI * y)))


def _rast_both(x: Num, y: Num, m: Any) -> tuple[Num, ...]:
    ax, ay = _TWO_PI * x, _TWO_PI * y
    value = 20.0 + ((x * x - 10.0 * m.cos(ax)) + (y * y - 10.0 * m.cos(ay)))
    return value, 2.0 * x + _TWENTY_PI * m.sin(ax), 2.0 * y + _TWENTY_PI * m.sin(ay)


FORMULAS: dict[str, Formula] = {
    "bowl1d": Formula(_bowl1d_value, _bowl1d_both),
    "quadratic2d": Formula(_quad_value, _quad_both),
    "elongated": Formula(_elong_value, _elong_both),
    "rosenbrock": Formula(_rosen_value, _rosen_both),
    "two-valleys": Formula(_tv_value, _tv_both),
    "saddle": Formula(_saddle_value, _saddle_both),
    "plateau": Formula(_plateau_value, _plateau_both),
    "himmelblau": Formula(_himmel_value, _himmel_both),
    "beale": Formula(_beale_value, _beale_both),
    "rastrigin": Formula(_rast_value, _rast_both),
}


@cache
def two_valleys_minima() -> tuple[tuple[float, ...], ...]:
    """Both wells of two-valleys, polished by 2,000 fixed-point steps each (first use, cached)."""
    both = FORMULAS["two-valleys"].both
    out = []
    for x, y in ((-1.4, 0.0), (1.45, 0.0)):
        for _ in range(2000):
            _, gx, gy = both(x, y, SCALAR)
            x, y = x - 0.05 * gx, y - 0.05 * gy
        out.append((x, y))
    return tuple(out)
