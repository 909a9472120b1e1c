"""Run: true first steps, status (converged / diverged), bounded history, stochastic modes."""

import numpy as np
import pytest

from gdstudio.core.catalog import make_landscape
from gdstudio.core.data import Dataset
from gdstudio.core.errors import ConfigError
from gdstudio.core.history import History
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.race import Race
from gdstudio.core.run import Run
from gdstudio.core.schedules import make_schedule


def test_first_sgd_step_on_quadratic2d_is_the_true_one():
    run = Run(make_landscape("quadratic2d"), make_optimizer("sgd", lr=0.1), (8.0, 6.0))
    rows = []
    run.step(1, on_row=rows.append)
    assert rows[0].params.tolist() == pytest.approx([7.0, 4.6])
    assert rows[0].loss == pytest.approx(47.36)
    assert rows[0].grad_norm == pytest.approx(np.hypot(8.0, 11.2))
    assert rows[0].lr == 0.1


def test_articles_line_fit_ends_at_the_true_coefficients():
    run = Run(make_landscape("linear-mse"), make_optimizer("sgd", lr=0.01), (0.0, 0.0))
    run.step(2000)
    assert run.params.round(3).tolist() == [2.030, -0.029]


def test_converges_and_stops_below_tolerance():
    run = Run(make_landscape("quadratic2d"), make_optimizer("sgd", lr=0.1), tol=1e-6)
    taken = run.step(10_000)
    assert run.status == "converged"
    assert run.status_step == taken == run.steps
    assert run.grad_norm < 1e-6
    assert run.status_text() == f"converged at step {taken}"
    assert run.step(5) == 0


def test_too_large_learning_rate_diverges_without_emitting_nan():
    run = Run(make_landscape("bowl1d"), make_optimizer("sgd", lr=1.5))
    rows = []
    run.step(100_000, on_row=rows.append)
    assert run.status == "diverged"
    assert run.status_text().startswith("diverged at step ")
    cols = run.history.columns()
    assert all(np.isfinite(v).all() for v in cols.values())
    assert all(np.isfinite(r.loss) for r in rows)
    assert run.step(3) == 0


def test_non_finite_parameters_end_the_run_at_that_step():
    run = Run(make_landscape("rosenbrock"), make_optimizer("sgd", lr=10.0), (-1.5, 2.0))
    run.step(100)
    assert run.status == "diverged"
    assert run.status_step <= 10
    assert np.isfinite(run.params).all()


def test_schedule_sets_each_steps_learning_rate():
    sched = make_schedule("step", step_size=2, gamma=0.5)
    run = Run(make_landscape("quadratic2d"), make_optimizer("sgd", lr=0.1), schedule=sched, tol=0)
    rows = []
    run.step(5, on_row=rows.append)
    assert [r.lr for r in rows] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_gradient_clipping_limits_the_first_step():
    run = Run(
        make_landscape("quadratic2d"), make_optimizer("sgd", lr=1.0), (8.0, 6.0), clip_norm=1.0
    )
    run.step(1)
    assert np.linalg.norm(run.params - np.array([8.0, 6.0])) == pytest.approx(1.0, rel=1e-5)


def test_hyperparameter_change_applies_from_the_next_step():
    run = Run(make_landscape("quadratic2d"), make_optimizer("sgd", lr=0.1), (8.0, 6.0))
    run.step(1)
    run.optimizer.set_hyper("lr", 0.0)
    before = run.params.copy()
    run.step(1)
    assert np.array_equal(run.params, before)


def test_reset_returns_to_a_new_start_and_clears_history():
    run = Run(make_landscape("quadratic2d"), make_optimizer("adam", lr=0.1))
    run.step(50)
    run.reset((1.0, 1.0))
    assert run.steps == 0 and run.params.tolist() == [1.0, 1.0]
    assert len(run.history) == 1 and run.status == "running"


