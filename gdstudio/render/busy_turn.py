"""One costly piece of UI work in each turn of the event loop.

A turn of Qt's event loop fires every timer that is due, then delivers the events those
timers posted (a window's repaint among them), and only then fires the timers due by then.
A 3D frame, a surface drawn ahead and a redraw of the Data dock that fall due together
therefore block the UI thread as one: ~8 ms each on software GL, over 16 ms together. Each
of them takes the turn first (`take`), and says when it is done (`done`); one that finds it
taken puts itself off to a later turn. The turn is free again once the loop has delivered
what the work posted (its repaint) and fired the timers due before the work was done: work
put off meanwhile then comes after the input and the other timers of that turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Qt, QTimer


class BusyTurn(QObject):
    """Whether a costly piece of work ran in this turn of the event loop."""

    def __init__(self) -> None:
        super().__init__()
        self._taken = False
        self._free = QTimer(self)  # a timer, not a posted event: due after the work's repaint
        self._free.setSingleShot(True)
        self._free.setTimerType(Qt.TimerType.PreciseTimer)
        self._free.setInterval(0)
        self._free.timeout.connect(self._on_free)

    @property
    def taken(self) -> bool:
        """True from a `take` until the loop has turned once since the `done`."""
        return self._taken

    def take(self) -> bool:
        """True, and the turn is taken, if no costly piece ran in it yet; else False (put
        the work off: ask again in a later turn). Call `done` once the work is done."""
        if self._taken:
            return False
        self._taken = True
        self._free.start()  # (freed even if `done` never comes)
        return True

    def done(self) -> None:
        """The work that took the turn is done: the turn is free after the loop's next one."""
        if self._taken:
            self._free.start()  # due from now: after the timers due while the work ran

    @contextmanager
    def piece(self) -> Iterator[bool]:
        """Around a costly piece of work: True, with the turn taken until the work is done,
        if no other piece ran in this turn; else False (put the work off to a later one)."""
        if not self.take():
            yield False
            return
        try:
            yield True
        finally:
            self.done()

    def _on_free(self) -> None:
        self._taken = False


_TURN: list[BusyTurn] = []


def busy_turn() -> BusyTurn:
    """The UI thread's BusyTurn (made on first use, once a QCoreApplication exists)."""
    if not _TURN:
        _TURN.append(BusyTurn())
    return _TURN[0]
