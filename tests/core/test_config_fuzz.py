"""Random configurations, absurd values included, thrown at the core.

Every landscape, optimizer, hyperparameter, schedule, clip norm, gradient mode, seed and start.
Building either works or raises the one documented ConfigError; stepping a built run never
raises, stops within the steps asked for, reports only finite numbers unless it says
"diverged", and always ends in a status of the documented vocabulary.
"""

from __future__ import annotations

import math
import re

import numpy as np
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from gdstudio.core.catalog import DATA_LANDSCAPES, landscape_names, make_landscape
from gdstudio.core.data import Dataset
from gdstudio.core.errors import ConfigError
from gdstudio.core.fitting import DataLandscape
from gdstudio.core.optimizers import OPTIMIZERS, make_optimizer
from gdstudio.core.run import DIVERGED, NO_DATA, STATUSES, STOPPED, Run
from gdstudio.core.schedules import SCHEDULES, make_schedule

EXAMPLES = 500
MAX_STEPS_PER_EXAMPLE = 120
STATUS_TEXT = re.compile(
    r"ready|paused|(converged|diverged) at step \d+|stopped at step \d+ \(max steps\)"
    r"|no data: add points"
)

# --- values ----------------------------------------------------------------------------------

HUGE_INTS = st.sampled_from([10**30, 2**63, 2**64, 10**400, -(10**400), 10**5000 - 1])
ABSURD_FLOATS = st.sampled_from(
    [
        math.nan,
        math.inf,
        -math.inf,
        1e300,
        1.7976931348623157e308,
        -1e300,
        5e-324,
        -5e-324,
        0.0,
        -0.0,
        1e-300,
        1.0 - 1e-16,
        1.0,
        1.0 + 1e-15,
    ]
)
ABSURD = st.one_of(
    ABSURD_FLOATS,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    HUGE_INTS,
    st.booleans(),
    st.none(),
    st.sampled_from(["0.1", "", "nan", "1e400", "9" * 400]),
    st.tuples(ABSURD_FLOATS, ABSURD_FLOATS),
    st.lists(st.floats(-2, 2), max_size=3),
    st.just(np.float32(0.5)),
    st.just(np.int64(3)),
    st.just(np.bool_(True)),
)


def mostly(
    odds: int, sensible: st.SearchStrategy, absurd: st.SearchStrategy = ABSURD
) -> st.SearchStrategy:
    """A sensible value, except once in `odds` draws anything at all (never when odds is 0)."""
    if not odds:
        return sensible
    return st.integers(1, odds).flatmap(lambda k: absurd if k == 1 else sensible)


# How often a setting is absurd, drawn once per configuration: never (so that many runs are
# valid and get stepped), now and then (usually one reason to refuse), or often.
ODDS = st.sampled_from([0, 0, 40, 12, 3])


BOGUS_NAME = st.just("bogus") | ABSURD
SMALL_RATE = st.floats(0.0, 2.0) | st.floats(0.0, 1e300) | st.sampled_from([1e-12, 1e-3, 0.1])
FRACTION = st.floats(0.0, 1.0, exclude_max=True)
HYPER_VALUES = {
    "lr": SMALL_RATE,
    "momentum": FRACTION,
    "dampening": st.just(0.0) | st.floats(0.0, 1.0),
    "weight_decay": st.floats(0.0, 1.0) | st.floats(0.0, 1e300),
    "nesterov": st.booleans(),
    "alpha": FRACTION,
    "eps": st.floats(1e-300, 1.0) | st.floats(1e-300, 1e300),
    "centered": st.booleans(),
    "lr_decay": st.floats(0.0, 10.0) | st.floats(0.0, 1e300),
    "initial_accumulator_value": st.floats(0.0, 10.0) | st.floats(0.0, 1e300),
    "betas": st.tuples(FRACTION, FRACTION),
    "amsgrad": st.booleans(),
    "momentum_decay": st.floats(0.0, 1.0) | st.floats(0.0, 1e300),
    "decoupled_weight_decay": st.booleans(),
}
SCHEDULE_VALUES = {
    "step_size": st.integers(1, 50) | st.integers(1, 2**63 - 1),
    "gamma": st.floats(1e-300, 2.0) | st.floats(1e-300, 1e300),
    "T_max": st.integers(1, 80) | st.integers(1, 2**63 - 1),
    "eta_min": st.floats(0.0, 1.0) | st.floats(0.0, 1e300),
    "warmup_steps": st.integers(0, 40),
    "start_factor": st.floats(1e-300, 1.0),
}
# Points as large as a Dataset takes (±1e150: their squares stay finite, their sums may not).
POINT = st.floats(-1e3, 1e3) | st.floats(-1e150, 1e150) | st.sampled_from([0.0, 1e150, -1e150])


