"""The Data dock as a user drives it: real clicks and drags at data coordinates, keys, table
edits, CSV files, losses and classes, normalization, and a million points."""

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMessageBox,
)

from gdstudio.app.data.dialogs import GenerateDialog, GenerateSpec
from gdstudio.app.data.panel import ANALYTIC_HINT, DataPanel
from gdstudio.app.data.plot import HIT_RADIUS
from gdstudio.core.data import Dataset
from tests.conftest import hold_still

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture(autouse=True)
def _every_move_counts(no_mouse_rate_limit):
    """pyqtgraph keeps every mouse move of a drag, however fast the test moves."""


@pytest.fixture
def make_panel(show_panel):
    """A DataPanel on a scene, shown."""
    return lambda scene="line-fit": show_panel(DataPanel, scene, (900, 560))


@pytest.fixture
def panel(qtbot, make_panel) -> Iterator[DataPanel]:
    panel = make_panel()
    yield panel
    panel.model.surface_worker.wait()  # no background job may outlive the model


def at(panel: DataPanel, x: float, y: float):
    """Widget position of the data point (x, y)."""
    scene = panel.plot.getViewBox().mapViewToScene(QPointF(x, y))
    return panel.plot.mapFromScene(scene)


def settled(qtbot, panel) -> None:
    """Wait for the plot and the table to show what the last change did (each redraws in a
    turn of the event loop of its own after it)."""
    qtbot.waitUntil(lambda: panel.plot.settled and panel.table.settled)


def hold_at(qtbot, panel, x, y) -> QPoint:
    """The pointer on the data point (x, y) once the plot holds still there (a right-click on
    a point once missed it in CI: conftest.hold_still); where that is in the viewport."""
    return hold_still(qtbot, panel.plot.viewport(), lambda: at(panel, x, y))


def click(qtbot, panel, x, y, button=LEFT, modifiers=NONE) -> None:
    """Click the data point (x, y) once the plot holds still there (hold_at)."""
    pos = hold_at(qtbot, panel, x, y)
    qtbot.mouseClick(panel.plot.viewport(), button, modifiers, pos)
    settled(qtbot, panel)


def drag(
    qtbot, panel, start, end, modifiers=NONE, steps=4, before_release=None, button=LEFT
) -> None:
    """Press at `start`, move in steps, release at `end` (screen positions fixed up front,
    once the plot holds still at `start`)."""
    vp = panel.plot.viewport()
    hold_at(qtbot, panel, *start)
    path = [
        at(panel, *np.add(start, t * np.subtract(end, start)))
        for t in np.linspace(0.0, 1.0, steps + 1)
    ]
    qtbot.mousePress(vp, button, modifiers, path[0])
    for pos in path[1:]:
        qtbot.mouseMove(vp, pos)
    if before_release is not None:
        before_release()
    qtbot.mouseRelease(vp, button, modifiers, path[-1])
    settled(qtbot, panel)


def data_tolerance(panel) -> tuple[float, float]:
    """Data units of about one pixel along x and y."""
    px, py = panel.plot.getViewBox().viewPixelSize()
    return 1.5 * px, 1.5 * py


def focus_window(qtbot, panel) -> None:
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)


# --- mouse editing -----------------------------------------------------------------------------


def test_click_on_empty_space_adds_a_point_at_the_clicked_coordinates(qtbot, panel):
    model = panel.model
    click(qtbot, panel, 2.5, 8.0)
    assert len(model.dataset) == 6
    tx, ty = data_tolerance(panel)
    assert model.dataset.x[-1] == pytest.approx(2.5, abs=tx)
    assert model.dataset.y[-1] == pytest.approx(8.0, abs=ty)
    assert model.undo_stack.undoText().startswith("Add point (2.5")
    assert list(panel.selection.indices) == [5]
    assert len(panel.plot.shown_indices()) == 6


def test_click_on_a_point_selects_it_without_adding(qtbot, panel):
    click(qtbot, panel, 3.0, 6.1)
    assert len(panel.model.dataset) == 5
    assert list(panel.selection.indices) == [2]
    click(qtbot, panel, 5.0, 10.2, modifiers=CTRL)
    assert list(panel.selection.indices) == [2, 4]
    assert list(panel.table.selected_rows()) == [2, 4]


