"""The Controls dock as a user drives it: schedule, clipping, speed, max steps, the batch
setting of a run and the tolerance, each through real clicks and key presses, each checked
by what the window then shows (the readouts table)."""

import pytest
from PySide6.QtWidgets import QListWidget, QTableWidget, QWidget

from gdstudio.core.catalog import landscape_names


@pytest.fixture
def open_window(studio_window):
    """A shown window on a lesson, active so that it takes key presses."""

    def make(scene: str):
        window = studio_window(scene)
        window.activateWindow()
        return window

    return make


def spin_of(slider: QWidget) -> QWidget:
    """The spin box holding a slider's exact value."""
    from PySide6.QtWidgets import QDoubleSpinBox

    return slider.findChild(QDoubleSpinBox)


def readout(window, column: str, row: int = 0) -> str:
    """The readouts table's text for a run and column."""
    table = window.findChild(QTableWidget, "readoutsTable")
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    item = table.item(row, headers.index(column))
    return item.text() if item else ""


def step(user, window, times: int = 1) -> None:
    for _ in range(times):
        user.click(user.find(window, "stepButton"))


def test_picking_a_schedule_changes_the_lr_of_the_next_steps(qtbot, user, open_window):
    window = open_window("learning-rate")  # one SGD run, lr 0.1
    assert readout(window, "lr") == "0.1"
    user.pick(user.find(window, "scheduleCombo"), "Exponential decay")
    user.type_into(user.find(window, "schedule_gamma"), "0.5")
    shown = []
    for _ in range(3):
        step(user, window)
        shown.append(readout(window, "lr"))
    assert shown == ["0.05", "0.025", "0.0125"]  # the lr of each next step, halving
    user.pick(user.find(window, "scheduleCombo"), "Constant")
    step(user, window)
    assert readout(window, "lr") == "0.1"


def test_ticking_clipping_and_typing_a_norm_shortens_the_next_step(qtbot, user, open_window):
    window = open_window("learning-rate")  # w = -2 on (w - 4)² + 2: ∇L = -12, lr 0.1
    clip = user.find(window, "clipCheck")
    assert not clip.isChecked() and not user.find(window, "clipSpin").isEnabled()
    user.tick(clip)
    assert clip.isChecked() and user.find(window, "clipSpin").isEnabled()
    user.type_into(user.find(window, "clipSpin"), "0.01")
    step(user, window)
    assert float(readout(window, "w")) == pytest.approx(-2 + 0.1 * 0.01)  # not -2 + 1.2
    user.tick(clip)  # off again: the full gradient
    step(user, window)
    assert float(readout(window, "w")) == pytest.approx(-1.999 + 0.1 * 2 * 5.999, abs=1e-3)


def test_a_typed_speed_is_the_rate_the_race_plays_at(qtbot, user, open_window):
    window = open_window("race")  # 120 steps/s
    speed = spin_of(user.find(window, "speedSlider"))
    user.type_into(speed, "5000")  # the fastest it takes
    assert speed.value() == 5000
    user.click(user.find(window, "playButton"))
    rate = user.find(window, "rateLabel")
    # the status bar reports the rate asked ("5,000 steps/s", or how far short of it it falls)
    qtbot.waitUntil(lambda: "5,000 steps/s" in rate.text(), timeout=5000)
    user.click(user.find(window, "playButton"))  # pause
    assert rate.text() == ""


def test_max_steps_typed_with_return_stops_the_runs_there(qtbot, user, open_window):
    window = open_window("learning-rate")
    user.type_into(user.find(window, "maxStepsSpin"), "7")
    user.type_into(spin_of(user.find(window, "speedSlider")), "5000")
    user.click(user.find(window, "playButton"))
    qtbot.waitUntil(
        lambda: readout(window, "status") == "stopped at step 7 (max steps)", timeout=5000
    )
    assert readout(window, "steps") == "7"
    step(user, window)  # a stopped run takes no more steps
    assert readout(window, "steps") == "7"


def test_the_batch_setting_of_a_run_on_a_data_lesson(qtbot, user, open_window):
    window = open_window("variants")  # 12 points; runs: batch, SGD, mini-batch of 4
    runs = window.findChild(QListWidget, "runList")
    user.click(runs.viewport(), runs.visualItemRect(runs.item(0)).center())
    assert runs.currentRow() == 0
    editor = user.find(window, "batchCombo").parentWidget()
    assert user.find(window, "batchCombo").currentText() == "Batch (all points)"
    assert not user.field(editor, "Batch size").isEnabled()
    user.pick(user.find(window, "batchCombo"), "Mini-batch")
    size = user.field(user.find(window, "batchCombo").parentWidget(), "Batch size")
    assert size.isEnabled()
    user.type_into(size, "3")
    step(user, window)
    assert readout(window, "epoch", row=0) == "0.25"  # 3 of 12 points seen
    assert readout(window, "epoch", row=1) == "0.08"  # SGD: 1 of 12
    user.pick(user.find(window, "batchCombo"), "SGD (1 sample)")
    step(user, window)
    assert readout(window, "epoch", row=0) == "0.08"  # restarted: one step of one sample


def test_a_typed_tolerance_ends_the_run_as_soon_as_the_gradient_is_below_it(
    qtbot, user, open_window
):
    window = open_window("learning-rate")  # |∇L| = 12 · 0.8^t
    tol = spin_of(user.find(window, "tolSlider"))
    user.type_into(tol, "0.5")
    assert tol.value() == 0.5
    user.type_into(spin_of(user.find(window, "speedSlider")), "5000")  # no wait on a loaded machine
    user.click(user.find(window, "playButton"))
    qtbot.waitUntil(lambda: readout(window, "status").startswith("converged"), timeout=5000)
    assert readout(window, "status") == "converged at step 15"  # 12 · 0.8^15 = 0.42 < 0.5
    assert 0.1 < float(readout(window, "|∇L|")) < 0.5  # the default 1e-4 needs 53 steps


def test_the_landscape_combo_ends_with_the_custom_entry_that_names_a_typed_formula(
    open_window, user
):
    window = open_window("race")
    combo = user.find(window, "landscapeCombo")
    names = [*landscape_names(), "network", "custom"]
    assert [combo.itemData(i) for i in range(combo.count())] == names
    window.model.set_custom_landscape("w^2 + " * 12 + "b^2")  # a long one: the entry elides it
    assert combo.currentData() == "custom"
    assert combo.currentText().startswith("Custom: f(w, b) = w^2 + w^2")
    assert combo.currentText().endswith("…") and len(combo.currentText()) <= 8 + 48
    user.pick(combo, "Beale")
    assert window.model.landscape_name == "beale"
    assert combo.itemText(combo.count() - 1) == "Custom formula…"
    assert window.model.state.expression.startswith("w^2")  # kept for the dialog
