"""View ▸ Sweep: the dock that holds the Sweep panel, built when first shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QWidget

from .widgets import view_dock

if TYPE_CHECKING:
    from .main_window import MainWindow

SWEEP_SHARE = 0.6  # of the right column, when the Sweep first opens beside the Plots


def install_sweep(window: MainWindow) -> QDockWidget:
    """The Sweep dock, hidden until View ▸ Sweep shows it (its entry added to the View menu)."""
    dock = view_dock(  # the panel (and pyqtgraph) only once the dock is first shown
        window,
        "Sweep",
        "sweepDock",
        QWidget(),
        "&Sweep",
        "Each racer's outcome against its learning rate; Tune for a fair race",
    )

    def build(visible: bool) -> None:
        if visible and dock.widget().objectName() != "sweepPanel":
            from .sweep_view import SweepPanel

            dock.setWidget(SweepPanel(window.model))
            QTimer.singleShot(0, dock, lambda: _give_room(window, dock))

    dock.visibilityChanged.connect(build)
    return dock


def _give_room(window: MainWindow, dock: QDockWidget) -> None:
    """The first time it opens under the Plots, the Sweep takes most of the column: its plot
    and its axis titles need the height more than the Plots at that moment."""
    plots = window.plots_dock
    if dock.isFloating() or not plots.isVisible() or window.tabifiedDockWidgets(dock):
        return
    area = Qt.DockWidgetArea.RightDockWidgetArea
    if window.dockWidgetArea(plots) != area or window.dockWidgetArea(dock) != area:
        return
    total = plots.height() + dock.height()
    share = round(SWEEP_SHARE * total)
    window.resizeDocks([plots, dock], [total - share, share], Qt.Orientation.Vertical)