def test_dragging_a_point_moves_it_live_as_one_undo_step(qtbot, panel):
    model = panel.model
    before = model.dataset.copy()
    optimum = model.landscape.minima[0]

    def moved_during_the_drag():
        assert model.dataset.x[2] != 3.0
        assert model.landscape.minima[0] != optimum  # the surface follows at once

    drag(qtbot, panel, (3.0, 6.1), (3.5, 8.0), before_release=moved_during_the_drag)
    tx, ty = data_tolerance(panel)
    assert model.dataset.x[2] == pytest.approx(3.5, abs=tx)
    assert model.dataset.y[2] == pytest.approx(8.0, abs=ty)
    assert model.undo_stack.count() == 1
    assert model.undo_stack.undoText().startswith("Move point 3 to (3.5")
    model.undo_stack.undo()
    assert model.dataset == before
    model.undo_stack.redo()
    assert model.dataset.x[2] == pytest.approx(3.5, abs=tx)


def test_right_click_on_a_point_deletes_it(qtbot, panel):
    model = panel.model
    click(qtbot, panel, 4.0, 8.0, RIGHT)
    np.testing.assert_array_equal(model.dataset.x, [1, 2, 3, 5])
    assert model.undo_stack.undoText() == "Delete point 4"
    click(qtbot, panel, 2.5, 2.5, RIGHT)  # empty space: nothing happens
    assert len(model.dataset) == 4 and model.undo_stack.count() == 1


def test_rubber_band_selects_several_and_delete_removes_them(qtbot, panel):
    model = panel.model
    drag(qtbot, panel, (0.8, 5.5), (3.4, 1.6))
    assert list(panel.selection.indices) == [0, 1]
    assert list(panel.table.selected_rows()) == [0, 1]
    assert len(model.dataset) == 5  # selecting adds nothing
    focus_window(qtbot, panel)
    panel.plot.setFocus()
    qtbot.keyClick(panel.plot, Qt.Key.Key_Delete)
    np.testing.assert_array_equal(model.dataset.x, [3, 4, 5])
    assert model.undo_stack.undoText() == "Delete 2 points"
    assert len(panel.selection) == 0


def test_backspace_deletes_the_selected_point(qtbot, panel):
    click(qtbot, panel, 1.0, 2.1)
    focus_window(qtbot, panel)
    panel.plot.setFocus()
    qtbot.keyClick(panel.plot, Qt.Key.Key_Backspace)
    np.testing.assert_array_equal(panel.model.dataset.x, [2, 3, 4, 5])


def test_a_tiny_rubber_band_counts_as_a_click(qtbot, panel):
    drag(qtbot, panel, (2.5, 8.0), (2.51, 8.02), steps=1)
    assert len(panel.model.dataset) == 6


def test_right_drag_pans_without_editing(qtbot, panel):
    vb = panel.plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    drag(qtbot, panel, (2.5, 8.0), (3.5, 8.0), button=RIGHT)
    (nx0, nx1), _ = vb.viewRange()
    assert nx0 == pytest.approx(x0 - 1.0, abs=0.05) and nx1 == pytest.approx(x1 - 1.0, abs=0.05)
    assert panel.model.dataset == Dataset.default() and panel.model.undo_stack.count() == 0


def test_clicks_on_the_axes_add_nothing(qtbot, panel):
    vb = panel.plot.getViewBox()
    (x0, _), (y0, _) = vb.viewRange()
    px, py = vb.viewPixelSize()
    click(qtbot, panel, x0 - 20 * px, 6.0)  # on the y axis
    click(qtbot, panel, 3.0, y0 - 15 * py)  # on the x axis
    assert panel.model.dataset == Dataset.default()


