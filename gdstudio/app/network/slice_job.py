"""SliceJob: a racer's loss-landscape slice (core/nn_view.py) computed off the UI thread.

A 64×64 slice of a 2-8-8-1 network on 1,000 points takes about half a second: it is asked for
on request or when a run ends, and the newest request's SliceLandscape comes back by `ready`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Signal

from ...core.nn_landscape import NetworkLandscape
from ...core.nn_view import make_slice
from .jobs import Background


class SliceJob(QObject):
    """Computes SliceLandscapes in the background; `ready` (or `failed`) for the newest."""

    ready = Signal(object)  # a SliceLandscape
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = Background(self)
        self._job.done.connect(self.ready)
        self._job.failed.connect(self.failed)

    @property
    def busy(self) -> bool:
        """True while the newest request is being computed."""
        return self._job.busy

    def request(
        self,
        land: NetworkLandscape,
        trajectory: NDArray[np.float64],
        kind: str = "random",
        *,
        seed: int = 0,
        n: int = 64,
    ) -> None:
        """Slice through the trajectory's last weights along `kind` directions (random, pca)."""
        path = np.array(trajectory, dtype=np.float64)  # a copy: the run steps on meanwhile
        self._job.submit(lambda: make_slice(land, path, kind, seed=seed, n=n))
