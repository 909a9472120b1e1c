"""Typed expressions differentiated symbolically and compiled to vectorized numpy closures.

The gradient is taken on our own tree (core/expression.py) by the rules of calculus and
simplified as it is built; each tree is then turned into nested Python closures over numpy
ufuncs — no generated source, no eval. Points outside a function's domain (log of a
negative, division by zero) give nan: holes in the surface, never exceptions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .expression import Bin, Call, Expression, ExpressionError, Neg, Node, Num, Var, Where

Env = dict[str, Any]  # variable name → float or float64 array
Compiled = Callable[[Env], Any]

ZERO, ONE, TWO = Num(0.0), Num(1.0), Num(2.0)


# --- building with simplification ----------------------------------------------------------


def add(a: Node, b: Node) -> Node:
    """a + b, simplified."""
    if isinstance(a, Num) and isinstance(b, Num):
        return Num(a.value + b.value)
    if a == ZERO:
        return b
    if b == ZERO:
        return a
    if isinstance(b, Neg):
        return sub(a, b.arg)
    return Bin("+", a, b)


def sub(a: Node, b: Node) -> Node:
    """a − b, simplified."""
    if isinstance(a, Num) and isinstance(b, Num):
        return Num(a.value - b.value)
    if b == ZERO:
        return a
    if a == ZERO:
        return neg(b)
    return Bin("-", a, b)


def neg(a: Node) -> Node:
    """−a, simplified."""
    if isinstance(a, Num):
        return Num(-a.value)
    if isinstance(a, Neg):
        return a.arg
    return Neg(a)


def mul(a: Node, b: Node) -> Node:
    """a × b, simplified."""
    if isinstance(a, Num) and isinstance(b, Num):
        return Num(a.value * b.value)
    if a == ZERO or b == ZERO:
        return ZERO
    if a == ONE:
        return b
    if b == ONE:
        return a
    if a == Num(-1.0):
        return neg(b)
    if b == Num(-1.0):
        return neg(a)
    return Bin("*", a, b)


def div(a: Node, b: Node) -> Node:
    """a ÷ b, simplified (never folding a division by zero)."""
    if isinstance(a, Num) and isinstance(b, Num) and b.value != 0.0:
        return Num(a.value / b.value)
    if a == ZERO and isinstance(b, Num) and b.value != 0.0:
        return ZERO
    if b == ONE:
        return a
    return Bin("/", a, b)


def power(a: Node, b: Node) -> Node:
    """a ^ b, simplified."""
    if b == ONE:
        return a
    if b == ZERO:
        return ONE
    return Bin("^", a, b)


def call(fn: str, *args: Node) -> Node:
    """fn(args)."""
    return Call(fn, tuple(args))


# --- derivative ------------------------------------------------------------------------------


def derivative(node: Node, var: str) -> Node:
    """∂node/∂var, simplified."""
    if isinstance(node, Num):
        return ZERO
    if isinstance(node, Var):
        return ONE if node.name == var else ZERO
    if isinstance(node, Neg):
        return neg(derivative(node.arg, var))
    if isinstance(node, Bin):
        return _derivative_bin(node, var)
    if isinstance(node, Where):
        return Where(node.a, node.b, derivative(node.if_le, var), derivative(node.otherwise, var))
    return _derivative_call(node, var)


def _derivative_bin(node: Bin, var: str) -> Node:
    u, v = node.left, node.right
    du, dv = derivative(u, var), derivative(v, var)
    if node.op == "+":
        return add(du, dv)
    if node.op == "-":
        return sub(du, dv)
    if node.op == "*":
        return add(mul(du, v), mul(u, dv))
    if node.op == "/":
        if dv == ZERO:
            return div(du, v)
        return div(sub(mul(du, v), mul(u, dv)), mul(v, v))
    # power
    if dv == ZERO:  # u^c: c·u^(c−1)·u'
        if du == ZERO:
            return ZERO
        lowered = power(u, sub(v, ONE))
        return mul(mul(v, lowered), du)
    # u^v = exp(v·log u): u^v·(v'·log u + v·u'/u)
    inner = add(mul(dv, call("log", u)), div(mul(v, du), u))
    return mul(node, inner)


def _derivative_call(node: Call, var: str) -> Node:
    if node.fn in ("min", "max"):
        a, b = node.args
        da, db = derivative(a, var), derivative(b, var)
        if da == ZERO and db == ZERO:
            return ZERO
        return Where(a, b, da, db) if node.fn == "min" else Where(a, b, db, da)
    (u,) = node.args
    du = derivative(u, var)
    if du == ZERO:
        return ZERO
    return mul(_outer(node.fn, u, node), du)


def _outer(fn: str, u: Node, whole: Node) -> Node:
    """The derivative of fn at u (the chain rule's outer factor)."""
    if fn == "sin":
        return call("cos", u)
    if fn == "cos":
        return neg(call("sin", u))
    if fn == "tan":
        return add(ONE, mul(whole, whole))
    if fn == "exp":
        return whole
    if fn == "log":
        return div(ONE, u)
    if fn == "sqrt":
        return div(Num(0.5), whole)
    if fn == "abs":
        return call("sign", u)
    if fn == "tanh":
        return sub(ONE, mul(whole, whole))
    if fn == "sinh":
        return call("cosh", u)
    if fn == "cosh":
        return call("sinh", u)
    if fn == "arctan":
        return div(ONE, add(ONE, mul(u, u)))
    raise AssertionError(f"no derivative for {fn}")  # every whitelisted function has one


MAX_GRADIENT_NODES = 50_000


def size(node: Node, limit: int = MAX_GRADIENT_NODES) -> int:
    """Nodes in the tree below and at `node`, counting stopped a little past `limit`."""
    count, stack = 0, [node]
    while stack and count <= limit:
        n = stack.pop()
        count += 1
        if isinstance(n, Neg):
            stack.append(n.arg)
        elif isinstance(n, Bin):
            stack += (n.left, n.right)
        elif isinstance(n, Call):
            stack += n.args
        elif isinstance(n, Where):
            stack += (n.a, n.b, n.if_le, n.otherwise)
    return count


def gradient(expr: Expression, names: tuple[str, ...]) -> tuple[Node, ...]:
    """The gradient's components, one per name in `names` (ExpressionError when too big)."""
    parts = tuple(derivative(expr.tree, name) for name in names)
    if sum(size(p) for p in parts) > MAX_GRADIENT_NODES:
        raise ExpressionError("the expression is too complex to differentiate: simplify it")
    return parts


# --- compiling to numpy ----------------------------------------------------------------------

_UFUNCS: dict[str, Callable[..., Any]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "arctan": np.arctan,
    "sign": np.sign,
    "min": np.minimum,
    "max": np.maximum,
}


def _pow(a: Any, b: Any) -> Any:
    """a^b in floats, nan for a negative base with a fractional exponent (as numpy)."""
    return np.power(np.asarray(a, dtype=np.float64), b)


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "^": _pow,
}


