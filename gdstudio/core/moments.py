"""Centred moments of (x, y) points, kept to double-double precision under every edit.

The sums are taken about a reference point near the data (shifted sums) and carried as
unevaluated pairs hi + lo of floats, so adding, moving and deleting points costs O(1) and
cancels exactly: the mean squared error of a line stays accurate to a few ulps even when x
sits far from zero (years, timestamps) or a far outlier comes and goes. The helpers work on
floats and, elementwise, on numpy arrays alike. Sets past EXACT_BUILD_MAX points are built
with numpy's pairwise sums (fast; error O(log n · eps)), then edited in double-double too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

DD = tuple[Any, Any]  # hi + lo, |lo| ≤ ulp(hi) / 2; floats or arrays of them
_SPLIT = 134217729.0  # 2**27 + 1: Dekker's split of a double into two 26-bit halves
# The sums are rebuilt from the points, about their mean, once the centred Σ(x − x̄)² falls
# below this fraction of all the squares added to and taken from it (8 of its 32 digits may
# then have cancelled away): after the mean drifted far from the reference, or a far outlier
# came and went. Rare, and never twice in a row.
REBUILD_FRACTION = 1e-8
# Up to this many points a build sums in double-double (about 140 ns a point); beyond, it sums
# the centred values and their products with numpy's pairwise np.sum (about 10 ns a point),
# whose error is O(log n · eps) of each sum of squares: still far below a digit shown, and
# every later edit is counted in double-double again.
EXACT_BUILD_MAX = 1 << 16
_BLOCK = 1 << 14


def two_sum(a: Any, b: Any) -> DD:
    """a + b exactly, as (rounded sum, rounding error)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fast_two_sum(a: Any, b: Any) -> DD:
    s = a + b
    return s, b - (s - a)


def _split(a: Any) -> DD:
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a: Any, b: Any, halves: tuple[DD, DD] | None = None) -> DD:
    """a · b exactly, as (rounded product, rounding error); `halves` are their splits."""
    p = a * b
    (ah, al), (bh, bl) = halves or (_split(a), _split(b))
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def dd_add(a: DD, b: DD) -> DD:
    """Sum of two double-doubles."""
    s, e = two_sum(a[0], b[0])
    return _fast_two_sum(s, e + a[1] + b[1])


def dd_neg(a: DD) -> DD:
    """−a."""
    return -a[0], -a[1]


def dd_mul(a: DD, b: DD) -> DD:
    """Product of two double-doubles."""
    p, e = two_prod(a[0], b[0])
    return _fast_two_sum(p, e + (a[0] * b[1] + a[1] * b[0]))


def dd_div(a: DD, b: DD) -> DD:
    """Quotient of two double-doubles (b ≠ 0)."""
    q = a[0] / b[0]
    r = dd_add(a, dd_neg(dd_mul((q, 0.0), b)))
    return _fast_two_sum(q, r[0] / b[0])


def dd_sum(a: np.ndarray, lo: np.ndarray | None = None) -> DD:
    """Σ(a + lo) to double-double accuracy: pairwise, carrying each level's rounding errors."""
    a = np.asarray(a, dtype=np.float64)
    err = 0.0 if lo is None else float(np.sum(lo))
    while len(a) > 1:
        if len(a) % 2:
            a = np.append(a, 0.0)
        a, e = two_sum(a[0::2], a[1::2])
        err += float(e.sum())
    return _fast_two_sum(float(a[0]) if len(a) else 0.0, err)


ZERO: DD = (0.0, 0.0)


