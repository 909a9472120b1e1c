"""A million points in the Data dock, as a user meets them: generated from the dock's own
Generate button, shaded by density where they lie, edited by clicks, zoomed, resized, raced;
and every data action in sight at the dock's default width."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from gdstudio.app.data.density import bin_points
from gdstudio.app.data.dialogs import GenerateDialog
from gdstudio.app.data.panel import DataPanel
from gdstudio.theme import CLASS_COLORS

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
NONE = Qt.KeyboardModifier.NoModifier
MILLION = 1_000_000
DOCK_SIZE = (420, 520)  # the Data dock's size in the default 1600×1000 window


@pytest.fixture
def panel(qtbot, show_panel):
    panel = show_panel(DataPanel, "line-fit", DOCK_SIZE)
    yield panel
    panel.model.surface_worker.wait()


def generate_from_dock(qtbot, panel, n: int, seed: int = 1) -> None:
    """Click Generate, type n and the seed into the dialog, press Return."""
    done: list[bool] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, GenerateDialog):
            QTimer.singleShot(20, fill)
            return
        for spin, value in ((dialog.n_spin, n), (dialog.seed_spin, seed)):
            spin.setFocus()
            qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyClicks(spin, str(value))
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        done.append(True)

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(panel.button_for(panel.generate_action), LEFT)
    qtbot.waitUntil(lambda: bool(done) and len(panel.model.dataset) == n)
    settled(qtbot, panel)
    qtbot.waitUntil(lambda: binned_for_view(panel), timeout=5_000)  # after the framing


def settled(qtbot, panel) -> None:
    """Wait for the plot and the table to show the last change (drawn in a turn after it)."""
    qtbot.waitUntil(lambda: panel.plot.settled and panel.table.settled)


def binned_for_view(panel) -> bool:
    """True once every density layer drawn is binned for the view as it is."""
    density = panel.plot.density
    (x0, x1), _ = panel.plot.getViewBox().viewRange()
    layers = [layer for layer in (density.main, *density.classes) if layer.active]
    return all(np.allclose(layer.binned_rect()[::2], (x0, x1)) for layer in layers)


def choose_loss(qtbot, panel, title: str) -> None:
    """Pick a loss with the keyboard in the Loss box (Home, then Down to its row)."""
    combo = panel.loss_combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.findText(title)):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == title
    settled(qtbot, panel)


def at(panel, x: float, y: float) -> QPoint:
    """Widget position of the data point (x, y)."""
    return panel.plot.mapFromScene(panel.plot.getViewBox().mapViewToScene(QPointF(x, y)))


def bin_of(panel, x: float, y: float) -> tuple[int, int]:
    """(row, column) of the density bin holding (x, y)."""
    x0, y0, x1, y1 = panel.plot.density.binned_rect()
    rows, cols = panel.plot.density.counts().shape
    return int((y - y0) / (y1 - y0) * rows), int((x - x0) / (x1 - x0) * cols)


@pytest.fixture
def million(qtbot, panel):
    generate_from_dock(qtbot, panel, MILLION)
    return panel


def test_a_million_points_are_shaded_where_they_lie(million):
    plot, ds = million.plot, million.model.dataset
    (vx0, vx1), (vy0, vy1) = plot.getViewBox().viewRange()
    assert vx0 <= ds.x.min() and ds.x.max() <= vx1  # the view frames every point
    assert vy0 <= ds.y.min() and ds.y.max() <= vy1
    counts = plot.density.counts()
    assert plot.density.active and counts.sum() == MILLION
    # Where the shading is: along the whole line y = 2x + 1, not piled up at one end.
    cols = counts.sum(axis=0)
    x0, _, x1, _ = plot.density.binned_rect()
    centres = x0 + (np.arange(len(cols)) + 0.5) * (x1 - x0) / len(cols)
    assert abs(np.average(centres, weights=cols) - ds.x.mean()) < 0.1
    image = plot.grab().toImage()
    for x in (1.0, 5.0, 9.0):  # on the line: lit; far off it: the background
        on, off = at(million, x, 2 * x + 1), at(million, x, 2 * x + 15)
        assert image.pixelColor(on).lightness() > image.pixelColor(off).lightness() + 60
    assert len(plot.shown_indices()) == 0  # no markers: nothing selected
    assert "1,000,000 points" in plot.note


def test_the_note_sits_under_the_axis_not_over_the_curves(million):
    plot = million.plot
    assert plot.note
    note = plot.note_label.sceneBoundingRect()
    assert not note.intersects(plot.getViewBox().sceneBoundingRect())
    assert note.top() >= plot.getAxis("bottom").sceneBoundingRect().bottom() - 1


def test_clicks_on_a_million_points_remove_add_and_draw_the_new_one(qtbot, million):
    plot, model = million.plot, million.model
    ds = model.dataset
    lone = int(np.argmax(np.abs(ds.y - (2.0 * ds.x + 1.0))))  # the most isolated point
    lx, ly = ds.x[lone], ds.y[lone]
    row, col = bin_of(million, lx, ly)
    before = plot.density.counts()[row, col]
    qtbot.mouseClick(plot.viewport(), RIGHT, NONE, at(million, lx, ly))
    settled(qtbot, million)
    assert len(model.dataset) == MILLION - 1
    assert plot.density.counts().sum() == MILLION - 1
    assert plot.density.counts()[row, col] == before - 1

    qtbot.mouseClick(plot.viewport(), LEFT, NONE, at(million, 8.0, -4.0))  # below the cloud
    settled(qtbot, million)
    assert len(model.dataset) == MILLION
    row, col = bin_of(million, model.dataset.x[-1], model.dataset.y[-1])
    assert plot.density.counts()[row, col] >= 1
    assert plot.density.counts().sum() == MILLION
    assert list(plot.shown_indices()) == [MILLION - 1]  # the new, selected point: a marker
    assert "selected" in plot.note


def test_zooming_re_bins_the_density_for_the_new_view(qtbot, million):
    plot = million.plot
    vb = plot.getViewBox()
    centre = at(million, 5.0, 11.0)
    for _ in range(4):
        wheel = QWheelEvent(
            QPointF(centre),
            QPointF(plot.viewport().mapToGlobal(centre)),
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            NONE,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(plot.viewport(), wheel)
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x1 - x0 < 10.0  # zoomed in
    qtbot.waitUntil(
        lambda: np.allclose(plot.density.binned_rect(), (x0, y0, x1, y1)), timeout=5_000
    )
    inside = plot.density.counts().sum()
    assert 0 < inside < MILLION  # the view holds only part of the cloud now


@pytest.mark.parametrize("loss", ["MSE", "Huber", "Logistic (BCE)"])
def test_every_data_action_is_in_sight_at_the_dock_width(qtbot, panel, loss):
    choose_loss(qtbot, panel, loss)
    inside = panel.rect()
    for action in (
        panel.generate_action,
        panel.import_action,
        panel.export_action,
        panel.clear_action,
        panel.fit_view_action,
        panel.delete_action,
    ):
        button = panel.button_for(action)
        assert button.isVisible(), action.text()
        rect = button.geometry().translated(button.parentWidget().mapTo(panel, QPoint(0, 0)))
        assert inside.contains(rect), action.text()
    extra = {"Huber": panel.delta_spin, "Logistic (BCE)": panel.classes_row}.get(loss)
    for widget in (panel.loss_combo, panel.normalize_check, panel.restart_check, extra):
        if widget is not None:
            assert widget.isVisible()
            corner = widget.mapTo(panel, QPoint(widget.width() - 1, widget.height() - 1))
            assert inside.contains(corner), widget.objectName()
    # The bar wraps instead of pushing the plot away: the plot keeps most of the height.
    assert panel.plot.height() > 0.4 * panel.height()


def test_a_million_classes_are_shaded_as_one_strip_per_class(qtbot, panel, count_near):
    choose_loss(qtbot, panel, "Logistic (BCE)")
    generate_from_dock(qtbot, panel, MILLION)
    label = panel.model.dataset.label
    zero, one = panel.plot.density.classes
    assert not panel.plot.density.main.active
    assert zero.counts().sum() == np.sum(label == 0) and one.counts().sum() == np.sum(label == 1)
    image = panel.plot.grab().toImage()
    strip = {0: at(panel, 1.0, 0.0), 1: at(panel, 9.0, 1.0)}  # where each class is thickest
    for value, pos in strip.items():
        c = image.pixelColor(pos)
        pixel = np.array([[[c.red(), c.green(), c.blue()]]])
        assert count_near(pixel, CLASS_COLORS[value], tol=90) == 1


# --- in the whole window (last: a closed main window leaves the popups of later tests astray)


class _Paints(QObject):
    """Counts the paint events a widget gets."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_a_resized_window_repaints_a_million_points(qtbot, studio_window):
    window = studio_window("line-fit")
    window.resize(1600, 1000)
    panel = window.data_panel
    qtbot.waitUntil(panel.plot.isVisible)
    generate_from_dock(qtbot, panel, MILLION)
    paints = _Paints()
    panel.plot.viewport().installEventFilter(paints)
    old_shape = panel.plot.density.counts().shape
    window.resize(1200, 800)
    qtbot.waitUntil(lambda: paints.count > 0, timeout=5_000)
    qtbot.waitUntil(lambda: panel.plot.density.counts().shape != old_shape, timeout=5_000)
    assert panel.plot.density.counts().sum() == MILLION


