"""Crash recovery: a marker while the studio runs, and the autosave of a run that crashed."""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, QObject
from PySide6.QtWidgets import QMessageBox

from ...io.session import APP_NAME, SUFFIX, SessionError, load_session
from .autosave import Autosave, unlink_quietly
from .document import SessionDocument
from .host import SessionHost, show_status

MARKER_NAME = "running.lock"
_Button = QMessageBox.StandardButton


def readable_time(when: QDateTime, locale: QLocale | None = None) -> str:
    """A date and time as the locale writes them, the month by name ("Tuesday, 1 December
    2026, 06:49"): short numeric formats read ambiguously ("1 12 2026" in the C locale)."""
    loc = locale if locale is not None else QLocale()
    date = loc.toString(when.date(), QLocale.FormatType.LongFormat)
    return f"{date}, {loc.toString(when.time(), QLocale.FormatType.ShortFormat)}"


class Recovery(QObject):
    """At start, finds the autosave a crashed run left (the marker was not removed) and
    writes this run's marker; an unreadable autosave is set aside under another name."""

    def __init__(self, host: SessionHost, document: SessionDocument, autosave: Autosave) -> None:
        super().__init__(host.window())
        self.host, self.document, self.autosave = host, document, autosave
        self.marker_path = autosave.path.with_name(MARKER_NAME)
        self._notice: str | None = None
        self._crashed: tuple[dict[str, Any], QDateTime] | None = None
        if autosave.enabled:
            self._crashed = self._find_crashed_autosave()
            self._write_marker()

    @property
    def available(self) -> bool:
        """True when an earlier run crashed and left unsaved work behind."""
        return self._crashed is not None

    @property
    def notice(self) -> str | None:
        """Why an autosave of an earlier run was set aside, until it has been shown."""
        return self._notice

    def offer(self) -> bool:
        """After a crash, ask to recover the autosaved work; returns True if it was restored.

        An autosave that could not be read was set aside at start-up: this says so, once, in
        the status bar, where the kept file is.
        """
        if self._notice is not None:
            show_status(self.host, self._notice, 60_000)
            self._notice = None
        if self._crashed is None:
            return False
        doc, mtime = self._crashed
        self._crashed = None
        when = readable_time(mtime)
        answer = QMessageBox.question(
            self.host.window(),
            "Recover Unsaved Work",
            f"{APP_NAME} did not quit properly last time.\n\nRecover unsaved work from {when}?",
            _Button.Yes | _Button.No,
            _Button.Yes,
        )
        if answer != _Button.Yes:
            unlink_quietly(self.autosave.path)
            return False
        try:
            self.document.recover(doc)
        except SessionError as e:
            self._set_aside(str(e))
            QMessageBox.warning(self.host.window(), "Could Not Recover", self._notice or str(e))
            self._notice = None
            return False
        show_status(self.host, "Recovered unsaved work: save it to keep it")
        return True

    def end(self) -> None:
        """Clean quit: the marker goes, so the next start offers nothing."""
        if self.autosave.enabled:
            unlink_quietly(self.marker_path)

    def _write_marker(self) -> None:
        try:
            self.marker_path.parent.mkdir(parents=True, exist_ok=True)
            self.marker_path.write_text(
                json.dumps(
                    {"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds")}
                )
            )
        except OSError as e:
            show_status(
                self.host, f"Autosave is off: cannot write to {self.marker_path.parent} ({e})"
            )

    def _find_crashed_autosave(self) -> tuple[dict[str, Any], QDateTime] | None:
        """The autosave of an earlier run that did not quit cleanly, if it can be read."""
        path = self.autosave.path
        if not path.is_file():
            return None
        if not self.marker_path.exists():
            unlink_quietly(path)  # left over from a clean quit: nothing to offer
            return None
        mtime = QDateTime.fromSecsSinceEpoch(int(path.stat().st_mtime))
        try:
            return load_session(path), mtime
        except SessionError as e:
            self._set_aside(str(e))
            return None

    def _set_aside(self, reason: str) -> None:
        """Keep an unreadable autosave under another name and tell the user once, later."""
        path = self.autosave.path
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = path.with_name(f"autosave-unreadable-{stamp}{SUFFIX}")
        try:
            os.replace(path, kept)
        except OSError as e:
            unlink_quietly(path)  # cannot keep it: it must not block every start
            self._notice = (
                f"Unsaved work from last time could not be recovered "
                f"and could not be kept ({e.strerror or e}): {reason}"
            )
            return
        self._notice = (
            f"Unsaved work from last time could not be recovered: "
            f"{reason} The file is kept as {kept}"
        )
