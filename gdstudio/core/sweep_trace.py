"""A built-in formula recorded once and replayed with numpy calls writing into kept arrays.

The sweep measures a landscape at every step. A formula of landscape_math evaluated on arrays
makes a new array for each of its operations; recorded once (its +, −, ×, ÷, negation and
m.exp / m.sin / ... calls, in order, with their constants) and replayed as the same numpy
ufuncs with out=, it does the same IEEE operations on the same numbers — the same bits —
without allocating. A formula that does anything else (a comparison, a power, a branch on a
value) cannot be recorded: `record` returns None and the sweep calls the formula itself. The
replay is checked against the formula once, on the sweep's first points.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

Array = np.ndarray
_FUNCTIONS = ("exp", "log", "sin", "cos", "tan", "sqrt", "tanh", "sinh", "cosh", "arctan")
# An operand: ("in", i) the i-th coordinate, ("node", k) the k-th result, ("const", c).
Operand = tuple[str, Any]


class _Unsupported(Exception):
    """The formula did something the recorder does not replay."""


class _Tape:
    """The operations recorded, in order."""

    def __init__(self) -> None:
        self.ops: list[tuple[Any, tuple[Operand, ...]]] = []

    def add(self, ufunc: Any, *args: Any) -> _Node:
        self.ops.append((ufunc, tuple(_operand(a) for a in args)))
        return _Node(self, len(self.ops) - 1)


class _Node:
    """A recorded value; arithmetic on it records the operation."""

    __slots__ = ("tape", "key")

    def __init__(self, tape: _Tape, index: int, kind: str = "node") -> None:
        self.tape, self.key = tape, (kind, index)

    def __add__(self, o: Any) -> _Node:
        return self.tape.add(np.add, self, o)

    def __radd__(self, o: Any) -> _Node:
        return self.tape.add(np.add, o, self)

    def __sub__(self, o: Any) -> _Node:
        return self.tape.add(np.subtract, self, o)

    def __rsub__(self, o: Any) -> _Node:
        return self.tape.add(np.subtract, o, self)

    def __mul__(self, o: Any) -> _Node:
        return self.tape.add(np.multiply, self, o)

    def __rmul__(self, o: Any) -> _Node:
        return self.tape.add(np.multiply, o, self)

    def __truediv__(self, o: Any) -> _Node:
        return self.tape.add(np.divide, self, o)

    def __rtruediv__(self, o: Any) -> _Node:
        return self.tape.add(np.divide, o, self)

    def __neg__(self) -> _Node:
        return self.tape.add(np.negative, self)

    def __bool__(self) -> bool:
        raise _Unsupported("a branch on a value")

    def __pow__(self, o: Any) -> _Node:
        raise _Unsupported("a power")  # numpy's ** has its own fast paths: not replayed


class _Functions:
    """The `m` a formula is given: its functions record their calls."""

    def __init__(self, tape: _Tape) -> None:
        for name in _FUNCTIONS:
            ufunc = getattr(np, name)
            setattr(self, name, lambda x, u=ufunc: tape.add(u, x))

    def __getattr__(self, name: str) -> Any:
        raise _Unsupported(f"m.{name}")


def _operand(a: Any) -> Operand:
    if isinstance(a, _Node):
        return a.key
    if isinstance(a, float | int) and not isinstance(a, bool):
        return ("const", np.float64(a))
    raise _Unsupported(f"an operand {type(a).__name__}")


Measure = Callable[[Array, Array], Array]  # (points (n, d), gradient out (n, d)) -> losses


def record(both: Callable[..., tuple[Any, ...]], dim: int) -> Measure | None:
    """`both` replayed into kept arrays (see the module docstring); None if it cannot be."""
    tape = _Tape()
    try:
        outputs = both(*(_Node(tape, i, "in") for i in range(dim)), _Functions(tape))
        keys = [_operand(o) for o in outputs]
    except (_Unsupported, TypeError):
        return None
    if len(keys) != dim + 1:
        return None
    return _Replay(tape.ops, keys)


class _Replay:
    """The recorded operations on arrays of n points, into arrays kept between calls.

    The calls are bound once per (points, gradient, losses) arrays — the sweep alternates
    between two of each — so a replay is a loop of ready calls. An output no other operation
    reads is written straight where the caller wants it; the others are copied there.
    """

    def __init__(self, ops: list[tuple[Any, tuple[Operand, ...]]], keys: list[Operand]) -> None:
        self.ops, self.keys = ops, keys
        read = [a for _, args in ops for a in args]
        self.direct = {
            key[1]: j
            for j, key in enumerate(keys)
            if key[0] == "node" and read.count(key) == 0 and keys.count(key) == 1
        }
        self.size = -1
        self.flip = 0

    def _arrays(self, n: int) -> None:
        """Each operation's result array (None: written into an output); no calls bound."""
        self.size = n
        self.nodes: list[Array | None] = [
            None if k in self.direct else np.empty(n) for k in range(len(self.ops))
        ]
        self.values = (np.empty(n), np.empty(n))  # two: the caller keeps the last losses
        self.bound: dict[tuple[int, int, int], tuple[Any, list[Callable[[], Any]]]] = {}

    def _bind(self, points: Array, grad: Array, value: Array) -> list[Callable[[], Any]]:
        cols = [points[:, i] for i in range(points.shape[1])]
        outs = [value, *(grad[:, i] for i in range(grad.shape[1]))]
        nodes = list(self.nodes)
        for k, j in self.direct.items():
            nodes[k] = outs[j]
        calls: list[Callable[[], Any]] = [
            partial(ufunc, *(_pick(a, cols, nodes) for a in args), out=nodes[k])
            for k, (ufunc, args) in enumerate(self.ops)
        ]
        for j, key in enumerate(self.keys):
            if not (key[0] == "node" and key[1] in self.direct):
                calls.append(partial(np.copyto, outs[j], _pick(key, cols, nodes)))
        return calls

    def __call__(self, points: Array, grad: Array) -> Array:
        n = len(points)
        if n != self.size:
            self._arrays(n)
        self.flip ^= 1
        value = self.values[self.flip]
        base_p = points if points.base is None else points.base
        base_g = grad if grad.base is None else grad.base
        key = (id(base_p), id(base_g), self.flip)
        found = self.bound.get(key)
        if found is None:
            if len(self.bound) > 8:
                self.bound.clear()
            # the arrays are kept with their calls, so their ids cannot be reused meanwhile
            found = self.bound[key] = ((base_p, base_g), self._bind(points, grad, value))
        for call in found[1]:
            call()
        return value


def _pick(key: Operand, cols: list[Array], nodes: list[Array | None]) -> Any:
    kind, v = key
    return nodes[v] if kind == "node" else cols[v] if kind == "in" else v
