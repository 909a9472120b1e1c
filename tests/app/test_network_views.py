"""The network lesson's widgets, shown and looked at: decision boundary, curves, sharpness."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from gdstudio import theme
from gdstudio.app.network.boundary import DecisionBoundaryView
from gdstudio.app.network.curves import TrainValidationView
from gdstudio.app.network.sharpness import SharpnessReadout
from gdstudio.core.datasets import make_points, split
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_hessian import top_hessian_eigenvalue
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run


def pixels(image: QImage) -> np.ndarray:
    """The image's (height, width, 3) RGB levels, as ints."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = rgb.width(), rgb.height()
    data = np.frombuffer(rgb.constBits(), np.uint8).reshape(height, rgb.bytesPerLine())
    return data[:, : 3 * width].reshape(height, width, 3).astype(np.int32)


def _rgb(color: str) -> np.ndarray:
    c = color.lstrip("#")
    return np.array([int(c[i : i + 2], 16) for i in (0, 2, 4)])


@pytest.fixture(scope="module")
def moons() -> tuple[NetworkLandscape, Run]:
    """A 2-8-8-1 tanh network trained 300 steps with Adam on 200 moons (validation 0.25)."""
    train, val = split(make_points("moons", 200, 0.1, 0), 0.25, seed=0)
    land = NetworkLandscape(Architecture((8, 8), "tanh"), train, val)
    run = Run(land, make_optimizer("adam", lr=0.05), tol=0.0, max_steps=300)
    return land, run


