"""Train and validation metrics along a run, batched, against NetworkLandscape.evaluate."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.datasets import make_points, split
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.nn_view_metrics import MetricsTrack, metrics_at
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run


def _land(validation=0.3, l2=0.0) -> NetworkLandscape:
    train, val = split(make_points("moons", 90, 0.25, 5), validation, seed=1)
    return NetworkLandscape(Architecture((7, 4), "tanh"), train, val, l2=l2)


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_batched_metrics_equal_evaluate_at_each_point(l2):
    land = _land(l2=l2)
    rng = np.random.default_rng(0)
    params = np.asarray(land.default_start) + 0.5 * rng.standard_normal((5, land.dim))
    got = metrics_at(land, params)
    for row, p in zip(got, params, strict=True):
        m = land.evaluate(p)
        np.testing.assert_allclose(
            row, [m.train_loss, m.val_loss, m.train_acc, m.val_acc], rtol=1e-12
        )


def test_float32_metrics_agree_with_float64_to_a_picture():
    land = _land(l2=0.01)
    params = np.asarray(land.default_start) + np.linspace(-0.5, 0.5, 4)[:, None]
    exact, quick = metrics_at(land, params), metrics_at(land, params, np.float32)
    np.testing.assert_allclose(quick[:, :2], exact[:, :2], rtol=1e-5)
    np.testing.assert_allclose(quick[:, 2:], exact[:, 2:], atol=0.02)


def test_a_tracks_validation_loss_is_the_landscapes_and_its_training_loss_the_runs():
    land = _land()
    run = Run(land, make_optimizer("sgd", lr=0.3), tol=0.0, max_steps=50)
    track = MetricsTrack(land, run.history, budget=64)
    run.step(50)
    track.update()
    cols = track.columns()
    np.testing.assert_array_equal(cols["train_loss"], run.history.columns()["loss"])
    m = land.evaluate(run.params)
    assert cols["val_loss"][-1] == pytest.approx(m.val_loss, rel=1e-5)


def test_no_validation_points_give_nan():
    land = _land(validation=0.0)
    row = metrics_at(land, np.asarray(land.default_start))[0]
    assert np.isfinite(row[[0, 2]]).all() and np.isnan(row[[1, 3]]).all()


def test_a_track_follows_the_run_within_its_budget_and_starts_over_on_reset():
    land = _land()
    run = Run(land, make_optimizer("adam", lr=0.05), tol=0.0, max_steps=500)
    track = MetricsTrack(land, run.history, budget=10)
    assert track.update() == 1  # the start
    run.step(5)
    assert track.update() == 5
    run.step(200)
    assert track.update() == 10
    cols = track.columns()
    assert cols["step"][0] == 0 and cols["step"][-1] == 205
    assert np.all(np.diff(cols["step"]) > 0)
    assert cols["train_loss"][-1] < cols["train_loss"][0]
    assert cols["train_loss"][-1] == pytest.approx(run.loss, rel=1e-12)
    assert track.update() == 0
    run.reset()
    assert track.update() == 1
    assert list(track.columns()["step"]) == [0.0]


def test_many_points_on_few_noisy_points_overfit():
    train, val = split(make_points("moons", 40, 0.35, 2), 0.5, seed=0)
    land = NetworkLandscape(Architecture((32, 32), "tanh"), train, val)
    run = Run(land, make_optimizer("adam", lr=0.02), tol=0.0, max_steps=1500)
    track = MetricsTrack(land, run.history, budget=64)
    for _ in range(15):
        run.step(100)
        track.update()
    cols = track.columns()
    best = int(np.argmin(cols["val_loss"]))
    assert cols["val_loss"][-1] > 1.5 * cols["val_loss"][best]
    assert cols["train_loss"][-1] < cols["train_loss"][best]
