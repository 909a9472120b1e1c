"""How a sweep measures its runs: every run's gradient each step, its losses when needed.

A sweep's step costs a fixed number of numpy calls whatever the number of runs, so the
landscape's formula should cost few of them. For a built-in formula the engine only needs the
gradient at each step: the losses are computed after a block of steps, for all of them at
once (`Kernel.losses`), with the same operations and so the same bits. Rosenbrock has its
gradient fused into preallocated arrays (7 calls with `out=`, no temporaries) and keeps the
terms its loss is made of; the other built-ins call their formula; a data or typed landscape
measures loss and gradient together at every step, as a run does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .landscape_math import FORMULAS
from .landscapes import ANALYTIC

Array = np.ndarray
Measure = Callable[[], "Array | None"]  # the bound arrays measured: the losses, or None


class Kernel:
    """A landscape's measure for n runs: `bind` it to a (points, gradient) pair of arrays."""

    deferred = False  # True: the bound measure writes the gradient only (losses: `losses`)
    finite_within = 0.0  # > 0: the loss is finite wherever every |pᵢ| is at most this

    def bind(self, points: Array, grad: Array) -> Measure:
        """A call that writes the gradient at `points` (n, d) into `grad` (n, d)."""
        raise NotImplementedError

    def losses(self, points: Array) -> Array:
        """The losses at the positions of the last k measures, `points` (k, n, d): (k, n).
        Once per block: the next call is about the measures after this one."""
        raise NotImplementedError

    def both(self, points: Array, grad: Array) -> Array:
        """Each row's loss, its gradient written into grad (once, at the start)."""
        loss = self.bind(points, grad)()
        return self.losses(points[None])[0] if loss is None else loss


def kernel_for(landscape: Any) -> Callable[[int, int], Kernel]:
    """kernel(n, block): the measure of n runs checked every `block` steps on `landscape`."""
    name = getattr(landscape, "name", "")
    if ANALYTIC.get(name) is landscape:  # a built-in formula
        if name == "rosenbrock":
            return _Rosenbrock
        both = FORMULAS[name].both
        return lambda n, block: _Formula(both)
    return lambda n, block: _General(landscape)


class _General(Kernel):
    """Loss and gradient together, through the landscape's own methods."""

    def __init__(self, landscape: Any) -> None:
        self.landscape = landscape
        self.pair: Any = getattr(landscape, "value_and_grad", None)

    def bind(self, points: Array, grad: Array) -> Measure:
        land, pair = self.landscape, self.pair

        def general() -> Array:
            if pair is not None:
                value, g = pair(points)
            else:
                value, g = land.value(points), land.grad(points)
            grad[:] = np.asarray(g, dtype=np.float64).reshape(points.shape)
            return _losses(value, len(points))

        return general


class _Formula(Kernel):
    """A built-in formula on each coordinate's column; its losses afterwards, in bulk."""

    deferred = True

    def __init__(self, both: Callable[..., tuple[Any, ...]]) -> None:
        self.formula = both

    def bind(self, points: Array, grad: Array) -> Measure:
        both = self.formula

        def gradient() -> None:
            _, *parts = both(*points.T, np)
            for i, part in enumerate(parts):
                grad[:, i] = part

        return gradient

    def losses(self, points: Array) -> Array:
        value = self.formula(*np.moveaxis(points, -1, 0), np)[0]
        return np.broadcast_to(np.asarray(value, dtype=np.float64), points.shape[:-1])


class _Rosenbrock(Kernel):
    """Rosenbrock's gradient (−2a − 400·x·r, 200·r with a = 1 − x, r = y − x²) in 7 calls.

    The same operations as the formula, in its order: (−2)·a and 200·r are one product of
    the block [a | r] by [−2 | 200]. Each measure keeps its [a | r] in a ring of `block`, and
    the losses a² + 100·r² of a block's steps are computed from them in 4 calls.
    """

    deferred = True
    finite_within = 1e70  # |x|, |y| ≤ 1e70: a² + 100·r² ≤ 1e141 + 1e283, finite

    def __init__(self, n: int, block: int) -> None:
        self.terms = np.empty((block, n, 2))  # [a | r] of each measure since the last losses
        self.at = 0
        self.xx, self.tt = np.empty(n), np.empty(n)
        self.factors = np.tile([-2.0, 200.0], (n, 1))

    def bind(self, points: Array, grad: Array) -> Measure:
        mul, sub = np.multiply, np.subtract
        x, y, g0 = points[:, 0], points[:, 1], grad[:, 0]
        xx, tt, factors, terms = self.xx, self.tt, self.factors, self.terms
        rings = [(ar, ar[:, 0], ar[:, 1]) for ar in terms]

        def gradient() -> None:
            ar, a, r = rings[self.at]
            self.at += 1
            mul(x, x, xx)
            sub(1.0, x, a)
            sub(y, xx, r)
            mul(ar, factors, grad)
            mul(x, 400.0, tt)
            mul(tt, r, tt)
            sub(g0, tt, g0)

        return gradient

    def losses(self, points: Array) -> Array:
        k, at, self.at = len(points), self.at, 0
        terms = self.terms[at - k : at]
        sq = terms * terms  # a·a | r·r
        loss: Array = sq[..., 1] * 100.0
        np.add(sq[..., 0], loss, out=loss)  # a·a + 100·(r·r)
        return loss


def _losses(value: Any, n: int) -> Array:
    """The losses as a float array of n."""
    if isinstance(value, np.ndarray) and value.base is None and value.shape == (n,):
        if value.dtype == np.float64:  # a new array of the formula's own: no copy
            return value
    out = np.asarray(value, dtype=np.float64).reshape(-1)
    return out if out.shape == (n,) else np.broadcast_to(out, (n,)).copy()
