"""Stepper: the one QTimer that advances the race while playing."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from .model import StudioModel

TICK_MS = 16  # ≈ 60 Hz


class Stepper(QObject):
    """Plays the model: each tick takes speed/60 steps (fractions carry over)."""

    playingChanged = Signal(bool)

    def __init__(self, model: StudioModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._carry = 0.0
        model.landscapeChanged.connect(self._on_model_restarted)
        model.sceneChanged.connect(self._on_model_restarted)

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
        self._carry = 0.0
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

    def steps_for_tick(self) -> int:
        """How many steps the next tick takes at the current speed."""
        self._carry += self.model.speed * TICK_MS / 1000.0
        k = int(self._carry)
        self._carry -= k
        return k

    def _on_tick(self) -> None:
        k = self.steps_for_tick()
        if k:
            self.model.step(k)
        if not self.model.can_step:
            self.pause()

    def _on_model_restarted(self, *_: object) -> None:
        self.pause()
