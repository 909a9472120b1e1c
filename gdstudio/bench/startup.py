"""Start-up and memory: process start to the main window's first frame, and the race's RSS.

Both are measured in fresh child processes against a floor measured in the same run, reps
interleaved (a loaded machine slows ours and the floor alike): the floor of start-up is a
process that only imports numpy, PySide6's widgets, pyqtgraph and PyOpenGL; the floor of
memory is such a process showing an empty QOpenGLWidget of the race window's size.

The studio's modules are byte-compiled first, as an installed package is (pip compiles at
install) and as the floor's libraries are: where PYTHONDONTWRITEBYTECODE is set (a
development shell), an editable install would otherwise recompile all ~95 of them on every
start (~300 ms), which is no part of the studio's start-up.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .common import Row, entry, process_ms, unit_entry

# The studio's scripts start as `gdstudio` does (cli.launch_window): the collector paused first.
# The start-up scripts write their CPU time (user + system, ms) to CPU_FILE, then print the time.
_FIRST_FRAME = """
import os, sys, time
from gdstudio.app.memory import pause_collection
pause_collection()
from gdstudio.app.application import configure_application
configure_application()
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gdstudio.app.main_window import MainWindow
w = MainWindow(autosave=False)
def done():
    w.view3d.frameSwapped.disconnect(done)
    now, cpu = time.time(), os.times()
    open(CPU_FILE, "w").write(str(1000 * (cpu.user + cpu.system)))
    print(now, flush=True)
    app.quit()
w.view3d.frameSwapped.connect(done)
w.show()
app.exec()
"""

_IMPORT_FLOOR = """
import os, time, numpy, PySide6.QtWidgets, pyqtgraph, OpenGL.GL
now, cpu = time.time(), os.times()
open(CPU_FILE, "w").write(str(1000 * (cpu.user + cpu.system)))
print(now)
"""
_INTERPRETER = "import time; print(time.time())"

# Both memory scripts print {"rss": MiB, "hwm": MiB} from /proc/self/status at the end.
_STATUS = """
import compileall
import json
def report():
    kb = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            kb[key] = int(value.split()[0])
    print(json.dumps({"rss": kb["VmRSS"] / 1024, "hwm": kb["VmHWM"] / 1024}), flush=True)
"""

_RSS_RACE = (
    _STATUS
    + """
import sys
from gdstudio.app.memory import pause_collection
pause_collection()
from gdstudio.app.application import configure_application
configure_application()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gdstudio.bench.common import race_window
window = race_window(0)
window.stepper.play()
def done():
    report()
    app.quit()
QTimer.singleShot(PLAY_MS, done)
app.exec()
"""
)

_RSS_FLOOR = (
    _STATUS
    + """
import sys
import numpy, PySide6.QtWidgets, pyqtgraph, OpenGL.GL
from PySide6.QtCore import QTimer
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
view = QOpenGLWidget()
view.resize(1400, 900)
view.show()
def done():
    report()
    app.quit()
QTimer.singleShot(PLAY_MS, done)
app.exec()
"""
)

PLAY_MS = 2000

STARTUP_MIN_REPS = 11
"""Start-up's reps, whatever fewer --reps asks for: on a shared 2-core machine one child's start
swings by ±25% from one second to the next (seen: the floor 648–1123 ms within 15 reps), and
a median of 5 then moved the ratio between 0.83 and 1.14 from run to run."""


def compile_studio() -> None:
    """Byte-compile the studio's modules where they are (a no-op when they are up to date)."""
    compileall.compile_dir(Path(__file__).resolve().parents[1], quiet=1)


@contextmanager
def _first_start() -> Iterator[None]:
    """Child processes meanwhile see no saved settings: every start is a first start.

    A studio window saves its layout when it closes (a bench window or test run outside the
    tests' isolation too), and a saved layout with the Plots dock closed starts without
    pyqtgraph: the figures would depend on what ran last.
    """
    saved = os.environ.get("XDG_CONFIG_HOME")
    with tempfile.TemporaryDirectory(prefix="gdstudio-bench-") as config:
        os.environ["XDG_CONFIG_HOME"] = config
        try:
            yield
        finally:
            if saved is None:
                del os.environ["XDG_CONFIG_HOME"]
            else:
                os.environ["XDG_CONFIG_HOME"] = saved


def _start(code: str) -> tuple[float, float]:
    """(wall ms to the time the child prints, its CPU ms by then) of `python -c code`."""
    with tempfile.TemporaryDirectory(prefix="gdstudio-bench-") as tmp:
        cpu_file = Path(tmp) / "cpu"
        wall = process_ms(code.replace("CPU_FILE", repr(str(cpu_file))))
        return wall, float(cpu_file.read_text())


def bench_startup(reps: int) -> list[Row]:
    """Process start → first frame of the main window, against the import floor.

    Wall times are the figures; the CPU times the children report (load-proof: a shared
    machine stretches wall time, hardly CPU time) go in the rows as cpu_ms.
    """
    reps = max(STARTUP_MIN_REPS, min(reps, 2 * STARTUP_MIN_REPS))
    compile_studio()
    ours, floor, bare = [], [], []
    with _first_start():
        for _ in range(reps):  # interleaved: a burst of load hits all three alike
            ours.append(_start(_FIRST_FRAME))
            floor.append(_start(_IMPORT_FLOOR))
            bare.append(process_ms(_INTERPRETER))
    floor_ms = statistics.median(wall for wall, _ in floor)
    ours_cpu = statistics.median(cpu for _, cpu in ours)
    floor_cpu = statistics.median(cpu for _, cpu in floor)
    return [
        entry(
            "startup_first_frame",
            statistics.median(wall for wall, _ in ours),
            floor_ms,
            cpu_ms=round(ours_cpu, 1),
            baseline_cpu_ms=round(floor_cpu, 1),
            cpu_ratio=round(floor_cpu / ours_cpu, 2),
            note="baseline: import_floor (numpy, PySide6.QtWidgets, pyqtgraph, OpenGL.GL)",
        ),
        entry(
            "import_floor",
            floor_ms,
            statistics.median(bare),
            cpu_ms=round(floor_cpu, 1),
            note="baseline: the bare interpreter's start",
        ),
    ]


def _child_memory(code: str) -> dict[str, float]:
    """{"rss", "hwm"} in MiB that a child process running `code` reports."""
    out = subprocess.run(
        [sys.executable, "-c", code.replace("PLAY_MS", str(PLAY_MS))],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "QT_LOGGING_RULES": "*=false"},
    )
    reported: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return reported


def bench_rss(reps: int) -> Row:
    """Resident memory of the race scene after ~2 s of play, against an empty GL window."""
    reps = max(1, min(reps, 3))
    compile_studio()
    ours, floor = [], []
    with _first_start():
        for _ in range(reps):
            ours.append(_child_memory(_RSS_RACE))
            floor.append(_child_memory(_RSS_FLOOR))
    return unit_entry(
        "rss_race_mb",
        statistics.median(r["rss"] for r in ours),
        "MiB",
        statistics.median(r["rss"] for r in floor),
        peak=round(statistics.median(r["hwm"] for r in ours), 1),
        baseline_peak=round(statistics.median(r["hwm"] for r in floor), 1),
        note="8 racers playing; baseline: floor imports and an empty 1400×900 QOpenGLWidget",
    )