def test_undo_and_redo_walk_a_session_of_edits_exactly(qtbot, panel):
    model = panel.model
    states = [model.dataset.copy()]
    click(qtbot, panel, 2.5, 8.0)
    states.append(model.dataset.copy())
    drag(qtbot, panel, (1.0, 2.1), (1.5, 4.0))
    states.append(model.dataset.copy())
    click(qtbot, panel, 4.0, 8.0, RIGHT)
    states.append(model.dataset.copy())
    assert model.undo_stack.count() == 3
    for state in reversed(states[:-1]):
        model.undo_stack.undo()
        assert model.dataset == state
    for state in states[1:]:
        model.undo_stack.redo()
        assert model.dataset == state


# --- drawing -----------------------------------------------------------------------------------


def test_each_run_is_drawn_as_its_line_with_residuals_and_the_dashed_optimum(qtbot, panel):
    model = panel.model
    model.step(300)
    settled(qtbot, panel)
    cfg = model.runs[0]
    w, b = model.to_original(cfg.run.params)
    ((curve_cfg, curve),) = panel.plot.fit.curves
    assert curve_cfg is cfg and curve.opts["pen"].color().name() == cfg.color.lower()
    x, y = curve.getData()
    np.testing.assert_allclose(y, w * x + b)
    rx, ry = panel.plot.residuals.getData()
    assert len(rx) == 2 * len(model.dataset)
    np.testing.assert_allclose(ry[0::2], model.dataset.y)
    np.testing.assert_allclose(ry[1::2], w * model.dataset.x + b)
    ox, oy = panel.plot.optimum_curve.getData()
    slope, intercept = np.polyfit(model.dataset.x, model.dataset.y, 1)
    np.testing.assert_allclose(oy, slope * ox + intercept)
    assert panel.plot.optimum_curve.opts["pen"].style() == Qt.PenStyle.DashLine


def test_lines_are_redrawn_when_the_fit_moves_and_left_alone_when_it_does_not(qtbot, panel):
    model = panel.model
    ((_, curve),) = panel.plot.fit.curves
    drawn = [curve.getData()[1], panel.plot.residuals.getData()[1]]
    drawn.append(panel.plot.optimum_curve.getData()[1])
    click(qtbot, panel, 1.0, 2.1)  # selects a point: nothing the lines show has changed
    assert list(panel.selection.indices) == [0]
    assert curve.getData()[1] is drawn[0] and panel.plot.residuals.getData()[1] is drawn[1]
    assert panel.plot.optimum_curve.getData()[1] is drawn[2]
    model.step(5)  # the run moves: its line and residuals follow, the optimum stays
    settled(qtbot, panel)
    w, b = model.to_original(model.runs[0].run.params)
    x, y = curve.getData()
    np.testing.assert_allclose(y, w * x + b)
    np.testing.assert_allclose(panel.plot.residuals.getData()[1][1::2], w * model.dataset.x + b)
    assert panel.plot.optimum_curve.getData()[1] is drawn[2]
    click(qtbot, panel, 2.5, 8.0)  # a new point: new residuals and a new optimum
    assert len(panel.plot.residuals.getData()[0]) == 2 * len(model.dataset)
    assert panel.plot.optimum_curve.getData()[1] is not drawn[2]


def test_equation_uses_real_minus_signs(qtbot, panel):
    model = panel.model
    model.step(5000)
    settled(qtbot, panel)
    assert panel.plot.equation == "y = 2.03 × x \u2212 0.03"


def test_normalization_keeps_the_reported_coefficients_in_original_units(qtbot, panel):
    model = panel.model
    qtbot.mouseClick(panel.normalize_check, LEFT)
    assert model.normalize_x
    model.step(5000)
    cfg = model.runs[0]
    assert not cfg.run.running  # converged
    slope, intercept = np.polyfit(model.dataset.x, model.dataset.y, 1)
    assert abs(cfg.run.params[0] - slope) > 0.5  # the fit itself runs in other units
    settled(qtbot, panel)
    ((_, w, b),) = panel.plot.fit_coefficients()
    assert w == pytest.approx(slope, abs=1e-3)
    assert b == pytest.approx(intercept, abs=1e-3)
    assert panel.plot.equation == "y = 2.03 × x \u2212 0.03"


