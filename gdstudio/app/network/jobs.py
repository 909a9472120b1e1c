"""Background: work that takes longer than a frame, on a pool thread; the newest result wins.

The result comes back to the UI thread by the process's one report signal (job_reports), under
the owner's token: a job still running when its owner is deleted reports to no one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ...core.errors import ConfigError
from ..job_reports import Reports, Token, job_reports

_POOLS: list[QThreadPool] = []


def network_pool() -> QThreadPool:
    """The network views' one thread (made on first use): their jobs never compete."""
    if not _POOLS:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _POOLS.append(pool)
    return _POOLS[0]


class _Job(QRunnable):
    def __init__(
        self, reports: Reports, token: Token, number: int, work: Callable[[], object]
    ) -> None:
        super().__init__()
        self.reports, self.token, self.number, self.work = reports, token, number, work

    def run(self) -> None:
        """Do the work and report its result, or its one-line error."""
        try:
            result, error = self.work(), ""
        except (ConfigError, ArithmeticError, ValueError) as exc:
            result, error = None, str(exc)
        # request number, result, error message ("" if none)
        self.reports.report.emit(self.token, (self.number, result, error))


class Background(QObject):
    """Runs submitted work off the UI thread; `done` or `failed` for the newest submission."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._number = self._reported = 0
        self._token = Token()
        self._reports = job_reports()
        self._reports.report.connect(self._on_report)

    @property
    def busy(self) -> bool:
        """True while the newest submission has not reported."""
        return self._number != self._reported

    def submit(self, work: Callable[[], object]) -> None:
        """Start `work()` on the pool; an older submission's result will be dropped."""
        self._number += 1
        network_pool().start(_Job(self._reports, self._token, self._number, work))

    def _on_report(self, token: object, report: tuple[int, object, str]) -> None:
        if token is not self._token:
            return  # another owner's job
        number, result, error = report
        if number != self._number:
            return
        self._reported = number
        if error:
            self.failed.emit(error)
        else:
            self.done.emit(result)
