"""Hand back to the system the memory that start-up used once and holds no more."""

from __future__ import annotations

import ctypes
import gc
import linecache
import sys


def release_startup_memory() -> None:
    """Drop the source lines imports cached and return freed heap pages to the system.

    PySide6's import hook reads the source of every module imported after it (to see whether
    the module uses PySide6), which leaves every line of numpy, OpenGL, pyqtgraph and the
    studio in `linecache`; a traceback reads them again if it needs them. Shader compilation
    and the first frames free much of what they took, but glibc keeps it until malloc_trim.
    """
    linecache.clearcache()
    gc.collect()
    if sys.platform.startswith("linux"):
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc's; musl has none
        if trim is not None:
            trim(0)
