"""One piece of deferred drawing per turn of the event loop, so no turn is long.

An edit's click returns once the model has the new point; the Data dock's plot and table then
catch up in turns of their own, one after the other (a 1 ms timer each, so input, frames and
other timers get their turn between them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer

from ...render.busy_turn import busy_turn


class Turns:
    """Queued jobs, run one per turn of the event loop in the order first asked for."""

    def __init__(self) -> None:
        self._jobs: dict[tuple[int, str], tuple[QObject, Callable[[], None]]] = {}
        self._timer: QTimer | None = None

    def soon(self, owner: QObject, name: str, job: Callable[[], None]) -> None:
        """Run `job` in a turn of its own soon (once, however often asked before it runs);
        dropped if `owner` is deleted first."""
        key = (id(owner), name)
        queued = self._jobs.get(key)
        if queued is None or not shiboken6.isValid(queued[0]):  # (an id of a deleted one)
            self._jobs[key] = (owner, job)
        timer = self._timer
        if timer is None or not shiboken6.isValid(timer):
            timer = self._timer = QTimer()
            timer.setSingleShot(True)
            timer.setTimerType(Qt.TimerType.PreciseTimer)
            timer.setInterval(1)
            timer.timeout.connect(self._run_one)
        if not timer.isActive():
            timer.start()

    def due(self, owner: QObject) -> bool:
        """Whether a job of `owner` waits for its turn."""
        return any(key[0] == id(owner) for key in self._jobs)

    def _run_one(self) -> None:
        if not self._jobs:
            return
        with busy_turn().piece() as mine:
            while mine and self._jobs:  # (not mine: a frame in this turn already, a later one)
                key = next(iter(self._jobs))
                owner, job = self._jobs.pop(key)
                if shiboken6.isValid(owner):
                    job()
                    break
        if self._jobs and self._timer is not None:
            self._timer.start()


TURNS = Turns()
"""The Data dock's queue (one for every panel: their jobs take turns too)."""


class Redraws:
    """The parts of a drawing out of date, drawn together soon in a turn of their own; asked
    inside batch(), at its end; never while `can_draw()` is False (hidden: when shown)."""

    def __init__(
        self,
        owner: QObject,
        can_draw: Callable[[], bool],
        draw: Callable[[set[str]], None],
        parts: set[str],
    ) -> None:
        self.owner, self.can_draw, self.draw = owner, can_draw, draw
        self.parts = set(parts)
        self._hold = 0  # > 0 inside batch()
        self._due = False

    @property
    def settled(self) -> bool:
        """Whether nothing waits to be drawn (that could be drawn now)."""
        return not self._due and not (self.parts and self._ready())

    def _ready(self) -> bool:
        return not self._hold and self.can_draw()

    def ask(self, *parts: str) -> None:
        """Mark `parts` out of date and draw what is, soon."""
        self.parts.update(parts)
        if self._ready() and not self._due:
            self._due = True
            TURNS.soon(self.owner, "redraw", self._run)

    def _run(self) -> None:
        self._due = False
        if not self._ready():
            return
        self._hold += 1
        try:
            while self.parts:  # drawing may report more changes (a clipped selection)
                parts, self.parts = self.parts, set()
                self.draw(parts)
        finally:
            self._hold -= 1

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Collect the changes of one user action, drawn once after it."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1
            self.ask()
