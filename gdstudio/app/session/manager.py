"""SessionManager: one entry to a window's session: document, File menu, autosave, recovery."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from .autosave import AUTOSAVE_MS, Autosave
from .document import SessionDocument
from .host import SessionHost
from .menu import FileMenu
from .recovery import Recovery


class SessionManager(QObject):
    """Sessions of one window: builds the pieces and answers for them.

    `document` holds the path, dirty flag and title; `menu` the File menu entries and
    Open Recent; `autosave` the timed background writes; `recovery` the crash marker and what a
    crashed run left. `autosave=False` (a window that only renders: gdstudio export, the
    benchmark) never writes, moves or removes the autosave and marker of a studio the user has
    open, or had open and lost.
    """

    def __init__(
        self, window: SessionHost, autosave_ms: int = AUTOSAVE_MS, *, autosave: bool = True
    ) -> None:
        super().__init__(window.window())
        window.view3d.bind_camera(window.model.state.camera)
        self.document = SessionDocument(window)
        self.autosave = Autosave(window, self.document, autosave_ms, enabled=autosave)
        self.recovery = Recovery(window, self.document, self.autosave)
        self.menu = FileMenu(window, self.document)
        self.autosaved = self.autosave.autosaved

    # --- the document ----------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when the session has changes that are not saved to `path`."""
        return self.document.dirty

    @property
    def path(self) -> str | None:
        """The session's file, None before a first save."""
        return self.document.path

    def current_document(self, copy_arrays: bool = False) -> dict[str, Any]:
        """The session as it stands: model snapshot and camera."""
        return self.document.current(copy_arrays)

    # --- the File menu ---------------------------------------------------------------------

    @property
    def recent_menu(self) -> QMenu:
        """File ▸ Open Recent."""
        return self.menu.recent.menu

    def recent_files(self) -> list[str]:
        """Recently opened or saved sessions, newest first."""
        return self.menu.recent.files()

    def new_session(self) -> bool:
        """File ▸ New (asks to save unsaved changes first)."""
        return self.menu.new_session()

    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Open a session file; on failure warn and keep the open session as it was."""
        return self.menu.open_path(path)

    def save(self) -> bool:
        """File ▸ Save: to the current file, or ask for one."""
        return self.menu.save()

    def save_to(self, path: str | os.PathLike[str]) -> bool:
        """Write the session to `path` atomically; on failure warn and stay dirty."""
        return self.menu.save_to(path)

    def confirm_close(self) -> bool:
        """For the window's closeEvent: ask about unsaved changes; False means keep open.

        On True the session ends cleanly: autosave stops and its files are removed.
        """
        if not self.menu.maybe_save("closing"):
            return False
        self.end_session()
        return True

    def end_session(self) -> None:
        """Clean quit: stop autosaving and remove the autosave and the running marker."""
        self.document.close()
        self.autosave.stop()
        self.recovery.end()

    # --- autosave and recovery -------------------------------------------------------------

    @property
    def autosave_ms(self) -> int:
        """The pause after an edit before the autosave is written."""
        return self.autosave.interval_ms

    @autosave_ms.setter
    def autosave_ms(self, ms: int) -> None:
        self.autosave.interval_ms = ms

    @property
    def autosave_path(self) -> Path:
        """The autosave file."""
        return self.autosave.path

    @property
    def marker_path(self) -> Path:
        """The file that says a studio is running (left behind by a crash)."""
        return self.recovery.marker_path

    @property
    def recovery_available(self) -> bool:
        """True when an earlier run crashed and left unsaved work behind."""
        return self.recovery.available

    @property
    def recovery_notice(self) -> str | None:
        """Why an autosave of an earlier run was set aside, until it has been shown."""
        return self.recovery.notice

    def offer_recovery(self) -> bool:
        """After a crash, ask to recover the autosaved work; True if it was restored."""
        return self.recovery.offer()
