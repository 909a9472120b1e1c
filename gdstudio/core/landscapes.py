"""Analytic loss landscapes with exact gradients, vectorized over points of shape (..., d)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Landscape:
    """A differentiable loss L(p) over d parameters, evaluated on arrays of shape (..., d)."""

    name: str
    title: str
    param_names: tuple[str, ...]
    default_start: tuple[float, ...]
    bounds: tuple[tuple[float, float], ...]
    minima: tuple[tuple[float, ...], ...]
    _value: Callable[[Array], Array] = field(repr=False)
    _grad: Callable[[Array], Array] = field(repr=False)
    description: str = ""
    log_height: bool = False

    @property
    def dim(self) -> int:
        """Number of parameters."""
        return len(self.param_names)

    def _check(self, p: Array) -> Array:
        p = np.asarray(p, dtype=np.float64)
        if p.shape[-1:] != (self.dim,):
            raise ValueError(
                f"{self.name} takes points with {self.dim} coordinates "
                f"({', '.join(self.param_names)}), got shape {p.shape}"
            )
        return p

    def value(self, p: Array) -> Array:
        """Loss at each point; shape (...,) for input (..., d)."""
        return self._value(self._check(p))

    def grad(self, p: Array) -> Array:
        """Gradient at each point; shape (..., d)."""
        return self._grad(self._check(p))

    def value_and_grad(self, p: Array) -> tuple[Array, Array]:
        """Loss and gradient together."""
        return self.value(p), self.grad(p)

    @property
    def minimum_value(self) -> float:
        """Lowest loss among the known minima (nan if none are known)."""
        if not self.minima:
            return float("nan")
        return float(np.min(self.value(np.array(self.minima, dtype=np.float64))))


def _stack(a: Array, b: Array) -> Array:
    """Two component arrays as one (..., 2) array."""
    a = np.asarray(a)
    b = np.asarray(b)
    shape = a.shape if a.shape == b.shape else np.broadcast_shapes(a.shape, b.shape)
    out = np.empty((*shape, 2))
    out[..., 0] = a
    out[..., 1] = b
    return out


# --- bowl1d: (w - 4)^2 + 2 ----------------------------------------------------------------


def _bowl1d_v(p: Array) -> Array:
    return (p[..., 0] - 4.0) ** 2 + 2.0


def _bowl1d_g(p: Array) -> Array:
    return 2.0 * (p - 4.0)


# --- quadratic2d: (w1 - 3)^2 + (w2 + 1)^2 --------------------------------------------------


def _quad_v(p: Array) -> Array:
    return (p[..., 0] - 3.0) ** 2 + (p[..., 1] + 1.0) ** 2


def _quad_g(p: Array) -> Array:
    return _stack(2.0 * (p[..., 0] - 3.0), 2.0 * (p[..., 1] + 1.0))


# --- elongated: 0.5 * (w1^2 + 25 * w2^2), condition number 25 ------------------------------

_ELONG_K = 25.0


def _elong_v(p: Array) -> Array:
    return 0.5 * (p[..., 0] ** 2 + _ELONG_K * p[..., 1] ** 2)


def _elong_g(p: Array) -> Array:
    return _stack(p[..., 0], _ELONG_K * p[..., 1])


# --- rosenbrock: (1 - x)^2 + 100 (y - x^2)^2 ------------------------------------------------


def _rosen_v(p: Array) -> Array:
    x, y = p[..., 0], p[..., 1]
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosen_g(p: Array) -> Array:
    x, y = p[..., 0], p[..., 1]
    return _stack(-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x))


# --- two-valleys: a shallow Gaussian well at (-1.5, 0) and a deep one at (1.5, 0) ----------
# L = 0.1 (x^2 + y^2) + 4 - 1.5 exp(-|p - a|^2) - 3 exp(-|p - c|^2 / 1.2)

_TV_A = np.array([-1.5, 0.0])
_TV_C = np.array([1.5, 0.0])


def _tv_terms(p: Array) -> tuple[Array, Array, Array, Array]:
    da = p - _TV_A
    dc = p - _TV_C
    ea = 1.5 * np.exp(-np.sum(da * da, axis=-1))
    ec = 3.0 * np.exp(-np.sum(dc * dc, axis=-1) / 1.2)
    return da, dc, ea, ec


def _tv_v(p: Array) -> Array:
    _, _, ea, ec = _tv_terms(p)
    v: Array = 0.1 * np.sum(p * p, axis=-1) + 4.0 - ea - ec
    return v


def _tv_g(p: Array) -> Array:
    da, dc, ea, ec = _tv_terms(p)
    return 0.2 * p + 2.0 * ea[..., None] * da + (2.0 / 1.2) * ec[..., None] * dc


def _tv_minima() -> tuple[tuple[float, ...], ...]:
    """Locate both wells precisely by Newton-free fixed-point polishing (import time, tiny)."""
    out = []
    for guess in ((-1.4, 0.0), (1.45, 0.0)):
        p = np.array(guess, dtype=np.float64)
        for _ in range(2000):
            p = p - 0.05 * _tv_g(p)
        out.append((float(p[0]), float(p[1])))
    return tuple(out)


# --- saddle: x^2 - y^2 + y^4 / 4 (a saddle at the origin, minima at (0, ±sqrt 2)) -----------


def _saddle_v(p: Array) -> Array:
    x, y = p[..., 0], p[..., 1]
    return x * x - y * y + 0.25 * y**4 + 1.0


def _saddle_g(p: Array) -> Array:
    x, y = p[..., 0], p[..., 1]
    return _stack(2.0 * x, -2.0 * y + y**3)


# --- plateau: 1 - exp(-(x^2 + y^2) / 2)^... a flat mesa around a narrow bowl -----------------
# L = 2 - 2 exp(-(x^2 + y^2) / 2)   (gradient vanishes far from the origin)


def _plateau_v(p: Array) -> Array:
    r2: Array = np.sum(p * p, axis=-1)
    return 2.0 - 2.0 * np.exp(-0.5 * r2)


def _plateau_g(p: Array) -> Array:
    r2: Array = np.sum(p * p, axis=-1)
    return 2.0 * np.exp(-0.5 * r2)[..., None] * p


# --- himmelblau: (x^2 + y - 11)^2 + (x + y^2 - 7)^2 -------------------------------------------


def _himmel_v(p: Array) -> Array:
    x, y = p[..., 0], p[..., 1]
    return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2


def _himmel_g(p: Array) -> Array:
    x, y = p[..., 0], p[..., 1]
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return _stack(4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b)


# --- beale -----------------------------------------------------------------------------------

_BEALE_C = (1.5, 2.25, 2.625)


def _beale_v(p: Array) -> Array:
    x, y = p[..., 0], p[..., 1]
    v = np.zeros(np.broadcast(x, y).shape)
    for i, c in enumerate(_BEALE_C):
        v = v + (c - x + x * y ** (i + 1)) ** 2
    return v


def _beale_g(p: Array) -> Array:
    x, y = p[..., 0], p[..., 1]
    gx = np.zeros(np.broadcast(x, y).shape)
    gy = np.zeros_like(gx)
    for i, c in enumerate(_BEALE_C):
        k = i + 1
        t = c - x + x * y**k
        gx = gx + 2.0 * t * (y**k - 1.0)
        gy = gy + 2.0 * t * k * x * y ** (k - 1)
    return _stack(gx, gy)


# --- rastrigin (2D, A = 10) --------------------------------------------------------------------


def _rast_v(p: Array) -> Array:
    v: Array = 20.0 + np.sum(p * p - 10.0 * np.cos(2.0 * np.pi * p), axis=-1)
    return v


def _rast_g(p: Array) -> Array:
    return 2.0 * p + 20.0 * np.pi * np.sin(2.0 * np.pi * p)


ANALYTIC: dict[str, Landscape] = {
    ls.name: ls
    for ls in (
        Landscape(
            "bowl1d",
            "1D bowl (w − 4)² + 2",
            ("w",),
            (-2.0,),
            ((-4.0, 12.0),),
            ((4.0,),),
            _bowl1d_v,
            _bowl1d_g,
            "A one-parameter parabola with its minimum at w = 4.",
        ),
        Landscape(
            "quadratic2d",
            "Quadratic bowl",
            ("w1", "w2"),
            (8.0, 6.0),
            ((-6.0, 12.0), (-10.0, 8.0)),
            ((3.0, -1.0),),
            _quad_v,
            _quad_g,
            "(w1 − 3)² + (w2 + 1)²: a round bowl, minimum at (3, −1).",
        ),
        Landscape(
            "elongated",
            "Elongated bowl",
            ("w1", "w2"),
            (-9.0, 1.5),
            ((-10.0, 10.0), (-2.0, 2.0)),
            ((0.0, 0.0),),
            _elong_v,
            _elong_g,
            "½(w1² + 25·w2²): an ill-conditioned ravine (condition number 25).",
        ),
        Landscape(
            "rosenbrock",
            "Rosenbrock valley",
            ("x", "y"),
            (-1.5, 2.0),
            ((-2.0, 2.0), (-1.0, 3.0)),
            ((1.0, 1.0),),
            _rosen_v,
            _rosen_g,
            "(1 − x)² + 100(y − x²)²: a curved, narrow valley; minimum at (1, 1).",
            log_height=True,
        ),
        Landscape(
            "two-valleys",
            "Two valleys",
            ("x", "y"),
            (-2.5, 1.0),
            ((-4.0, 4.0), (-3.0, 3.0)),
            _tv_minima(),
            _tv_v,
            _tv_g,
            "A shallow local minimum on the left, a deeper one on the right.",
        ),
        Landscape(
            "saddle",
            "Saddle point",
            ("x", "y"),
            (2.0, 1e-3),
            ((-2.5, 2.5), (-2.5, 2.5)),
            ((0.0, float(np.sqrt(2.0))), (0.0, -float(np.sqrt(2.0)))),
            _saddle_v,
            _saddle_g,
            "x² − y² + y⁴/4 + 1: a saddle at the origin between two minima at (0, ±√2).",
        ),
        Landscape(
            "plateau",
            "Plateau",
            ("x", "y"),
            (3.5, 2.5),
            ((-5.0, 5.0), (-5.0, 5.0)),
            ((0.0, 0.0),),
            _plateau_v,
            _plateau_g,
            "2 − 2·exp(−(x² + y²)/2): almost flat far out, a bowl in the middle.",
        ),
        Landscape(
            "himmelblau",
            "Himmelblau",
            ("x", "y"),
            (0.0, 0.0),
            ((-5.0, 5.0), (-5.0, 5.0)),
            ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            _himmel_v,
            _himmel_g,
            "Four equal minima; where you start decides which you reach.",
            log_height=True,
        ),
        Landscape(
            "beale",
            "Beale",
            ("x", "y"),
            (1.0, 1.5),
            ((-4.5, 4.5), (-4.5, 4.5)),
            ((3.0, 0.5),),
            _beale_v,
            _beale_g,
            "Flat ridges and steep walls; minimum at (3, 0.5).",
            log_height=True,
        ),
        Landscape(
            "rastrigin",
            "Rastrigin",
            ("x", "y"),
            (3.2, 2.7),
            ((-5.12, 5.12), (-5.12, 5.12)),
            ((0.0, 0.0),),
            _rast_v,
            _rast_g,
            "A bowl covered in local minima; the global one is at the origin.",
        ),
    )
}
