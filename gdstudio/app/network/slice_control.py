"""SliceControl: ask for a racer's loss-landscape slice (random or PCA directions) on request.

The slice is computed off the UI thread (slice_job.py); `ready` hands the SliceLandscape on,
for the 3D and contour views to draw as their surface.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.nn_landscape import NetworkLandscape
from ...core.nn_view import KIND_TITLES, KINDS, SliceLandscape
from ...core.run import Run
from .slice_job import SliceJob


class SliceControl(QWidget):
    """Directions (random or PCA), a Slice Landscape button and what became of the last one."""

    ready = Signal(object)  # a SliceLandscape

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Landscape slice")
        self._target: tuple[NetworkLandscape, Run, str] | None = None
        self._caption = ""
        self.last: SliceLandscape | None = None
        self.job = SliceJob(self)
        self.job.ready.connect(self._on_ready)
        self.job.failed.connect(self._on_failed)
        self.kind = QComboBox()
        self.kind.addItems([_sentence(KIND_TITLES[k]) for k in KINDS])
        self.kind.setAccessibleName("Slice directions")
        self.kind.setToolTip(
            "The plane of the slice: two filter-normalized random directions through the "
            "weights (Li et al. 2018), or the top two principal directions of the trajectory"
        )
        self.button = QPushButton("Slice &Landscape")
        self.button.setToolTip("The loss on a 64×64 grid of the plane, drawn as the surface")
        self.button.clicked.connect(self.compute)
        self.button.setEnabled(False)
        self.label = QLabel("Slice: not computed")
        self.label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.kind, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)  # the label on a line of its own: it wraps on one line less
        layout.setContentsMargins(4, 0, 4, 4)
        layout.addWidget(self.label)
        layout.addLayout(row)

    @property
    def directions(self) -> str:
        """The chosen kind of directions: 'random' or 'pca'."""
        return KINDS[max(self.kind.currentIndex(), 0)]

    def set_target(self, land: NetworkLandscape | None, run: Run | None, caption: str = "") -> None:
        """The racer whose weights and trajectory the next slice uses (None: none)."""
        self._target = None if land is None or run is None else (land, run, caption)
        self.button.setEnabled(self._target is not None)

    def compute(self) -> None:
        """Start the slice through the target's current weights, off the UI thread."""
        if self._target is None:
            return
        land, run, caption = self._target
        self._caption = caption
        self.label.setText(f"Slice ({caption}): computing…")
        self.job.request(land, run.history.columns()["params"], self.directions)

    def _on_ready(self, result: object) -> None:
        assert isinstance(result, SliceLandscape)
        self.last = result
        plane = result.plane
        share = (
            f" ({100 * (plane.explained[0] + plane.explained[1]):.0f}% of its variance)"
            if plane.kind == "pca"
            else ""
        )
        self.label.setText(f"Slice ({self._caption}): {KIND_TITLES[plane.kind]}{share}")
        self.ready.emit(result)

    def _on_failed(self, message: str) -> None:
        self.label.setText(f"Slice ({self._caption}): {message}")


def _sentence(title: str) -> str:
    """The title with a capital first letter, the rest as written (PCA stays PCA)."""
    return title[:1].upper() + title[1:]
