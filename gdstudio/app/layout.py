"""The window's geometry and dock layout, remembered between sessions in QSettings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:
    from .main_window import MainWindow

# Below this width the Plots and Data docks join the Readouts as tabs under the view, so that
# the landscape keeps most of the width and each dock gets the whole strip when in front.
COMPACT_WIDTH = 720
# Bumped when the docks change, so an older saved layout is ignored rather than misapplied.
LAYOUT_VERSION = 1


def restore_layout(window: QMainWindow) -> bool:
    """Restore geometry and dock layout saved earlier (same version only); True if docks were."""
    s = QSettings()
    if s.value("window/version", 0, int) != LAYOUT_VERSION:
        return False
    geometry = s.value("window/geometry")
    state = s.value("window/state")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    return isinstance(state, QByteArray) and window.restoreState(state, LAYOUT_VERSION)


def save_layout(window: QMainWindow) -> None:
    """Remember geometry and dock layout."""
    s = QSettings()
    s.setValue("window/version", LAYOUT_VERSION)
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/state", window.saveState(LAYOUT_VERSION))


def arrange_docks(window: MainWindow) -> None:
    """Default dock sizes: narrow side docks and a short readouts strip, as shares of a small
    window; below COMPACT_WIDTH the Plots and Data docks are tabs beside the Readouts."""
    width, height = window.width(), window.height()
    bottom = Qt.DockWidgetArea.BottomDockWidgetArea
    if width < COMPACT_WIDTH:
        for dock in (window.plots_dock, window.data_dock):
            window.addDockWidget(bottom, dock)
        window.tabifyDockWidget(window.readouts_dock, window.plots_dock)
        window.tabifyDockWidget(window.plots_dock, window.data_dock)
        front = window.data_dock if window.model.is_data else window.plots_dock
        front.raise_()
        controls = min(390, round(0.3 * width))
        window.resizeDocks([window.controls_dock], [controls], Qt.Orientation.Horizontal)
        strip = round(0.4 * height)
        window.resizeDocks([window.readouts_dock], [strip], Qt.Orientation.Vertical)
        return
    side = [min(390, round(0.3 * width)), min(420, round(0.28 * width))]
    docks = [window.controls_dock, window.plots_dock]
    window.resizeDocks(docks, side, Qt.Orientation.Horizontal)
    if window.data_dock.isVisible() and window.plots_dock.isVisible():
        window.resizeDocks(
            [window.data_dock, window.plots_dock], [500, 240], Qt.Orientation.Vertical
        )
    strip = min(172, round(0.25 * height))
    window.resizeDocks([window.readouts_dock], [strip], Qt.Orientation.Vertical)
