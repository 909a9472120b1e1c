"""`gdstudio --smoke-test`: open the window, render a 3D frame and a plot, step a race, exit.

Exit 0 when every check passed, else 1 with what failed — the check a packager (or CI) runs on
an installed or frozen build. Runs on the current display (under Xvfb on a headless machine);
without OpenGL it says so and fails.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

TIMEOUT_S = 30.0


class SmokeFailure(Exception):
    """A check that did not pass: its message says which and why."""


def _wait(app: object, done: Callable[[], bool], what: str) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    end = time.monotonic() + TIMEOUT_S
    while not done():
        if time.monotonic() > end:
            raise SmokeFailure(f"{what}: nothing after {TIMEOUT_S:g} s")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def _varied(image: object) -> bool:
    """True if the image has more than one colour (something was drawn)."""
    import numpy as np
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage)
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    if rgb.width() == 0 or rgb.height() == 0:
        return False
    pixels = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), -1)
    return bool(pixels.min() != pixels.max())


def run_checks(out: TextIO) -> None:
    """Every check in turn, a line each (SmokeFailure at the first that fails)."""
    from PySide6.QtWidgets import QApplication

    from .app.application import configure_application

    configure_application()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if QApplication.platformName() in ("offscreen", "minimal"):
        raise SmokeFailure(
            f"no display with OpenGL (Qt platform {QApplication.platformName()!r}); "
            'run it under xvfb-run -a -s "-screen 0 1280x800x24" on a headless machine'
        )
    from .app.main_window import MainWindow
    from .app.model import StudioModel

    model = StudioModel()
    model.load_scene("race")
    window = MainWindow(model, autosave=False)
    window.resize(1280, 800)
    window.show()
    try:
        _wait(app, lambda: window.is_started, "the window's first frame")
        out.write(f"ok: window shown on {QApplication.platformName()}\n")
        if not window.view3d.isValid():
            raise SmokeFailure("the 3D view has no OpenGL context")
        frame = window.view3d.grabFramebuffer()
        if not _varied(frame):
            raise SmokeFailure("the 3D view rendered a blank frame")
        out.write(f"ok: 3D frame rendered ({frame.width()}×{frame.height()})\n")
        steps = model.step(50)
        runs = [cfg.live_run for _, cfg in model.active_runs()]
        if steps <= 0 or not all(r.steps > 0 for r in runs):
            raise SmokeFailure("the race did not step")
        out.write(f"ok: race stepped ({len(runs)} racers, {max(r.steps for r in runs)} steps)\n")
        plots = window.plots
        plots.flush()
        if not _varied(plots.grab().toImage()):
            raise SmokeFailure("the plots drew nothing")
        out.write("ok: plots drawn\n")
    finally:
        _dispose(window)


def _dispose(window: object) -> None:
    """Hide the window and delete it now, while the application and its GL context live: a
    window left for the interpreter's exit crashes in Qt's teardown (exit code 139)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QWidget

    assert isinstance(window, QWidget)
    window.hide()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def main(out: TextIO = sys.stdout) -> int:
    """Run the smoke test; 0 if it passed, 1 (with the reason) if not."""
    try:
        run_checks(out)
    except SmokeFailure as failure:
        out.write(f"FAILED: {failure}\n")
        return 1
    except Exception as exc:  # noqa: BLE001 - any crash is a failed smoke test, said plainly
        out.write(f"FAILED: {type(exc).__name__}: {exc}\n")
        return 1
    out.write("smoke test passed\n")
    out.flush()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    import os

    os._exit(code)  # no teardown of native GL windows after the display may have gone
