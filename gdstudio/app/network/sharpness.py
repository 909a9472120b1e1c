"""SharpnessReadout: the top Hessian eigenvalue at a racer's weights, computed off the UI thread.

Power iteration on exact Hessian-vector products (core/nn_hessian.py) takes tens to hundreds of
milliseconds, so it runs in the background (jobs.py); only the newest request's result is shown.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ...core.nn_hessian import top_hessian_eigenvalue
from ...core.nn_landscape import NetworkLandscape
from .jobs import Background


class SharpnessReadout(QWidget):
    """'Sharpness λmax = …' for a racer's weights, and a button that computes it."""

    computed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sharpness")
        self.value = math.nan
        self._target: tuple[NetworkLandscape, NDArray[np.float64], str] | None = None
        self._caption = ""
        self._job = Background(self)
        self._job.done.connect(self._on_done)
        self._job.failed.connect(self._on_failed)
        self.label = QLabel("Sharpness: not computed")
        self.label.setWordWrap(True)
        self.button = QPushButton("Compute &Sharpness")
        self.button.setToolTip(
            "The largest eigenvalue of the loss's Hessian at the racer's weights: how sharp "
            "the minimum is (power iteration on Hessian-vector products)"
        )
        self.button.clicked.connect(self.compute)
        self.button.setEnabled(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)

    def set_target(
        self, land: NetworkLandscape | None, weights: NDArray[np.float64] | None, caption: str = ""
    ) -> None:
        """The weights the next computation uses (None: nothing to compute)."""
        if land is None or weights is None:
            self._target = None
        else:
            self._target = (land, np.array(weights, dtype=np.float64), caption)
        self.button.setEnabled(self._target is not None)

    def compute(self) -> None:
        """Start computing at the target's weights, off the UI thread."""
        if self._target is None:
            return
        land, p, caption = self._target
        self._caption = caption
        self.label.setText(f"Sharpness{_of(caption)}: computing…")
        weights = p.copy()
        self._job.submit(lambda: top_hessian_eigenvalue(land, weights))

    def _on_done(self, value: object) -> None:
        self.value = float(value)  # type: ignore[arg-type]
        text = "could not be computed" if math.isnan(self.value) else f"λmax = {self.value:.4g}"
        self.label.setText(f"Sharpness{_of(self._caption)}: {text}")
        self.computed.emit(self.value)

    def _on_failed(self, message: str) -> None:
        self.value = math.nan
        self.label.setText(f"Sharpness{_of(self._caption)}: could not be computed ({message})")
        self.computed.emit(self.value)


def _of(caption: str) -> str:
    return f" ({caption})" if caption else ""
