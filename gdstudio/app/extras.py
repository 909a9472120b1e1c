"""The window's teaching and support parts beyond the lessons: sweep, step by step, tour, logs.

Installed after the window's own menus and docks exist (`install_extras`), each adds its dock
and its menu entries itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from .logs import ErrorRelay, open_log_folder
from .network.install import install_network
from .step_panel import install_step_panel
from .sweep_dock import install_sweep
from .tour import Tour, install_tour
from .widgets import menu_named

if TYPE_CHECKING:
    from .main_window import MainWindow


def install_extras(window: MainWindow, offer_tour: bool = False) -> Tour:
    """Sweep, Step by Step and the network lesson's docks (View menu), the Tour menu, Help ▸
    Open Log Folder, error relay."""
    install_sweep(window)
    install_step_panel(window)
    install_network(window)
    tour = install_tour(window, offer=offer_tour)
    help_menu = menu_named(window, "Help")
    if help_menu is not None:
        folder = QAction("Open &Log Folder", window)
        folder.setObjectName("action_open_log_folder")
        folder.setStatusTip("Show the folder of the log files in the file manager")
        folder.triggered.connect(lambda: _open_logs(window))
        help_menu.addAction(folder)
        window.actions_by_name["open_log_folder"] = folder
    window.error_relay = ErrorRelay(window.statusBar().showMessage)  # type: ignore[attr-defined]
    return tour


def _open_logs(window: MainWindow) -> None:
    if not open_log_folder():
        from .logs import log_folder

        window.statusBar().showMessage(f"The log folder is {log_folder()}")
