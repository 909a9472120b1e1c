"""Small reusable widgets: a log-scale slider with an exact spin box, signal blocking."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QSlider, QWidget

_SLIDER_STEPS = 1000


@contextmanager
def blocked(*objects: QObject) -> Iterator[None]:
    """Block the signals of `objects` while the model updates them (no echo back)."""
    old = [o.blockSignals(True) for o in objects]
    try:
        yield
    finally:
        for o, was in zip(objects, old, strict=True):
            o.blockSignals(was)


class LogSlider(QWidget):
    """A slider on a log10 scale beside a spin box holding the exact value."""

    valueChanged = Signal(float)

    def __init__(
        self,
        lo: float,
        hi: float,
        value: float,
        decimals: int = 6,
        suffix: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._lo, self._hi = math.log10(lo), math.log10(hi)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, _SLIDER_STEPS)
        self.spin = QDoubleSpinBox()
        self.spin.setDecimals(decimals)
        self.spin.setRange(0.0, hi * 1000)
        self.spin.setSuffix(suffix)
        self.spin.setKeyboardTracking(False)
        self.spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.spin.setMinimumWidth(96)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.spin)
        self.slider.valueChanged.connect(self._on_slider_changed)
        self.spin.valueChanged.connect(self._on_spin_changed)
        self.set_value(value)

    def value(self) -> float:
        """The exact value (the spin box's)."""
        return self.spin.value()

    def set_value(self, value: float) -> None:
        """Show `value` without emitting valueChanged."""
        with blocked(self.slider, self.spin):
            self.spin.setValue(value)
            self.slider.setValue(self._to_slider(value))

    def _to_slider(self, value: float) -> int:
        if value <= 0:
            return 0
        t = (math.log10(value) - self._lo) / (self._hi - self._lo)
        return round(min(1.0, max(0.0, t)) * _SLIDER_STEPS)

    def _on_slider_changed(self, pos: int) -> None:
        value = 10 ** (self._lo + (self._hi - self._lo) * pos / _SLIDER_STEPS)
        digits = max(0, 2 - math.floor(math.log10(value)))  # three significant digits
        value = round(value, min(digits, self.spin.decimals()))
        with blocked(self.spin):
            self.spin.setValue(value)
        self.valueChanged.emit(self.spin.value())

    def _on_spin_changed(self, value: float) -> None:
        with blocked(self.slider):
            self.slider.setValue(self._to_slider(value))
        self.valueChanged.emit(value)
