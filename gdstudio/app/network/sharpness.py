"""SharpnessReadout: the top Hessian eigenvalue at a racer's weights, computed off the UI thread.

Power iteration on exact Hessian-vector products (core/nn_hessian.py) takes tens to hundreds of
milliseconds, so it runs in the background (jobs.py); only the newest request's result is shown.
Each racer's sharpness where its run ended is listed below, so racers compare at a glance.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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
        self.finals: dict[str, float] = {}  # racer title → sharpness where its run ended
        self._final_jobs: dict[str, Background] = {}
        self.finals_label = QLabel()
        self.finals_label.setObjectName("sharpnessFinals")
        self.finals_label.setWordWrap(True)
        self.finals_label.hide()
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.finals_label)

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

    def record_final(
        self, title: str, land: NetworkLandscape, weights: NDArray[np.float64]
    ) -> None:
        """Compute, off the UI thread, the sharpness where racer `title`'s run ended (the list)."""
        job = self._final_jobs.get(title)
        if job is None:
            job = self._final_jobs[title] = Background(self)
            job.done.connect(lambda value, t=title: self._on_final(t, float(value)))
            job.failed.connect(lambda _message, t=title: self._on_final(t, math.nan))
        self.finals.pop(title, None)
        p = np.array(weights, dtype=np.float64)
        job.submit(lambda: top_hessian_eigenvalue(land, p))

    def clear_finals(self) -> None:
        """Forget every racer's final sharpness (the racers restart or change)."""
        for job in self._final_jobs.values():
            job.deleteLater()  # a late result reports to a deleted job: dropped
        self._final_jobs.clear()
        self.finals.clear()
        self._show_finals()

    def _on_final(self, title: str, value: float) -> None:
        self.finals[title] = value
        self._show_finals()

    def _show_finals(self) -> None:
        parts = [  # in the order the runs ended
            f"{title} λmax = {_shown(self.finals[title])}"
            for title in self._final_jobs
            if title in self.finals
        ]
        self.finals_label.setText("Where each run ended: " + " · ".join(parts) if parts else "")
        self.finals_label.setVisible(bool(parts))

    def _on_done(self, value: object) -> None:
        self.value = float(value)  # type: ignore[arg-type]
        if math.isnan(self.value):
            self.label.setText(f"Sharpness{_of(self._caption)}: could not be computed")
        else:  # one line beside the button
            self.label.setText(f"λmax = {self.value:.4g}{_of(self._caption)}")
        self.computed.emit(self.value)

    def _on_failed(self, message: str) -> None:
        self.value = math.nan
        self.label.setText(f"Sharpness{_of(self._caption)}: could not be computed ({message})")
        self.computed.emit(self.value)


def _shown(value: float) -> str:
    return "not computed" if math.isnan(value) else f"{value:.3g}"


def _of(caption: str) -> str:
    return f" ({caption})" if caption else ""
