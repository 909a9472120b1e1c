"""Statuses a user reads in the readouts and the status bar: ready, running, paused,
converged / diverged / stopped at step N, each reached through real keys and clicks."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QListWidget, QTableWidget, QToolButton

RACERS = 4  # the race lesson: SGD, Momentum, RMSprop, Adam


def column(window, name: str) -> list[str]:
    """The readouts table's texts in one column, row by row."""
    table = window.findChild(QTableWidget, "readoutsTable")
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    col = headers.index(name)
    return [table.item(r, col).text() for r in range(table.rowCount())]


def statuses(window) -> list[str]:
    return column(window, "status")


@pytest.fixture
def window(studio_window):
    """The race lesson shown, active, the 3D view focused (where Space lands)."""
    w = studio_window("race")
    w.activateWindow()
    w.view3d.setFocus()
    return w


def space(qtbot, window) -> None:
    """Press the Run/Pause shortcut."""
    qtbot.keyClick(window, Qt.Key.Key_Space)


def test_runs_that_never_stepped_read_ready(window):
    assert statuses(window) == ["ready"] * RACERS
    assert column(window, "steps") == ["0"] * RACERS


def test_space_reads_running_while_playing_and_paused_after(qtbot, window):
    assert window.statusBar().currentMessage().startswith("Ready")
    space(qtbot, window)
    assert window.stepper.playing
    assert window.statusBar().currentMessage() == "Running: Space pauses"  # no stale "Ready"
    qtbot.waitUntil(lambda: statuses(window) == ["running"] * RACERS, timeout=5000)
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps >= 10, timeout=10000)
    space(qtbot, window)
    assert not window.stepper.playing
    assert statuses(window) == ["paused"] * RACERS
    steps = window.model.runs[0].run.steps
    assert column(window, "steps") == [str(steps)] * RACERS  # the numbers caught up too
    summary = window.statusBar().currentMessage()
    assert summary.count("paused") == RACERS and "running" not in summary


def test_the_toolbar_run_button_plays_and_pauses(qtbot, window):
    button = window.toolbar.widgetForAction(window.actions_by_name["play"])
    assert isinstance(button, QToolButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: statuses(window) == ["running"] * RACERS, timeout=5000)
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps > 0, timeout=10000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert statuses(window) == ["paused"] * RACERS


def test_one_step_reads_paused(user, window):
    user.click(user.find(window, "stepButton"))
    assert statuses(window) == ["paused"] * RACERS
    assert column(window, "steps") == ["1"] * RACERS


def edit_lr(user, window, text: str) -> None:
    """Select the first racer in the run list and type a learning rate with Return."""
    runs = window.findChild(QListWidget, "runList")
    user.click(runs.viewport(), runs.visualItemRect(runs.item(0)).center())
    user.type_into(user.find(window, "lrSlider").findChild(QDoubleSpinBox), text)


def test_an_edit_while_paused_leaves_the_run_paused(qtbot, user, window):
    space(qtbot, window)
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps > 0, timeout=10000)
    space(qtbot, window)
    edit_lr(user, window, "0.0123")
    assert window.model.runs[0].hyper["lr"] == 0.0123
    assert not window.stepper.playing
    assert statuses(window) == ["paused"] * RACERS


def test_an_edit_before_the_first_step_leaves_the_run_ready(user, window):
    edit_lr(user, window, "0.0123")
    assert window.model.runs[0].hyper["lr"] == 0.0123
    assert statuses(window) == ["ready"] * RACERS


def test_reaching_max_steps_reads_stopped_in_the_table_and_the_status_bar(qtbot, user, window):
    user.type_into(user.find(window, "maxStepsSpin"), "7")
    user.click(user.find(window, "playButton"))
    qtbot.waitUntil(lambda: not window.stepper.playing, timeout=10000)
    assert statuses(window) == ["stopped at step 7 (max steps)"] * RACERS
    summary = window.statusBar().currentMessage()
    assert summary.count("stopped at step 7 (max steps)") == RACERS
    assert "running" not in summary and "paused" not in summary
    user.type_into(user.find(window, "maxStepsSpin"), "20")  # room to go on, not going
    assert statuses(window) == ["paused"] * RACERS


def test_the_full_batch_run_counts_one_epoch_a_step(user, studio_window):
    window = studio_window("variants")  # 12 points: Batch GD, SGD, mini-batch of 4
    window.activateWindow()
    for _ in range(3):
        user.click(user.find(window, "stepButton"))
    assert column(window, "epoch") == ["3.00", "0.25", "1.00"]
