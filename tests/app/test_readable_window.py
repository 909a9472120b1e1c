"""A window that never surprises (issue 11): docks a lesson needs, the wheel over the Controls
panel, Return in a field, readable numbers, live captions, dialogs and the Run / Pause label."""

import itertools

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QListWidget,
    QMessageBox,
    QWidget,
)

from gdstudio.app.caption import MIN_LINES
from gdstudio.app.main_window import MainWindow
from gdstudio.app.model import StudioModel


def shown_window(qtbot, scene: str | None = None, size: tuple[int, int] | None = None):
    """A window as a user opens it (the saved layout applies), on `scene` if given."""
    model = StudioModel()
    if scene is not None:
        model.load_scene(scene)
    window = MainWindow(model)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.is_started)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def choose_from_menu_bar(qtbot, window: MainWindow, title: str, entry: str) -> None:
    """Click `title` in the menu bar, then `entry` in the menu that drops down."""
    bar = window.menuBar()
    menu_action = next(a for a in bar.actions() if a.text().replace("&", "") == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(menu_action).center())
    menu = menu_action.menu()
    qtbot.waitUntil(menu.isVisible)
    action = next(a for a in menu.actions() if a.text().replace("&", "") == entry)
    pos = menu.actionGeometry(action).center()
    qtbot.mouseMove(menu, pos)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: not menu.isVisible())


def wheel(widget: QWidget, notches: int = -1) -> None:
    """Turn the mouse wheel over the middle of `widget` (negative: down, towards the user)."""
    centre = widget.rect().center()
    event = QWheelEvent(
        QPointF(centre),
        QPointF(widget.mapToGlobal(centre)),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def select_racer(user, window: MainWindow, row: int) -> None:
    runs = window.findChild(QListWidget, "runList")
    user.click(runs.viewport(), runs.visualItemRect(runs.item(row)).center())
    assert runs.currentRow() == row


# --- a lesson shows the docks it needs ------------------------------------------------------


def test_line_fit_opened_from_the_lessons_menu_shows_its_data_panel_after_any_session(qtbot):
    earlier = shown_window(qtbot, "learning-rate")  # no data: its layout hides the Data dock
    assert not earlier.data_dock.isVisible()
    earlier.close()
    window = shown_window(qtbot)  # the next launch restores that layout
    assert window.model.scene.id == "surface" and window.model.is_data  # the default lesson
    assert window.data_dock.isVisible()  # fits data: its dock is back, whatever was saved
    choose_from_menu_bar(qtbot, window, "Lessons", "6. Linear regression")
    assert window.model.scene.id == "line-fit"
    assert window.data_dock.isVisible()
    qtbot.waitUntil(lambda: window.data_panel.isVisible())  # the editor, not a placeholder
    choose_from_menu_bar(qtbot, window, "Lessons", "1. 3D loss surface")
    assert window.data_dock.isVisible()


# --- the wheel over the Controls panel scrolls it --------------------------------------------


def test_the_wheel_over_unfocused_fields_scrolls_the_panel_and_changes_nothing(qtbot, user):
    window = shown_window(qtbot, "race", size=(640, 480))
    panel, model = window.controls, window.model
    bar = panel.verticalScrollBar()
    assert bar.maximum() > 0  # the panel is taller than its dock: it scrolls
    window.view3d.setFocus()
    optimizer = user.find(window, "optimizerCombo")
    panel.ensureWidgetVisible(optimizer)
    top = bar.value()
    for _ in range(3):
        wheel(optimizer)
    assert model.runs[0].optimizer == "sgd" and optimizer.currentText() == "SGD"
    assert bar.value() > top  # the panel scrolled instead
    landscape = user.find(window, "landscapeCombo")
    bar.setValue(0)
    wheel(landscape)
    assert model.landscape_name == "rosenbrock"
    lr = user.find(window, "lrSlider")
    panel.ensureWidgetVisible(lr)
    for part in (lr.spin, lr.slider):
        wheel(part)
    assert model.runs[0].run.optimizer.hyper["lr"] == 0.001
    max_steps = user.find(window, "maxStepsSpin")
    panel.ensureWidgetVisible(max_steps)
    wheel(max_steps)
    assert model.settings.max_steps == 5000


def test_the_wheel_changes_a_field_once_it_is_clicked_into(qtbot, user):
    window = shown_window(qtbot, "race", size=(640, 480))
    max_steps = user.find(window, "maxStepsSpin")
    window.controls.ensureWidgetVisible(max_steps)
    user.click(max_steps, QPoint(12, max_steps.height() // 2))
    assert max_steps.hasFocus()
    wheel(max_steps, notches=1)
    assert window.model.settings.max_steps == 5001


# --- Return commits and hands the keys back to the view --------------------------------------


def test_return_in_a_field_commits_it_and_space_and_r_reach_the_race_again(qtbot, user):
    window = shown_window(qtbot, "race")
    lr = user.find(window, "lrSlider").spin
    user.type_into(lr, "0.002")
    assert window.model.runs[0].run.optimizer.hyper["lr"] == 0.002
    qtbot.waitUntil(lambda: not lr.hasFocus())
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Space)
    assert window.stepper.playing
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps > 5)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_R)
    assert not window.stepper.playing and window.model.runs[0].run.steps == 0
    assert lr.text() == "0.002"  # neither key went into the field