def test_empty_dataset_shows_a_hint_and_clicking_adds_the_first_point(qtbot, panel):
    model = panel.model
    qtbot.mouseClick(panel.button_for(panel.clear_action), LEFT)
    settled(qtbot, panel)
    assert len(model.dataset) == 0
    assert model.undo_stack.undoText() == "Clear data"
    assert panel.plot.hint_text.isVisible()
    assert panel.plot.hint_text.toPlainText() == "Click to add points"
    assert panel.table.model().rowCount() == 0
    model.step(10)
    click(qtbot, panel, 5.0, 5.0)
    click(qtbot, panel, 6.0, 5.0)
    assert len(model.dataset) == 2
    assert not panel.plot.hint_text.isVisible()
    model.step(10)


def test_analytic_landscapes_show_a_hint_instead_of_the_editor(qtbot, panel):
    panel.model.load_scene("race")
    assert panel.stack.currentWidget() is panel.hint
    assert panel.hint.text() == ANALYTIC_HINT
    panel.model.step(5)
    panel.model.load_scene("line-fit")
    assert panel.stack.currentWidget() is panel.editor
    click(qtbot, panel, 2.5, 8.0)
    assert len(panel.model.dataset) == 6


# --- table -------------------------------------------------------------------------------------


def test_typing_into_the_table_moves_the_point_through_the_undo_stack(qtbot, panel):
    model = panel.model
    table = panel.table
    index = table.model().index(1, 1)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "3.9"
    editor.selectAll()
    qtbot.keyClicks(editor, "4.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next loop turn
    qtbot.waitUntil(lambda: model.dataset.y[1] == 4.5)
    assert model.undo_stack.undoText() == "Move point 2 to (2.0, 4.5)"
    assert table.model().index(1, 1).data() == "4.5"
    model.undo_stack.undo()
    assert model.dataset == Dataset.default()
    assert table.model().index(1, 1).data() == "3.9"


def test_table_refuses_text_that_is_not_a_number(panel):
    assert not panel.table.model().setData(panel.table.model().index(0, 0), "abc")
    assert panel.model.undo_stack.count() == 0


def test_selecting_table_rows_selects_the_points(qtbot, panel):
    panel.table.selectRow(3)
    settled(qtbot, panel)
    assert list(panel.selection.indices) == [3]
    x, y = panel.plot.rings.getData()
    assert list(x) == [4.0] and list(y) == [8.0]


def table_texts(table) -> list[tuple[str, str]]:
    """Every row's two cells as the table shows them."""
    m = table.model()
    return [(m.index(r, 0).data(), m.index(r, 1).data()) for r in range(m.rowCount())]


def row_in_view(table, row: int) -> bool:
    """True when the whole row is inside the table's viewport."""
    rect = table.visualRect(table.model().index(row, 0))
    return rect.isValid() and table.viewport().rect().contains(rect)


def test_adding_a_point_scrolls_the_table_to_it_and_selects_it(qtbot, panel):
    panel.model.replace_dataset(GenerateSpec(n=300, seed=2).dataset())
    panel.plot.fit_view()
    table = panel.table
    table.scrollToTop()
    assert not row_in_view(table, 299)
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    click(qtbot, panel, x0 + 0.02 * (x1 - x0), y0 + 0.03 * (y1 - y0))  # a corner: no point
    assert len(panel.model.dataset) == 301
    assert table.model().rowCount() == 301
    assert list(table.selected_rows()) == [300]
    assert row_in_view(table, 300)
    x, y = panel.model.dataset.x[300], panel.model.dataset.y[300]
    assert table_texts(table)[300] == (f"{x:.6g}".replace("-", "−"), f"{y:.6g}".replace("-", "−"))
    # Clicking a row that is in view selects it without scrolling the table.
    top = table.verticalScrollBar().value()
    click(qtbot, panel, x0 + 0.97 * (x1 - x0), y0 + 0.97 * (y1 - y0))
    assert list(table.selected_rows()) == [301] and row_in_view(table, 301)
    assert table.verticalScrollBar().value() >= top


def test_the_row_numbers_widen_when_the_points_reach_another_digit(qtbot, panel):
    panel.model.replace_dataset(GenerateSpec(n=9_999, seed=3).dataset())
    panel.plot.fit_view()
    header = panel.table.verticalHeader()
    (x0, x1), (y0, y1) = panel.plot.getViewBox().viewRange()
    click(qtbot, panel, x0 + 0.02 * (x1 - x0), y0 + 0.03 * (y1 - y0))
    assert len(panel.model.dataset) == 10_000
    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: header.width() > header.fontMetrics().horizontalAdvance("10000"))
    assert header.model().headerData(9_999, Qt.Orientation.Vertical) == "10000"


