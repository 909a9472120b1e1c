"""Reports from pool threads to the UI thread, through one signal object that lives as long as
the process.

A job on a pool thread reports its result by a queued signal. Each owner once had a signals
object of its own, parentless so that a job still running when its owner went away reported
to no one. But an owner collected by Python's garbage collector (a model in a reference
cycle) takes its signals object into the same collection: the collector may free that object's
wrapper first, and then the owner's C++ destructor disconnects from it and PySide looks up a
`disconnectNotify` override on the freed wrapper (a segfault, seen in a full test run and
reproduced by collecting models while their surface jobs ran). One object that no owner holds
alone is never collected; each owner tells its reports from the others' by a token of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Reports(QObject):
    """The process's one report signal: (the owner's token, what the job sends)."""

    report = Signal(object, object)


_REPORTS: list[Reports] = []


def job_reports() -> Reports:
    """The one Reports object (made on first use, on the UI thread, and never destroyed)."""
    if not _REPORTS:
        _REPORTS.append(Reports())
    return _REPORTS[0]


class Token:
    """What an owner's jobs report under: an owner's own, compared by identity."""

    __slots__ = ()
