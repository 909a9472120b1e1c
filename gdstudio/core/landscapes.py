"""Analytic loss landscapes with exact gradients, vectorized over points of shape (..., d)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .landscape_math import FORMULAS, SCALAR, Formula, Point, two_valleys_minima

Array = NDArray[np.float64]
Minima = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Landscape:
    """A differentiable loss L(p) over d parameters, evaluated on arrays of shape (..., d)."""

    name: str
    title: str
    param_names: tuple[str, ...]
    default_start: tuple[float, ...]
    bounds: tuple[tuple[float, float], ...]
    # The known minima, or a function finding them (called on first use, and cached by it).
    _minima: Minima | Callable[[], Minima] = field(repr=False)
    _value: Callable[[Array], Array] = field(repr=False)
    _grad: Callable[[Array], Array] = field(repr=False)
    description: str = ""
    log_height: bool = False
    _both: Callable[[Array], tuple[Array, Array]] | None = field(default=None, repr=False)
    _point: Point | None = field(default=None, repr=False)
    # True for a typed formula, undefined outside a domain: a run there "left the domain"
    has_domain: bool = False

    @property
    def dim(self) -> int:
        """Number of parameters."""
        return len(self.param_names)

    @property
    def minima(self) -> Minima:
        """The known minima, each a tuple of coordinates."""
        m = self._minima
        return m() if callable(m) else m

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
        """Loss and gradient in one pass (bit for bit value() and grad())."""
        if self._both is None:
            return self.value(p), self.grad(p)
        return self._both(self._check(p))

    @property
    def point_value_and_grad(self) -> Point | None:
        """Loss and gradient at one point given as a list of floats, in floats (None: no such form).

        The same operations as value_and_grad, so the same bits, without numpy's per-call cost.
        """
        return self._point

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


_Functions = tuple[
    Callable[[Array], Array],
    Callable[[Array], Array],
    Callable[[Array], tuple[Array, Array]],
    Point,
]


def _functions_1d(f: Formula) -> _Functions:
    """value, grad, value_and_grad on (..., 1) arrays and the point form of a 1-D formula."""

    def value(p: Array) -> Array:
        out: Array = f.value(p[..., 0], np)
        return out

    def both(p: Array) -> tuple[Array, Array]:
        v, g = f.both(p[..., 0], np)
        return v, np.asarray(g)[..., None]

    def point(q: list[float]) -> tuple[float, list[float]]:
        v, g = f.both(q[0], SCALAR)
        return v, [g]

    return value, lambda p: both(p)[1], both, point


def _functions_2d(f: Formula) -> _Functions:
    """value, grad, value_and_grad on (..., 2) arrays and the point form of a 2-D formula."""
    value_of, both_of = f.value, f.both

    def value(p: Array) -> Array:
        out: Array = value_of(p[..., 0], p[..., 1], np)
        return out

    def grad(p: Array) -> Array:
        _, gx, gy = both_of(p[..., 0], p[..., 1], np)
        return _stack(gx, gy)

    def both(p: Array) -> tuple[Array, Array]:
        v, gx, gy = both_of(p[..., 0], p[..., 1], np)
        return v, _stack(gx, gy)

    def point(q: list[float]) -> tuple[float, list[float]]:
        v, gx, gy = both_of(q[0], q[1], SCALAR)
        return v, [gx, gy]

    return value, grad, both, point


def _analytic(
    name: str,
    title: str,
    param_names: tuple[str, ...],
    default_start: tuple[float, ...],
    bounds: tuple[tuple[float, float], ...],
    minima: Minima | Callable[[], Minima],
    description: str,
    log_height: bool = False,
) -> Landscape:
    """A built-in landscape from its formula in landscape_math."""
    build = _functions_1d if len(param_names) == 1 else _functions_2d
    value, grad, both, point = build(FORMULAS[name])
    return Landscape(
        name,
        title,
        param_names,
        default_start,
        bounds,
        minima,
        value,
        grad,
        description,
        log_height,
        both,
        point,
    )


ANALYTIC: dict[str, Landscape] = {
    ls.name: ls
    for ls in (
        _analytic(
            "bowl1d",
            "1D bowl (w − 4)² + 2",
            ("w",),
            (-2.0,),
            ((-4.0, 12.0),),
            ((4.0,),),
            "A one-parameter parabola with its minimum at w = 4.",
        ),
        _analytic(
            "quadratic2d",
            "Quadratic bowl",
            ("w1", "w2"),
            (8.0, 6.0),
            ((-6.0, 12.0), (-10.0, 8.0)),
            ((3.0, -1.0),),
            "(w1 − 3)² + (w2 + 1)²: a round bowl, minimum at (3, −1).",
        ),
        _analytic(
            "elongated",
            "Elongated bowl",
            ("w1", "w2"),
            (-9.0, 1.5),
            ((-10.0, 10.0), (-2.0, 2.0)),
            ((0.0, 0.0),),
            "½(w1² + 25·w2²): an ill-conditioned ravine (condition number 25).",
        ),
        _analytic(
            "rosenbrock",
            "Rosenbrock valley",
            ("x", "y"),
            (-1.5, 2.0),
            ((-2.0, 2.0), (-1.0, 3.0)),
            ((1.0, 1.0),),
            "(1 − x)² + 100(y − x²)²: a curved, narrow valley; minimum at (1, 1).",
            log_height=True,
        ),
        _analytic(
            "two-valleys",
            "Two valleys",
            ("x", "y"),
            (-2.5, 1.0),
            ((-4.0, 4.0), (-3.0, 3.0)),
            two_valleys_minima,
            "A shallow local minimum on the left, a deeper one on the right.",
        ),
        _analytic(
            "saddle",
            "Saddle point",
            ("x", "y"),
            (2.0, 1e-3),
            ((-2.5, 2.5), (-2.5, 2.5)),
            ((0.0, float(np.sqrt(2.0))), (0.0, -float(np.sqrt(2.0)))),
            "x² − y² + y⁴/4 + 1: a saddle at the origin between two minima at (0, ±√2).",
        ),
        _analytic(
            "plateau",
            "Plateau",
            ("x", "y"),
            (3.5, 2.5),
            ((-5.0, 5.0), (-5.0, 5.0)),
            ((0.0, 0.0),),
            "2 − 2·exp(−(x² + y²)/2): almost flat far out, a bowl in the middle.",
        ),
        _analytic(
            "himmelblau",
            "Himmelblau",
            ("x", "y"),
            (0.0, 0.0),
            ((-5.0, 5.0), (-5.0, 5.0)),
            ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            "Four equal minima; where you start decides which you reach.",
            log_height=True,
        ),
        _analytic(
            "beale",
            "Beale",
            ("x", "y"),
            (1.0, 1.5),
            ((-4.5, 4.5), (-4.5, 4.5)),
            ((3.0, 0.5),),
            "Flat ridges and steep walls; minimum at (3, 0.5).",
            log_height=True,
        ),
        _analytic(
            "rastrigin",
            "Rastrigin",
            ("x", "y"),
            (3.2, 2.7),
            ((-5.12, 5.12), (-5.12, 5.12)),
            ((0.0, 0.0),),
            "A bowl covered in local minima; the global one is at the origin.",
        ),
    )
}
