"""The network lesson's presets as met by a user: picked from the Preset combo, run by Space."""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import Qt

from gdstudio.app.network.presets import PRESETS
from tests.conftest import pick_entry


def _run_to_the_end(window, qtbot) -> None:
    """Space, then wait until every racer's run has ended."""
    model = window.model
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not model.can_step, timeout=180_000)
    qtbot.waitUntil(lambda: not model.playing)


def pick(qtbot, combo, text: str, shows: str | None = None) -> None:
    """Open a combo with a click, point at the entry `text` and click it.

    The cause of the flaky pick of Beale from the network entry (1 run in 2): a combo ignores
    the release of a click on its list within the double-click interval of the press that
    opened it, unless the pointer was seen moving away from that press first. The pointer
    moves by a warp under X, and a warp to where the pointer already is (the same pick in the
    test before) makes no motion event: the click came too soon and was ignored. So the pointer
    goes to a point beside the entry first, then to the entry, and the click waits until the
    list has seen it there (its hovered entry is the one to click). After it the combo shows
    `text`, or `shows` if given (a pick the window refused).
    """
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    pick_entry(qtbot, combo, text, shows)


def _pick_preset(window, user, qtbot, title: str) -> None:
    panels = window.network_panels
    qtbot.waitUntil(lambda: panels.built and panels.boundary_dock.isVisible())
    pick(qtbot, user.find(window, "networkPresetCombo"), title)


def test_every_preset_entry_has_a_tooltip_and_the_lesson_shows_as_its_own(studio_window, user):
    window = studio_window("network")
    combo = user.find(window, "networkPresetCombo")
    assert combo.currentText() == "Lesson 7: four optimizers"
    for i in range(combo.count()):
        assert len(combo.itemData(i, Qt.ItemDataRole.ToolTipRole)) > 40
    assert combo.toolTip()
    assert [combo.itemText(i) for i in range(combo.count())] == [p.title for p in PRESETS]


def test_overfitting_validation_loss_turns_up_while_training_loss_keeps_falling(
    studio_window, user, qtbot
):
    window = studio_window("network")
    model = window.model
    _pick_preset(window, user, qtbot, "Overfitting")
    assert model.scene is None and model.state.network.layers == (32, 32)
    assert len(model.landscape.train) == 20 and len(model.landscape.validation) == 20
    assert [c.title for c in model.runs] == ["Adam", "SGD"]
    assert not window.caption.isVisible()  # the lesson's caption is not this setup's
    summary = user.find(window, "networkPresetSummary")
    assert summary.isVisible() and "validation loss turns up" in summary.text()
    assert "2-32-32-1" in summary.toolTip()
    _run_to_the_end(window, qtbot)
    curves = window.network_panels.curves
    for cfg in model.runs:
        assert cfg.run.steps == 1500
        qtbot.waitUntil(lambda c=cfg: curves.curve(c.title, "val_loss").getData()[0][-1] == 1500)
        steps, val = curves.curve(cfg.title, "val_loss").getData()
        _, train = curves.curve(cfg.title, "train_loss").getData()
        low = int(np.argmin(val))
        assert low < len(val) - 1 and steps[low] < 500  # the validation minimum comes early
        assert val[-1] > 1.5 * val[low]  # and the validation loss turns up from it
        assert train[-1] < train[low]  # while the training loss keeps falling
        # The same on every 10th step of the run (the curves sample what a refresh finds):
        cols = cfg.run.history.columns()
        every, params = cols["step"][::10], cols["params"][::10]
        metrics = [model.landscape.evaluate(p) for p in params]
        vals = np.array([m.val_loss for m in metrics])
        trains = np.array([m.train_loss for m in metrics])
        best = int(np.argmin(vals))
        assert every[best] < 500 and vals[-1] > 1.5 * vals[best]
        assert trains[-1] < 0.5 * trains[best]
        assert np.all(trains[len(trains) // 2 :] < trains[best])  # falling long after it


def test_large_batch_ends_at_a_sharper_minimum_than_small_batches(studio_window, user, qtbot):
    window = studio_window("network")
    model = window.model
    _pick_preset(window, user, qtbot, "Large vs small batch")
    assert [c.title for c in model.runs] == ["Full-batch GD", "SGD, Mini-batch (8)"]
    assert [c.batch for c in model.runs] == [None, 8]
    _run_to_the_end(window, qtbot)
    finals = window.network_panels.sharpness.finals_label
    qtbot.waitUntil(lambda: finals.text().count("λmax =") == 2, timeout=60_000)
    values = dict(
        re.findall(r"(Full-batch GD|SGD, Mini-batch \(8\)) λmax = ([0-9.e+-]+)", finals.text())
    )
    full, small = float(values["Full-batch GD"]), float(values["SGD, Mini-batch (8)"])
    assert full > 3 * small > 0  # the large batch sits in a much sharper minimum


def test_the_lesson_entry_goes_back_to_lesson_7(studio_window, user, qtbot):
    window = studio_window("network")
    model = window.model
    _pick_preset(window, user, qtbot, "Large vs small batch")
    assert model.scene is None
    _pick_preset(window, user, qtbot, "Lesson 7: four optimizers")
    assert model.scene is not None and model.scene.id == "network"
    assert [c.title for c in model.runs] == ["SGD", "Momentum", "RMSprop", "Adam"]
    assert window.caption.isVisible()
    assert not user.find(window, "networkPresetSummary").isVisible()
