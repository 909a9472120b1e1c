"""The sweep's settled loss (its highest over the last tenth of the steps) and the best rate."""

from __future__ import annotations

import math

import pytest

from gdstudio.core.catalog import make_landscape
from gdstudio.core.optimizers import make_optimizer, optimizer_names
from gdstudio.core.run import Run
from gdstudio.core.schedules import make_schedule
from gdstudio.core.sweep import SweepRow, best_rows, log_rates, sweep, sweep_rates, tail_start


def _lone_settled(land, row: SweepRow, steps: int, **kw) -> float:
    """A lone run's highest loss from the settled window's first step on (final if it ended)."""
    run = Run(land, make_optimizer(row.optimizer, lr=row.lr), max_steps=steps, **kw)
    run.step(tail_start(steps) - 1)
    highest = -math.inf
    while run.status == "running" and run.steps < steps:
        run.step(1)
        highest = max(highest, run.loss)
    return run.loss if run.status != "stopped" else highest


@pytest.mark.parametrize("steps", [1, 9, 10, 250])
def test_every_rows_settled_loss_is_a_lone_runs_highest_late_loss(steps: int):
    land = make_landscape("rosenbrock")
    rows = sweep(land, [(n, {}) for n in optimizer_names()], log_rates(1e-4, 3.0, 6), steps,
                 tol=1e-5)  # fmt: skip
    for row in rows:
        if row.status == "diverged":
            continue
        assert row.settled_loss == _lone_settled(land, row, steps, tol=1e-5), row


def test_the_lone_run_path_gives_the_same_settled_loss():
    land = make_landscape("rosenbrock")
    schedule = make_schedule("step", step_size=20, gamma=0.5)
    for row in sweep_rates(land, "adam", [0.01, 0.3], 100, schedule=schedule):
        assert row.settled_loss == _lone_settled(land, row, 100, schedule=schedule)


def test_tail_start_is_the_first_of_the_last_tenth():
    assert [tail_start(n) for n in (1, 9, 10, 100, 5000)] == [1, 9, 10, 91, 4501]


def test_the_best_rate_reaches_the_tolerance_first_then_settles_lowest():
    rows = [
        SweepRow("rmsprop", 0.46, 1e-4, None, "stopped", 500, 9.0),  # landed low, hops high
        SweepRow("rmsprop", 0.002, 6e-4, None, "stopped", 500, 6.2e-4),  # steady: wins
        SweepRow("adam", 10.0, 4e-9, 3339, "converged", 3339, 4e-9),  # lower loss, slower
        SweepRow("adam", 2.0, 1e-8, 766, "converged", 766, 1e-8),  # there first: wins
        SweepRow("adam", 0.01, 1e-12, None, "stopped", 500, 1e-12),  # never reached tol
    ]
    assert [(b.optimizer, b.lr) for b in best_rows(rows)] == [("rmsprop", 0.002), ("adam", 2.0)]


def test_a_big_sweep_steps_in_short_chunks_and_still_equals_lone_runs():
    from gdstudio.core.sweep_engine import TABLE_CELLS

    land = make_landscape("rosenbrock")
    rates = log_rates(1e-4, 5.0, 4096)
    racers = [("adam", {}), ("nadam", {}), ("sgd", {})]  # SGD diverges: runs leave mid-chunk
    assert TABLE_CELLS // (len(racers) * len(rates) * 2) < 40  # the tables hold fewer steps
    rows = sweep(land, racers, rates, 40, tol=1e-3)
    assert {r.status for r in rows} >= {"stopped", "diverged"}
    for row in rows[::97]:
        run = Run(land, make_optimizer(row.optimizer, lr=row.lr), tol=1e-3, max_steps=40)
        run.step(40)
        assert (row.final_loss, row.status, row.status_step) == (
            run.loss,
            run.status,
            run.status_step,
        ), row


def test_a_constant_schedule_sweeps_as_one_array_and_equals_lone_runs_with_it(monkeypatch):
    from gdstudio.core import sweep as sweep_module

    land = make_landscape("rosenbrock")
    constant = make_schedule("constant")
    lone_calls: list[Run] = []
    real = sweep_module._finished
    monkeypatch.setattr(sweep_module, "_finished", lambda run: lone_calls.append(run) or real(run))
    rows = sweep(land, [(n, {}) for n in optimizer_names()], log_rates(1e-4, 1.0, 5), 120,
                 schedule=constant, tol=1e-5)  # fmt: skip
    assert not lone_calls  # the window's Constant schedule does not send runs one by one
    for row in rows:
        run = Run(land, make_optimizer(row.optimizer, lr=row.lr), schedule=constant,
                  max_steps=120, tol=1e-5)  # fmt: skip
        run.step(120)
        assert (row.final_loss, row.status, row.status_step) == (
            run.loss,
            run.status,
            run.status_step,
        ) or (math.isnan(row.final_loss) and math.isnan(run.loss)), row
