"""A landscape from a formula the user typed: f(w, b) or f(w), with its exact gradient."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .checks import shown
from .expression import ExpressionError, parse
from .expression_calculus import Compiled, compile_node, evaluate, gradient
from .landscapes import Array, Landscape, Minima, _stack

CUSTOM = "custom"
DEFAULT_BOUNDS = (-3.0, 3.0)
MAX_SPAN = 1e6  # the widest view bounds allowed, each axis
_MINIMUM_GRID = 201  # points per axis of the grid the minimum marker is found on


def expression_landscape(
    text: str,
    bounds: Sequence[Sequence[float]] | None = None,
    start: Sequence[float] | None = None,
) -> Landscape:
    """The landscape of the formula `text` over `bounds` (ExpressionError if unusable)."""
    expr = parse(text)
    dim = expr.dim
    names = ("w", "b")[:dim]
    view = _check_bounds(bounds, dim)
    value_fn = compile_node(expr.tree)
    grad_fns = tuple(compile_node(g) for g in gradient(expr, names))
    functions = _functions(value_fn, grad_fns, names)
    _check_somewhere_finite(functions[0], view, dim)
    first = tuple(float(v) for v in start) if start is not None else _default_start(view)
    if len(first) != dim or not all(math.isfinite(v) for v in first):
        raise ExpressionError(f"the start needs {dim} finite coordinates, got {shown(start)}")
    params = expr.shown_names[:dim]
    title = f"f({', '.join(params)}) = {text.strip()}"
    value, grad, both, point = functions
    return Landscape(
        CUSTOM,
        title,
        params,
        first,
        view,
        lambda: _grid_minimum(value, view),
        value,
        grad,
        "A formula you typed; the marker shows the lowest point of the view's grid.",
        False,
        both,
        point,
        has_domain=True,
    )


def _check_bounds(
    bounds: Sequence[Sequence[float]] | None, dim: int
) -> tuple[tuple[float, float], ...]:
    """The view bounds, one (low, high) per parameter, checked."""
    if bounds is None:
        return (DEFAULT_BOUNDS,) * dim
    try:
        pairs = tuple((float(lo), float(hi)) for lo, hi in bounds)
    except (TypeError, ValueError):
        raise ExpressionError(f"bounds must be (low, high) pairs, got {shown(bounds)}") from None
    if len(pairs) != dim:
        raise ExpressionError(f"give bounds for {dim} parameter{'s' * (dim > 1)}, got {len(pairs)}")
    for lo, hi in pairs:
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ExpressionError(f"bounds must be finite with low < high, got ({lo:g}, {hi:g})")
        if hi - lo > MAX_SPAN:
            raise ExpressionError(f"bounds wider than {MAX_SPAN:g} are not allowed")
    return pairs


def _default_start(view: tuple[tuple[float, float], ...]) -> tuple[float, ...]:
    """A start a quarter of the way in from the view's top-left corner."""
    lo, hi = view[0]
    first = (0.75 * lo + 0.25 * hi,)
    if len(view) == 1:
        return first
    lo2, hi2 = view[1]
    return (*first, 0.25 * lo2 + 0.75 * hi2)


def _functions(value_fn: Compiled, grad_fns: tuple[Compiled, ...], names: tuple[str, ...]) -> Any:
    """value, grad, value_and_grad on (..., d) arrays, and the point form, from compiled trees."""

    def env_of(p: Array) -> dict[str, Any]:
        return {name: p[..., i] for i, name in enumerate(names)}

    def full(x: Any, shape: tuple[int, ...]) -> Array:
        """A result as a float64 array of the points' shape (a constant part broadcast)."""
        return np.array(np.broadcast_to(np.asarray(x, dtype=np.float64), shape))

    def value(p: Array) -> Array:
        return full(evaluate(value_fn, env_of(p)), p.shape[:-1])

    def grad(p: Array) -> Array:
        env, shape = env_of(p), p.shape[:-1]
        parts = [full(evaluate(g, env), shape) for g in grad_fns]
        return parts[0][..., None] if len(parts) == 1 else _stack(parts[0], parts[1])

    def both(p: Array) -> tuple[Array, Array]:
        return value(p), grad(p)

    def point(q: list[float]) -> tuple[float, list[float]]:
        env = dict(zip(names, q, strict=True))
        v = float(evaluate(value_fn, env))
        return v, [float(evaluate(g, env)) for g in grad_fns]

    return value, grad, both, point


def _grid(view: tuple[tuple[float, float], ...], n: int) -> Array:
    """An n-per-axis grid of points over the view, shape (n, ..., d)."""
    axes = [np.linspace(lo, hi, n) for lo, hi in view]
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)


def _check_somewhere_finite(value: Any, view: tuple[tuple[float, float], ...], dim: int) -> None:
    """Refuse a formula that is not a real number anywhere in the view."""
    values = value(_grid(view, 33 if dim == 2 else 257))
    if not np.isfinite(values).any():
        raise ExpressionError("the expression is not a real number anywhere in the view")


def _grid_minimum(value: Any, view: tuple[tuple[float, float], ...]) -> Minima:
    """The lowest finite point of a fine grid over the view (the marker of a typed formula)."""
    points = _grid(view, _MINIMUM_GRID if len(view) == 2 else 4001)
    values = value(points)
    values = np.where(np.isfinite(values), values, np.inf)
    flat = int(np.argmin(values))
    best = points.reshape(-1, len(view))[flat]
    return (tuple(float(v) for v in best),)