def test_wrong_start_dimension_is_refused():
    with pytest.raises(
        ConfigError, match=r"start must be 2 finite numbers \(x, y\), got \(1.0, 2.0, 3.0\)"
    ):
        Run(make_landscape("rosenbrock"), make_optimizer("sgd"), (1.0, 2.0, 3.0))


@pytest.mark.parametrize("batch", [1, 8])
def test_same_seed_gives_identical_stochastic_trajectories(batch):
    ds = Dataset.generate(100, seed=1)
    runs = [
        Run(
            make_landscape("linear-mse", ds),
            make_optimizer("sgd", lr=0.001),
            batch_size=batch,
            seed=42,
            tol=0,
        )
        for _ in range(3)
    ]
    runs[2].seed = 43
    runs[2].reset()
    for r in runs:
        r.step(300)
    a, b, c = (r.history.columns()["params"] for r in runs)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_stochastic_mode_counts_epochs_and_is_noisier_than_full_batch():
    ds = Dataset.generate(64, slope=2.0, noise=2.0, seed=0)
    ls = make_landscape("linear-mse", ds)
    full = Run(ls, make_optimizer("sgd", lr=0.002), tol=0)
    sgd = Run(ls, make_optimizer("sgd", lr=0.002), batch_size=1, seed=0, tol=0)
    mini = Run(ls, make_optimizer("sgd", lr=0.002), batch_size=16, seed=0, tol=0)
    for r in (full, sgd, mini):
        r.step(640)
    assert sgd.epoch == pytest.approx(10.0)
    assert mini.epoch == pytest.approx(160.0)
    assert full.epoch == 640.0  # a full batch is one epoch a step

    def roughness(run):
        loss = run.history.columns()["loss"][-300:]
        return np.mean(np.abs(np.diff(loss)))

    assert roughness(sgd) > roughness(mini) > roughness(full)


def test_memory_stays_bounded_however_long_a_run_goes():
    # A capacity of 8 rows is full after 8 steps; 50,000 steps force a dozen decimations
    # (stride 8192), the same property a million steps at capacity 1024 shows, 20x faster.
    run = Run(
        make_landscape("elongated"), make_optimizer("sgd", lr=1e-4), tol=0, history_capacity=8
    )
    start_bytes = run.history.nbytes
    for _ in range(5):
        run.step(10_000)
        assert run.history.nbytes == start_bytes
    cols = run.history.columns()
    assert run.history.stride >= 2**12
    assert len(cols["step"]) <= 9
    assert cols["step"][0] == 0 and cols["step"][-1] == 50_000
    assert cols["params"][0].tolist() == list(run.start)
    assert np.array_equal(cols["params"][-1], run.params)
    assert np.all(np.diff(cols["step"]) > 0)


def test_history_decimates_evenly_and_keeps_first_and_latest():
    h = History(1, capacity=8)
    for s in range(0, 101):
        h.append(s, np.array([float(s)]), float(s), 0.0, 0.1)
    steps = h.columns()["step"].tolist()
    assert steps[0] == 0 and steps[-1] == 100
    assert len(steps) <= 9
    gaps = np.diff(steps[:-1])
    assert len(set(gaps.tolist())) == 1


def test_race_steps_runs_together_and_reports_each():
    ls = make_landscape("rosenbrock")
    runs = [
        Run(ls, make_optimizer("sgd", lr=1e-3), tol=1e-4),
        Run(ls, make_optimizer("adam", lr=0.05), tol=1e-4),
    ]
    race = Race(runs)
    race.reset((-1.5, 2.0))
    while runs[1].running:
        race.step(100)
    res = {r.name: r for r in race.results()}
    assert res["Adam"].steps_to_tol is not None
    assert res["Adam"].final_loss < 1e-6
    assert res["SGD"].steps_to_tol is None
    assert res["SGD"].status == "paused"  # it can go on
    assert res["SGD"].steps >= res["Adam"].steps
    assert race.running