def test_eight_racers_step_on_a_million_points(qtbot, studio_window, user):
    window = studio_window("line-fit")
    panel, model = window.data_panel, window.model
    qtbot.waitUntil(panel.plot.isVisible)
    generate_from_dock(qtbot, panel, MILLION)
    choose_loss(qtbot, panel, "MAE")  # every step a pass over all the points
    while len(model.runs) < 8:
        model.add_run("adam")
    user.click(window.toolbar.widgetForAction(window.actions_by_name["play"]))
    qtbot.waitUntil(lambda: all(cfg.live_run.steps >= 3 for cfg in model.runs), timeout=60_000)
    user.click(window.toolbar.widgetForAction(window.actions_by_name["play"]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_bins_count_what_histogram2d_counts(seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(5, 3, 20_000), rng.normal(0, 2, 20_000)  # some outside the rectangle
    rect, shape = (0.0, -3.0, 10.0, 4.0), (37, 53)
    bins = bin_points(x, y, rect, shape)
    counts = np.bincount(bins[bins >= 0], minlength=37 * 53).reshape(shape)
    want, _, _ = np.histogram2d(y, x, bins=shape, range=[[-3.0, 4.0], [0.0, 10.0]])
    inside = (x >= 0) & (x < 10) & (y >= -3) & (y < 4)
    assert np.array_equal(counts, want) and np.array_equal(bins >= 0, inside)
