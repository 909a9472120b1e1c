"""Typed expressions: what the parser accepts, what it refuses (and says), gradients, safety."""

from __future__ import annotations

import ast
import builtins
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.errors import ConfigError
from gdstudio.core.expression import ExpressionError, parse
from gdstudio.core.expression_landscape import expression_landscape
from gdstudio.core.landscapes import ANALYTIC

CORPUS = Path(__file__).parent / "corpus" / "expressions" / "refused.tsv"


def _corpus() -> list[tuple[str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            literal, message = line.split("\t")
            rows.append((ast.literal_eval(literal), message))
    return rows


@pytest.mark.parametrize(("text", "message"), _corpus(), ids=lambda v: repr(v)[:40])
def test_every_refused_input_gets_its_message(text: str, message: str):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert str(caught.value) == message
    assert isinstance(caught.value, ConfigError)  # the core's one error type for settings


def test_the_corpus_covers_the_hostile_inputs_the_issue_names():
    texts = [t for t, _ in _corpus()]
    assert "9**9**9" in texts
    assert any(t.count("(") >= 5000 or len(t) > 500 for t in texts)


@pytest.mark.parametrize(
    ("text", "w", "b", "expected"),
    [
        ("(1 - w)^2 + 100*(b - w^2)^2", 0.5, 0.5, 0.25 + 100 * 0.0625),
        ("sin(3*w)*cos(3*b) + 0.1*(w^2 + b^2)", 0.2, -0.4,
         math.sin(0.6) * math.cos(-1.2) + 0.1 * 0.2),
        ("w ** 2 + b", 3.0, 1.0, 10.0),
        ("-w^2", 3.0, 0.0, -9.0),  # minus binds looser than the power, as in mathematics
        ("2^3^2 * w", 1.0, 0.0, 512.0),  # the power is right-associative
        ("exp(-w) + log(b) + sqrt(w) + abs(-b)", 1.0, 2.0,
         math.exp(-1) + math.log(2) + 1 + 2),
        ("tan(w) + tanh(b) + sinh(w) + cosh(b) + arctan(w)", 0.3, 0.7,
         math.tan(0.3) + math.tanh(0.7) + math.sinh(0.3) + math.cosh(0.7) + math.atan(0.3)),
        ("min(w, b) + max(w, b)", 2.0, -1.0, 1.0),
        ("pi*w + e*b", 1.0, 1.0, math.pi + math.e),
        ("1e-3*w + 2.5E2*b", 1.0, 1.0, 250.001),
        ("(x - 1)^2 + (y + 2)^2", 1.0, -2.0, 0.0),  # x and y name w and b
        ("+w - -b", 1.0, 2.0, 3.0),
        ("w / b", 1.0, 4.0, 0.25),
    ],
)  # fmt: skip
def test_valid_forms_evaluate_as_written(text: str, w: float, b: float, expected: float):
    expr = parse(text)
    landscape = expression_landscape(text, bounds=((-5, 5),) * expr.dim)
    point = np.array([w, b][: expr.dim])
    assert landscape.value(point) == pytest.approx(expected, rel=1e-12)
    v, _ = landscape.point_value_and_grad([w, b][: expr.dim])
    assert v == pytest.approx(expected, rel=1e-12)


def test_one_variable_gives_a_one_parameter_landscape():
    landscape = expression_landscape("(w - 4)^2 + 2", bounds=((-4, 12),))
    assert landscape.dim == 1 and landscape.param_names == ("w",)
    assert landscape.minima[0][0] == pytest.approx(4.0, abs=0.01)
    np.testing.assert_allclose(landscape.grad(np.array([[1.0], [4.0]])), [[-6.0], [0.0]])


def test_the_view_names_the_parameters_as_typed():
    assert expression_landscape("(x - 1)^2 + y^2").param_names == ("x", "y")
    assert expression_landscape("(w - 1)^2 + b^2").param_names == ("w", "b")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("rosenbrock", "(1 - w)^2 + 100*(b - w^2)^2"),
        ("himmelblau", "(w^2 + b - 11)^2 + (w + b^2 - 7)^2"),
        ("beale", "(1.5 - w + w*b)^2 + (2.25 - w + w*b^2)^2 + (2.625 - w + w*b^3)^2"),
    ],
)
def test_typed_gradients_equal_the_built_in_landscapes(name: str, text: str):
    built_in = ANALYTIC[name]
    typed = expression_landscape(text, bounds=built_in.bounds)
    (x0, x1), (y0, y1) = built_in.bounds
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41)), axis=-1)
    scale = 1.0 + np.abs(built_in.grad(grid))
    np.testing.assert_array_less(np.abs(typed.grad(grid) - built_in.grad(grid)) / scale, 1e-12)
    vscale = 1.0 + np.abs(built_in.value(grid))
    np.testing.assert_array_less(np.abs(typed.value(grid) - built_in.value(grid)) / vscale, 1e-12)


def test_points_outside_the_domain_are_holes_not_errors():
    landscape = expression_landscape("log(w) + 1/b + sqrt(w - b)", bounds=((-2, 2), (-2, 2)))
    grid = np.array([[-1.0, 1.0], [1.0, 0.0], [0.5, 1.0], [2.0, 1.0]])
    values = landscape.value(grid)
    assert np.isnan(values[0]) and not np.isfinite(values[1]) and np.isnan(values[2])
    assert values[3] == pytest.approx(math.log(2) + 1 + 1)
    v, g = landscape.point_value_and_grad([-1.0, 1.0])
    assert math.isnan(v) and math.isnan(g[0])