def compile_node(node: Node) -> Compiled:
    """`node` as a function of the variables' values (floats or arrays of one shape)."""
    if isinstance(node, Num):
        value = node.value
        return lambda env: value
    if isinstance(node, Var):
        name = node.name
        return lambda env: env[name]
    if isinstance(node, Neg):
        arg = compile_node(node.arg)
        return lambda env: np.negative(arg(env))
    if isinstance(node, Bin):
        return _compile_bin(node)
    if isinstance(node, Where):
        a, b = compile_node(node.a), compile_node(node.b)
        if_le, otherwise = compile_node(node.if_le), compile_node(node.otherwise)
        return lambda env: np.where(np.less_equal(a(env), b(env)), if_le(env), otherwise(env))
    fn = _UFUNCS[node.fn]
    args = tuple(compile_node(a) for a in node.args)
    if len(args) == 1:
        (only,) = args
        return lambda env: fn(only(env))
    first, second = args
    return lambda env: fn(first(env), second(env))


def _square(v: Any) -> Any:
    return np.multiply(v, v)


def _compile_bin(node: Bin) -> Compiled:
    left, right = compile_node(node.left), compile_node(node.right)
    if node.op == "^" and isinstance(node.right, Num) and node.right.value == 2.0:
        return lambda env: _square(left(env))  # a product, as the built-ins square
    op = _BINARY[node.op]
    return lambda env: op(left(env), right(env))


def evaluate(fn: Compiled, env: Env) -> Any:
    """fn at env, with numpy's warnings for points outside the domain silenced (they give nan)."""
    with np.errstate(all="ignore"):
        return fn(env)