def test_race_add_uses_the_shared_start():
    ls = make_landscape("quadratic2d")
    race = Race([Run(ls, make_optimizer("sgd"), (1.0, 2.0))])
    late = Run(ls, make_optimizer("adam"))
    race.add(late)
    assert late.start.tolist() == [1.0, 2.0]


def test_data_edit_keeps_the_run_going_on_the_new_landscape():
    ds = Dataset.default()
    run = Run(make_landscape("linear-mse", ds), make_optimizer("sgd", lr=0.01), tol=1e-3)
    run.step(5000)
    assert run.status == "converged"
    ds.add(6.0, 30.0)
    run.set_landscape(make_landscape("linear-mse", ds))
    assert run.status == "running"
    run.step(10)
    assert run.steps > run.status_step if run.status_step else True


def test_next_lr_follows_the_schedule_and_live_changes():
    sched = make_schedule("exponential", gamma=0.5)
    run = Run(make_landscape("quadratic2d"), make_optimizer("sgd", lr=0.1), schedule=sched)
    assert run.next_lr == 0.1
    run.step(2)
    assert run.next_lr == pytest.approx(0.025)
    run.optimizer.set_hyper("lr", 1.0)
    assert run.next_lr == pytest.approx(0.25)


def test_stochastic_steps_on_costly_losses_measure_within_a_budget():
    ds = Dataset.generate(10_000, seed=3)
    ls = make_landscape("linear-huber", ds)
    run = Run(
        ls,
        make_optimizer("sgd", lr=1e-3),
        batch_size=32,
        seed=0,
        tol=0,
        max_steps=95,
        measure_budget=2_500,
    )
    rows = []
    run.step(95, on_row=rows.append)
    assert [r.step for r in rows] == [*range(4, 95, 4), 95]  # every 4th step, and the last
    assert run.steps == 95
    assert run.loss == pytest.approx(float(ls.value(run.params)))
    exact = Run(ls, make_optimizer("sgd", lr=1e-3), batch_size=32, seed=0, tol=0)
    exact.step(95)
    assert np.array_equal(exact.params, run.params)  # same trajectory, fewer measurements


# --- status: ready, paused, stopped at max steps, no data -----------------------------------------


def test_a_run_says_ready_until_it_steps_then_paused_or_running():
    run = Run(make_landscape("rosenbrock"), make_optimizer("adam", lr=1e-3))
    assert run.status == "running" and run.status_text() == "ready"
    assert run.status_text(playing=True) == "running"
    run.step(3)
    assert run.status_text() == "paused" and run.status_text(playing=True) == "running"
    run.reset()
    assert run.status_text() == "ready"


def test_epochs_count_full_batches_on_data_and_nothing_on_formulas():
    land = make_landscape("linear-mse", Dataset.generate(12, slope=2.0, noise=1.0, seed=0))
    full = Run(land, make_optimizer("sgd", lr=0.01))
    assert full.epoch == 0.0
    full.step(7)
    assert full.epoch == 7.0  # every full-batch step sees every point once
    sgd = Run(land, make_optimizer("sgd", lr=0.01), batch_size=1)
    assert sgd.epoch == 0.0  # no sample drawn yet
    assert Run(make_landscape("rosenbrock"), make_optimizer("sgd")).epoch is None


def test_reaching_max_steps_says_stopped_and_raising_it_goes_on():
    run = Run(make_landscape("rosenbrock"), make_optimizer("sgd", lr=1e-4), max_steps=20)
    rows = []
    assert run.step(1000, on_row=rows.append) == 20
    assert run.status == "stopped" and not run.running
    assert run.status_text() == "stopped at step 20 (max steps)"
    assert rows[-1].step == 20 and run.step(5) == 0
    run.max_steps = 30  # as the window's Max steps box does
    assert run.status == "running" and run.status_text() == "paused"
    assert run.status_text(playing=True) == "running"
    assert run.step(1000) == 10
    assert run.status_text() == "stopped at step 30 (max steps)"


