"""The run editor across data edits: a point added in the plot leaves its fields alone."""

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QListWidget
from shiboken6 import isValid


def add_point_in_plot(qtbot, window) -> None:
    """A real click in an empty corner of the Data dock's plot."""
    plot = window.data_panel.plot
    vb = plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    scene = vb.mapViewToScene(QPointF(x0 + 0.03 * (x1 - x0), y0 + 0.04 * (y1 - y0)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene))


def test_a_point_added_in_the_plot_keeps_the_run_editor_as_the_user_left_it(
    qtbot, user, studio_window
):
    window = studio_window("line-fit")
    window.activateWindow()
    runs = window.findChild(QListWidget, "runList")
    user.click(runs.viewport(), runs.visualItemRect(runs.item(0)).center())
    lr = user.find(window, "lrSlider").findChild(QDoubleSpinBox)
    user.type_into(lr, "0.0123")
    user.pick(user.find(window, "batchCombo"), "Mini-batch")
    combo = user.find(window, "batchCombo")
    n = len(window.model.dataset)

    add_point_in_plot(qtbot, window)

    assert len(window.model.dataset) == n + 1
    # The same fields, showing what the user set (not a form rebuilt from scratch).
    assert isValid(lr) and lr.isVisible() and lr.value() == 0.0123
    assert isValid(combo) and combo.isVisible() and combo.currentText() == "Mini-batch"
    assert window.model.runs[0].hyper["lr"] == 0.0123


def test_switching_to_an_analytic_landscape_drops_the_batch_fields(qtbot, user, studio_window):
    window = studio_window("line-fit")
    window.activateWindow()
    runs = window.findChild(QListWidget, "runList")
    user.click(runs.viewport(), runs.visualItemRect(runs.item(0)).center())
    add_point_in_plot(qtbot, window)
    assert user.find(window, "batchCombo").isVisible()
    combo = window.findChild(QComboBox, "landscapeCombo")
    user.pick(combo, combo.itemText(combo.findData("himmelblau")))
    qtbot.waitUntil(lambda: window.findChild(QComboBox, "batchCombo") is None)
    qtbot.waitUntil(lambda: user.find(window, "lrSlider").isVisible())
