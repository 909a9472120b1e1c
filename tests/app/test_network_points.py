"""The user's own points as the network's data: clicked into the Data dock with their classes,
then picked as "My points" (without classed points there: the points shown, to edit); points a
network cannot train on are refused in words."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.data import Dataset
from gdstudio.core.errors import ConfigError
from gdstudio.state.kinds import SessionError
from gdstudio.state.network import MY_POINTS, NetworkKind, NetworkSpec, build_network, own_points
from tests.app.test_data_panel import SHIFT, click, settled
from tests.app.test_network_presets import pick
from tests.conftest import race_for

MY_POINTS_ENTRY = "My points"


def _to_network(qtbot, user, window) -> None:
    user.menu_bar(window, "Lessons", "7. Beyond a line: a neural network")
    panels = window.network_panels
    qtbot.waitUntil(lambda: panels.built and panels.boundary_dock.isVisible())


def test_points_clicked_into_the_data_dock_become_the_networks_data(studio_window, user, qtbot):
    window = studio_window("line-fit")
    model, panel = window.model, window.data_panel
    combo = user.find(window, "landscapeCombo")
    pick(qtbot, combo, combo.itemText(combo.findData("logistic-bce")))
    qtbot.waitUntil(lambda: model.loss == "bce" and panel.isVisible())
    settled(qtbot, panel)
    n = len(model.dataset)
    click(qtbot, panel, 0.8, 0.8)  # class 1 among class 0's points
    click(qtbot, panel, 4.8, 0.3, modifiers=SHIFT)  # class 0 among class 1's: no line splits them
    assert len(model.dataset) == n + 2
    x, labels = model.dataset.x.copy(), model.dataset.label.copy()

    window.activateWindow()
    _to_network(qtbot, user, window)
    pick(qtbot, user.find(window, "networkPresetCombo"), MY_POINTS_ENTRY)
    land = model.landscape
    assert model.state.network.dataset == MY_POINTS and model.scene is None
    inputs = np.vstack([land.train.inputs, land.validation.inputs])
    got = np.r_[land.train.labels, land.validation.labels]
    got = sorted(zip(inputs[:, 0], inputs[:, 1], got, strict=True))
    assert got == sorted(zip(x, np.zeros(len(x)), labels, strict=True))  # on x2 = 0, classes kept
    assert len(land.validation) == round(0.2 * len(x))
    summary = user.find(window, "networkPresetSummary")
    assert "click the plot" in summary.text()
    # It trains: Space, and the boundary is drawn over the user's points.
    race_for(qtbot, window, 100)
    view = window.network_panels.boundary
    qtbot.waitUntil(lambda: view.weights is not None and "training accuracy" in view.title.text())
    (x0, x1), (y0, y1) = view.extent()
    assert y1 - y0 > 0.3 * (x1 - x0)  # points on a line still get a readable plane


def test_without_classed_points_in_the_data_dock_my_points_start_from_the_points_shown(
    studio_window, user, qtbot
):
    window = studio_window("race")  # the Data dock holds the line-fit points: no classes
    model = window.model
    _to_network(qtbot, user, window)
    moons = model.landscape
    shown = np.vstack([moons.train.inputs, moons.validation.inputs])
    labels = np.r_[moons.train.labels, moons.validation.labels]
    combo = user.find(window, "networkPresetCombo")
    pick(qtbot, combo, MY_POINTS_ENTRY)
    spec = model.state.network
    assert spec.dataset == MY_POINTS and model.scene is None
    assert sorted(spec.own) == sorted(
        (float(a), float(b), float(k)) for (a, b), k in zip(shown, labels, strict=True)
    )
    assert [c.title for c in model.runs] == ["Adam", "SGD"]
    hint = user.find(window, "boundaryClickHint")
    assert hint.isVisible() and "Shift+click" in hint.text() and "200 points" in hint.text()


def test_classed_points_too_few_of_a_class_are_refused_in_words_and_the_lesson_kept(
    studio_window, user, qtbot
):
    window = studio_window("race")
    model = window.model
    model.replace_dataset(Dataset([1, 2, 3], [0, 1, 1], [0, 1, 1]))  # as an import would
    _to_network(qtbot, user, window)
    combo = user.find(window, "networkPresetCombo")
    pick(qtbot, combo, MY_POINTS_ENTRY, shows="Lesson 7: four optimizers")
    summary = user.find(window, "networkPresetSummary")
    assert summary.isVisible() and "1 of class 0 and 2 of class 1" in summary.text()
    assert model.scene is not None and model.scene.id == "network"  # the lesson as it was
    assert [c.title for c in model.runs] == ["SGD", "Momentum", "RMSprop", "Adam"]


@pytest.mark.parametrize(
    ("dataset", "message"),
    [
        (Dataset(), "has no points"),
        (Dataset([1.0, 2.0], [3.0, 4.0]), "have no classes"),
        (Dataset([1, 2, 3], [0, 1, 1], [0, 1, 1]), "1 of class 0 and 2 of class 1"),
        (Dataset([1, 2, 3, 4], [1, 1, 1, 1], [1, 1, 1, 1]), "0 of class 0 and 4 of class 1"),
    ],
)
def test_points_a_network_cannot_train_on_get_a_message(dataset, message):
    with pytest.raises(ConfigError, match=message):
        own_points(dataset)


def test_own_points_are_kept_in_the_spec_and_read_back_from_a_session():
    ds = Dataset([0.5, 1.0, 1.5, 2.0, 2.5], [0.2, 0.4, 0.1, 0.3, 0.9], [0, 1, 0, 1, 1])
    own = own_points(ds)
    assert own[1] == (1.0, 0.4, 1.0)  # y is not the class: the points keep their plane
    spec = NetworkSpec(dataset=MY_POINTS, own=own, validation=0.0)
    kind = NetworkKind()
    assert kind.check(kind.dump(spec), "network") == spec
    assert len(build_network(spec).train) == 5
    with pytest.raises(SessionError, match="network.own"):
        kind.check({"dataset": MY_POINTS}, "network")
    with pytest.raises(SessionError, match=r"network.own.label\[0\]"):
        kind.check({"dataset": MY_POINTS, "own": {"x1": [1], "x2": [1], "label": [2]}}, "network")