def test_lowering_max_steps_below_the_steps_taken_stops_a_running_run():
    run = Run(make_landscape("rosenbrock"), make_optimizer("sgd", lr=1e-4))
    run.step(50)
    run.max_steps = 10
    assert run.status_text() == "stopped at step 50 (max steps)"
    run.max_steps = None
    assert run.running


def test_a_converged_run_is_not_called_stopped_by_max_steps():
    run = Run(make_landscape("quadratic2d"), make_optimizer("sgd", lr=0.5), max_steps=1)
    run.step(5)
    assert run.status_text() == "converged at step 1"


def test_race_is_over_once_every_run_stopped_and_says_so():
    ls = make_landscape("rosenbrock")
    race = Race(
        [
            Run(ls, make_optimizer("sgd", lr=1e-4), max_steps=40),
            Run(ls, make_optimizer("adam", lr=1e-3), max_steps=40),
        ]
    )
    while race.running:
        race.step(7)
    assert [r.status for r in race.results()] == ["stopped at step 40 (max steps)"] * 2
    assert all(r.steps_to_tol is None and r.steps == 40 for r in race.results())
    race.runs[0].max_steps = 50
    assert race.running


def test_an_empty_dataset_takes_no_step_and_says_no_data():
    ds = Dataset()
    run = Run(make_landscape("linear-mse", ds), make_optimizer("sgd", lr=0.1), batch_size=2)
    assert run.status_text() == "no data: add points"
    assert run.status != "converged" and not run.running
    assert run.step(10) == 0 and run.steps == 0
    assert np.isnan(run.loss) and np.isnan(run.grad_norm)  # no loss to show, not 0
    for x, y in [(1.0, 2.0), (2.0, 4.1), (3.0, 5.9)]:
        ds.add(x, y)
    run.set_landscape(make_landscape("linear-mse", ds))
    assert run.running and np.isfinite(run.loss) and len(run.history) == 1
    assert run.step(10) == 10
    ds.clear()
    run.set_landscape(make_landscape("linear-mse", ds))
    assert run.status_text() == "no data: add points" and run.steps == 10
    run.reset()
    assert run.status_text() == "no data: add points"


@pytest.mark.parametrize("loss", ["linear-mae", "linear-huber"])
def test_an_empty_dataset_is_no_data_under_every_loss(loss):
    run = Run(make_landscape(loss, Dataset()), make_optimizer("adam"))
    assert run.status_text() == "no data: add points" and run.step(3) == 0


# --- settings are checked when made, never mid-run ------------------------------------------


BAD_SETTINGS = [
    ({"clip_norm": 0}, "clip_norm must be a finite number > 0, got 0"),
    ({"clip_norm": -1.0}, "clip_norm must be a finite number > 0"),
    ({"clip_norm": float("nan")}, "clip_norm must be a finite number > 0, got nan"),
    ({"clip_norm": float("inf")}, "clip_norm must be a finite number > 0, got inf"),
    ({"clip_norm": 10**400}, "clip_norm .* got an integer of 401 digits"),
    ({"batch_size": 0}, "batch_size must be a whole number >= 1, got 0"),
    ({"batch_size": -2}, "batch_size must be a whole number >= 1"),
    ({"batch_size": 2.0}, "batch_size must be a whole number >= 1, got 2.0"),
    ({"batch_size": True}, "batch_size must be a whole number >= 1, got True"),
    ({"seed": -1}, "seed must be a whole number >= 0, got -1"),
    ({"seed": 1.5}, "seed must be a whole number >= 0"),
    ({"seed": False}, "seed must be a whole number >= 0"),
    ({"seed": 2**64}, "seed must be a whole number >= 0"),
    ({"tol": -1e-6}, "tol must be a finite number >= 0"),
    ({"tol": float("nan")}, "tol must be a finite number >= 0"),
    ({"max_steps": 0}, "max_steps must be a whole number >= 1, got 0"),
    ({"max_steps": 10.0}, "max_steps must be a whole number >= 1"),
    ({"max_steps": 10**30}, "max_steps must be a whole number >= 1"),
    ({"history_capacity": 7}, r"history_capacity must be an even whole number in \[4, "),
    ({"history_capacity": 2**40}, "history_capacity must be an even whole number"),
    ({"measure_budget": 0}, "measure_budget must be a whole number >= 1"),
    ({"start": (float("nan"), 1.0)}, r"start must be 2 finite numbers \(x, y\), got \(nan, 1.0\)"),
    ({"start": (float("inf"), 1.0)}, "start must be 2 finite numbers"),
    ({"start": (1.0,)}, "start must be 2 finite numbers"),
    ({"start": ("1", "2")}, "start must be 2 finite numbers"),
    ({"start": (10**400, 1)}, "start must be 2 finite numbers"),
    ({"schedule": "cosine"}, "schedule must be a Schedule or None"),
]


