"""Loss expressions typed by the user, parsed into our own tree: never eval, exec or compile.

`parse("(1 - w)^2 + 100*(b - w^2)^2")` reads the text with Python's `ast` parser (syntax only:
nothing of it runs) and rebuilds it from a whitelist: numbers; the variables w and b (x and y
are other names for them); + − × ÷, ``^`` and ``**``, unary minus; a fixed set of functions; the
constants pi and e. Everything else is refused with an `ExpressionError` that says what and
points at the character. The text's length, the tree's nesting depth and constant exponents
are bounded, so hostile input (``9**9**9``, thousands of parentheses) is refused at once.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

from .errors import ConfigError

MAX_LENGTH = 500  # characters
MAX_DEPTH = 200  # nested operations (a sum of n terms nests n deep)
MAX_NODES = 400  # operations and leaves in all
MAX_EXPONENT = 1000.0  # a constant exponent's largest magnitude
MAX_LITERAL_DIGITS = 40

FUNCTIONS: dict[str, int] = {  # name → number of arguments
    "sin": 1,
    "cos": 1,
    "tan": 1,
    "exp": 1,
    "log": 1,
    "sqrt": 1,
    "abs": 1,
    "tanh": 1,
    "sinh": 1,
    "cosh": 1,
    "arctan": 1,
    "min": 2,
    "max": 2,
}
CONSTANTS = {"pi": math.pi, "e": math.e}
VARIABLES = ("w", "b")
ALIASES = {"x": "w", "y": "b"}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_REFUSED_OPERATORS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
}


class ExpressionError(ConfigError):
    """A typed expression that cannot be used: the message, and the 0-based column it is at."""

    def __init__(self, message: str, column: int | None = None) -> None:
        where = f" (at character {column + 1})" if column is not None else ""
        super().__init__(f"{message}{where}")
        self.reason = message
        self.column = column


# --- the tree --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    """A number."""

    value: float


@dataclass(frozen=True)
class Var:
    """A variable: w or b."""

    name: str


@dataclass(frozen=True)
class Neg:
    """−arg."""

    arg: Node


@dataclass(frozen=True)
class Bin:
    """left op right, op one of + - * / ^."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """A function of the whitelist (or an internal one: sign, step) applied to its arguments."""

    fn: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Where:
    """if_le when a ≤ b, else otherwise (the derivative of min and max)."""

    a: Node
    b: Node
    if_le: Node
    otherwise: Node


Node = Num | Var | Neg | Bin | Call | Where


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its tree, the text it came from, and the variables it uses."""

    text: str
    tree: Node
    variables: tuple[str, ...]
    shown_names: tuple[str, str] = ("w", "b")

    @property
    def dim(self) -> int:
        """Parameters of the landscape it defines: 2 when b appears, else 1."""
        return 2 if "b" in self.variables else 1


# --- parsing ---------------------------------------------------------------------------------