# --- readable small numbers -------------------------------------------------------------------


def test_eps_reads_1e_08_and_takes_a_typed_1e_6(qtbot, user):
    window = shown_window(qtbot, "race")
    select_racer(user, window, 3)  # Adam
    eps = user.field(window.controls.editor, "eps")
    assert eps.text() == "1e-08"
    assert "PyTorch default" in eps.toolTip() and "eps=1e-08" in eps.toolTip()
    user.type_into(eps, "1e-6")
    assert window.model.runs[3].run.optimizer.hyper["eps"] == 1e-6
    assert eps.text() == "1e-06"


def test_every_hyperparameter_field_says_what_it_does_and_its_pytorch_default(qtbot, user):
    window = shown_window(qtbot, "race")
    editor = window.controls.editor
    for row in range(4):
        select_racer(user, window, row)
        hyper = window.model.runs[row].run.optimizer.hyper
        for name in hyper:
            field = user.field(editor, "Learning rate" if name == "lr" else name)
            tip = field.toolTip()
            assert "PyTorch default (torch.optim." in tip and f"{name}=" in tip, (name, tip)
    select_racer(user, window, 1)  # Momentum: torch.optim.SGD with momentum 0.9
    momentum = user.field(editor, "momentum")
    assert "torch.optim.SGD" in momentum.toolTip() and "momentum=0" in momentum.toolTip()


# --- captions state the live figures ------------------------------------------------------------


def test_the_race_caption_counts_the_racers_there_are(qtbot, user):
    window = shown_window(qtbot, "race")
    assert "Four optimizers start together at (−1.5, 2)" in window.caption.text()
    for name in ("Adam", "NAdam", "AdamW", "Adagrad"):
        user.choose_from_menu(user.find(window, "addRunButton"), name)
    assert len(window.model.runs) == 8
    assert "Eight optimizers start together" in window.caption.text()


def test_the_surface_caption_states_the_minimum_of_the_points_there_are(qtbot, no_mouse_rate_limit):
    window = shown_window(qtbot, "surface")
    assert "on five points" in window.caption.text()
    assert "minimum at w ≈ 2.03, b ≈ −0.03" in window.caption.text()
    plot = window.data_panel.plot
    qtbot.waitUntil(lambda: plot.height() > 100)
    plot.getViewBox().setRange(xRange=(0, 8), yRange=(0, 12), padding=0)
    pos = plot.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(7.0, 1.0)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert len(window.model.dataset) == 6
    w, b = window.model.landscape.minima[0]
    text = window.caption.text()
    assert "on six points" in text
    assert f"minimum at w ≈ {w:.2f}, b ≈ {b:.2f}".replace("-", "−") in text
    assert "2.03" not in text


def test_the_challenges_caption_stays_when_its_suggestion_is_followed(qtbot, user):
    window = shown_window(qtbot, "challenges")
    combo = user.find(window, "landscapeCombo")
    for title in ("Plateau", "Saddle point"):
        user.pick(combo, title)
        assert window.caption.isVisible() and "Switch the landscape to saddle" in (
            window.caption.text()
        )
    user.pick(combo, "Beale")
    assert not window.caption.isVisible()


# --- dialogs leave the race running -------------------------------------------------------------


def _close_modal_soon(qtbot, seen: list[bool], window: MainWindow) -> None:
    def close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, close)
            return
        steps = window.model.runs[0].run.steps
        seen.append(window.stepper.playing)
        qtbot.waitUntil(lambda: window.model.runs[0].run.steps > steps)  # it goes on behind
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    QTimer.singleShot(0, close)


