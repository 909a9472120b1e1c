"""RateLimit: run a redraw now, or later when a rate allows; calls in between fold into one.

A redraw that takes long runs less often: at most MAX_SHARE of the time goes to it, so a big
network's heat map cannot starve the race's ticks.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

MAX_SHARE = 0.25  # of the time, at most, spent in the action


class RateLimit(QObject):
    """Calls `action` at most `hz` times a second, and less often if it takes long (MAX_SHARE of
    the time at most): a request too soon waits for a timer."""

    def __init__(self, action: Callable[[], None], hz: float, parent: QObject | None = None):
        super().__init__(parent)
        self.action = action
        self.shortest = self.interval = 1.0 / hz
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
        cost = time.monotonic() - self._last
        self.interval = max(self.shortest, cost / MAX_SHARE)
