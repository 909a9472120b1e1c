"""GenerateDialog: n points on a noisy line (or two noisy classes), seeded."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from ...core.data import Dataset

MAX_GENERATED = 2_000_000


@dataclass(frozen=True)
class GenerateSpec:
    """What to generate: n points on y = slope·x + intercept + noise, x uniform in [0, 10]."""

    n: int = 100
    slope: float = 2.0
    intercept: float = 1.0
    noise: float = 1.5
    seed: int = 0

    def dataset(self, classes: bool = False) -> Dataset:
        """The points; with `classes`, class 1 wherever the noisy line is above zero."""
        ds = Dataset.generate(
            self.n, self.slope, self.intercept, self.noise, self.seed, labels=False
        )
        if not classes:
            return ds
        label = (ds.y > 0).astype(np.float64)
        return Dataset(ds.x, label, label)


REGRESSION_DEFAULTS = GenerateSpec()
CLASS_DEFAULTS = GenerateSpec(slope=1.0, intercept=-5.0, noise=1.5)


class GenerateDialog(QDialog):
    """Asks for n, slope, intercept, noise and seed; remembers them per kind of data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Generate data")
        self._classes = False
        self._last = {False: REGRESSION_DEFAULTS, True: CLASS_DEFAULTS}
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, MAX_GENERATED)
        self.n_spin.setGroupSeparatorShown(True)
        self.n_spin.setToolTip(f"How many points (1 to {MAX_GENERATED:,})")
        self.slope_spin = self._number(-1000.0, 1000.0, "Slope of the line the points follow")
        self.intercept_spin = self._number(-1000.0, 1000.0, "Intercept: the line's y at x = 0")
        self.noise_spin = self._number(0.0, 1000.0, "Standard deviation of the Gaussian noise")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Random seed: the same seed gives the same points")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Generate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.intro)
        form.addRow("Points:", self.n_spin)
        form.addRow("Slope:", self.slope_spin)
        form.addRow("Intercept:", self.intercept_spin)
        form.addRow("Noise (σ):", self.noise_spin)
        form.addRow("Seed:", self.seed_spin)
        form.addRow(buttons)
        self._show()

    @staticmethod
    def _number(lo: float, hi: float, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(lo, hi)
        spin.setDecimals(3)
        spin.setSingleStep(0.1)
        spin.setToolTip(tip)
        return spin

    def set_classes(self, classes: bool) -> None:
        """Generate two classes (logistic regression) or points on a line."""
        if classes != self._classes:
            self._last[self._classes] = self.spec()
            self._classes = classes
            self._show()

    def _show(self) -> None:
        classes = self._classes
        self.intro.setText(
            "x uniform in [0, 10]; class 1 where slope·x + intercept + noise > 0, else class 0."
            if classes
            else "x uniform in [0, 10]; y = slope·x + intercept + Gaussian noise."
        )
        spec = self._last[classes]
        self.n_spin.setValue(spec.n)
        self.slope_spin.setValue(spec.slope)
        self.intercept_spin.setValue(spec.intercept)
        self.noise_spin.setValue(spec.noise)
        self.seed_spin.setValue(spec.seed)

    def spec(self) -> GenerateSpec:
        """The values entered."""
        return GenerateSpec(
            self.n_spin.value(),
            self.slope_spin.value(),
            self.intercept_spin.value(),
            self.noise_spin.value(),
            self.seed_spin.value(),
        )