@pytest.mark.parametrize(("setting", "message"), BAD_SETTINGS, ids=lambda v: repr(v)[:40])
def test_bad_settings_are_refused_at_construction_with_a_message(setting, message):
    kwargs = dict(setting)
    start = kwargs.pop("start", None)
    with pytest.raises(ConfigError, match=message):
        Run(make_landscape("rosenbrock"), make_optimizer("sgd"), start, **kwargs)


def test_a_bad_setting_made_later_is_refused_and_changes_nothing():
    run = Run(make_landscape("rosenbrock"), make_optimizer("sgd"), clip_norm=1.0, max_steps=9)
    for name, value in [
        ("clip_norm", 0.0),
        ("tol", -1.0),
        ("seed", -1),
        ("max_steps", 0),
        ("batch_size", 0),
    ]:
        before = getattr(run, name)
        with pytest.raises(ConfigError, match=name):
            setattr(run, name, value)
        assert getattr(run, name) == before
    with pytest.raises(ConfigError, match="start"):
        run.reset((float("nan"), 0.0))
    assert run.start.tolist() == [-1.5, 2.0]
    assert run.step(20) == 9


def test_an_lr_too_large_for_a_float_ends_the_run_as_diverged():
    # gamma**t overflows a float at t = 2 (1e600): the run stops there, no OverflowError.
    # At the minimum with tol 0 the run stays put, so only the lr can end it.
    sched = make_schedule("exponential", gamma=1e300)
    run = Run(
        make_landscape("quadratic2d"),
        make_optimizer("sgd", lr=1e-3),
        (3.0, -1.0),
        schedule=sched,
        tol=0,
    )
    run.step(50)
    assert run.status_text() == "diverged at step 3"
    assert run.status_reason == "the learning rate became non-finite"
    assert np.isfinite(run.lr) and np.isfinite(run.params).all()


def test_an_absurd_learning_rate_diverges_cleanly():
    run = Run(make_landscape("rosenbrock"), make_optimizer("adam", lr=1e300))
    rows = []
    run.step(100, on_row=rows.append)
    assert run.status == "diverged" and run.status_step <= 3
    assert all(np.isfinite([r.loss, r.grad_norm, r.lr]).all() for r in rows)


def test_a_huge_finite_start_is_diverged_at_step_zero():
    run = Run(make_landscape("quadratic2d"), make_optimizer("sgd"), (1e300, 0.0))
    assert run.status_text() == "diverged at step 0" and run.step(3) == 0


def test_a_race_streams_each_runs_rows_as_they_are_made():
    ls = make_landscape("quadratic2d")
    runs = [Run(ls, make_optimizer("sgd", lr=0.1)), Run(ls, make_optimizer("adam", lr=0.1))]
    heard: list[tuple[str, int]] = []
    assert Race(runs).step(3, on_row=lambda run, row: heard.append((run.name, row.step))) == 3
    assert heard == [("SGD", 1), ("SGD", 2), ("SGD", 3), ("Adam", 1), ("Adam", 2), ("Adam", 3)]
