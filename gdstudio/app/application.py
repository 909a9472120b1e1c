"""Start the Qt application and show the main window."""

from __future__ import annotations

import sys

from . import preload  # isort: skip  (first: before PySide6, see preload.py)
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon, QSurfaceFormat
from PySide6.QtWidgets import QApplication

ORGANIZATION = "gdstudio"
APPLICATION = "Gradient Descent Studio"


def configure_application() -> None:
    """Identity, OpenGL surface format and HiDPI policy; call before the QApplication exists."""
    preload.skip_source_scan()  # before the window's modules are imported
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    fmt = QSurfaceFormat()
    fmt.setDepthBufferSize(24)  # multisampling is chosen per view, once the GL is known
    QSurfaceFormat.setDefaultFormat(fmt)


def run_app(scene: str | None = None, session: str | None = None, *, console: bool = True) -> int:
    """Open the window (on `scene` if given) and run the event loop; returns the exit code.

    From a console a bad --scene or --session is one line on stderr and exit 2, before any
    window opens; from a desktop launcher (console False) a bad session file is explained in
    the window, where the user is looking, and the default lesson stays open.
    """
    preload.skip_source_scan()  # before the imports below
    from ..io.scenes import get_scene
    from ..io.session import SessionError, load_session
    from ..paths import resource_dir

    if scene is not None:
        try:
            get_scene(scene)
        except ValueError as e:
            sys.stderr.write(f"gdstudio: error: --scene: {e}\n")
            return 2
    if session is not None and console:
        try:
            load_session(session)  # Qt-free: checks the whole file before a window exists
        except SessionError as e:
            sys.stderr.write(f"gdstudio: error: --session: {e}\n")
            return 2
    configure_application()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QApplication.setWindowIcon(QIcon(str(resource_dir() / "icons" / "gdstudio.svg")))
    from .main_window import MainWindow
    from .model import StudioModel

    model = StudioModel()
    if scene is not None:
        model.load_scene(scene)
    window = MainWindow(model)
    if session is not None:
        window.sessions.open_path(session)  # a bad file is explained over the window
    window.show()
    window.tour.offer_once()  # a first launch offers the tour, once
    QTimer.singleShot(0, _start_logging)  # after the first frame is on its way
    QTimer.singleShot(0, window, window.sessions.offer_recovery)
    return app.exec()


def _start_logging() -> None:
    """The log file (app/logs.py); without a writable data folder the app runs unlogged."""
    import logging

    from .. import version
    from .logs import setup_logging

    try:
        path = setup_logging()
    except OSError as e:
        sys.stderr.write(f"gdstudio: warning: no log file: {e}\n")
        return
    logging.getLogger("gdstudio").info(
        "Gradient Descent Studio %s started on %s; log: %s",
        version(),
        QApplication.platformName(),
        path,
    )