def start_values(odds: int, dim: int) -> st.SearchStrategy:
    """A start as a user or a session could give one: right, wrong length or not finite."""
    coords = st.floats(-10, 10) | st.floats(-1e300, 1e300) | ABSURD_FLOATS | HUGE_INTS
    return mostly(
        odds,
        st.tuples(*[st.floats(-10, 10)] * dim),
        st.none() | st.lists(coords, min_size=0, max_size=3).map(tuple) | ABSURD,
    )


@st.composite
def datasets(draw: st.DrawFn, labelled: bool) -> Dataset:
    """0 to 8 finite points, with 0/1 labels for the classifier."""
    n = draw(st.integers(0, 8))
    x = draw(st.lists(POINT, min_size=n, max_size=n))
    y = draw(st.lists(POINT, min_size=n, max_size=n))
    labels = draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n))
    return Dataset(x, y, labels if labelled else None)


@st.composite
def landscapes(draw: st.DrawFn, odds: int) -> object:
    """Any landscape: analytic by name, or a data fit of a small random dataset."""
    name = draw(st.sampled_from(landscape_names()))
    if name not in DATA_LANDSCAPES:
        return make_landscape(name)
    ds = draw(datasets(labelled=name == "logistic-bce"))
    note(f"{name}: x={ds.x.tolist()}, y={ds.y.tolist()}, labels={ds.label.tolist()}")
    delta = draw(mostly(odds, st.floats(0.01, 10.0)))
    start = draw(mostly(odds, st.none() | st.tuples(st.floats(-10, 10), st.floats(-10, 10))))
    landscape = make_landscape(name, ds, delta=delta, start=start)
    if draw(st.integers(0, 3)) == 0:  # the fit in normalized units, as the app offers it
        shift, scale = draw(st.floats(-1e3, 1e3)), draw(st.floats(1e-3, 1e3))
        note(f"normalized: x_shift={shift}, x_scale={scale}")
        landscape = DataLandscape(
            ds, landscape.loss, landscape.delta, landscape.default_start, shift, scale
        )
    return landscape


@st.composite
def hyper_dicts(draw: st.DrawFn, odds: int, optimizer: str) -> dict:
    """Some of the optimizer's hyperparameters (now and then an unknown one), any values."""
    known = OPTIMIZERS.get(optimizer) if isinstance(optimizer, str) else None
    keys = list((known or OPTIMIZERS["sgd"]).defaults)
    chosen = draw(
        st.lists(mostly(odds, st.sampled_from(keys), st.just("bogus")), max_size=4, unique=True)
    )
    return {k: draw(mostly(odds, HYPER_VALUES.get(k, ABSURD))) for k in chosen}


@st.composite
def schedules(draw: st.DrawFn, odds: int) -> object:
    """No schedule, or any schedule (or an unknown one) with any parameters."""
    name = draw(mostly(odds, st.none() | st.sampled_from(list(SCHEDULES)), BOGUS_NAME))
    if name is None:
        return None
    cls = SCHEDULES.get(name) if isinstance(name, str) else None
    keys = [*cls.required, *cls.defaults] if cls else []
    if cls and draw(st.integers(0, 3)):  # mostly all required ones, sometimes any subset
        chosen = keys
    else:
        chosen = draw(st.lists(st.sampled_from([*keys, "bogus"]), max_size=4, unique=True))
    params = {k: draw(mostly(odds, SCHEDULE_VALUES.get(k, ABSURD))) for k in chosen}
    return make_schedule(name, **params)


# --- the property ------------------------------------------------------------------------------


