"""SharpnessReadout: the top Hessian eigenvalue at a racer's weights, computed off the UI thread.

Power iteration on exact Hessian-vector products (core/nn_hessian.py) takes tens to hundreds of
milliseconds, so it runs on a QThreadPool thread; the result comes back to the UI thread by a
queued signal, and only the newest request's result is shown.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ...core.nn_hessian import top_hessian_eigenvalue
from ...core.nn_landscape import NetworkLandscape

_POOLS: list[QThreadPool] = []


def _pool() -> QThreadPool:
    """One thread for every readout (made on first use): jobs never compete with each other."""
    if not _POOLS:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _POOLS.append(pool)
    return _POOLS[0]


class _Signals(QObject):
    done = Signal(int, float)


class _Job(QRunnable):
    """One eigenvalue, reported with its request number."""

    def __init__(
        self, signals: _Signals, number: int, land: NetworkLandscape, p: NDArray[np.float64]
    ) -> None:
        super().__init__()
        self.signals, self.number, self.land, self.p = signals, number, land, p

    def run(self) -> None:
        """Compute and report (nan if the iteration fails)."""
        try:
            value = top_hessian_eigenvalue(self.land, self.p)
        except (ArithmeticError, ValueError):
            value = math.nan
        self.signals.done.emit(self.number, value)


class SharpnessReadout(QWidget):
    """'Sharpness λmax = …' for a racer's weights, and a button that computes it."""

    computed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sharpness")
        self.value = math.nan
        self._target: tuple[NetworkLandscape, NDArray[np.float64], str] | None = None
        self._number = 0
        self._caption = ""
        # No parent: a job still running when the readout goes keeps its own reference to it.
        self._signals = _Signals()
        self._signals.done.connect(self._on_done)
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
        self._number += 1
        self._caption = caption
        self.label.setText(f"Sharpness{_of(caption)}: computing…")
        _pool().start(_Job(self._signals, self._number, land, p.copy()))

    def _on_done(self, number: int, value: float) -> None:
        if number != self._number:
            return  # a newer request is on its way
        self.value = value
        text = "could not be computed" if math.isnan(value) else f"λmax = {value:.4g}"
        self.label.setText(f"Sharpness{_of(self._caption)}: {text}")
        self.computed.emit(value)


def _of(caption: str) -> str:
    return f" ({caption})" if caption else ""
