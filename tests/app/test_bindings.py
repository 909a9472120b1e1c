"""Widgets bound to declared fields: a new setting is one declaration plus its widget."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QListWidget

from gdstudio.app.bindings import bind_flag, bind_number
from gdstudio.state import HYPER_NUMBER, LR, Field, Settings, Studio, schedule_param_kind
from gdstudio.state.kinds import Flag, Number


class ArrowSettings(Settings):
    """The exercise: two new settings, declared once."""

    arrow_scale: Field[float] = Field(Number(0.1, 10.0), 1.0)
    show_arrows: Field[bool] = Field(Flag(), False)


def test_a_new_setting_is_one_declaration_plus_its_widget(qtbot):
    doc = Studio()
    doc.settings = doc._own(ArrowSettings())
    spin, check = QDoubleSpinBox(), QCheckBox("Arrows")
    spin.setKeyboardTracking(False)  # as every spin box of the studio: a value on Return
    for w in (spin, check):
        qtbot.addWidget(w)
        w.show()
    bind_number(doc.settings, "arrow_scale", spin)
    bind_flag(doc.settings, "show_arrows", check)
    assert (spin.minimum(), spin.maximum(), spin.value()) == (0.1, 10.0, 1.0)

    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "2.5")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert doc.settings.arrow_scale == 2.5 and doc.settings.show_arrows
    assert doc.revision == 2
    saved = doc.to_dict()
    assert (saved["arrow_scale"], saved["show_arrows"]) == (2.5, True)

    doc.settings.set(arrow_scale=7.0, show_arrows=False)  # a session, a script: the widget follows
    assert spin.value() == 7.0 and not check.isChecked()
    assert doc.revision == 4  # shown under a blocker: no echo back as a second edit
    loaded = ArrowSettings.from_dict(saved, "model.")
    assert (loaded.arrow_scale, loaded.show_arrows) == (2.5, True)


# --- the window's widgets, bound to the studio's fields ----------------------------------------


@pytest.fixture
def race(studio_window):
    """The race lesson (Rosenbrock, four racers), shown and active; revision as loaded."""
    window = studio_window("race")
    window.activateWindow()
    assert not window.sessions.dirty
    return window


def select_run(user, window, row: int) -> None:
    """Click racer `row` in the list of optimizers."""
    runs = window.findChild(QListWidget, "runList")
    user.click(runs.viewport(), runs.visualItemRect(runs.item(row)).center())
    assert runs.currentRow() == row


def test_the_schedule_widgets_edit_the_schedule_field(race, user):
    state = race.model.state
    before = state.revision
    user.pick(user.find(race, "scheduleCombo"), "Step decay")
    assert state.settings.schedule == ("step", {"step_size": 100, "gamma": 0.1})
    assert state.revision == before + 1 and race.sessions.dirty
    step_size, gamma = user.find(race, "schedule_step_size"), user.find(race, "schedule_gamma")
    for spin, key in ((step_size, "step_size"), (gamma, "gamma")):  # ranges: the declaration
        kind = schedule_param_kind(key)
        assert (spin.minimum(), spin.maximum()) == (kind.lo, kind.hi)
    assert step_size.decimals() == 0 and (step_size.text(), gamma.text()) == ("100", "0.1")
    user.type_into(step_size, "25")
    assert state.settings.schedule == ("step", {"step_size": 25, "gamma": 0.1})
    assert isinstance(state.settings.schedule[1]["step_size"], int)
    user.type_into(gamma, "0.5")
    assert state.settings.schedule == ("step", {"step_size": 25, "gamma": 0.5})
    assert state.revision == before + 3  # one per edit: nothing echoes back


def test_a_schedule_set_in_the_state_shows_without_echo(race, user):
    state = race.model.state
    before = state.revision
    state.settings.schedule = ("cosine", {"T_max": 400, "eta_min": 0.01})  # as a session restore
    assert user.find(race, "scheduleCombo").currentText() == "Cosine annealing"
    assert user.find(race, "schedule_T_max").value() == 400
    assert user.find(race, "schedule_eta_min").value() == 0.01
    assert state.revision == before + 1
    state.settings.schedule = ("cosine", {"T_max": 50})  # same schedule: the spins follow
    assert user.find(race, "schedule_T_max").value() == 50
    assert user.find(race, "schedule_eta_min").value() == 0.0  # the schedule's default
    assert state.revision == before + 2
    race.model.set_schedule("constant", {})  # the model's setter: the same field
    assert user.find(race, "scheduleCombo").currentText() == "Constant"
    assert state.revision == before + 3


def test_the_log_height_check_box_edits_the_view_field(race, user):
    state = race.model.state
    check = user.find(race, "logHeightCheck")
    assert state.view.log_height is True and check.isChecked()  # as the lesson sets it
    before = state.revision
    user.tick(check)
    assert state.view.log_height is False and not check.isChecked()
    assert state.revision == before + 1 and race.sessions.dirty
    user.tick(check)
    assert state.view.log_height is True
    assert state.revision == before + 2


def test_a_log_height_set_in_the_state_shows_without_echo(race, user):
    state = race.model.state
    check = user.find(race, "logHeightCheck")
    before = state.revision
    state.view.log_height = False
    assert not check.isChecked() and state.revision == before + 1
    state.view.log_height = None  # the landscape's own default again (log, for Rosenbrock)
    assert check.isChecked() and state.revision == before + 2
    assert state.view.log_height is None  # shown, not written back


def test_the_run_editor_edits_the_racers_hyper_field(race, user):
    state = race.model.state
    select_run(user, race, 1)  # momentum: lr 0.001, momentum 0.9
    editor = user.find(race, "optimizerCombo").parentWidget()
    lr = user.find(editor, "lrSlider").findChild(QDoubleSpinBox)
    momentum, nesterov = user.field(editor, "momentum"), user.field(editor, "nesterov")
    assert lr.maximum() == LR.hi and (momentum.minimum(), momentum.maximum()) == (
        HYPER_NUMBER.lo,
        HYPER_NUMBER.hi,
    )
    before = state.revision
    user.type_into(lr, "0.02")
    assert state.runs[1].hyper["lr"] == 0.02 and state.revision == before + 1
    assert race.sessions.dirty
    user.type_into(momentum, "0.5")
    user.tick(nesterov)
    assert state.runs[1].hyper == {"lr": 0.02, "momentum": 0.5, "nesterov": True}
    assert state.revision == before + 3
    optimizer = race.model.runs[1].live_run.optimizer
    assert (optimizer.hyper["momentum"], optimizer.hyper["nesterov"]) == (0.5, True)


def test_a_hyper_set_in_the_state_shows_without_echo(race, user):
    state = race.model.state
    select_run(user, race, 3)  # adam: lr 0.05, betas (0.9, 0.999)
    editor = user.find(race, "optimizerCombo").parentWidget()
    before = state.revision
    state.runs[3].hyper = {"lr": 0.3, "betas": (0.8, 0.99), "amsgrad": True}  # a session, undo
    assert user.find(editor, "lrSlider").value() == 0.3
    betas = user.field(editor, "betas").findChildren(QDoubleSpinBox)
    assert [b.value() for b in betas] == [0.8, 0.99]
    assert user.field(editor, "amsgrad").isChecked()
    assert state.revision == before + 1
    assert state.runs[3].hyper == {"lr": 0.3, "betas": (0.8, 0.99), "amsgrad": True}


def test_opening_a_session_shows_its_schedule_log_height_and_hyper(race, user, tmp_path):
    state = race.model.state
    state.settings.schedule = ("exponential", {"gamma": 0.9})
    state.view.log_height = False
    race.model.set_run_hyper(0, "lr", 0.004)
    assert race.sessions.save_to(tmp_path / "s.gdstudio")
    user.pick(user.find(race, "scheduleCombo"), "Constant")
    user.tick(user.find(race, "logHeightCheck"))
    select_run(user, race, 0)
    user.type_into(user.find(race, "lrSlider").findChild(QDoubleSpinBox), "0.2")
    assert race.sessions.open_path(tmp_path / "s.gdstudio")
    assert user.find(race, "scheduleCombo").currentText() == "Exponential decay"
    assert user.find(race, "schedule_gamma").value() == 0.9
    assert not user.find(race, "logHeightCheck").isChecked()
    select_run(user, race, 0)
    assert user.find(race, "lrSlider").value() == 0.004
    assert not race.sessions.dirty  # showing what was opened writes nothing back


def test_the_gradient_mode_widgets_show_and_edit_batch_and_seed(studio_window, user):
    window = studio_window("variants")  # a data lesson: runs batch, SGD, mini-batch of 4
    window.activateWindow()
    state = window.model.state
    select_run(user, window, 0)
    mode = user.find(window, "batchCombo")
    editor = mode.parentWidget()
    before = state.revision
    state.runs[0].batch = 5  # a session, a script: the widgets follow, nothing echoes
    assert mode.currentText() == "Mini-batch" and user.field(editor, "Batch size").value() == 5
    assert user.field(editor, "Batch size").isEnabled()
    state.runs[0].seed = 3
    assert user.field(user.find(window, "batchCombo").parentWidget(), "Seed").value() == 3
    assert state.revision == before + 2
    user.type_into(user.field(user.find(window, "batchCombo").parentWidget(), "Seed"), "11")
    assert (state.runs[0].batch, state.runs[0].seed) == (5, 11)
    assert state.revision == before + 3 and window.sessions.dirty
    user.pick(user.find(window, "batchCombo"), "SGD (1 sample)")
    assert state.runs[0].batch == 1 and state.revision == before + 4


def test_a_racers_field_set_in_the_state_reaches_its_live_run(race):
    model = race.model
    sgd = model.runs[0]
    assert sgd.optimizer == "sgd"
    sgd.hyper = {**sgd.hyper, "lr": 0.002}  # as a script, an undo or a restore would
    assert sgd.live_run.optimizer.hyper["lr"] == 0.002
    model.step(1)
    assert sgd.live_run.lr == 0.002
    before = sgd.live_run
    sgd.optimizer = "adam"
    assert sgd.live_run is not before and sgd.live_run.optimizer.name == "adam"
    assert sgd.live_run.steps == 0
    model.remove_run(0)
    sgd.hyper = {"lr": 0.5}  # a racer taken out no longer drives anything
    assert all(cfg.live_run.optimizer.hyper["lr"] != 0.5 for cfg in model.runs)
