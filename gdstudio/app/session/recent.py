"""File ▸ Open Recent: the sessions opened or saved lately, newest first, kept in QSettings."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QMenu

from .host import SessionHost, show_status

MAX_RECENT = 8
RECENT_KEY = "sessions/recent"


class RecentFiles(QObject):
    """The Open Recent submenu; choosing an entry calls `open_file(path)`."""

    def __init__(self, host: SessionHost, open_file: Callable[[str], object]) -> None:
        super().__init__(host.window())
        self.host, self._open_file = host, open_file
        self.menu = QMenu("Open &Recent", host.file_menu)
        self.menu.setObjectName("recentMenu")
        self.menu.aboutToShow.connect(self.rebuild)

    def files(self) -> list[str]:
        """Recently opened or saved sessions, newest first."""
        value = QSettings().value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        items = value if isinstance(value, list) else []
        return [str(p) for p in items if p][:MAX_RECENT]

    def add(self, path: str) -> None:
        """Put `path` first."""
        self._store([path, *(p for p in self.files() if p != path)])

    def forget(self, path: str) -> None:
        """Take `path` off the menu."""
        paths = self.files()
        if path in paths:
            self._store([p for p in paths if p != path])

    def clear(self) -> None:
        """Empty the Open Recent menu."""
        self._store([])

    def rebuild(self) -> None:
        """Fill the menu with the files still there; say which ones were dropped."""
        paths = self.files()
        present = [p for p in paths if os.path.isfile(p)]
        if len(present) != len(paths):
            missing = [Path(p).name for p in paths if p not in present]
            QSettings().setValue(RECENT_KEY, present)
            show_status(
                self.host, f"Removed from Open Recent (no longer found): {', '.join(missing)}"
            )
        menu = self.menu
        menu.clear()
        for i, p in enumerate(present):
            action = menu.addAction(f"&{i + 1} {Path(p).name.replace('&', '&&')}")
            action.setData(p)
            action.setStatusTip(p)
            action.setToolTip(p)
            action.triggered.connect(lambda _=False, p=p: self._open_file(p))
        if present:
            menu.addSeparator()
            menu.addAction("Clear Menu", self.clear)
        menu.setEnabled(bool(present))

    def _store(self, paths: list[str]) -> None:
        QSettings().setValue(RECENT_KEY, paths[:MAX_RECENT])
        self.rebuild()
