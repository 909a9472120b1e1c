"""Learning-rate sweeps: every row equals a lone run at that rate; rates and the best rate."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.catalog import make_landscape
from gdstudio.core.errors import ConfigError
from gdstudio.core.optimizers import make_optimizer, optimizer_names
from gdstudio.core.run import Run
from gdstudio.core.schedules import make_schedule
from gdstudio.core.sweep import SweepRow, best_rows, log_rates, parse_rates, sweep, sweep_rates


def _lone(landscape, row: SweepRow, steps: int, hyper=None, start=None, **kw) -> Run:
    run = Run(
        landscape,
        make_optimizer(row.optimizer, **(hyper or {}), lr=row.lr),
        start,
        max_steps=steps,
        **kw,
    )
    run.step(steps)
    return run


def _same(row: SweepRow, run: Run) -> bool:
    loss_same = row.final_loss == run.loss or (math.isnan(row.final_loss) and math.isnan(run.loss))
    converged = run.status_step if run.status == "converged" else None
    return (
        loss_same
        and row.status == run.status
        and row.status_step == run.status_step
        and row.steps_to_tol == converged
    )


@pytest.mark.parametrize("landscape", ["rosenbrock", "himmelblau", "saddle", "linear-mse",
                                       "linear-huber", "bowl1d"])  # fmt: skip
def test_every_row_equals_a_lone_run_bit_for_bit(landscape: str):
    land = make_landscape(landscape)
    rates = log_rates(1e-4, 3.0, 12)
    rows = sweep(land, [(name, {}) for name in optimizer_names()], rates, 300, tol=1e-5)
    assert len(rows) == 12 * len(optimizer_names())
    assert {r.status for r in rows} <= {"converged", "diverged", "stopped"}
    for row in rows:
        assert _same(row, _lone(land, row, 300, tol=1e-5)), row


@pytest.mark.parametrize(
    ("optimizer", "hyper"),
    [
        ("sgd", {"momentum": 0.5, "dampening": 0.2, "weight_decay": 0.01}),
        ("sgd", {"momentum": 0.8, "nesterov": True}),
        ("rmsprop", {"centered": True, "momentum": 0.5, "alpha": 0.9}),
        ("adagrad", {"lr_decay": 0.01, "initial_accumulator_value": 0.1}),
        ("adam", {"amsgrad": True, "betas": (0.8, 0.99), "weight_decay": 0.1}),
        ("adamw", {"weight_decay": 0.5}),
        ("nadam", {"momentum_decay": 0.01, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ],
)
def test_hyperparameters_and_clipping_match_lone_runs(optimizer: str, hyper: dict):
    land = make_landscape("rosenbrock")
    rates = log_rates(1e-3, 1.0, 7)
    for clip in (None, 0.5):
        rows = sweep_rates(land, optimizer, rates, 200, hyper=hyper, clip_norm=clip,
                           start=(-1.0, 2.5), tol=1e-7)  # fmt: skip
        for row in rows:
            run = _lone(land, row, 200, hyper, (-1.0, 2.5), clip_norm=clip, tol=1e-7)
            assert _same(row, run), (row, run.loss, run.status)


def test_schedules_and_minibatches_give_the_lone_runs_answers():
    land = make_landscape("linear-mae")
    rates = [0.01, 0.1, 1.0]
    schedule = make_schedule("step", step_size=20, gamma=0.5)
    rows = sweep_rates(land, "sgd", rates, 60, schedule=schedule)
    for row in rows:
        assert _same(row, _lone(land, row, 60, schedule=schedule))
    rows = sweep_rates(land, "adam", rates, 60, batch_size=2, seed=3)
    for row in rows:
        assert _same(row, _lone(land, row, 60, batch_size=2, seed=3))


def test_a_huge_rate_diverges_and_a_tiny_one_stops_at_max_steps():
    land = make_landscape("rosenbrock")
    low, high = sweep_rates(land, "sgd", [1e-9, 50.0], 100)
    assert (low.status, low.status_step, low.status_text) == (
        "stopped",
        100,
        "stopped at step 100 (max steps)",
    )
    assert high.status == "diverged" and high.status_step < 100
    assert high.status_text == f"diverged at step {high.status_step}"


def test_a_start_at_the_minimum_converges_at_step_zero_for_every_rate():
    rows = sweep_rates(make_landscape("rosenbrock"), "adam", [0.1, 1.0], 50, start=(1.0, 1.0))
    assert [(r.status, r.status_step, r.steps_to_tol) for r in rows] == [("converged", 0, 0)] * 2


def test_one_step_stops_at_step_one_and_zero_steps_are_refused():
    rows = sweep_rates(make_landscape("rosenbrock"), "sgd", [0.1], 1)
    assert (rows[0].status, rows[0].status_step) == ("stopped", 1)
    with pytest.raises(ConfigError, match="steps must be a whole number >= 1"):
        sweep_rates(make_landscape("rosenbrock"), "sgd", [0.1], 0)


def test_log_rates_span_the_range_evenly_in_log():
    rates = log_rates(1e-5, 10.0, 64)
    assert len(rates) == 64 and rates[0] == pytest.approx(1e-5) and rates[-1] == pytest.approx(10)
    np.testing.assert_allclose(np.diff(np.log(rates)), np.log(1e6) / 63)
    np.testing.assert_array_equal(parse_rates("1e-5:10:64"), rates)
    np.testing.assert_array_equal(parse_rates("0.1,0.01"), [0.1, 0.01])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1:0.1:5", "from low to high"),
        ("0:1:5", "lowest learning rate"),
        ("1e-3:1:0", "number of rates"),
        ("1e-3:1:99999", "number of rates"),
        ("a:b:c", "FROM:TO:COUNT"),
        ("1:2", "FROM:TO:COUNT"),
        ("0.1,-1", "learning rate"),
        ("inf:1:3", "lowest learning rate"),
    ],
)
def test_bad_rate_ranges_are_refused_with_a_message(text: str, message: str):
    with pytest.raises(ConfigError, match=message):
        parse_rates(text)


def test_bad_settings_get_the_optimizers_own_messages():
    land = make_landscape("rosenbrock")
    with pytest.raises(ConfigError, match="unknown optimizer"):
        sweep_rates(land, "adamax", [0.1], 10)
    with pytest.raises(ConfigError, match="momentum"):
        sweep_rates(land, "sgd", [0.1], 10, hyper={"momentum": 2.0})
    with pytest.raises(ConfigError, match="start"):
        sweep_rates(land, "sgd", [0.1], 10, start=(1.0,))
    with pytest.raises(ConfigError, match="rates"):
        sweep_rates(land, "sgd", [], 10)


def test_the_best_rate_is_the_lowest_final_loss_and_never_a_diverged_one():
    rows = [
        SweepRow("sgd", 0.1, 0.5, None, "stopped", 100),
        SweepRow("sgd", 1.0, 0.01, 40, "converged", 40),
        SweepRow("sgd", 2.0, 0.01, 30, "converged", 30),  # same loss, fewer steps: wins
        SweepRow("sgd", 9.0, 1e-9, None, "diverged", 3),
        SweepRow("adam", 5.0, float("nan"), None, "diverged", 1),
    ]
    best = best_rows(rows)
    assert [(b.optimizer, b.lr) for b in best] == [("sgd", 2.0), ("adam", 5.0)]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(1e-6, 20.0), min_size=1, max_size=6),
    st.tuples(st.floats(-2, 2), st.floats(-1, 3)),
    st.sampled_from(optimizer_names()),
    st.integers(1, 80),
)
def test_sweeps_equal_lone_runs_over_random_rates_and_starts(rates, start, optimizer, steps):
    land = make_landscape("rosenbrock")
    for row in sweep_rates(land, optimizer, rates, steps, start=start, tol=1e-4):
        assert _same(row, _lone(land, row, steps, start=start, tol=1e-4)), row
