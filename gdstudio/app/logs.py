"""Logging: a rotating file in the app's data folder, errors also where the user is looking.

`setup_logging()` sends the `gdstudio` loggers, Qt's own warnings and any uncaught exception to
`<app data>/logs/gdstudio.log` (1 MB, three old files kept); `ErrorRelay` shows each error on
the window's status bar; Help ▸ Open Log Folder opens the folder in the file manager.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    QStandardPaths,
    QtMsgType,
    QUrl,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices

LOG_NAME = "gdstudio.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
log = logging.getLogger("gdstudio")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def log_folder() -> Path:
    """Where the log files are: `logs/` in the app's data folder."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "logs"


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Log to a rotating file in `folder` (the log folder by default); the file's path.

    Called again (a second window, a test), it replaces its own handler rather than adding one.
    """
    import logging.handlers  # here, after the first frame: its import costs start-up ~10 ms

    folder = folder or log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    for old in [h for h in log.handlers if getattr(h, "_gdstudio", False)]:
        log.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._gdstudio = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(level)
    qInstallMessageHandler(_qt_message)
    sys.excepthook = _uncaught
    threading.excepthook = _uncaught_in_thread
    return path


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's warnings into the log (they would otherwise go to a console nobody sees)."""
    logging.getLogger("gdstudio.qt").log(_QT_LEVELS.get(kind, logging.WARNING), message)


def _uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """An exception nothing caught: logged with its traceback (then Python's own report)."""
    log.critical("uncaught %s: %s", kind.__name__, error, exc_info=(kind, error, trace))
    sys.__excepthook__(kind, error, trace)


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        log.critical(
            "uncaught %s in thread %s: %s",
            args.exc_type.__name__,
            args.thread.name if args.thread else "?",
            args.exc_value,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )


class ErrorRelay(QObject):
    """Errors logged anywhere, carried to the UI thread (show them where the user looks)."""

    error = Signal(str)

    def __init__(self, show: Callable[[str], None]) -> None:
        super().__init__()
        self.error.connect(show)
        self.handler = _RelayHandler(self)
        self.handler.setLevel(logging.ERROR)
        log.addHandler(self.handler)

    def close(self) -> None:
        """Stop relaying."""
        log.removeHandler(self.handler)


class _RelayHandler(logging.Handler):
    def __init__(self, relay: ErrorRelay) -> None:
        super().__init__()
        self.relay = relay

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.relay.error.emit(f"Error: {record.getMessage()} (details in the log)")
        except RuntimeError:  # the window is gone
            pass


def open_log_folder() -> bool:
    """Help ▸ Open Log Folder: the folder in the desktop's file manager (False if it cannot)."""
    folder = log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