def _shown(qtbot, widget, size=(520, 480)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _colour_at(view: DecisionBoundaryView, x: float, y: float) -> np.ndarray:
    """Mean RGB of a 5×5 patch of the plot at data point (x, y)."""
    scene = view.plot.getViewBox().mapViewToScene(QPointF(x, y))
    at = view.plot.mapFromScene(scene)
    image = pixels(view.plot.viewport().grab().toImage())
    return image[at.y() - 2 : at.y() + 3, at.x() - 2 : at.x() + 3].reshape(-1, 3).mean(axis=0)


def _class_of(rgb: np.ndarray) -> int | None:
    """Which class's colour the pixel leans to (None: the background's, p near ½)."""
    dist = [np.abs(rgb - 0.7 * _rgb(c)).sum() for c in theme.CLASS_COLORS]
    mid = np.abs(rgb - _rgb(theme.BACKGROUND)).sum()
    best = int(np.argmin(dist))
    return best if dist[best] < mid else None


def test_after_training_the_heat_map_separates_the_two_moons(qtbot, moons):
    land, run = moons
    run.reset()
    view = _shown(qtbot, DecisionBoundaryView())
    view.set_landscape(land)
    qtbot.mouseClick(view.show_points, Qt.MouseButton.LeftButton)  # the heat map alone
    assert not view.train_points.isVisible()
    view.show_weights(run.params, "Adam at step 0")
    qtbot.waitUntil(lambda: view.draws == 1)
    outer, inner = (0.0, 1.0), (1.0, -0.5)  # the tops of the two moons: class 0 and class 1
    assert [_class_of(_colour_at(view, *p)) for p in (outer, inner)] != [0, 1]
    run.step(300)
    view.show_weights(run.params, "Adam at step 300")
    qtbot.waitUntil(lambda: view.draws == 2)
    assert _class_of(_colour_at(view, *outer)) == 0
    assert _class_of(_colour_at(view, *inner)) == 1
    assert "Adam at step 300" in view.title.text() and "training accuracy" in view.title.text()
    prob = view.probabilities()
    assert prob.shape == (96, 96) and 0.0 <= prob.min() < 0.1 and 0.9 < prob.max() <= 1.0
    assert len(view.boundary.getData()[0]) > 0  # the p = ½ line is drawn


def test_the_points_are_drawn_in_their_class_colours_over_the_map(qtbot, moons):
    land, run = moons
    view = _shown(qtbot, DecisionBoundaryView())
    view.set_landscape(land)
    view.show_weights(run.params)
    qtbot.waitUntil(lambda: view.draws == 1)
    image = pixels(view.plot.viewport().grab().toImage())
    for color in theme.CLASS_COLORS:  # full-strength class colours: only the dots have them
        near = np.abs(image - _rgb(color)).max(axis=-1) <= 12
        assert near.sum() > 100
    qtbot.mouseClick(view.show_points, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.val_points.isVisible())
    image = pixels(view.plot.viewport().grab().toImage())
    assert (np.abs(image - _rgb(theme.CLASS_COLORS[1])).max(axis=-1) <= 12).sum() < 20


def test_weights_arriving_faster_than_ten_a_second_fold_into_the_newest(qtbot, moons):
    land, run = moons
    view = _shown(qtbot, DecisionBoundaryView())
    view.set_landscape(land)
    rng = np.random.default_rng(0)
    weights = [run.params + 0.1 * rng.standard_normal(land.dim) for _ in range(30)]
    for w in weights:
        view.show_weights(w)
    assert view.draws < len(weights)
    qtbot.waitUntil(lambda: view.weights is not None and np.array_equal(view.weights, weights[-1]))


def test_the_curves_show_each_racers_training_and_validation(qtbot, count_near):
    train, val = split(make_points("moons", 40, 0.35, 2), 0.5, seed=0)
    land = NetworkLandscape(Architecture((32, 32), "tanh"), train, val)
    runs = [
        ("Adam", theme.run_color(0), Run(land, make_optimizer("adam", lr=0.02), tol=0.0)),
        ("SGD", theme.run_color(1), Run(land, make_optimizer("sgd", lr=0.5), tol=0.0)),
    ]
    view = _shown(qtbot, TrainValidationView(), (560, 520))
    view.set_racers(land, runs)
    for _ in range(12):
        for _, _, run in runs:
            run.step(100)
        view.refresh()
    adam = view.columns("Adam")
    assert adam["step"][-1] == 1200
    best = int(np.argmin(adam["val_loss"]))
    assert adam["val_loss"][-1] > 1.5 * adam["val_loss"][best]  # memorizing: it turned up
    assert adam["train_loss"][-1] < adam["train_loss"][best]
    _, y = view.curve("Adam", "val_loss").getData()
    np.testing.assert_array_equal(y, adam["val_loss"])
    image = pixels(view.graphics.grab().toImage())
    for _, color, _ in runs:
        assert count_near(image, color) > 150


def test_sharpness_is_computed_on_request_off_the_ui_thread(qtbot, moons):
    land, run = moons
    readout = _shown(qtbot, SharpnessReadout(), (420, 60))
    assert not readout.button.isEnabled()
    readout.set_target(land, run.params, "Adam at step 300")
    with qtbot.waitSignal(readout.computed, timeout=20000) as got:
        qtbot.mouseClick(readout.button, Qt.MouseButton.LeftButton)
    assert got.args[0] == pytest.approx(top_hessian_eigenvalue(land, run.params), rel=1e-12)
    assert "λmax" in readout.label.text() and "Adam at step 300" in readout.label.text()


def test_a_slice_is_computed_off_the_ui_thread_and_the_newest_request_wins(qtbot, moons):
    from gdstudio.app.network.slice_job import SliceJob
    from gdstudio.core.nn_view import make_slice

    land, run = moons
    run.reset()
    run.step(120)
    path = run.history.columns()["params"]
    job = SliceJob()
    got = []
    job.ready.connect(got.append)
    job.request(land, path[:60], "pca", n=9)
    job.request(land, path, "pca", n=17)
    assert job.busy
    qtbot.waitUntil(lambda: not job.busy, timeout=20000)
    assert len(got) == 1 and got[0].n == 17
    np.testing.assert_array_equal(got[0].values, make_slice(land, path, "pca", n=17).values)


def test_a_slice_that_cannot_be_made_says_why(qtbot, moons):
    from gdstudio.app.network.slice_job import SliceJob

    land, run = moons
    job = SliceJob()
    with qtbot.waitSignal(job.failed, timeout=20000) as failed:
        job.request(land, np.asarray([land.default_start] * 2), "pca")
    assert "at least 3 steps" in failed.args[0]
