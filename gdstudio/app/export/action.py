"""File ▸ Export… as a menu item: the dialog and the exporters are imported when it is used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from .sources import ExportWindow


def install_export_action(window: ExportWindow) -> QAction:
    """Add File ▸ Export… (Ctrl+E) before Quit; it opens the window's one ExportDialog."""
    existing = window.actions_by_name.get("export")
    if existing is not None:
        return existing
    action = QAction("&Export…", window.window())
    action.setObjectName("action_export")
    action.setShortcut(QKeySequence("Ctrl+E"))
    action.setStatusTip("Export a picture, an animation of the race, trajectories or the data")

    def open_dialog() -> None:
        from .dialog import ExportDialog, export_dialog_of

        dialog = export_dialog_of(window.window()) or ExportDialog(window)
        dialog.open()

    action.triggered.connect(open_dialog)
    window.window().addAction(action)
    menu = window.file_menu
    quit_action = window.actions_by_name.get("quit")
    before = quit_action if quit_action in menu.actions() else None
    if before is None:
        menu.addAction(action)
    else:
        menu.insertAction(before, action)
        menu.insertSeparator(before)
    window.actions_by_name["export"] = action
    return action
