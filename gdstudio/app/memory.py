"""Start-up's memory and collector: paused while the window is built, handed back once it is up;
and, while the window runs, freed heap handed back to the system (glibc keeps it otherwise)."""

from __future__ import annotations

import ctypes
import functools
import gc
import linecache
import sys

_paused = False
# While the window runs (late_parts), every TRIM_EVERY_MS: free heap beyond this goes back.
TRIM_EVERY_MS = 1000
TRIM_OVER_BYTES = 4 << 20


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc with malloc_trim and mallinfo2 (≥ 2.33), else None."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None)
    if getattr(libc, "malloc_trim", None) is None or getattr(libc, "mallinfo2", None) is None:
        return None  # musl, or an older glibc
    libc.mallinfo2.restype = _MallInfo2
    return libc


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
    trim_heap(over=0)


def free_heap_bytes() -> int:
    """Bytes the main heap holds free (glibc's mallinfo2 fordblks); 0 where unknown."""
    libc = _glibc()
    return int(libc.mallinfo2().fordblks) if libc is not None else 0


def trim_heap(over: int = TRIM_OVER_BYTES) -> bool:
    """Return the heap's free memory to the system when it holds more than `over` bytes (~1 ms);
    True if it trimmed. Racing frees as much as it allocates (numpy temporaries, frames), and
    glibc keeps what is freed below its trim threshold: ~10 MiB within a second of play."""
    libc = _glibc()
    if libc is None or libc.mallinfo2().fordblks <= over:
        return False
    libc.malloc_trim(0)
    return True


def can_trim_heap() -> bool:
    """True where `trim_heap` can work (glibc ≥ 2.33)."""
    return _glibc() is not None
