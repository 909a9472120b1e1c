"""The window's pyqtgraph views, built once its first frame is on screen (see lazy.py).

The plots and the data panel stand in their docks as placeholders until then; the contour
page joins the central stack when it is first turned to or asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from .. import theme
from .actions import LocalKeys
from .lazy import LazyWidget, Placeholder
from .memory import TRIM_EVERY_MS, can_trim_heap, release_startup_memory, trim_heap
from .preload import skip_source_scan

if TYPE_CHECKING:
    from .contour import ContourView
    from .data.panel import DataPanel
    from .docks.plots import PlotsPanel
    from .main_window import MainWindow

# (minimum size, size hint) of the pyqtgraph docks, given to their placeholders so that the
# layout is the same before and after the real widget replaces one.
PLOTS_SIZES = (QSize(69, 91), QSize(640, 503))
DATA_SIZES = (QSize(222, 130), QSize(896, 130))
# If the 3D view never reports a frame (no OpenGL), the rest is built after this long anyway.
STARTUP_FALLBACK_MS = 1500


def _install_in_dock(placeholder: QWidget, widget: QWidget) -> None:
    dock = placeholder.parentWidget()
    assert isinstance(dock, QDockWidget)
    dock.setWidget(widget)
    placeholder.hide()
    if dock.isVisible():
        widget.show()


class LateParts(QObject):
    """Plots, data panel and contour view of `window`, each built when first needed."""

    started = Signal()
    """The first frame is on screen and every visible part is built."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._contour: ContourView | None = None
        self.is_started = False
        # Keys that navigate a table must reach it, not the window's run shortcuts.
        self._local_keys = LocalKeys(self)
        self.plots = LazyWidget(
            Placeholder("plotsPlaceholder", PLOTS_SIZES, theme.BACKGROUND),
            self._make_plots,
            _install_in_dock,
            self,
        )
        self.data = LazyWidget(
            Placeholder("dataPlaceholder", DATA_SIZES),
            self._make_data_panel,
            _install_in_dock,
            self,
        )
        window.view3d.frameSwapped.connect(self._on_first_frame)

    def contour(self) -> ContourView:
        """The contour page of the central stack (built now if not yet)."""
        if self._contour is None:
            skip_source_scan("pyqtgraph")
            from .contour import ContourView

            self._contour = ContourView(self._window.model)
            self._contour.setObjectName("contourView")
            self._window.stack.addWidget(self._contour)
        return self._contour

    def window_shown(self) -> None:
        """The window is shown: start once its first frame is out (the 3D view says when)."""
        if self.is_started:
            return
        # The contour page paints no GL frame; without OpenGL no frame comes at all.
        showing_3d = self._window.stack.currentWidget() is self._window.view3d
        delay = STARTUP_FALLBACK_MS if showing_3d else 0
        QTimer.singleShot(delay, self, self._start)  # a timer that dies with the window

    def _make_plots(self) -> PlotsPanel:
        skip_source_scan("pyqtgraph")
        from .docks.plots import PlotsPanel

        return PlotsPanel(self._window.model)

    def _make_data_panel(self) -> DataPanel:
        skip_source_scan("pyqtgraph")
        from .data.panel import DataPanel

        panel = DataPanel(self._window.model)
        panel.table.installEventFilter(self._local_keys)
        return panel

    def _on_first_frame(self) -> None:
        QTimer.singleShot(0, self, self._start)  # after this frame's events, not inside them

    def start_now(self) -> None:
        """End start-up now (an export lays the window out off screen, with no first frame)."""
        self._start()

    def _start(self) -> None:
        """Build what is visible now; the rest is built when it is first shown."""
        if self.is_started:
            return
        self.is_started = True
        self._window.view3d.frameSwapped.disconnect(self._on_first_frame)
        self.plots.arm()
        self.data.arm()
        QTimer.singleShot(0, release_startup_memory)
        if can_trim_heap():  # racing frees ~10 MiB a second that glibc would keep
            self._trim_timer = QTimer(self)
            self._trim_timer.setInterval(TRIM_EVERY_MS)
            self._trim_timer.timeout.connect(trim_heap)
            self._trim_timer.start()
        self.started.emit()