@dataclass(frozen=True)
class Stats:
    """Sufficient statistics of a line fit: n, the means and the centred co-moments.

    cxx = Σ(x − x̄)², cxy = Σ(x − x̄)(y − ȳ), cyy = Σ(y − ȳ)², all double-double; `spread` is
    Σ(x − ref)² about the reference the sums were kept at (it bounds their rounding).
    """

    n: int
    mean_x: DD
    mean_y: DD
    cxx: DD
    cxy: DD
    cyy: DD
    spread: float

    @property
    def x_varies(self) -> bool:
        """True when the points' x differ enough for a unique line."""
        if self.n < 2 or not self.cxx[0] > 1e-26 * self.spread:
            return False
        std = (self.cxx[0] / self.n) ** 0.5
        return bool(std > 1e-13 * abs(self.mean_x[0]))

    def affine_x(self, shift: float, scale: float) -> Stats:
        """The statistics of x' = (x − shift) / scale, computed without the points."""
        s = (float(scale), 0.0)
        mean = dd_div(dd_add(self.mean_x, (-float(shift), 0.0)), s)
        return Stats(
            self.n,
            mean,
            self.mean_y,
            dd_div(dd_div(self.cxx, s), s),
            dd_div(self.cxy, s),
            self.cyy,
            self.spread / (scale * scale),
        )

    def x_moments(self) -> tuple[float, float]:
        """Mean and standard deviation of x (scale 1 when x does not vary)."""
        if self.n == 0:
            return 0.0, 1.0
        std = (max(self.cxx[0], 0.0) / self.n) ** 0.5
        return float(self.mean_x[0]), float(std) if self.x_varies else 1.0

    def _slope(self) -> DD:
        return dd_div(self.cxy, self.cxx) if self.x_varies else ZERO

    def least_squares(self) -> tuple[float, float] | None:
        """The (w, b) minimizing the MSE, or None if it is not unique."""
        if not self.x_varies:
            return None
        w = float(self._slope()[0])  # b is the best intercept for this rounded slope
        b = dd_add(self.mean_y, dd_neg(dd_mul((w, 0.0), self.mean_x)))
        return w, float(b[0])

    def mean_residual(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Mean of w·x + b − y over the points, accurate even when the terms cancel."""
        (mxh, mxl), (myh, myl) = self.mean_x, self.mean_y
        with np.errstate(all="ignore"):
            p, pe = two_prod(w, mxh)
            s1, e1 = two_sum(p, b)
            s2, e2 = two_sum(s1, -myh)
            e = s2 + ((pe + e1 + e2) + (w * mxl - myl))
            plain = w * mxh + b - myh  # where the exact products overflow
        out: np.ndarray = np.where(np.isfinite(e), e, plain)
        return out

    def _spread_of_slope(self, w: np.ndarray) -> np.ndarray:
        """Σ((w·(x − x̄) − (y − ȳ))², a sum of squares written so it never cancels."""
        if not self.x_varies:
            plain: np.ndarray = w * w * self.cxx[0] - 2 * w * self.cxy[0] + self.cyy[0]
            return plain
        ws = self._slope()
        rest = dd_add(self.cyy, dd_neg(dd_mul(ws, self.cxy)))[0]  # the least squares' Σr²
        d = (w - ws[0]) - ws[1]
        spread: np.ndarray = self.cxx[0] * d * d + max(rest, 0.0)
        return spread

    def mse(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Mean squared error of the line y = w·x + b (n > 0)."""
        with np.errstate(all="ignore"):
            e = self.mean_residual(w, b)
            mse: np.ndarray = np.maximum(self._spread_of_slope(w) / self.n + e * e, 0.0)
            return mse

    def mse_grad(self, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(∂MSE/∂w, ∂MSE/∂b) of the line y = w·x + b (n > 0)."""
        with np.errstate(all="ignore"):
            e = self.mean_residual(w, b)
            if self.x_varies:
                ws = self._slope()
                tilt = self.cxx[0] * ((w - ws[0]) - ws[1])
            else:
                tilt = w * self.cxx[0] - self.cxy[0]
            return 2 * (tilt / self.n + e * self.mean_x[0]), 2 * e


def _centre(v: np.ndarray) -> float:
    """A reference near the values: their mean, or the value itself when they are all equal."""
    if len(v) == 0:
        return 0.0
    lo, hi = float(np.min(v)), float(np.max(v))
    return lo if lo == hi else min(max(float(np.mean(v)), lo), hi)


def _exact_sums(x: np.ndarray, y: np.ndarray, ref: tuple[float, float]) -> list[DD]:
    """Σd, Σe, Σd², Σd·e, Σe² of d = x − ref, e = y − ref, to double-double accuracy."""
    dx, dy = two_sum(x, -ref[0]), two_sum(y, -ref[1])
    sums = [dd_sum(*t) for t in (dx, dy)]
    hx, hy = _split(dx[0]), _split(dy[0])
    for a, b, halves in ((dx, dx, (hx, hx)), (dx, dy, (hx, hy)), (dy, dy, (hy, hy))):
        p, e = two_prod(a[0], b[0], halves)
        sums.append(dd_sum(p, e + (a[0] * b[1] + a[1] * b[0])))
    return sums


def _pairwise_sums(x: np.ndarray, y: np.ndarray, ref: tuple[float, float]) -> list[DD]:
    """The same sums in floats, pairwise (numpy's np.sum): error O(log n · eps) of each.

    Blocks of _BLOCK points keep the temporaries in cache; the block sums are summed pairwise.
    """
    parts = np.empty((5, -(-len(x) // _BLOCK)))
    dx, dy, prod = np.empty(_BLOCK), np.empty(_BLOCK), np.empty(_BLOCK)
    for k, start in enumerate(range(0, len(x), _BLOCK)):
        m = min(_BLOCK, len(x) - start)
        a, b, p = dx[:m], dy[:m], prod[:m]
        np.subtract(x[start : start + m], ref[0], out=a)
        np.subtract(y[start : start + m], ref[1], out=b)
        parts[0, k], parts[1, k] = np.sum(a), np.sum(b)
        for row, (u, v) in enumerate(((a, a), (a, b), (b, b)), start=2):
            parts[row, k] = np.sum(np.multiply(u, v, out=p))
    return [(float(s), 0.0) for s in np.sum(parts, axis=1)]


class Moments:
    """Running shifted sums Σd, Σd², Σd·e of d = x − ref, e = y − ref, as double-doubles."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        n = len(x)
        self.n = n
        self.ref = (_centre(x), _centre(y))
        build = _exact_sums if n <= EXACT_BUILD_MAX else _pairwise_sums
        with np.errstate(all="ignore"):
            self.sums: list[DD] = build(x, y, self.ref)
        self.mass = [self.sums[2][0], self.sums[4][0]]  # Σ of every square counted in or out

    def copy(self) -> Moments:
        """An independent copy."""
        out = Moments.__new__(Moments)
        out.n, out.ref, out.sums, out.mass = self.n, self.ref, list(self.sums), list(self.mass)
        return out

    def update(self, x: float, y: float, sign: float) -> None:
        """Count the point (x, y) in (sign = +1) or out (sign = −1)."""
        self.n += int(sign)
        if self.n == 0:
            self.ref, self.sums, self.mass = (0.0, 0.0), [ZERO] * 5, [0.0, 0.0]
            return
        dx = two_sum(float(x), -self.ref[0])
        dy = two_sum(float(y), -self.ref[1])
        terms = (dx, dy, dd_mul(dx, dx), dd_mul(dx, dy), dd_mul(dy, dy))
        self.sums = [
            dd_add(s, (sign * t[0], sign * t[1])) for s, t in zip(self.sums, terms, strict=True)
        ]
        self.mass[0] += terms[2][0]
        self.mass[1] += terms[4][0]

    def needs_rebuild(self) -> bool:
        """True once cancellation may have cost the centred sums more than 8 digits."""
        n = self.n
        sx, sy, sxx, _, syy = (s[0] for s in self.sums)
        return n > 0 and any(
            mass > max(ss - s * s / n, 0.0) / REBUILD_FRACTION
            for s, ss, mass in ((sx, sxx, self.mass[0]), (sy, syy, self.mass[1]))
        )

    def stats(self) -> Stats:
        """The centred statistics these sums give."""
        n = self.n
        if n == 0:
            return Stats(0, ZERO, ZERO, ZERO, ZERO, ZERO, 0.0)
        sx, sy, sxx, sxy, syy = self.sums
        nn = (float(n), 0.0)
        ux, uy = dd_div(sx, nn), dd_div(sy, nn)
        cxx = dd_add(sxx, dd_neg(dd_mul(sx, ux)))
        cyy = dd_add(syy, dd_neg(dd_mul(sy, uy)))
        cxy = dd_add(sxy, dd_neg(dd_mul(sx, uy)))
        return Stats(
            n,
            dd_add((self.ref[0], 0.0), ux),
            dd_add((self.ref[1], 0.0), uy),
            cxx if cxx[0] > 0 else ZERO,
            cxy,
            cyy if cyy[0] > 0 else ZERO,
            float(sxx[0]),
        )
