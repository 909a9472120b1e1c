"""The network lesson's docks in the main window, shown only while the landscape is a network.

NetworkPanels follows the model: its landscape (a NetworkLandscape or not), its racers and
their steps. The Decision Boundary dock shows the chosen racer's network over the points, with
its sharpness; the Training and Validation dock shows every racer's curves. Both have View-menu
toggles, enabled only while there is a network to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QElapsedTimer,
    QEventLoop,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from ...core.nn_landscape import NetworkLandscape
from ...core.run import RUNNING, Run
from ..widgets import view_dock
from .rate import RateLimit

if TYPE_CHECKING:
    from ..main_window import MainWindow

CURVES_HZ = 5.0


class NetworkPanels(QObject):
    """The boundary, curves, sharpness and slice of the model's network racers, and their docks.

    `sliceReady` carries each SliceLandscape computed (on request, or when the chosen racer's
    run ends) to whoever shows it as the landscape views' surface.

    The docks and their View-menu toggles exist from the start; the widgets in them (and
    pyqtgraph's first views) are made when a network first appears.
    """

    sliceReady = Signal(object)  # a SliceLandscape

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        # No reference to the window (its child already): a cycle through the window would
        # leave its deletion to the garbage collector, at any moment, even inside a paint.
        self.model = window.model
        self.boundary_dock = _dock(window, "Decision Boundary", "networkBoundaryDock")
        self.curves_dock = _dock(window, "Training and Validation", "networkCurvesDock")
        self._built = False
        self._runs: list[tuple[str, str, Run]] = []
        self._finished: set[int] = set()
        self.model.landscapeChanged.connect(self._on_landscape_changed)
        self.model.runsChanged.connect(self._on_runs_changed)
        self.model.runsReset.connect(self._on_runs_changed)
        self.model.stepped.connect(self._on_stepped)
        self._on_landscape_changed()

    def _build(self) -> None:
        """Make the widgets and put them in the docks (once): their modules (and pyqtgraph) are
        imported only then, when a network first appears, not on the way to the first frame."""
        from .boundary import DecisionBoundaryView
        from .clicks import BoundaryClicks
        from .curves import TrainValidationView
        from .setup import NetworkSetup
        from .sharpness import SharpnessReadout
        from .slice_control import SliceControl

        self._built = True
        self.boundary = DecisionBoundaryView()
        self.curves = TrainValidationView()
        self.sharpness = SharpnessReadout()
        self.slicer = SliceControl()
        self.slicer.ready.connect(self.sliceReady)
        self.setup = NetworkSetup(self.model)
        self.clicks = BoundaryClicks(self.model, self.boundary, self.setup)
        self.racer = QComboBox()
        self.racer.setAccessibleName("Racer shown")
        self.racer.currentIndexChanged.connect(self._on_racer_changed)
        racer_label = QLabel("&Racer:")
        racer_label.setBuddy(self.racer)
        head = QHBoxLayout()
        head.addWidget(self.setup, 3)
        head.addWidget(racer_label)
        head.addWidget(self.racer, 2)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(head)
        column.addWidget(self.setup.summary)
        column.addWidget(self.boundary, 1)
        column.addWidget(self.clicks.hint)
        column.addWidget(self.sharpness)
        column.addWidget(self.slicer)
        self.boundary_dock.setWidget(body)
        self.curves_dock.setWidget(self.curves)
        self._curves_rate = RateLimit(self.curves.refresh, CURVES_HZ, self)

    @property
    def built(self) -> bool:
        """True once a network has been shown (the widgets exist)."""
        return self._built

    @property
    def network(self) -> NetworkLandscape | None:
        """The model's landscape if it is a network."""
        land = self.model.landscape
        return land if isinstance(land, NetworkLandscape) else None

    def settle_slice(self, timeout_ms: int = 60_000) -> bool:
        """Slice through the chosen racer's current weights and wait until the views have it
        (for an export, which grabs at once); False if there is no network or it timed out."""
        if self.network is None or not self._built or self._chosen() is None:
            return False
        self.slicer.compute()
        timer = QElapsedTimer()
        timer.start()
        while self.slicer.job.busy and timer.elapsed() < timeout_ms:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QCoreApplication.processEvents()  # the slice's surfaceChanged reaches the views
        return not self.slicer.job.busy

    def docks(self) -> tuple[QDockWidget, QDockWidget]:
        """The Decision Boundary and Training and Validation docks."""
        return self.boundary_dock, self.curves_dock

    # --- model observers -----------------------------------------------------------------------

    def _on_landscape_changed(self) -> None:
        land = self.network
        if land is not None and not self._built:
            self._build()
        shown_before = self.boundary_dock.isVisible()
        for dock in self.docks():
            dock.toggleViewAction().setEnabled(land is not None)
            dock.setVisible(land is not None)
        if land is not None and not shown_before:
            QTimer.singleShot(0, self.boundary_dock, self._size_docks)  # none once it is gone
        if self._built:
            self.boundary.set_landscape(land)
            self._on_runs_changed()
            if land is not None:
                self.slicer.compute()  # a new network: the views' first slice, through its start

    def _size_docks(self) -> None:
        """Newly shown, the boundary takes most of its column (62%), the curves the rest; the race's
        Plots go in a tab behind the curves (in a 1000 px window the three stacked left the
        Plots ~150 px, unreadable, and squeezed the boundary)."""
        window = self.boundary_dock.parentWidget()
        if not isinstance(window, QMainWindow) or not self.boundary_dock.isVisible():
            return
        plots = window.findChild(QDockWidget, "PlotsDock")
        if (
            plots is not None
            and plots.isVisible()
            and not plots.isFloating()
            and plots not in window.tabifiedDockWidgets(self.curves_dock)
            and window.dockWidgetArea(plots) == window.dockWidgetArea(self.curves_dock)
        ):
            window.tabifyDockWidget(self.curves_dock, plots)
        self.curves_dock.raise_()
        height = max(window.height(), 600)
        window.resizeDocks(
            list(self.docks()), [int(0.62 * height), int(0.38 * height)], Qt.Orientation.Vertical
        )

    def _on_runs_changed(self) -> None:
        if not self._built:
            return
        land = self.network
        self._runs = []
        if land is not None:
            for _, cfg in self.model.active_runs():
                if cfg.run is not None and cfg.run.landscape is land:
                    self._runs.append((cfg.title, cfg.color, cfg.run))
        self._finished = {i for i, (_, _, run) in enumerate(self._runs) if run.status != RUNNING}
        self.sharpness.clear_finals()
        chosen = self.racer.currentText()
        self.racer.blockSignals(True)
        self.racer.clear()
        self.racer.addItems([title for title, _, _ in self._runs])
        index = self.racer.findText(chosen)
        self.racer.setCurrentIndex(max(index, 0) if self._runs else -1)
        self.racer.blockSignals(False)
        self.curves.set_racers(land, self._runs)
        self._on_racer_changed()

    def _on_racer_changed(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.sharpness.set_target(None, None)
            self.slicer.set_target(None, None)
            return
        title, _, run = chosen
        self.sharpness.set_target(self.network, run.params, self._caption(title, run))
        self.slicer.set_target(self.network, run, self._caption(title, run))
        self.boundary.show_weights(run.params, self._caption(title, run))

    def _on_stepped(self) -> None:
        land = self.network
        if land is None:
            return
        self._curves_rate.request()
        chosen = self._chosen()
        ended = [
            i
            for i, (_, _, r) in enumerate(self._runs)
            if r.status != RUNNING and i not in self._finished
        ]
        for i in ended:  # each racer's sharpness where its run ended, for the list
            self._finished.add(i)
            title, _, run = self._runs[i]
            self.sharpness.record_final(title, land, run.params)
        if chosen is None:
            return
        title, _, run = chosen
        caption = self._caption(title, run)
        self.boundary.show_weights(run.params, caption)
        self.sharpness.set_target(land, run.params, caption)
        self.slicer.set_target(land, run, caption)
        if self.racer.currentIndex() in ended:
            self.sharpness.compute()  # the chosen run ended: its final sharpness and slice
            self.slicer.compute()

    def _chosen(self) -> tuple[str, str, Run] | None:
        index = self.racer.currentIndex()
        return self._runs[index] if 0 <= index < len(self._runs) else None

    @staticmethod
    def _caption(title: str, run: Run) -> str:
        return f"{title} at step {run.steps}"


def _dock(window: Any, title: str, name: str) -> QDockWidget:
    """A hidden dock on the right with its View-menu toggle."""
    return view_dock(
        window,
        title,
        name,
        QWidget(),
        f"&{title}",
        f"Show or hide the network lesson's {title} panel",
    )


def install_network(window: MainWindow) -> None:
    """Add the network lesson's docks to the window (hidden unless the landscape is a network);
    each slice they compute becomes the 3D and contour views' surface."""
    panels = window.network_panels = NetworkPanels(window)  # type: ignore[attr-defined]
    panels.sliceReady.connect(window.model.take_slice)
