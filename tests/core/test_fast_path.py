"""Run's scalar fast path and its array path give the same runs, bit for bit.

Every optimizer, schedule, clip norm, gradient mode and start, stepped in chunks with the
user's edits between them: the same statuses and reasons, parameters, losses, history rows,
streamed rows and optimizer state.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from libm_agreement import bit_exact
from optimizer_strategies import draw_optimizer

from gdstudio.core.catalog import DATA_LANDSCAPES, make_landscape
from gdstudio.core.data import Dataset
from gdstudio.core.errors import ConfigError
from gdstudio.core.fast_step import fast_step
from gdstudio.core.landscapes import ANALYTIC
from gdstudio.core.optimizers import OPTIMIZERS, make_optimizer
from gdstudio.core.race import Race
from gdstudio.core.run import STOPPED, Run
from gdstudio.core.schedules import SCHEDULES, make_schedule

FRACTION = st.floats(0.0, 1.0, exclude_max=True)
HYPER = {
    "lr": st.floats(0.0, 0.5) | st.sampled_from([1e-4, 1e-2, 3.0, 1e300]),
    "momentum": FRACTION,
    "dampening": st.just(0.0) | st.floats(0.0, 1.0),
    "weight_decay": st.just(0.0) | st.floats(0.0, 1.0) | st.just(1e300),
    "nesterov": st.booleans(),
    "alpha": FRACTION,
    "eps": st.floats(1e-12, 1.0),
    "centered": st.booleans(),
    "lr_decay": st.floats(0.0, 10.0),
    "initial_accumulator_value": st.floats(0.0, 10.0),
    "betas": st.tuples(FRACTION, FRACTION),
    "amsgrad": st.booleans(),
    "momentum_decay": st.floats(0.0, 1.0),
    "decoupled_weight_decay": st.booleans(),
}
SCHEDULE = {
    "step_size": st.integers(1, 50),
    "gamma": st.floats(1e-3, 2.0) | st.just(1e300),
    "T_max": st.integers(1, 80),
    "eta_min": st.floats(0.0, 0.1),
    "warmup_steps": st.integers(0, 40),
    "start_factor": st.floats(1e-3, 1.0),
}
COORD = (
    st.floats(-10, 10)
    | st.floats(-1e300, 1e300)
    | st.sampled_from([0.0, -0.0, 5e-324, 1e150, -1e200])
)


def _bits(x) -> bytes:
    return np.asarray(x, dtype=np.float64).tobytes()


@st.composite
def optimizer_args(draw):
    return draw_optimizer(draw, HYPER)


@st.composite
def schedules(draw):
    name = draw(st.none() | st.sampled_from(list(SCHEDULES)))
    if name is None:
        return None
    cls = SCHEDULES[name]
    params = {k: draw(SCHEDULE[k]) for k in (*cls.required, *cls.defaults)}
    try:
        return make_schedule(name, **params)
    except ConfigError:  # warm-up not shorter than T_max
        return None


@st.composite
def landscapes(draw):
    analytic = [n for n in ANALYTIC if bit_exact(n)]  # see libm_agreement
    name = draw(st.sampled_from(analytic) | st.sampled_from(list(DATA_LANDSCAPES)))
    if name not in DATA_LANDSCAPES:
        return make_landscape(name)
    n = draw(st.integers(0, 30))
    ds = Dataset.generate(n, seed=draw(st.integers(0, 9))) if n else Dataset([], [])
    if name == "logistic-bce":
        labels = draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n))
        ds = Dataset(ds.x, ds.y, labels)
    return make_landscape(name, ds, delta=draw(st.floats(0.1, 5.0)))


def twin_runs(draw):
    """The same configuration built twice: one run on the fast path, one on the array path."""
    landscape = draw(landscapes())
    name, hyper = draw(optimizer_args())
    dim = len(landscape.param_names)
    known = [None, *getattr(landscape, "minima", ())]  # at a minimum: lr may overflow first
    start = draw(st.sampled_from(known) | st.lists(COORD, min_size=dim, max_size=dim).map(tuple))
    data = landscape.name in DATA_LANDSCAPES
    settings_ = dict(
        schedule=draw(schedules()),
        clip_norm=draw(st.none() | st.floats(1e-6, 1e3)),
        batch_size=draw(st.none() | st.integers(1, 10)) if data else None,
        seed=draw(st.integers(0, 2**32)),
        tol=draw(st.sampled_from([0.0, 1e-6, 1e-3])),
        max_steps=draw(st.none() | st.integers(1, 150)),
        history_capacity=draw(st.sampled_from([4, 8, 64, 4096])),
        measure_budget=draw(st.none() | st.integers(1, 4)),
    )
    note(f"{landscape.name} {name} {hyper} start={start} {settings_}")
    return tuple(
        Run(landscape, make_optimizer(name, **hyper), start, fast=fast, **settings_)
        for fast in (True, False)
    )


def assert_same(fast: Run, slow: Run) -> None:
    """Everything a user or a view can read of the two runs is the same, bit for bit."""
    assert (fast.status, fast.status_step, fast.status_reason, fast.steps) == (
        slow.status,
        slow.status_step,
        slow.status_reason,
        slow.steps,
    )
    assert fast.status_text() == slow.status_text()
    for field in ("params", "loss", "grad_norm", "lr", "next_lr", "epoch"):
        assert _bits(getattr(fast, field)) == _bits(getattr(slow, field)), field
    assert _bits(fast.history.rows()) == _bits(slow.history.rows())
    assert fast.history.stride == slow.history.stride
    assert fast.optimizer.steps == slow.optimizer.steps
    fs, ss = fast.optimizer.state, slow.optimizer.state
    assert fs.keys() == ss.keys() and all(_bits(fs[k]) == _bits(ss[k]) for k in fs)


def user_edit(draw, runs: tuple[Run, Run]) -> None:
    """The same edit to both runs: raise max steps, change a hyperparameter, reset, or none."""
    action = draw(st.sampled_from(["none", "none", "max_steps", "hyper", "reset"]))
    for run in runs:
        if action == "max_steps" and run.status == STOPPED:
            run.max_steps = run.steps + 20
        elif action == "reset":
            run.reset()
    if action == "hyper":
        key = draw(st.sampled_from(list(runs[0].optimizer.hyper)))
        value = draw(HYPER[key])
        for run in runs:
            try:
                run.optimizer.set_hyper(key, value)
            except ConfigError:
                pass


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_the_fast_path_and_the_array_path_give_the_same_run(data):
    draw = data.draw
    runs = twin_runs(draw)
    assert_same(*runs)
    for chunk in draw(st.lists(st.integers(1, 60), min_size=1, max_size=5)):
        streams: list[list] = [[], []]
        stream = draw(st.booleans())
        for run, rows in zip(runs, streams, strict=True):
            taken = run.step(chunk, on_row=rows.append if stream else None)
            rows.append(taken)
        assert streams[0][-1] == streams[1][-1]
        for a, b in zip(streams[0][:-1], streams[1][:-1], strict=True):
            assert (a.step, _bits(a.params), _bits(a.loss), _bits(a.grad_norm), _bits(a.lr)) == (
                b.step,
                _bits(b.params),
                _bits(b.loss),
                _bits(b.grad_norm),
                _bits(b.lr),
            )
        assert len(streams[0]) == len(streams[1])
        assert_same(*runs)
        user_edit(draw, runs)
        assert_same(*runs)


def test_the_fast_path_is_taken_for_the_race_scene_and_matches_over_a_long_race():
    land = ANALYTIC["rosenbrock"]
    names = ("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam", "adamw", "nadam")
    races = [
        Race(
            Run(land, make_optimizer(n, lr=1e-3), tol=0, history_capacity=64, fast=fast)
            for n in names
        )
        for fast in (True, False)
    ]
    for _ in range(20):
        for race in races:
            race.step(97)
    for fast, slow in zip(races[0].runs, races[1].runs, strict=True):
        assert fast.steps == 20 * 97 and fast.history.stride > 1
        assert_same(fast, slow)


def _huber(n: int = 40) -> object:
    return make_landscape("linear-huber", Dataset.generate(n, seed=3), delta=1.0)


# (landscape, optimizer, hyper, start, Run settings, the status and reason the runs end with)
CASES = {
    "lr overflows at a minimum": (
        ANALYTIC["rosenbrock"],
        "sgd",
        {"lr": 1.0},
        (1.0, 1.0),
        {"schedule": make_schedule("exponential", gamma=1e300), "tol": 0.0},
        ("diverged", "the learning rate became non-finite"),
    ),
    "parameters overflow": (
        ANALYTIC["rosenbrock"],
        "sgd",
        {"lr": 1e308},
        None,
        {},
        ("diverged", "parameters became non-finite"),
    ),
    "parameters run away": (
        ANALYTIC["quadratic2d"],
        "sgd",
        {"lr": 1.5},
        None,
        {},
        ("diverged", "parameters ran away"),
    ),
    "the loss overflows": (
        ANALYTIC["rosenbrock"],
        "sgd",
        {"lr": 1e300},
        None,
        {},
        ("diverged", "the loss became non-finite"),
    ),
    "no finite loss at the start": (
        ANALYTIC["rosenbrock"],
        "sgd",
        {"lr": 1e-3},
        (1e100, 1e100),
        {},
        ("diverged", "the loss is not finite at the start"),
    ),
    "converged": (
        ANALYTIC["quadratic2d"],
        "adam",
        {"lr": 0.1},
        None,
        {"tol": 1e-3},
        ("converged", "|∇L| < 0.001"),
    ),
    "stopped": (
        ANALYTIC["beale"],
        "nadam",
        {},
        None,
        {"max_steps": 77},
        ("stopped", "raise max steps to go on"),
    ),
    "stochastic, measured every few steps, scheduled and clipped": (
        _huber(),
        "rmsprop",
        {"lr": 0.05, "centered": True},
        None,
        {
            "batch_size": 3,
            "measure_budget": 7,
            "max_steps": 301,
            "clip_norm": 0.5,
            "schedule": make_schedule("warmup-cosine", warmup_steps=10, T_max=90),
        },
        ("stopped", "raise max steps to go on"),
    ),
    "no data": (
        make_landscape("linear-mse", Dataset([], [])),
        "adam",
        {},
        None,
        {},
        ("no data", "the dataset is empty: add points to fit"),
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_way_a_run_ends_is_the_same_on_both_paths(case):
    land, name, hyper, start, kw, (status, reason) = case
    runs = [
        Run(land, make_optimizer(name, **hyper), start, fast=fast, **kw) for fast in (True, False)
    ]
    for chunk in (1, 2, 13, 100, 1000, 10_000):
        assert runs[0].step(chunk) == runs[1].step(chunk)
        assert_same(*runs)
    assert (runs[0].status, runs[0].status_reason) == (status, reason)
    if "measure_budget" in kw:  # rows only every few steps, the last one at max steps
        steps = runs[0].history.columns()["step"]
        assert runs[0]._measure_stride() > 1 and steps[-1] == 301 and 2 not in steps


def test_every_built_in_landscape_and_optimizer_takes_the_fast_path():
    for land in [*ANALYTIC.values(), _huber()]:
        for name in OPTIMIZERS:
            run = Run(land, make_optimizer(name), tol=0.0)
            assert fast_step(run, 3, None) == 3 and run.steps == 3, (land.name, name)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_kept_kernel_follows_every_change_to_its_optimizer(name):
    """The fast path keeps its kernel between calls; a hyperparameter edit, a step on the
    array path or a reset must each reach the next fast step."""
    land = ANALYTIC["rosenbrock"]
    fast, slow = (Run(land, make_optimizer(name, lr=1e-3), tol=0.0, fast=f) for f in (True, False))

    def both(action) -> None:
        action(fast)
        action(slow)

    both(lambda r: r.step(5))
    both(lambda r: r.optimizer.set_hyper("weight_decay", 0.25))
    both(lambda r: r.step(5))
    fast.fast = False  # three steps on the array path, then back
    both(lambda r: r.step(3))
    fast.fast = True
    both(lambda r: r.step(4))
    both(lambda r: r.optimizer.set_hyper("lr", 5e-4))
    both(lambda r: r.step(2))
    both(lambda r: r.reset())
    both(lambda r: r.step(6))
    assert_same(fast, slow)
