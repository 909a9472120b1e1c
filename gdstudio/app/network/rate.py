"""RateLimit: run a redraw now, or later when a rate allows; calls in between fold into one."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class RateLimit(QObject):
    """Calls `action` at most `hz` times a second: a request too soon waits for a timer."""

    def __init__(self, action: Callable[[], None], hz: float, parent: QObject | None = None):
        super().__init__(parent)
        self.action = action
        self.interval = 1.0 / hz
        self._last = -float("inf")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run)

    def request(self) -> None:
        """Run the action now if the last run was long enough ago, else once the timer fires."""
        wait = self._last + self.interval - time.monotonic()
        if wait <= 0:
            self._timer.stop()
            self._run()
        elif not self._timer.isActive():
            self._timer.start(max(1, round(wait * 1000)))

    def cancel(self) -> None:
        """Drop a waiting request."""
        self._timer.stop()

    def _run(self) -> None:
        self._last = time.monotonic()
        self.action()
