"""The studio window as a user drives it: controls, timer, shortcuts, docks, picking."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QListWidget,
    QPushButton,
    QStyle,
    QStyleOptionViewItem,
    QToolButton,
)

from gdstudio.app.main_window import APP_TITLE, MainWindow
from gdstudio.app.model import StudioModel


@pytest.fixture
def window(qtbot):
    model = StudioModel()
    model.load_scene("race")
    w = MainWindow(model)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitExposed(w.view3d.surface)  # the GL window the user's clicks land on
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def test_first_launch_shows_the_surface_lesson_ready_to_run(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.windowTitle() == f"Untitled[*] — {APP_TITLE}"
    assert w.model.scene.id == "surface"
    assert w.model.runs and w.model.can_step
    assert w.caption.isVisible() and "green minimum" in w.caption.text()
    names = {d.objectName() for d in w.findChildren(QDockWidget)}
    assert {"ControlsDock", "PlotsDock", "ReadoutsDock"} <= names


def test_space_runs_the_race_on_the_timer_and_pauses_again(qtbot, window):
    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.stepper.playing
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps >= 20, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.stepper.playing
    steps = [c.run.steps for c in window.model.runs]
    assert len(set(steps)) == 1  # stepped together


def test_step_shortcut_and_reset_shortcut(qtbot, window):
    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert [c.run.steps for c in window.model.runs] == [2, 2, 2, 2]
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert all(c.run.steps == 0 for c in window.model.runs)
    assert np.allclose(window.model.runs[0].run.params, [-1.5, 2.0])


def test_step_button_clicks_step_the_race(qtbot, window):
    button = window.controls.findChild(object, "stepButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert all(c.run.steps == 1 for c in window.model.runs)


def test_race_ends_when_every_run_has_stopped(qtbot):
    model = StudioModel()
    model.load_scene("learning-rate")
    w = MainWindow(model)
    qtbot.addWidget(w)
    model.set_speed(5000)
    w.stepper.play()
    qtbot.waitUntil(lambda: not w.stepper.playing, timeout=10000)
    run = model.runs[0].run
    assert run.status == "converged"
    assert "converged at step" in w.statusBar().currentMessage()


def test_diverging_run_ends_cleanly_and_says_where(qtbot, window):
    window.model.set_run_hyper(0, "lr", 0.05)  # far too large for Rosenbrock
    window.model.step(200)
    run = window.model.runs[0].run
    assert run.status == "diverged"
    table = window.readouts.findChild(object, "readoutsTable")
    texts = [
        table.item(r, c).text()
        for r in range(table.rowCount())
        for c in range(table.columnCount())
        if table.item(r, c)
    ]
    assert f"diverged at step {run.status_step}" in texts
    cols = run.history.columns()
    assert all(np.isfinite(v).all() for v in cols.values())
    window.grab()  # draws without error


def _click_run(user, window, row):
    runs = window.findChild(QListWidget, "runList")
    user.click(runs.viewport(), runs.visualItemRect(runs.item(row)).center())
    assert runs.currentRow() == row


def test_learning_rate_spin_changes_the_model_and_the_model_updates_the_spin(qtbot, user, window):
    _click_run(user, window, 3)
    slider = window.controls.editor.findChild(object, "lrSlider")
    user.type_into(slider.spin, "0.02")
    assert window.model.runs[3].run.optimizer.hyper["lr"] == pytest.approx(0.02)
    received = []
    window.model.runChanged.connect(received.append)
    window.model.set_run_hyper(3, "lr", 0.005)
    assert slider.spin.value() == pytest.approx(0.005)
    assert received == [3]  # no echo from the spin box back into the model


def test_invalid_hyperparameter_is_refused_with_a_message(qtbot, user, window):
    _click_run(user, window, 1)
    editor = window.controls.editor
    label = next(w for w in editor.findChildren(QLabel) if w.text() == "momentum" and w.buddy())
    user.type_into(label.buddy(), "1.5")
    assert window.model.runs[1].run.optimizer.hyper["momentum"] == 0.9
    assert editor.error.isVisibleTo(editor) and "momentum" in editor.error.text()


def test_landscape_picker_switches_and_resets(qtbot, user, window):
    window.model.step(3)
    combo = window.findChild(QComboBox, "landscapeCombo")
    user.pick(combo, combo.itemText(combo.findData("himmelblau")))
    assert window.model.landscape_name == "himmelblau"
    assert all(c.run.steps == 0 for c in window.model.runs)


def test_scene_picker_loads_a_lesson(qtbot, user, window):
    combo = window.findChild(QComboBox, "sceneCombo")
    user.pick(combo, combo.itemText(combo.findData("variants")))
    assert window.model.scene.id == "variants"
    assert [c.batch for c in window.model.runs] == [None, 1, 4]


def test_add_and_remove_an_optimizer(qtbot, user, window):
    user.choose_from_menu(window.findChild(QToolButton, "addRunButton"), "NAdam")
    assert window.model.runs[-1].optimizer == "nadam"
    runs = window.findChild(QListWidget, "runList")
    assert runs.count() == 5 and runs.currentRow() == 4  # the new run, ready to edit
    assert runs.item(4).text() == window.model.runs[-1].title
    user.click(runs.viewport(), runs.visualItemRect(runs.item(1)).center())
    user.click(window.findChild(QPushButton, "removeRunButton"))
    assert [c.optimizer for c in window.model.runs] == ["sgd", "rmsprop", "adam", "nadam"]
    assert runs.count() == 4


def test_unticking_a_run_hides_and_freezes_it(qtbot, user, window):
    runs = window.findChild(QListWidget, "runList")
    option = QStyleOptionViewItem()
    option.initFrom(runs)
    option.rect = runs.visualItemRect(runs.item(0))
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = runs.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, runs)
    user.click(runs.viewport(), box.center())  # the tick box of the first run
    assert runs.item(0).checkState() == Qt.CheckState.Unchecked
    assert not window.model.runs[0].enabled
    window.model.step(5)
    assert window.model.runs[0].run.steps == 0 and window.model.runs[1].run.steps == 5


def test_toggle_view_with_t_shows_the_contour_view(qtbot, window):
    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_T)
    assert window.stack.currentWidget() is window.contour
    qtbot.keyClick(window, Qt.Key.Key_T)
    assert window.stack.currentWidget() is window.view3d


def test_one_parameter_landscape_uses_the_curve_view(qtbot, window):
    window.model.load_scene("learning-rate")
    assert window.stack.currentWidget() is window.contour
    assert not window.actions_by_name["toggle_view"].isEnabled()


def test_clicking_the_3d_surface_drops_a_new_start(qtbot, window):
    window.model.set_landscape("quadratic2d")  # a bowl: no part of it hides another
    qtbot.waitUntil(lambda: window.view3d.heightmap is not None)
    target = np.array([1.0, 2.0])
    pos = window.view3d.screen_position(target)
    qtbot.mouseClick(
        window.view3d.surface, Qt.MouseButton.LeftButton, pos=QPoint(round(pos.x()), round(pos.y()))
    )
    assert np.allclose(window.model.start, target, atol=0.15)
    assert all(np.allclose(c.run.params, window.model.start) for c in window.model.runs)


def test_docks_and_geometry_restore_after_restart(qtbot, window):
    window.readouts_dock.hide()
    window.removeDockWidget(window.plots_dock)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.plots_dock)
    window.plots_dock.show()
    window.close()
    assert QSettings().value("window/version", 0, int) == 1
    again = MainWindow(StudioModel())
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.readouts_dock.isHidden()
    assert again.dockWidgetArea(again.plots_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    again.reset_layout()
    assert again.readouts_dock.isVisible()
    assert again.dockWidgetArea(again.plots_dock) == Qt.DockWidgetArea.RightDockWidgetArea


def _data_pos(window, x, y):
    plot = window.data_panel.plot
    return plot.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(x, y)))


def _data_click(qtbot, window, x, y):
    qtbot.mouseClick(
        window.data_panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=_data_pos(window, x, y)
    )


def _data_drag(qtbot, window, start, end, steps=4):
    vp = window.data_panel.plot.viewport()
    path = [
        _data_pos(window, *np.add(start, t * np.subtract(end, start)))
        for t in np.linspace(0.0, 1.0, steps + 1)
    ]
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=path[0])
    for pos in path[1:]:
        qtbot.mouseMove(vp, pos)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=path[-1])


def test_line_fit_workflow_in_the_window(qtbot, window, no_mouse_rate_limit):
    window.model.load_scene("line-fit")
    assert window.data_dock.isVisible() and not window.data_panel.hint.isVisible()
    qtbot.waitUntil(lambda: window.data_panel.plot.height() > 100)
    window.data_panel.clear_data()
    assert len(window.model.dataset) == 0
    window.data_panel.plot.getViewBox().setRange(xRange=(0, 6), yRange=(0, 12), padding=0)
    clicked = [(1, 2), (2, 4.2), (3, 5.9), (4, 8.1), (5, 9.9)]
    for x, y in clicked:
        _data_click(qtbot, window, x, y)
    assert np.allclose(np.c_[window.model.dataset.x, window.model.dataset.y], clicked, atol=0.1)
    before = window.model.landscape.minima[0]
    window.model.set_run_hyper(0, "lr", 0.03)
    window.model.step(3000)
    w, b = window.model.to_original(window.model.runs[0].run.params)
    assert np.allclose(
        (w, b), np.polyfit(window.model.dataset.x, window.model.dataset.y, 1), atol=0.02
    )
    last = (window.model.dataset.x[4], window.model.dataset.y[4])
    _data_drag(qtbot, window, last, (5.0, 11.5))  # drag the last point up...
    assert window.model.dataset.y[4] == pytest.approx(11.5, abs=0.1)
    assert window.model.landscape.minima[0] != before
    undo = window.actions_by_name["undo"]
    qtbot.keyClick(window.data_panel.plot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (window.model.dataset.x[4], window.model.dataset.y[4]) == last  # ...and back
    qtbot.keyClick(window.data_panel.plot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.model.dataset) == 4  # the clicks stay undoable, one by one
    assert undo.isEnabled()


def test_data_dock_appears_only_for_data_landscapes(qtbot, window):
    assert not window.data_dock.isVisible()
    window.model.load_scene("line-fit")
    assert window.data_dock.isVisible()
    window.model.set_landscape("rastrigin")
    assert not window.data_dock.isVisible()


def test_caption_hides_when_the_landscape_leaves_the_lesson(qtbot, window):
    assert window.caption.isVisible() and "Rosenbrock" in window.caption.text()
    window.model.set_landscape("beale")
    assert not window.caption.isVisible()
    window.model.load_scene("race")
    assert window.caption.isVisible()


def test_no_shortcut_is_bound_twice(studio_window):
    window = studio_window("line-fit")
    assert window.data_panel.isVisible()  # built: the Data dock's actions are there too
    seen: dict[str, str] = {}
    bindings = [(a.text(), a.shortcuts()) for a in window.findChildren(QAction)]
    bindings += [
        (s.objectName() or "a shortcut", [s.key()]) for s in window.findChildren(QShortcut)
    ]
    for name, keys in bindings:
        for key in keys:
            text = key.toString()
            if not text:
                continue
            assert text not in seen, f"{text} is bound to {seen[text]!r} and {name!r}"
            seen[text] = name
    assert {"Ctrl+Shift+Z", "Ctrl+Z", "Space", "R", "Ctrl+E", "Ctrl+S"} <= set(seen)


def test_ctrl_shift_z_redoes_what_ctrl_z_undid(qtbot, studio_window, no_mouse_rate_limit):
    window = studio_window("line-fit")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts reach the active window only
    model, plot = window.model, window.data_panel.plot
    before = (model.dataset.x[4], model.dataset.y[4])
    _data_drag(qtbot, window, before, (5.0, 11.5))
    moved = (model.dataset.x[4], model.dataset.y[4])
    assert moved != before
    qtbot.keyClick(plot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (model.dataset.x[4], model.dataset.y[4]) == before
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(plot, Qt.Key.Key_Z, shift_ctrl)
    assert (model.dataset.x[4], model.dataset.y[4]) == moved
