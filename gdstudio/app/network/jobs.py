"""Background: work that takes longer than a frame, on a pool thread; the newest result wins.

The result comes back to the UI thread by a queued signal. The signals' object has no parent
and each job holds it, so a job still running when its owner is deleted reports to no one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ...core.errors import ConfigError

_POOLS: list[QThreadPool] = []


def network_pool() -> QThreadPool:
    """The network views' one thread (made on first use): their jobs never compete."""
    if not _POOLS:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _POOLS.append(pool)
    return _POOLS[0]


class _Signals(QObject):
    finished = Signal(int, object, str)  # request number, result, error message ("" if none)


class _Job(QRunnable):
    def __init__(self, signals: _Signals, number: int, work: Callable[[], object]) -> None:
        super().__init__()
        self.signals, self.number, self.work = signals, number, work

    def run(self) -> None:
        """Do the work and report its result, or its one-line error."""
        try:
            result, error = self.work(), ""
        except (ConfigError, ArithmeticError, ValueError) as exc:
            result, error = None, str(exc)
        self.signals.finished.emit(self.number, result, error)


class Background(QObject):
    """Runs submitted work off the UI thread; `done` or `failed` for the newest submission."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._number = self._reported = 0
        self._signals = _Signals()
        self._signals.finished.connect(self._on_finished)

    @property
    def busy(self) -> bool:
        """True while the newest submission has not reported."""
        return self._number != self._reported

    def submit(self, work: Callable[[], object]) -> None:
        """Start `work()` on the pool; an older submission's result will be dropped."""
        self._number += 1
        network_pool().start(_Job(self._signals, self._number, work))

    def _on_finished(self, number: int, result: object, error: str) -> None:
        if number != self._number:
            return
        self._reported = number
        if error:
            self.failed.emit(error)
        else:
            self.done.emit(result)
