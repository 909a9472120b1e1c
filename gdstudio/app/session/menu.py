"""File ▸ New / Open / Save / Save As: the user's actions on the session, with their dialogs."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ...io.session import FILE_FILTER, SUFFIX, SessionError
from .document import UNTITLED, SessionDocument
from .host import SessionHost, show_status
from .recent import RecentFiles

_Button = QMessageBox.StandardButton


class FileMenu(QObject):
    """The session entries of the File menu (before Quit) and what they do.

    Each action asks to save unsaved changes first, and explains a failure in a warning that
    leaves the open session as it was.
    """

    def __init__(self, host: SessionHost, document: SessionDocument) -> None:
        super().__init__(host.window())
        self.host, self.document = host, document
        self.recent = RecentFiles(host, self._open_recent)
        self._build()

    def _build(self) -> None:
        host = self.host
        menu = host.file_menu
        existing = menu.actions()
        before = existing[0] if existing else None  # sessions come first, Quit stays last
        specs = (
            ("new", "&New", "Ctrl+N", self.new_session, "Start again from the default lesson"),
            ("open", "&Open…", "Ctrl+O", self.open_dialog, "Open a saved session"),
            ("save", "&Save", "Ctrl+S", self.save, "Save the session"),
            (
                "save_as",
                "Save &As…",
                "Ctrl+Shift+S",
                self.save_as,
                "Save the session to a new file",
            ),
        )
        for key, text, shortcut, slot, tip in specs:
            action = QAction(text, host.window())
            action.setObjectName(f"action_{key}")
            action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            host.addAction(action)
            host.actions_by_name[key] = action
            if before is None:
                menu.addAction(action)
            else:
                menu.insertAction(before, action)
            if key == "open":
                if before is None:
                    menu.addMenu(self.recent.menu)
                else:
                    menu.insertMenu(before, self.recent.menu)
        if before is not None:
            menu.insertSeparator(before)
        self.recent.rebuild()

    # --- actions ---------------------------------------------------------------------------

    def new_session(self) -> bool:
        """Start over on the default lesson (asks to save unsaved changes first)."""
        if not self.maybe_save("starting a new session"):
            return False
        self.document.start_new()
        show_status(self.host, "New session")
        return True

    def open_dialog(self) -> bool:
        """Ask for a session file and open it."""
        path, _ = QFileDialog.getOpenFileName(
            self.host.window(), "Open Session", self._dialog_dir(), FILE_FILTER
        )
        if not path or not self.maybe_save("opening another session"):
            return False
        return self.open_path(path)

    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Open a session file; on failure warn and keep the open session as it was."""
        path = os.path.abspath(os.fspath(path))
        try:
            self.document.open(path)
        except SessionError as e:
            if not os.path.exists(path):
                self.recent.forget(path)
            self._warn("Could Not Open Session", str(e))
            return False
        self.recent.add(path)
        show_status(self.host, f"Opened {self.document.display_name}")
        return True

    def save(self) -> bool:
        """Save to the current file, or ask for one."""
        path = self.document.path
        return self.save_to(path) if path else self.save_as()

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        start = self.document.path or os.path.join(self._dialog_dir(), UNTITLED + SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self.host.window(), "Save Session As", start, FILE_FILTER
        )
        if not path:
            return False
        if not Path(path).suffix:
            path += SUFFIX
        return self.save_to(path)

    def save_to(self, path: str | os.PathLike[str]) -> bool:
        """Write the session to `path` atomically; on failure warn and stay dirty."""
        try:
            saved = self.document.save(path)
        except SessionError as e:
            self._warn("Could Not Save Session", str(e))
            return False
        self.recent.add(saved)
        show_status(self.host, f"Saved {self.document.display_name}")
        return True

    def maybe_save(self, doing: str) -> bool:
        """Ask to save unsaved changes before `doing`; False means the user cancelled."""
        if not self.document.dirty:
            return True
        answer = QMessageBox.question(
            self.host.window(),
            "Unsaved Changes",
            f"Save changes to “{self.document.display_name}” before {doing}?",
            _Button.Save | _Button.Discard | _Button.Cancel,
            _Button.Save,
        )
        if answer == _Button.Save:
            return self.save()
        return answer == _Button.Discard

    def _open_recent(self, path: str) -> bool:
        if not self.maybe_save("opening another session"):
            return False
        return self.open_path(path)

    def _warn(self, title: str, message: str) -> None:
        """The message over the window; before the window is up (a file named on the command
        line or by a desktop double-click), once it is, not alone on an empty screen."""
        window = self.host.window()
        if window.isVisible():
            QMessageBox.warning(window, title, message)
        else:
            QTimer.singleShot(0, window, lambda: QMessageBox.warning(window, title, message))

    def _dialog_dir(self) -> str:
        for p in [self.document.path, *self.recent.files()]:
            if p and os.path.isdir(os.path.dirname(p)):
                return os.path.dirname(p)
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
