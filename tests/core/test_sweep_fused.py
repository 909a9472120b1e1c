"""The sweep's measures (sweep_fused.py) and block checks: the same numbers as the formulas,
the same rows as the general path and as lone runs."""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core import sweep_engine
from gdstudio.core.catalog import make_landscape
from gdstudio.core.expression_landscape import expression_landscape
from gdstudio.core.landscape_math import FORMULAS
from gdstudio.core.landscapes import ANALYTIC
from gdstudio.core.optimizers import make_optimizer, optimizer_names
from gdstudio.core.run import Run
from gdstudio.core.sweep import SweepRow, log_rates, sweep, sweep_rates
from gdstudio.core.sweep_fused import _Formula, _General, _Rosenbrock, kernel_for

coordinate = st.one_of(
    st.floats(-3.0, 3.0),
    st.floats(-1e160, 1e160),
    st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan, 1e155, -1e200]),
)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal numbers (nan where nan), and the same shape."""
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def _formula(name: str, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    value, *parts = FORMULAS[name].both(*points.T, np)
    grad = np.empty_like(points)
    for i, part in enumerate(parts):
        grad[:, i] = part
    return np.broadcast_to(value, len(points)), grad


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=12))
def test_the_fused_rosenbrock_gives_the_formulas_bits(rows):
    points = np.array(rows, dtype=np.float64)
    kernel = _Rosenbrock(len(points), 3)
    grads = [np.empty_like(points) for _ in range(3)]
    shifted = [points, points * 1.5, points - 2.0]  # three measures in one block
    with np.errstate(all="ignore"):
        for p, g in zip(shifted, grads, strict=True):
            assert kernel.bind(p, g)() is None  # the loss is left for the block's end
        losses = kernel.losses(np.stack(shifted))
        for k, (p, g) in enumerate(zip(shifted, grads, strict=True)):
            value, grad = _formula("rosenbrock", p)
            assert _same_bits(g, grad)
            assert _same_bits(losses[k], value)


@pytest.mark.parametrize("name", sorted(ANALYTIC))
def test_each_built_in_formulas_measure_gives_its_bits(name: str):
    land = ANALYTIC[name]
    rng = np.random.default_rng(7)
    points = rng.uniform(-3, 3, size=(40, len(land.bounds)))
    kernel = kernel_for(land)(len(points), 1)
    assert kernel.deferred
    grad = np.empty_like(points)
    loss = kernel.both(points, grad)
    value, expected = _formula(name, points)
    assert _same_bits(grad, expected) and _same_bits(np.asarray(loss), value)


def test_data_and_typed_landscapes_measure_loss_and_gradient_each_step():
    for land in (make_landscape("linear-mse"), expression_landscape("sin(3*w)*cos(3*b)")):
        kernel = kernel_for(land)(4, 8)
        assert isinstance(kernel, _General) and not kernel.deferred
        points = np.array([[0.1, 0.2], [0.3, -0.4], [1.0, 1.0], [-0.5, 0.25]])
        grad = np.empty_like(points)
        loss = kernel.bind(points, grad)()
        assert loss is not None
        assert np.array_equal(loss, np.asarray(land.value(points), dtype=float).reshape(-1))
        assert np.array_equal(grad, np.asarray(land.grad(points)).reshape(points.shape))


def _general(landscape):
    """kernel_for as if every landscape were a data one: loss and gradient every step."""
    return lambda n, block: _General(landscape)


def _num(x: float) -> float | str:
    return x if math.isfinite(x) else str(x)  # nan as text: equal to another nan


def _rows_key(rows: list[SweepRow]) -> list[tuple]:
    return [
        (r.optimizer, r.lr, _num(r.final_loss), r.steps_to_tol, r.status, r.status_step,
         _num(r.settled_loss))
        for r in rows
    ]  # fmt: skip


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.floats(1e-6, 20.0), min_size=1, max_size=5),
    st.tuples(st.floats(-2, 2), st.floats(-1, 3)),
    st.integers(1, 120),
    st.sampled_from([0.0, 1e-4, 1e-2]),
)
def test_fused_rows_equal_the_general_paths_over_random_rates_and_starts(rates, start, steps, tol):
    land = make_landscape("rosenbrock")
    racers = [(name, {}) for name in optimizer_names()]
    fused = sweep(land, racers, rates, steps, start=start, tol=tol)
    with mock.patch.object(sweep_engine, "kernel_for", _general):
        general = sweep(land, racers, rates, steps, start=start, tol=tol)
    assert _rows_key(fused) == _rows_key(general)


def test_the_general_path_is_what_the_patch_gives():  # the test above compares two paths
    seen = []
    with mock.patch.object(
        sweep_engine, "kernel_for", lambda land: seen.append(land) or _general(land)
    ):
        sweep_rates(make_landscape("rosenbrock"), "adam", [0.01], 5)
    assert seen and seen[0].name == "rosenbrock"


@pytest.mark.parametrize("block", [1, 5, 32])
def test_runs_ending_inside_a_block_end_at_their_own_step(block: int, monkeypatch):
    monkeypatch.setattr(sweep_engine, "BLOCK", block)
    land = make_landscape("quadratic2d")  # converges at many different steps with the rate
    rates = log_rates(1e-3, 1.5, 40)
    steps = 97  # not a multiple of the block
    rows = sweep(land, [("sgd", {}), ("momentum", {}), ("adam", {})], rates, steps, tol=1e-3)
    ends = {r.status_step for r in rows if r.status != "stopped"}
    assert len(ends) > 10  # the runs end all over the blocks
    for row in rows:
        run = Run(land, make_optimizer(row.optimizer, lr=row.lr), max_steps=steps, tol=1e-3)
        run.step(steps)
        assert row.status == run.status and row.status_step == run.status_step, row
        assert row.final_loss == run.loss, row


def test_a_typed_rosenbrock_sweeps_as_lone_runs_on_it():
    land = expression_landscape("(1 - w)^2 + 100*(b - w^2)^2", bounds=((-2, 2), (-1, 3)))
    rows = sweep(land, [(n, {}) for n in optimizer_names()], log_rates(1e-4, 3.0, 5), 60, tol=1e-5)
    for row in rows:
        run = Run(land, make_optimizer(row.optimizer, lr=row.lr), max_steps=60, tol=1e-5)
        run.step(60)
        assert row.status == run.status and row.status_step == run.status_step, row
        assert row.final_loss == run.loss or (math.isnan(row.final_loss) and math.isnan(run.loss))


def test_a_formula_kernel_is_used_for_built_ins_but_rosenbrock():
    assert isinstance(kernel_for(ANALYTIC["himmelblau"])(3, 4), _Formula)
    assert isinstance(kernel_for(ANALYTIC["rosenbrock"])(3, 4), _Rosenbrock)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e70, 1e70), st.floats(-1e70, 1e70)), min_size=1))
def test_rosenbrocks_loss_is_finite_wherever_the_kernel_says(rows):
    points = np.array(rows, dtype=np.float64)
    assert np.all(np.abs(points) <= _Rosenbrock.finite_within)
    assert np.all(np.isfinite(FORMULAS["rosenbrock"].value(*points.T, np)))