def finite(*values: object) -> bool:
    """True when every number (scalars or arrays) is finite."""
    return all(np.isfinite(np.asarray(v, dtype=np.float64)).all() for v in values)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.data())
def test_any_configuration_builds_or_is_refused_and_steps_cleanly(data: st.DataObject) -> None:
    draw = data.draw
    odds = draw(ODDS)
    try:
        landscape = draw(landscapes(odds))
        optimizer_name = draw(mostly(odds, st.sampled_from(list(OPTIMIZERS)), BOGUS_NAME))
        hyper = draw(hyper_dicts(odds, optimizer_name))
        optimizer = make_optimizer(optimizer_name, **hyper)
        run = Run(
            landscape,
            optimizer,
            draw(start_values(odds, len(landscape.param_names))),
            schedule=draw(schedules(odds)),
            clip_norm=draw(mostly(odds, st.none() | st.floats(1e-6, 10.0))),
            batch_size=draw(mostly(odds, st.none() | st.integers(1, 10))),
            seed=draw(mostly(odds, st.integers(0, 2**63 - 1))),
            tol=draw(mostly(odds, st.floats(0.0, 1e-3) | st.just(1e-6))),
            max_steps=draw(mostly(odds, st.none() | st.integers(1, MAX_STEPS_PER_EXAMPLE))),
            history_capacity=draw(mostly(odds, st.sampled_from([4, 8, 64, 4096]))),
            measure_budget=draw(mostly(odds, st.none() | st.integers(1, 4))),
        )
    except ConfigError as e:  # the one documented refusal: one line, naming what is wrong
        message = str(e)
        event("refused: " + message.split(" must ")[0].split(";")[0][:40])
        assert message and "\n" not in message and len(message) < 400, message
        return

    rows = []
    budget = MAX_STEPS_PER_EXAMPLE
    for chunk in draw(st.lists(st.integers(1, 40), min_size=1, max_size=4)):
        taken = run.step(min(chunk, budget), on_row=rows.append)
        assert 0 <= taken <= min(chunk, budget)
        budget -= taken
        between_steps(draw, odds, run)
    event(f"built, ended {run.status}")
    check_run(run, rows)


def between_steps(draw: st.DrawFn, odds: int, run: Run) -> None:
    """What a user may do while a run stands: raise max steps, edit a setting or the data."""
    action = draw(st.sampled_from(["none", "max_steps", "hyper", "data", "reset"]))
    if action == "max_steps" and run.status == STOPPED:
        run.max_steps = run.steps + 3  # the window raising Max steps
        assert run.running
    elif action == "hyper":
        key = draw(st.sampled_from(list(run.optimizer.hyper)))
        before = dict(run.optimizer.hyper)
        try:
            run.optimizer.set_hyper(key, draw(mostly(odds or 3, HYPER_VALUES[key])))
        except ConfigError:
            assert run.optimizer.hyper == before
    elif action == "data" and isinstance(run.landscape, DataLandscape):
        ds = draw(datasets(labelled=run.landscape.loss == "bce"))
        note(f"new data: x={ds.x.tolist()}, y={ds.y.tolist()}, labels={ds.label.tolist()}")
        run.set_landscape(make_landscape(run.landscape.name, ds, delta=run.landscape.delta))
    elif action == "reset":
        run.reset()


def check_run(run: Run, rows: list) -> None:
    """What a user may read of a run is true: a known status, finite numbers unless diverged."""
    assert run.status in STATUSES
    assert STATUS_TEXT.fullmatch(run.status_text()), run.status_text()
    assert finite(run.params), "the shown parameters are never NaN or infinite"
    for r in rows:
        assert finite(r.params, r.loss, r.grad_norm, r.lr), r
    assert all(finite(col) for col in run.history.columns().values())
    if run.max_steps is not None:
        assert run.steps <= run.max_steps
    if run.status == STOPPED:
        assert run.steps == run.max_steps == run.status_step
    if run.status == NO_DATA:
        assert math.isnan(run.loss) and math.isnan(run.grad_norm)  # no loss without data
    elif run.status != DIVERGED:
        assert finite(run.loss, run.grad_norm, run.lr), (run.loss, run.grad_norm, run.lr)
    if run.epoch is not None:
        assert math.isfinite(run.epoch) and run.epoch >= 0
