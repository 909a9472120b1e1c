"""Lesson 7's window as a user sees it at 1600×1000: room for every view, paths on the slice."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar

from gdstudio import theme
from gdstudio.app.main_window import MainWindow
from gdstudio.app.model import StudioModel
from tests.app.test_network_presets import pick
from tests.conftest import race_for
from tests.render.conftest import _image_rgba


def _lesson_7(qtbot) -> MainWindow:
    model = StudioModel()
    model.load_scene("network")
    window = MainWindow(model)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.is_started)
    panels = window.network_panels
    qtbot.waitUntil(lambda: panels.built and panels.boundary_dock.isVisible())
    return window


def _tab(window, text: str) -> tuple[QTabBar, int]:
    for bar in window.findChildren(QTabBar):
        for i in range(bar.count()):
            if bar.tabText(i).replace("&", "") == text and bar.isVisible():
                return bar, i
    raise AssertionError(f"no tab {text!r}")


def test_at_1600_by_1000_the_boundary_curves_and_plots_each_get_readable_room(qtbot):
    window = _lesson_7(qtbot)
    panels = window.network_panels
    plot = panels.boundary.plot
    qtbot.waitUntil(lambda: plot.height() >= 230)  # the docks are sized a turn after they show
    curves = panels.curves.graphics
    assert curves.isVisible() and curves.height() >= 180  # loss and accuracy, 90 px each
    # The race's Plots wait in a tab behind the curves; a click on the tab shows them, tall.
    assert window.plots_dock in window.tabifiedDockWidgets(panels.curves_dock)
    bar, index = _tab(window, "Plots")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: bar.currentIndex() == index and curves.visibleRegion().isEmpty())
    assert window.plots_dock.widget().height() >= 220  # stacked under the other two: ~150
    assert plot.height() >= 230  # the boundary keeps its room
    # The points' key sits under the plot, not over the points.
    assert not [
        item for item in plot.getPlotItem().scene().items() if isinstance(item, pg.LegendItem)
    ]
    key = panels.boundary.key
    assert key.isVisible() and "validation points" in key.text()
    assert key.mapTo(panels.boundary, key.rect().topLeft()).y() >= plot.geometry().bottom()


def test_on_a_network_the_start_up_status_does_not_offer_to_drop_a_start(qtbot):
    window = _lesson_7(qtbot)
    text = window.statusBar().currentMessage()
    assert "Space" in text and "drop a start" not in text and "seeded weights" in text


def test_a_new_slice_after_the_race_paused_shows_the_paths_projected_on_it(qtbot, count_near):
    window = _lesson_7(qtbot)
    model = window.model
    panels = window.network_panels
    race_for(qtbot, window, 300)
    # The PCA plane of SGD's trajectory: its path spans the slice, from the start to the end.
    pick(qtbot, panels.slicer.kind, "PCA of the trajectory")
    with qtbot.waitSignal(model.surfaceChanged, timeout=60_000):
        qtbot.mouseClick(panels.slicer.button, Qt.MouseButton.LeftButton)
    assert model.display_landscape.plane.kind == "pca"
    image = _image_rgba(window.view3d.grabFramebuffer())[:, :, :3]
    # The racers' paths, drawn on the new slice (none before). Racers that take the same way
    # cover each other (SGD's orange can lie under Momentum's blue), so count all their colours:
    # 950-1,700 pixels with the paths, ~240 (the four balls alone) without.
    colors = [cfg.color for cfg in model.runs]
    assert colors == [theme.run_color(i) for i in range(len(colors))]
    assert sum(count_near(image, color, tol=12) for color in colors) > 600
    assert np.isfinite(model.display_landscape.plane.origin).all()


def test_before_the_race_the_step_axis_reads_from_0_without_a_scale_prefix(qtbot):
    window = _lesson_7(qtbot)
    curves = window.network_panels.curves
    for plot in (curves.loss_plot, curves.acc_plot):
        (x0, x1), _ = plot.getViewBox().viewRange()
        assert x0 >= 0 and x1 - x0 >= 10  # one point at step 0: not -0.4…0.4
        axis = plot.getAxis("bottom")
        assert "×" not in axis.labelString() and "x0." not in axis.labelString()
