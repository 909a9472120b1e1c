"""Stepper: the one QTimer that advances the race while playing, at the speed asked.

Each tick takes speed × the real time since the last tick (app/pacing.py), within a
stepping budget, and announces the tick's steps once, so the views repaint at most once
per tick whatever the speed. The real rate over the last second is reported
(`rateChanged`) so the window can say when the machine cannot keep up.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from .model import StudioModel
from .pacing import BUDGET_S, Clock, Pacer, RateMeter, rate_text

TICK_MS = 16  # ≈ 60 Hz
RATE_EVERY_S = 0.25  # rateChanged at most this often while playing


class Stepper(QObject):
    """Plays the model: speed × elapsed wall time per tick, at most BUDGET_S of stepping."""

    playingChanged = Signal(bool)
    rateChanged = Signal(float, float)  # steps/s really made over the last second, and asked

    def __init__(
        self,
        model: StudioModel,
        parent: QObject | None = None,
        clock: Clock = time.perf_counter,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.pacer = Pacer(clock, BUDGET_S)
        self.meter = RateMeter()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._reported = 0.0
        model.landscapeChanged.connect(self._on_model_restarted)
        model.sceneChanged.connect(self._on_model_restarted)

    @property
    def clock(self) -> Clock:
        """The monotonic clock playback reads (seconds); tests and benchmarks may set it."""
        return self.pacer.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.pacer.clock = clock

    @property
    def playing(self) -> bool:
        """True while the timer runs."""
        return self._timer.isActive()

    def play(self) -> None:
        """Start stepping (restarts finished runs first)."""
        if self.playing:
            return
        if not self.model.can_step:
            self.model.reset()
        if not self.model.can_step:
            return
        now = self.pacer.start()
        self.meter.start(now)
        self._reported = now
        self._timer.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        """Stop stepping."""
        if self.playing:
            self._timer.stop()
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        """Play if paused, pause if playing."""
        self.pause() if self.playing else self.play()

    def step_once(self) -> None:
        """One step of every running run (pauses first)."""
        self.pause()
        self.model.step(1)

    def rate(self) -> tuple[float, float]:
        """Steps per second really made over the last second, and the speed asked."""
        return self.meter.actual, self.model.speed

    def status_text(self) -> str:
        """'1,000 steps/s' or '412 of 1,000 steps/s — the machine cannot keep up' ('' paused)."""
        if not self.playing or self.meter.span <= 0:
            return ""
        actual, asked = self.rate()
        return rate_text(actual, asked, self.meter.keeping_up)

    def _on_tick(self) -> None:
        owed, asked, now = self.pacer.owed(self.model.speed)
        with self.model.stepping() as step:
            taken = self.pacer.take(owed, step)
        if not self.model.can_step:
            self.pause()
            return
        self.meter.add(now, taken, asked)
        if now - self._reported >= RATE_EVERY_S:
            self._reported = now
            self.rateChanged.emit(*self.rate())

    def _on_model_restarted(self, *_: object) -> None:
        self.pause()
