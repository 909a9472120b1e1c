"""Start-up's memory and collector: paused while the window is built, handed back once it is up."""

from __future__ import annotations

import ctypes
import gc
import linecache
import sys

_paused = False


def pause_collection() -> None:
    """Pause Python's cyclic garbage collector for the start-up (until `resume_collection`).

    Importing Qt, numpy, PyOpenGL and the studio and building the window allocate ~100k
    long-lived objects and very little garbage, yet set the collector off ~140 times
    (~80 ms of the start, one full pass over everything). `gdstudio` pauses it before its
    first import; the first window's start (`release_startup_memory`) collects once and
    resumes it. Does nothing if the collector is off already (someone else's choice).
    """
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """Turn the collector back on if `pause_collection` turned it off (again: a no-op)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def release_startup_memory() -> None:
    """Collect start-up's garbage, drop the source lines imports cached, return freed heap.

    PySide6's import hook reads the source of every module imported after it (to see whether
    the module uses PySide6), which leaves every line of pyqtgraph and the studio in
    `linecache`; a traceback reads them again if it needs them. Shader compilation and the
    first frames free much of what they took, but glibc keeps it until malloc_trim.
    """
    linecache.clearcache()
    gc.collect()
    resume_collection()
    if sys.platform.startswith("linux"):
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc's; musl has none
        if trim is not None:
            trim(0)
