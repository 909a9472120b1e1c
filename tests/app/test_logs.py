"""Logging: the rotating file, Qt's warnings and uncaught errors in it, errors on the status bar."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QMainWindow

from gdstudio.app import logs


@pytest.fixture
def logged(tmp_path, qapp):
    hooks = (sys.excepthook, threading.excepthook)
    path = logs.setup_logging(tmp_path / "logs")
    yield path
    for handler in list(logs.log.handlers):
        logs.log.removeHandler(handler)
        handler.close()
    sys.excepthook, threading.excepthook = hooks
    qInstallMessageHandler(None)


def _text(path) -> str:
    for handler in logs.log.handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_messages_and_qt_warnings_go_to_the_file(logged):
    logging.getLogger("gdstudio.io").warning("could not read %s", "x.gdstudio")
    qWarning("a Qt warning")
    text = _text(logged)
    assert "WARNING gdstudio.io: could not read x.gdstudio" in text
    assert "gdstudio.qt: a Qt warning" in text


def test_an_uncaught_exception_is_logged_with_its_traceback(logged, capsys):
    try:
        raise ValueError("boom")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    text = _text(logged)
    assert "CRITICAL gdstudio: uncaught ValueError: boom" in text
    assert "Traceback" in text and "test_logs.py" in text
    capsys.readouterr()


def test_the_file_rotates_and_keeps_three_old_ones(logged):
    for _ in range(4 * logs.MAX_BYTES // 1000 + 50):
        logs.log.info("x" * 1000)
    names = sorted(p.name for p in logged.parent.iterdir())
    assert names == ["gdstudio.log", "gdstudio.log.1", "gdstudio.log.2", "gdstudio.log.3"]
    assert all(p.stat().st_size <= logs.MAX_BYTES + 2000 for p in logged.parent.iterdir())


def test_setting_up_twice_does_not_write_every_line_twice(logged):
    logs.setup_logging(logged.parent)
    logs.log.warning("once")
    assert _text(logged).count("once") == 1


def test_errors_reach_the_status_bar(logged, qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    relay = logs.ErrorRelay(window.statusBar().showMessage)
    threading.Thread(target=lambda: logs.log.error("the export failed")).start()
    qtbot.waitUntil(lambda: "the export failed" in window.statusBar().currentMessage())
    assert "details in the log" in window.statusBar().currentMessage()
    relay.close()


_LAUNCH = """
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gdstudio.app import application
started = application._start_logging
def then_quit():
    started()
    QTimer.singleShot(0, QApplication.instance().quit)
application._start_logging = then_quit
code = application.run_app(scene="race")
sys.stdout.flush()
os._exit(code)
"""


def test_the_app_logs_its_start_to_the_file_in_its_data_folder(xvfb, tmp_path):
    import os
    import subprocess

    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", _LAUNCH], capture_output=True, text=True,
                          timeout=120, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    logs_found = list((tmp_path / "data").rglob(logs.LOG_NAME))
    assert len(logs_found) == 1, list((tmp_path / "data").rglob("*"))
    text = logs_found[0].read_text(encoding="utf-8")
    assert "INFO    gdstudio: Gradient Descent Studio" in text and "started on xcb" in text