def test_deleting_a_point_from_the_table_shifts_the_rows_after_it(qtbot, panel):
    table = panel.table
    before = table_texts(table)
    rect = table.visualRect(table.model().index(1, 0))
    qtbot.mouseClick(table.viewport(), LEFT, NONE, rect.center())
    assert list(panel.selection.indices) == [1]
    focus_window(qtbot, panel)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    settled(qtbot, panel)
    assert len(panel.model.dataset) == 4
    assert table_texts(table) == before[:1] + before[2:]
    panel.model.undo_stack.undo()
    settled(qtbot, panel)
    assert table_texts(table) == before


# --- data actions ------------------------------------------------------------------------------


def test_generate_through_the_dialog_is_one_undo_step(qtbot, panel, monkeypatch):
    def accept(dialog):
        dialog.n_spin.setValue(100)
        dialog.seed_spin.setValue(4)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(GenerateDialog, "exec", accept)
    panel.generate_action.trigger()
    model = panel.model
    assert len(model.dataset) == 100
    assert model.dataset == GenerateSpec(n=100, seed=4).dataset()
    assert not model.dataset.has_labels
    assert model.undo_stack.undoText() == "Generate 100 points"
    model.undo_stack.undo()
    assert model.dataset == Dataset.default()


def test_csv_round_trip_through_the_file_dialogs(qtbot, panel, tmp_path, monkeypatch):
    model = panel.model
    click(qtbot, panel, 2.5, 8.0)
    original = model.dataset.copy()
    target = tmp_path / "points"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.export_action.trigger()
    path = tmp_path / "points.csv"
    assert path.read_text().startswith("x,y\n")
    panel.clear_action.trigger()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    panel.import_action.trigger()
    assert model.dataset == original
    assert model.undo_stack.undoText() == "Import points.csv"


def test_a_malformed_csv_is_refused_with_line_and_column(qtbot, panel, tmp_path, monkeypatch):
    model = panel.model
    click(qtbot, panel, 2.5, 8.0)
    before, dataset, steps = model.dataset.copy(), model.dataset, model.undo_stack.count()
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3,abc\n")
    shown = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    panel.import_action.trigger()
    assert len(shown) == 1
    assert "line 3" in shown[0] and "column 'y'" in shown[0] and "'abc'" in shown[0]
    assert model.dataset is dataset and model.dataset == before
    assert model.undo_stack.count() == steps


CSV_CORPUS = Path(__file__).parents[1] / "core" / "corpus" / "csv"


class MessageBoxes:
    """Answers each message box as it opens (OK, clicked), keeping its window and text."""

    def __init__(self, qtbot) -> None:
        self.qtbot, self.seen = qtbot, []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(10)

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            self.seen.append((box.parentWidget().window(), box.icon(), box.text()))
            self.qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), LEFT)

    def stop(self) -> None:
        self.timer.stop()