def test_a_formula_real_nowhere_in_the_view_is_refused():
    with pytest.raises(ExpressionError, match="not a real number anywhere in the view"):
        expression_landscape("log(-1 - w^2) + b")


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        (((1, -1), (0, 1)), "low < high"),
        (((0, float("inf")), (0, 1)), "finite"),
        (((0, 1),), "give bounds for 2 parameters"),
        (((0, 1e7), (0, 1)), "wider than"),
        ((("a", 1), (0, 1)), "(low, high) pairs"),
    ],
)
def test_bad_view_bounds_are_refused(bounds, message):
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        expression_landscape("w^2 + b^2", bounds=bounds)


def test_user_text_never_reaches_eval_exec_or_compile(monkeypatch):
    real_compile = builtins.compile

    def refuse(*_args, **_kwargs):
        raise AssertionError("eval/exec called on user text")

    def only_ast(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "compile() called to make code, not a syntax tree"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(builtins, "compile", only_ast)
    landscape = expression_landscape("sin(3*w)*cos(3*b) + 0.1*(w^2 + b^2)")
    assert np.isfinite(landscape.value(np.zeros(2)))
    with pytest.raises(ExpressionError):
        parse("__import__('os').system('echo hacked')")


# --- gradients against finite differences, over generated formulas ---------------------------

_SMOOTH = ("sin", "cos", "tanh", "arctan", "exp")
_leaf = st.sampled_from(["w", "b", "0.5", "2", "1.5", "3"])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})"
    )
    square = children.map(lambda c: f"({c})^2")
    function = st.tuples(st.sampled_from(_SMOOTH), children).map(lambda t: f"{t[0]}({t[1]}/4)")
    quotient = children.map(lambda c: f"({c})/(1 + w^2 + b^2)")
    return binary | square | function | quotient


formulas = st.recursive(_leaf, _combine, max_leaves=10).filter(lambda t: "w" in t or "b" in t)


@settings(max_examples=60, deadline=None)
@given(formulas, st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_symbolic_gradient_matches_finite_differences(text: str, w: float, b: float):
    landscape = expression_landscape(text, bounds=((-2, 2),) * parse(text).dim)
    p = np.array([w, b][: landscape.dim])
    value, grad = landscape.value_and_grad(p)
    if not (np.isfinite(value) and np.all(np.isfinite(grad))) or abs(value) > 1e6:
        return  # exp of exp can overflow: nothing to compare
    h = 1e-6
    for i in range(landscape.dim):
        step = np.zeros_like(p)
        step[i] = h
        numeric = (landscape.value(p + step) - landscape.value(p - step)) / (2 * h)
        assert grad[i] == pytest.approx(numeric, rel=1e-4, abs=1e-5), (text, i)
    v_point, g_point = landscape.point_value_and_grad(list(p))
    assert v_point == pytest.approx(float(value), rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(g_point, grad, rtol=1e-12, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="wbxy0123456789.+-*/^() ,sincoexplgqrtabmh", max_size=60))
def test_any_text_parses_or_is_refused_with_an_expression_error(text: str):
    try:
        expr = parse(text)
    except ExpressionError as err:
        assert str(err) and "\n" not in str(err)
        if err.column is not None:
            assert 0 <= err.column <= len(text)
        return
    assert expr.variables


def _numeric_gradient(landscape, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    out = np.empty(landscape.dim)
    for i in range(landscape.dim):
        step = np.zeros_like(p)
        step[i] = h
        out[i] = (landscape.value(p + step) - landscape.value(p - step)) / (2 * h)
    return out


@pytest.mark.parametrize(
    "text",
    [
        *(f"{fn}(0.3*w - 0.2*b + 1.1)" for fn in
          ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "arctan")),
        "abs(w - 2*b)",
        "min(w^2, b + 1)",
        "max(w^2, b + 1)",
        "w^b",  # a variable exponent
        "(w + 2)^0.5 * b^3",
        "w / (b + 3)",
        "2^w + b",
    ],
)  # fmt: skip
def test_each_function_differentiates_correctly(text: str):
    landscape = expression_landscape(text, bounds=((0.1, 2.0), (0.1, 2.0)))
    for p in ([0.7, 0.4], [1.3, 1.6], [0.25, 1.9]):
        point = np.array(p)
        np.testing.assert_allclose(
            landscape.grad(point), _numeric_gradient(landscape, point), rtol=1e-6, atol=1e-7
        )


def test_a_run_that_reaches_a_hole_left_the_domain():
    from gdstudio.core.optimizers import make_optimizer
    from gdstudio.core.run import Run

    landscape = expression_landscape("log(w) + b^2", bounds=((0.01, 3), (-2, 2)))
    for fast in (True, False):
        run = Run(landscape, make_optimizer("sgd", lr=1.0), (0.5, 1.0), fast=fast)
        run.step(50)
        assert run.status == "diverged"
        assert run.status_text() == f"left the domain at step {run.status_step}"
    built_in = Run(ANALYTIC["rosenbrock"], make_optimizer("sgd", lr=1.0), (-1.5, 2.0))
    built_in.step(50)
    assert built_in.status_text().startswith("diverged at step")
