"""What the session modules need from the window (a structural type: they never import it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QStatusBar, QWidget

    from ...render.view3d import LandscapeView3D
    from ..model import StudioModel


class SessionHost(Protocol):
    """The main window as sessions see it: its model, 3D view, File menu, title and status."""

    model: StudioModel
    view3d: LandscapeView3D
    file_menu: QMenu
    actions_by_name: dict[str, QAction]

    def window(self) -> QWidget:
        """The window as a widget (QWidget.window(): itself), the parent of dialogs."""

    def addAction(self, action: QAction, /) -> None:  # noqa: N802 - Qt's name
        """Make `action`'s shortcut work anywhere in the window."""

    def statusBar(self) -> QStatusBar:  # noqa: N802 - Qt's name
        """The window's status bar."""

    def setWindowTitle(self, title: str, /) -> None:  # noqa: N802 - Qt's name
        """Set the title bar's text."""

    def setWindowFilePath(self, path: str, /) -> None:  # noqa: N802 - Qt's name
        """Name the file the window shows."""

    def setWindowModified(self, modified: bool, /) -> None:  # noqa: N802 - Qt's name
        """Show or clear the unsaved-changes mark."""


def show_status(host: SessionHost, message: str, ms: int = 8000) -> None:
    """Tell the user `message` in the window's status bar for `ms` milliseconds."""
    host.statusBar().showMessage(message, ms)
