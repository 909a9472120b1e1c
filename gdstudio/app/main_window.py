"""MainWindow: the landscape view in the middle, docks around it; menus in actions.py.

Start-up shows the 3D view, the Controls and Readouts docks and light placeholders first;
the pyqtgraph views (plots, contour, data panel) are built once the first frame is on
screen, or the moment one is first shown or asked for (see lazy.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import theme
from ..io.captions import CaptionFacts, caption_text
from ..render.view3d import LandscapeView3D
from .actions import build_actions, build_menus
from .caption import CaptionBar
from .docks.controls import ControlsPanel
from .docks.readouts import ReadoutsPanel
from .drawn import drawn_path, view_dim
from .export.action import install_export_action
from .extras import install_extras
from .late_parts import LateParts
from .layout import LAYOUT_VERSION, arrange_docks, restore_layout, save_layout
from .model import DEFAULT_SCENE, StudioModel
from .rate import RateLabel
from .session.manager import SessionManager
from .stepper import Stepper

if TYPE_CHECKING:
    from .contour import ContourView
    from .data.panel import DataPanel
    from .docks.plots import PlotsPanel

APP_TITLE = "Gradient Descent Studio"
# The surface grid on software OpenGL: llvmpipe bins every triangle of a frame into tiles and
# keeps that memory; 256² holds ~48 MiB more than 128² in a 1400×900 view, and paints 4× slower.
SOFTWARE_GRID = 128


class MainWindow(QMainWindow):
    """The studio: central landscape view (3D or contour), Controls, Plots and Readouts docks."""

    started = Signal()
    """Start-up is over: the first frame is on screen and every visible dock is built."""

    def __init__(
        self,
        model: StudioModel | None = None,
        parent: QWidget | None = None,
        *,
        autosave: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self.model = model if model is not None else StudioModel(self)
        self.stepper = Stepper(self.model, self)
        self.actions_by_name: dict[str, QAction] = {}
        self._framed: tuple[str, str | None] | None = None
        self._was_data: bool | None = None  # the data mode the docks were last shown for
        build_actions(self)
        self.stepper.playingChanged.connect(self._on_playing_changed)
        self._build_central()
        self._build_docks()
        self.file_menu, self.edit_menu = build_menus(self)
        install_export_action(self)
        self.tour = install_extras(self)  # Sweep, Step by Step, Tour, Help ▸ Open Log Folder
        self._default_state = self.saveState(LAYOUT_VERSION)
        self.rate_label = RateLabel(self.stepper)  # the real steps/s while playing
        self.statusBar().addPermanentWidget(self.rate_label)
        self._connect_model()
        if self.model.scene is None and not self.model.runs:
            self.model.load_scene(DEFAULT_SCENE)
        else:
            self._on_surface_changed()
            self._on_landscape_changed()
            self._on_view_changed()
            self._on_scene_changed(self.model.scene.id if self.model.scene else "")
        self.statusBar().showMessage(
            "Ready: press Space to run"
            + (  # a network's slice takes no start: it trains from its seeded weights
                ", from the network's seeded weights"
                if self.model.landscape.dim > 2
                else ", click the landscape to drop a start"
            )
        )
        self.restore_layout()
        self._was_data = None  # a saved layout may have hidden the Data dock: apply it again
        self._on_data_mode_changed()
        self.sessions = SessionManager(self, autosave=autosave)

    # --- construction ----------------------------------------------------------------------

    def _build_central(self) -> None:
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.caption = CaptionBar()
        lay.addWidget(self.caption)
        self.stack = QStackedWidget()
        self.view3d = LandscapeView3D()
        self.view3d.bind_arrows(self.model)  # the step arrows of this window's racers
        self.view3d.setObjectName("view3d")
        self.view3d.set_auto_coarsen(True)
        self.view3d.set_software_grid(SOFTWARE_GRID)
        self.view3d.setToolTip("Drag to rotate, wheel to zoom, click to drop a new start")
        self.stack.addWidget(self.view3d)  # the contour page joins when first needed
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        bar = QToolBar("Run")
        bar.setObjectName("runToolBar")
        for key in ("play", "step", "reset", "toggle_view"):
            bar.addAction(self.actions_by_name[key])
        self.addToolBar(bar)
        self.toolbar = bar

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.controls = ControlsPanel(self.model, self.actions_by_name)
        self.readouts = ReadoutsPanel(self.model)
        self.controls_dock = self._dock(
            "Controls", "ControlsDock", self.controls, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.controls.fields.committed.connect(self.focus_view)
        self._parts = LateParts(self)
        self._parts.started.connect(self.started)
        self.plots_dock = self._dock(
            "Plots",
            "PlotsDock",
            self._parts.plots.placeholder,
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.readouts_dock = self._dock(
            "Readouts", "ReadoutsDock", self.readouts, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.data_dock = self._dock(
            "Data", "DataDock", self._parts.data.placeholder, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.splitDockWidget(self.data_dock, self.plots_dock, Qt.Orientation.Vertical)
        self.resize(1500, 920)
        self._sized_docks = False

    # --- the parts built after the first frame --------------------------------------------------

    @property
    def plots(self) -> PlotsPanel:
        """The Plots dock's loss and |∇L| plots (built now if not yet)."""
        return self._parts.plots.get()

    @property
    def data_panel(self) -> DataPanel:
        """The Data dock's editor (built now if not yet)."""
        return self._parts.data.get()

    @property
    def contour(self) -> ContourView:
        """The contour page of the central view (built now if not yet)."""
        return self._parts.contour()

    def finish_start_up(self) -> None:
        """Build the visible parts now instead of after the first frame (off-screen exports)."""
        self._parts.start_now()

    @property
    def is_started(self) -> bool:
        """True once start-up is over (see `started`)."""
        return self._parts.is_started

    def docks(self) -> tuple[QDockWidget, ...]:
        """Every dock of the window."""
        return (self.controls_dock, self.plots_dock, self.data_dock, self.readouts_dock)

    def _connect_model(self) -> None:
        m = self.model
        m.landscapeChanged.connect(self._on_landscape_changed)
        m.surfaceChanged.connect(self._on_surface_changed)
        m.viewChanged.connect(self._on_view_changed)
        m.sceneChanged.connect(self._on_scene_changed)
        m.landscapeChanged.connect(self._on_data_mode_changed)
        for signal in (m.dataChanged, m.runsChanged, m.runsReset):
            signal.connect(self._show_caption)
        # A new surface too: a network's paths are projected onto the slice that just came.
        for signal in (m.stepped, m.runsReset, m.runsChanged, m.runChanged, m.surfaceChanged):
            signal.connect(self._on_paths_changed)
        self.view3d.startPicked.connect(self._on_start_picked)

    # --- model → views ---------------------------------------------------------------------

    def _on_landscape_changed(self) -> None:
        self.actions_by_name["toggle_view"].setEnabled(view_dim(self.model.landscape) == 2)
        self._show_caption()
        self._on_paths_changed()

    def _on_surface_changed(self) -> None:
        shown = self.model.display_landscape
        if shown.dim != 2:
            return
        # Re-frame the camera only for a different landscape, not for an edit of the data.
        key = (shown.name, self.model.scene.id if self.model.scene else None)
        self.view3d.set_landscape(
            shown, fit_camera=key != self._framed, log_height=self.model.log_height
        )
        self._framed = key

    def _on_data_mode_changed(self) -> None:
        """Show the Data dock when the landscape becomes a fit to data, hide it when not."""
        is_data = self.model.is_data
        if is_data != self._was_data:
            self._show_data_dock(is_data)
        self._was_data = is_data

    def _show_data_dock(self, shown: bool) -> None:
        if shown and self.isVisible():
            self._parts.data.get()  # data asked for: the editor, not a placeholder
        self.data_dock.setVisible(shown)
        if shown and not self.data_dock.isFloating():
            QTimer.singleShot(0, self, self._size_data_dock)

    def _size_data_dock(self) -> None:
        """A dock shown again gets a usable share of its column, not a sliver."""
        if self.tabifiedDockWidgets(self.data_dock):
            self.data_dock.raise_()  # a small window's tabs: the data's tab in front
        elif self.data_dock.isVisible() and self.plots_dock.isVisible():
            self.resizeDocks([self.data_dock, self.plots_dock], [500, 240], Qt.Orientation.Vertical)

    def _on_view_changed(self) -> None:
        plane = view_dim(self.model.landscape) == 2
        three_d = self.model.view_mode == "3d" and plane
        if three_d:
            self.stack.setCurrentWidget(self.view3d)
        else:
            self.stack.setCurrentWidget(self.contour)
        if plane:
            self.view3d.set_log_height(self.model.log_height)
        self.actions_by_name["reset_camera"].setEnabled(three_d)

    def _on_scene_changed(self, _scene_id: str) -> None:
        scene = self.model.scene
        if scene is not None and self.model.is_data and not self.data_dock.isVisible():
            self._show_data_dock(True)  # a lesson shows the docks it needs, whatever came before
        self._show_caption()
        if scene is not None and scene.camera and view_dim(self.model.landscape) == 2:
            self.view3d.set_camera_state(scene.camera)

    def _show_caption(self, *_: object) -> None:
        """The lesson's caption with the live figures, while the landscape is one it speaks of."""
        scene, model = self.model.scene, self.model
        shown = scene is not None and scene.caption_applies(model.landscape_name)
        self.caption.setVisible(shown)
        if scene is None or not shown:
            return
        land = model.landscape
        minima = land.minima
        facts = CaptionFacts(
            racers=len(model.active_runs()),
            start=tuple(float(v) for v in model.to_original(model.start)),
            minimum=tuple(model.to_original(np.array(minima[0]))) if minima else None,
            param_names=tuple(land.param_names),
            points=len(model.dataset) if model.is_data else None,
        )
        self.caption.setText(f"<b>{scene.title}.</b> {caption_text(scene, facts)}")

    def focus_view(self) -> None:
        """Keys go to the landscape view again (Space runs, R resets), not to a field."""
        view = self.stack.currentWidget()
        if view is not None:
            view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_paths_changed(self, *_: object) -> None:
        shown = self.model.display_landscape
        if view_dim(self.model.landscape) != 2 or shown.dim != 2:
            return  # a curve, or a network before its first slice
        paths = []
        for _i, cfg in self.model.active_runs():
            cols = cfg.live_run.history.columns()
            points, heights = drawn_path(shown, cols["params"], cols["loss"])
            paths.append((theme.hex_to_rgb(cfg.color), points, heights))
        self.view3d.set_paths(paths)

    def _on_playing_changed(self, playing: bool) -> None:
        a = self.actions_by_name["play"]
        a.setText("Pause" if playing else "Run")
        tip = "Pause the race (Space)" if playing else "Run the race (Space)"
        a.setToolTip(tip)
        a.setStatusTip(tip)
        a.setIcon(
            self.style().standardIcon(
                QStyle.StandardPixmap.SP_MediaPause
                if playing
                else QStyle.StandardPixmap.SP_MediaPlay
            )
        )
        if playing:  # not the "Ready: press Space to run" of before the race started
            self.statusBar().showMessage("Running: Space pauses")
        else:
            self.statusBar().showMessage(self._race_summary())

    def _race_summary(self) -> str:
        parts = []
        for _i, cfg in self.model.active_runs():
            run = cfg.live_run
            parts.append(f"{cfg.title}: {run.status_text()} ({run.steps} steps)")
        return " · ".join(parts)

    # --- user actions ----------------------------------------------------------------------

    def _on_start_picked(self, params: np.ndarray) -> None:
        if self.model.landscape.dim != len(params):
            return  # a point of a slice is no start: a network starts from its seeded weights
        self.model.set_start(params)
        coords = ", ".join(
            f"{n} = {v:.3g}" for n, v in zip(self.model.landscape.param_names, params, strict=True)
        )
        self.statusBar().showMessage(f"New start: {coords}")

    # --- layout persistence -----------------------------------------------------------------

    def restore_layout(self) -> None:
        """Restore geometry and dock layout saved by an earlier session (same version only)."""
        if restore_layout(self):
            self._sized_docks = True  # the user's own sizes

    def _default_dock_sizes(self) -> None:
        """Docks in their default places and sizes for this window's size (see layout.py)."""
        arrange_docks(self)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._sized_docks:
            self._sized_docks = True
            self._default_dock_sizes()  # before the first frame, so that nothing moves after it
        # Laid out again now, before the window is mapped: the caption's height follows the
        # width it was just given, and the 3D view's first frame is drawn at its final size
        # (not ~50 px shorter, framed again and redrawn right after).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self._parts.window_shown()

    def save_layout(self) -> None:
        """Remember geometry and dock layout."""
        save_layout(self)

    def reset_layout(self) -> None:
        """Every dock back to its default place, all shown."""
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks():
            dock.show()
        self.data_dock.setVisible(self.model.is_data)
        self._default_dock_sizes()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.sessions.confirm_close():
            event.ignore()
            return
        self.stepper.pause()
        self.model.surface_worker.cancel()
        self.save_layout()
        super().closeEvent(event)