def click_import(qtbot, panel, path, monkeypatch) -> None:
    """Press the dock's Import CSV… button and pick `path` in the file dialog."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(panel.button_for(panel.import_action), LEFT)


def test_every_malformed_csv_in_the_corpus_is_refused_and_the_data_kept(
    qtbot, studio_window, monkeypatch
):
    window = studio_window("line-fit")
    panel, model = window.data_panel, window.model
    qtbot.waitUntil(panel.isVisible)
    click(qtbot, panel, 2.5, 8.0)  # the user's own points
    before, dataset, steps = model.dataset.copy(), model.dataset, model.undo_stack.count()
    boxes = MessageBoxes(qtbot)
    try:
        for entry in json.loads((CSV_CORPUS / "manifest.json").read_text(encoding="utf-8")):
            seen = len(boxes.seen)
            click_import(qtbot, panel, CSV_CORPUS / entry["file"], monkeypatch)
            assert len(boxes.seen) == seen + 1, entry["file"]
            where, icon, text = boxes.seen[-1]
            assert where is window and icon == QMessageBox.Icon.Warning
            assert entry["message"] in text and "The data is unchanged" in text, text
            assert model.dataset is dataset and model.dataset == before, entry["file"]
            assert model.undo_stack.count() == steps
    finally:
        boxes.stop()


def test_an_import_that_read_past_a_column_says_so_with_the_line(
    qtbot, panel, tmp_path, monkeypatch
):
    path = tmp_path / "weights.csv"
    path.write_text("x,y,weight\n1,2,0.5\n3,5,1\n")
    boxes = MessageBoxes(qtbot)
    try:
        click_import(qtbot, panel, path, monkeypatch)
    finally:
        boxes.stop()
    assert panel.model.dataset == Dataset([1.0, 3.0], [2.0, 5.0])
    ((_, icon, text),) = boxes.seen
    assert icon == QMessageBox.Icon.Information
    assert "Imported 2 points" in text and "line 1: column 'weight' not used" in text


def test_a_failed_export_says_why_and_writes_nothing(qtbot, panel, tmp_path, monkeypatch):
    target = tmp_path / "gone" / "points.csv"  # its folder was removed meanwhile
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    boxes = MessageBoxes(qtbot)
    try:
        qtbot.mouseClick(panel.button_for(panel.export_action), LEFT)
    finally:
        boxes.stop()
    ((_, icon, text),) = boxes.seen
    assert icon == QMessageBox.Icon.Warning and f"Could not write {target}" in text
    assert list(tmp_path.iterdir()) == []


# --- losses, classes, settings -----------------------------------------------------------------


def test_loss_picker_and_huber_delta_drive_the_model(qtbot, panel):
    model = panel.model
    assert not panel.delta_spin.isVisible()
    panel.loss_combo.setCurrentIndex(panel.loss_combo.findData("huber"))
    assert model.loss == "huber"
    qtbot.waitUntil(panel.delta_spin.isVisible)
    panel.delta_spin.setValue(0.5)
    assert model.huber_delta == 0.5 and model.landscape.delta == 0.5
    model.set_loss("mae")  # model → widget, without echo
    assert panel.loss_combo.currentData() == "mae"
    qtbot.waitUntil(lambda: not panel.delta_spin.isVisible())


def test_logistic_clicks_add_class_1_and_shift_clicks_class_0(qtbot, panel):
    model = panel.model
    panel.loss_combo.setCurrentIndex(panel.loss_combo.findData("bce"))
    settled(qtbot, panel)
    assert model.loss == "bce" and panel.plot.getViewBox().viewRange()[1] == [-0.1, 1.1]
    n = len(model.dataset)
    click(qtbot, panel, 2.7, 0.8)
    click(qtbot, panel, 3.7, 0.3, modifiers=SHIFT)
    assert len(model.dataset) == n + 2
    np.testing.assert_array_equal(model.dataset.label[-2:], [1.0, 0.0])
    np.testing.assert_array_equal(model.dataset.y[-2:], [1.0, 0.0])
    assert model.undo_stack.undoText().startswith("Add class 0 point at x = 3.7")
    qtbot.mouseClick(panel.class_buttons[0], LEFT)
    click(qtbot, panel, 4.2, 0.5)
    click(qtbot, panel, 4.7, 0.5, modifiers=SHIFT)
    np.testing.assert_array_equal(model.dataset.label[-2:], [0.0, 1.0])
    x1, y1 = panel.plot.markers[1].getData()
    x0, y0 = panel.plot.markers[0].getData()
    assert set(y1) == {1.0} and set(y0) == {0.0}
    assert len(x0) + len(x1) == len(model.dataset)


def test_logistic_drag_across_the_middle_changes_the_class(qtbot, panel):
    model = panel.model
    model.set_loss("bce")
    settled(qtbot, panel)
    assert model.dataset.label[1] == 0.0
    drag(qtbot, panel, (1.0, 0.0), (1.2, 0.9))
    assert model.dataset.label[1] == 1.0
    assert model.undo_stack.count() == 1
    model.undo_stack.undo()
    assert model.dataset.label[1] == 0.0


def test_restart_on_edit_checkbox_restarts_runs_when_data_changes(qtbot, panel):
    model = panel.model
    qtbot.mouseClick(panel.restart_check, LEFT)
    assert model.restart_on_edit
    model.step(50)
    click(qtbot, panel, 2.5, 8.0)
    assert model.runs[0].run.steps == 0


def test_hit_radius_is_a_few_pixels(qtbot, panel):
    vb = panel.plot.getViewBox()
    centre = vb.mapViewToScene(QPointF(3.0, 6.1))
    assert panel.plot.point_at(centre + QPointF(HIT_RADIUS - 2, 0)) == 2
    assert panel.plot.point_at(centre + QPointF(HIT_RADIUS + 2, 0)) is None


def test_the_view_widens_to_show_a_point_typed_far_away(qtbot, panel):
    panel.table.model().setData(panel.table.model().index(0, 0), "20")
    settled(qtbot, panel)
    (x0, x1), _ = panel.plot.getViewBox().viewRange()
    assert x0 < 1.0 and x1 > 20.0


def test_a_costly_optimum_appears_once_the_surface_worker_has_it(qtbot, panel):
    model = panel.model
    model.set_loss("mae")
    model.replace_dataset(GenerateSpec(n=3000, seed=2).dataset())
    w, b = model.to_original(np.asarray(model.landscape.minima[0]))

    def shows_the_optimum() -> bool:
        ox, oy = panel.plot.optimum_curve.getData()
        return len(ox) == 2 and np.allclose(oy, w * ox + b)

    qtbot.waitUntil(shows_the_optimum, timeout=10_000)  # meanwhile the old one stays up
    assert "optimum:" in panel.plot.getPlotItem().titleLabel.text


def test_every_control_explains_itself(panel):
    for action in (
        panel.generate_action,
        panel.clear_action,
        panel.import_action,
        panel.export_action,
        panel.fit_view_action,
        panel.delete_action,
    ):
        assert action.toolTip()
    for widget in (
        panel.plot,
        panel.table,
        panel.loss_combo,
        panel.delta_spin,
        panel.normalize_check,
        panel.restart_check,
        *panel.class_buttons.values(),
    ):
        assert widget.toolTip(), widget.objectName()


def test_typing_a_value_beyond_the_data_limit_leaves_the_point(qtbot, panel):
    model, table = panel.model, panel.table
    index = table.model().index(0, 1)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.viewport().findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "1e200")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the loop turns; a commit would have landed
    assert model.undo_stack.count() == 0
    assert model.dataset == Dataset.default()


def test_the_cloud_drawn_is_the_data_after_each_click_and_undo(qtbot, panel):
    model, cloud = panel.model, panel.plot.markers[1]
    for x, y in ((2.5, 8.0), (4.5, 3.0), (1.5, 9.0)):
        click(qtbot, panel, x, y)  # each new point appended to the cloud drawn
        drawn = cloud.getData()
        assert np.array_equal(drawn[0], model.dataset.x) and np.array_equal(
            drawn[1], model.dataset.y
        )
    model.undo_stack.undo()
    settled(qtbot, panel)
    drawn = cloud.getData()
    assert np.array_equal(drawn[0], model.dataset.x) and len(drawn[0]) == 7


def test_the_table_catches_up_with_edits_made_while_it_was_hidden(qtbot, panel):
    table = panel.table
    click(qtbot, panel, 2.5, 8.0)
    table.hide()
    click(qtbot, panel, 4.5, 3.0)
    click(qtbot, panel, 1.5, 9.0)
    assert table.model().rowCount() == 6  # as of the last time it was shown
    table.show()
    qtbot.waitUntil(lambda: table.model().rowCount() == 8)
    x = float(table.model().index(7, 0).data(Qt.ItemDataRole.EditRole))
    assert x == panel.model.dataset.x[7]
    rows = table.selected_rows()
    assert list(rows) == [7]  # the newest point, selected by its click
