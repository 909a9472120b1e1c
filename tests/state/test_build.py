"""The Qt-free builder the window, the scenes and the exports share (gdstudio.state.build)."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.data import Dataset
from gdstudio.core.fitting import DataLandscape
from gdstudio.core.landscapes import Landscape
from gdstudio.state.build import (
    MEASURE_BUDGET,
    RunConfig,
    build_landscape,
    build_run,
    run_title,
    x_moments,
)


def test_a_racer_is_named_by_its_label_else_its_optimizer_and_gradient_mode() -> None:
    assert run_title("sgd", "mine", 4) == "mine"
    assert run_title("adam", "", None) == "Adam"
    assert run_title("adam", "", 4) == "Adam, Mini-batch (4)"
    assert RunConfig(optimizer="adam", batch=1).title == run_title("adam", "", 1)


def test_an_analytic_landscape_ignores_the_dataset() -> None:
    land = build_landscape("rosenbrock", Dataset.default(), start=(9.0, 9.0))
    assert isinstance(land, Landscape) and not isinstance(land, DataLandscape)


def test_a_normalized_fit_starts_where_asked_in_the_datas_units() -> None:
    data = Dataset.default()
    norm = x_moments(data, True)
    assert norm != (0.0, 1.0) and x_moments(data, False) == (0.0, 1.0)
    land = build_landscape("linear-mse", data, x_norm=norm, start=(1.5, -2.0))
    assert isinstance(land, DataLandscape) and (land.x_shift, land.x_scale) == norm
    np.testing.assert_allclose(land.to_original(np.array(land.default_start)), [1.5, -2.0])
    plain = build_landscape("linear-mse", data, start=(1.5, -2.0))
    assert plain.default_start == (1.5, -2.0)


def test_a_run_takes_what_the_user_set() -> None:
    land = build_landscape("linear-huber", Dataset.default(), huber_delta=0.5)
    run = build_run(
        land,
        "momentum",
        {"lr": 0.01},
        (0.0, 0.0),
        batch=2,
        seed=7,
        schedule=("step", {"step_size": 10, "gamma": 0.5}),
        clip_norm=3.0,
        tol=1e-4,
        max_steps=40,
        name="it",
    )
    assert (run.batch_size, run.seed, run.tol, run.max_steps) == (2, 7, 1e-4, 40)
    assert (run.name, run.clip_norm, run.measure_budget) == ("it", 3.0, MEASURE_BUDGET)
    assert run.optimizer.hyper["lr"] == 0.01 and land.delta == 0.5


def test_an_unknown_landscape_is_refused() -> None:
    with pytest.raises(ValueError, match="nowhere"):
        build_landscape("nowhere", Dataset.default())
