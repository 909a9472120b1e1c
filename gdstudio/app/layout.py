"""The window's geometry and dock layout, remembered between sessions in QSettings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

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