def parse(text: str) -> Expression:
    """The expression `text` as a tree (ExpressionError if it is not one we accept)."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    if len(text) > MAX_LENGTH:
        count = f"{len(text)} characters; at most {MAX_LENGTH}"
        raise ExpressionError(f"the expression is too long ({count})")
    if not text.strip():
        raise ExpressionError("type an expression in w and b, e.g. (1 - w)^2 + 100*(b - w^2)^2")
    bad = next((i for i, c in enumerate(text) if not _allowed_character(c)), None)
    if bad is not None:
        allowed = "ASCII letters, digits and + - * / ^ ( ) , ."
        raise ExpressionError(f"{text[bad]!r} is not allowed: use {allowed}", bad)
    _check_parentheses(text)
    python, columns = _caret_to_power(text)
    try:
        module = ast.parse(python, mode="eval")
    except SyntaxError as exc:
        product = _IMPLICIT_PRODUCT.search(text)
        if product is not None:
            example = f"{product.group(1)}*{product.group(3)}"
            raise ExpressionError(f"write {example} for a product", product.start(3)) from None
        if text.rstrip()[-1] in "+-*/^,":
            raise ExpressionError("the expression ends too early", len(text.rstrip())) from None
        column = columns[min(max((exc.offset or 1) - 1, 0), len(columns) - 1)]
        raise ExpressionError(_syntax_message(exc), column) from None
    except (MemoryError, RecursionError, ValueError):
        raise ExpressionError("the expression is nested too deeply") from None
    builder = _Builder(columns)
    tree = builder.build(module.body, 0)
    for alias, name in ALIASES.items():
        if {alias, name} <= builder.names_typed:
            raise ExpressionError(f"{alias} is another name for {name}: use one of them, not both")
    if not builder.variables:
        raise ExpressionError("the expression must use w (and b for a surface)")
    used = tuple(v for v in VARIABLES if v in builder.variables)
    return Expression(text, tree, used, _shown_names(builder.names_typed))


def _shown_names(typed: set[str]) -> tuple[str, str]:
    """The names to show for the two parameters: x, y when the user typed those, else w, b."""
    names = {name: alias for alias, name in ALIASES.items() if alias in typed}
    return names.get("w", "w"), names.get("b", "b")


_IMPLICIT_PRODUCT = re.compile(r"(?<![\w.])(\d+(\.\d*)?)(?![eE][+-]?\d)([A-Za-z_(])")


def _check_parentheses(text: str) -> None:
    """Refuse unbalanced parentheses, pointing at the one without a partner."""
    opened: list[int] = []
    for i, c in enumerate(text):
        if c == "(":
            opened.append(i)
        elif c == ")":
            if not opened:
                raise ExpressionError("this ) closes nothing", i)
            opened.pop()
    if opened:
        raise ExpressionError("this ( is never closed", opened[-1])


_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t+-*/^().,"
    "<>=%&|@[]{}"  # not formulas, but refused below with a message that says why
)


def _allowed_character(c: str) -> bool:
    """A character a formula may hold."""
    return c in _CHARACTERS


def _caret_to_power(text: str) -> tuple[str, list[int]]:
    """`text` with ^ written as **, and for each character the column it came from."""
    out: list[str] = []
    columns: list[int] = []
    for i, c in enumerate(text):
        if c == "^":
            out += ["*", "*"]
            columns += [i, i]
        else:
            out.append(c)
            columns.append(i)
    columns.append(len(text))  # the end, where an unfinished expression stops
    return "".join(out), columns


def _syntax_message(exc: SyntaxError) -> str:
    """A short message for a syntax error."""
    msg = exc.msg or ""
    if "too many nested" in msg:
        return "the expression is nested too deeply"
    if "unexpected EOF" in msg or "incomplete input" in msg:
        return "the expression ends too early"
    return "this is not a formula: an operator or a term is missing or out of place here"


class _Builder:
    """Rebuilds an `ast` tree as our own, node by node, refusing what is not whitelisted."""

    def __init__(self, columns: list[int]) -> None:
        self.columns = columns
        self.variables: set[str] = set()
        self.names_typed: set[str] = set()
        self.nodes = 0

    def column(self, node: ast.AST) -> int | None:
        offset = getattr(node, "col_offset", None)
        return None if offset is None else self.columns[min(offset, len(self.columns) - 1)]

    def refuse(self, message: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(message, self.column(node))

    def build(self, node: ast.AST, depth: int) -> Node:
        self.nodes += 1
        if depth > MAX_DEPTH:
            limit = f"at most {MAX_DEPTH} levels"
            raise self.refuse(f"the expression is too long or nested too deeply ({limit})", node)
        if self.nodes > MAX_NODES:
            raise self.refuse(f"the expression is too big (at most {MAX_NODES} terms)", node)
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, depth)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.refuse(_describe_refused(node), node)

    def number(self, node: ast.Constant) -> Node:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse("only numbers, w, b and the listed functions may appear", node)
        if isinstance(value, int) and len(str(abs(value))) > MAX_LITERAL_DIGITS:
            raise self.refuse("this number is too long", node)
        as_float = float(value)
        if not math.isfinite(as_float):
            raise self.refuse("this number is too large", node)
        return Num(as_float)

    def name(self, node: ast.Name) -> Node:
        name = node.id
        self.names_typed.add(name)
        name = ALIASES.get(name, name)
        if name in VARIABLES:
            self.variables.add(name)
            return Var(name)
        if name in CONSTANTS:
            return Num(CONSTANTS[name])
        if name in FUNCTIONS:
            raise self.refuse(f"{name} is a function: write {name}(…)", node)
        allowed = ", ".join((*VARIABLES, *ALIASES, *CONSTANTS))
        raise self.refuse(f"unknown name {name!r}: the names allowed are {allowed}", node)

    def unary(self, node: ast.UnaryOp, depth: int) -> Node:
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand, depth + 1)
        if isinstance(node.op, ast.USub):
            arg = self.build(node.operand, depth + 1)
            return Num(-arg.value) if isinstance(arg, Num) else Neg(arg)
        raise self.refuse("only + and − may stand before a term", node)

    def binary(self, node: ast.BinOp, depth: int) -> Node:
        op = _BINARY.get(type(node.op))
        if op is None:
            shown = _REFUSED_OPERATORS.get(type(node.op), "this operator")
            raise self.refuse(f"{shown} is not allowed: use + - * / ^", node)
        left = self.build(node.left, depth + 1)
        right = self.build(node.right, depth + 1)
        if op == "^" and isinstance(right, Num) and abs(right.value) > MAX_EXPONENT:
            raise self.refuse(f"the exponent is too large (at most {MAX_EXPONENT:g})", node.right)
        if isinstance(left, Num) and isinstance(right, Num):
            return Num(self.fold(op, left.value, right.value, node))
        return Bin(op, left, right)

    def fold(self, op: str, a: float, b: float, node: ast.AST) -> float:
        """A constant operation worked out now, in floats (refused when it is not finite)."""
        try:
            value = {
                "+": lambda: a + b,
                "-": lambda: a - b,
                "*": lambda: a * b,
                "/": lambda: a / b,
                "^": lambda: math.pow(a, b),
            }[op]()
        except ZeroDivisionError:
            raise self.refuse("division by zero", node) from None
        except (OverflowError, ValueError):
            raise self.refuse("this constant is too large or not a real number", node) from None
        if not math.isfinite(value):
            raise self.refuse("this constant is too large", node)
        return value

    def call(self, node: ast.Call, depth: int) -> Node:
        if isinstance(node.func, ast.Constant):
            raise self.refuse(f"write {node.func.value!r}*(…) for a product", node.func)
        if not isinstance(node.func, ast.Name):
            raise self.refuse("only the listed functions may be called", node)
        name = node.func.id
        arity = FUNCTIONS.get(name)
        if arity is None:
            listed = ", ".join(FUNCTIONS)
            raise self.refuse(f"unknown function {name!r}: the functions are {listed}", node)
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse(f"{name} takes plain arguments", node)
        if len(node.args) != arity:
            count = "one argument" if arity == 1 else f"{arity} arguments"
            raise self.refuse(f"{name} takes {count}", node)
        args = tuple(self.build(a, depth + 1) for a in node.args)
        return Call(name, args)


def _describe_refused(node: ast.AST) -> str:
    """Why a construct is refused, in words a user knows."""
    kinds = {
        ast.Attribute: "attribute access (.)",
        ast.Subscript: "indexing ([ ])",
        ast.Compare: "comparisons",
        ast.BoolOp: "and, or",
        ast.Lambda: "lambda",
        ast.IfExp: "if, else",
        ast.Tuple: "several values",
        ast.List: "lists",
        ast.Dict: "dictionaries",
        ast.Set: "sets",
        ast.JoinedStr: "text",
        ast.NamedExpr: ":=",
        ast.Starred: "*",
    }
    what = next((w for k, w in kinds.items() if isinstance(node, k)), "this construct")
    return f"not allowed in a formula: {what}"