@pytest.mark.parametrize("entry", ["About Gradient Descent Studio", "Keyboard Shortcuts"])
def test_a_help_dialog_leaves_a_running_race_running(qtbot, entry):
    window = shown_window(qtbot, "race")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.stepper.playing
    seen: list[bool] = []
    _close_modal_soon(qtbot, seen, window)
    choose_from_menu_bar(qtbot, window, "Help", entry)
    qtbot.waitUntil(lambda: seen == [True])
    assert window.stepper.playing
    steps = window.model.runs[0].run.steps
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps > steps)


def test_the_export_dialog_leaves_a_running_race_running(qtbot):
    window = shown_window(qtbot, "race")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QWidget, "exportDialog")
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    steps = window.model.runs[0].run.steps
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps > steps)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.stepper.playing


# --- Run / Pause says what it will do -------------------------------------------------------------


def test_the_run_action_reads_pause_while_running_in_the_menu_and_the_toolbar(qtbot):
    window = shown_window(qtbot, "race")
    play = window.actions_by_name["play"]
    button = window.toolbar.widgetForAction(play)
    run_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Run")
    assert play in run_menu.actions()
    assert play.text() == "Run"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert play.text() == "Pause" and "Pause" in play.toolTip()
    assert button.defaultAction() is play
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert play.text() == "Run" and "Run" in play.toolTip()


# --- a small window scrolls its panels instead of cutting them off ------------------------------

CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox, QAbstractSlider, QListWidget)


def _controls_of(panel) -> list[QWidget]:
    body = panel.widget()
    return [
        w
        for w in body.findChildren(QWidget)
        if isinstance(w, CONTROLS) and w.isVisible() and not isinstance(w.parentWidget(), CONTROLS)
    ]


@pytest.mark.parametrize(("scene", "racer"), [("race", 3), ("variants", 2), ("race", 0)])
def test_at_640_by_480_every_control_can_be_scrolled_to_and_none_overlaps(
    qtbot, user, scene, racer
):
    window = shown_window(qtbot, scene, size=(640, 480))
    assert (window.width(), window.height()) == (640, 480)
    panel = window.controls
    select_racer(user, window, racer)  # Adam's pairs of betas, the batch fields, SGD's
    body, viewport = panel.widget(), panel.viewport()
    assert body.width() <= viewport.width()  # nothing runs off to the right
    controls = _controls_of(panel)
    assert len(controls) > 10
    bar = panel.verticalScrollBar()
    for control in controls:
        top = control.mapTo(body, QPoint(0, 0)).y()
        bar.setValue(min(top, top + control.height() - viewport.height()) if top > 0 else 0)
        assert bar.value() == max(0, min(top, top + control.height() - viewport.height()))
        top_left = control.mapTo(viewport, QPoint(0, 0))
        rect = QRect(top_left, control.size())
        assert viewport.rect().contains(rect), f"{control.objectName() or control} is cut off"
    rects = {c: QRect(c.mapTo(body, QPoint(0, 0)), c.size()) for c in controls}
    for a, b in itertools.combinations(controls, 2):
        assert not rects[a].intersects(rects[b]), f"{a} overlaps {b}"
    view = window.stack.currentWidget()
    assert view.width() >= 150 and view.height() >= 100  # the landscape keeps a share
    caption = window.caption
    assert MIN_LINES <= caption.lines_shown() and caption.height() <= 0.2 * window.height()
    assert caption.verticalScrollBar().maximum() > 0  # a long caption scrolls instead


def test_at_640_by_480_plots_and_data_are_tabs_under_the_view_the_lessons_in_front(qtbot):
    window = shown_window(qtbot, "line-fit", size=(640, 480))
    tabbed = set(window.tabifiedDockWidgets(window.readouts_dock))
    assert {window.plots_dock, window.data_dock} <= tabbed
    qtbot.waitUntil(lambda: window.data_panel.isVisible())  # the data's tab is in front
    assert not window.visibleRegion().isEmpty() and window.data_panel.plot.width() > 300
    view = window.stack.currentWidget()
    assert view.width() > window.width() / 2  # the landscape keeps most of the width
    choose_from_menu_bar(qtbot, window, "Lessons", "5. Optimizer race (Rosenbrock)")
    assert not window.data_dock.isVisible()
    plots = window.plots
    qtbot.waitUntil(lambda: plots.isVisible())  # with the data gone, the plots are in front
