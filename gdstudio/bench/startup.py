"""Start-up: process start to the main window's first frame."""

from __future__ import annotations

import statistics

from .common import Row, entry, process_ms

_FIRST_FRAME = """
import os, sys, time
from gdstudio.app.application import configure_application
configure_application()
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gdstudio.app.main_window import MainWindow
w = MainWindow(autosave=False)
def done():
    print(time.time(), flush=True)
    app.quit()
w.view3d.frameSwapped.connect(done)
w.show()
app.exec()
"""


def bench_startup(reps: int) -> Row:
    """Process start → first frame of the main window, vs importing PySide6.QtWidgets."""
    reps = max(3, min(reps, 5))
    ours = statistics.median(process_ms(_FIRST_FRAME) for _ in range(reps))
    base_code = "import time, PySide6.QtWidgets; print(time.time())"
    baseline = statistics.median(process_ms(base_code) for _ in range(reps))
    return entry(
        "startup_first_frame", ours, baseline, note="baseline is a floor (import only), not a rival"
    )
