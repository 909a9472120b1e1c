"""Autosave: unsaved edits written to a file off the UI thread, soon after they happen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QElapsedTimer,
    QObject,
    QRunnable,
    QStandardPaths,
    QThreadPool,
    QTimer,
    Signal,
)

from ...io.session import SUFFIX, SessionError, save_session
from ..job_reports import Reports, Token, job_reports
from .document import SessionDocument
from .host import SessionHost, show_status

# An edit reaches the autosave within a second: written after this much quiet, or at the
# latest AUTOSAVE_MAX_MS after the first unsaved change while edits keep coming.
AUTOSAVE_MS = 300
AUTOSAVE_MAX_MS = 700
AUTOSAVE_NAME = "autosave" + SUFFIX


def app_data_folder() -> Path:
    """Where the autosave and the running marker live."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def unlink_quietly(path: Path) -> None:
    """Remove `path` if it is there; a file that cannot be removed is left alone."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


class _AutosaveJob(QRunnable):
    """Encodes and writes one autosave off the UI thread (the UI thread only copied arrays)."""

    def __init__(self, path: Path, doc: dict[str, Any], reports: Reports, token: Token) -> None:
        super().__init__()
        self.path, self.doc, self.reports, self.token = path, doc, reports, token

    def run(self) -> None:  # noqa: D102 - QRunnable override
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save_session(self.path, self.doc)
            error = ""
        except (SessionError, OSError) as e:
            error = str(e)
        self.reports.report.emit(self.token, error)  # "" on success, else the message


class Autosave(QObject):
    """Writes the unsaved document to `path` after a pause in the edits, one write at a time.

    Disabled (`enabled=False`, a window that only renders) it never writes or removes a file.
    """

    autosaved = Signal()

    def __init__(
        self,
        host: SessionHost,
        document: SessionDocument,
        interval_ms: int = AUTOSAVE_MS,
        *,
        enabled: bool = True,
    ) -> None:
        super().__init__(host.window())
        self.host, self.document = host, document
        self.interval_ms = interval_ms
        self.enabled = enabled
        self.path = app_data_folder() / AUTOSAVE_NAME
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.write_now)
        self._first_unsaved = QElapsedTimer()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._token = Token()
        self._reports = job_reports()
        self._reports.report.connect(self._on_report)
        document.edited.connect(self.schedule)
        document.cleaned.connect(self.discard)

    def schedule(self) -> None:
        """Autosave after a pause, but no later than AUTOSAVE_MAX_MS after the first change."""
        if not self._timer.isActive():
            self._first_unsaved.start()
            self._timer.start(self.interval_ms)
            return
        left = max(self.interval_ms, AUTOSAVE_MAX_MS) - self._first_unsaved.elapsed()
        self._timer.start(max(0, min(self.interval_ms, left)))

    def write_now(self) -> None:
        """Write the unsaved session to the autosave file (off the UI thread)."""
        if self._stopped or not self.document.dirty or not self.enabled:
            return
        if self._pool.activeThreadCount():
            self._timer.start(self.interval_ms)  # one write at a time; try again shortly
            return
        doc = self.document.current(copy_arrays=True)
        self._pool.start(_AutosaveJob(self.path, doc, self._reports, self._token))

    def discard(self) -> None:
        """The document is saved (or starts afresh): no write is due and the file goes."""
        self._timer.stop()
        self._pool.waitForDone()  # a write in flight must not outlive the clean state
        if self.enabled:
            unlink_quietly(self.path)

    def stop(self) -> None:
        """Clean quit: no more writes, and the autosave file goes."""
        self._stopped = True
        self.discard()

    def _on_report(self, token: object, error: object) -> None:
        if token is not self._token:
            return  # another owner's job
        if error:
            show_status(self.host, f"Autosave failed: {error}")
        else:
            self.autosaved.emit()
