"""RateLabel: the status bar's live rate ('1,000 steps/s', or how far short the machine falls)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from .stepper import Stepper


class RateLabel(QLabel):
    """The stepper's real steps per second while playing; empty while paused."""

    def __init__(self, stepper: Stepper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rateLabel")
        self.setToolTip("Steps per second really made over the last second while running")
        self._stepper = stepper
        stepper.rateChanged.connect(self._on_rate_changed)
        stepper.playingChanged.connect(self._on_rate_changed)

    def _on_rate_changed(self, *_: object) -> None:
        self.setText(self._stepper.status_text())
