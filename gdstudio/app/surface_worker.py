"""SurfaceWorker: tabulates costly landscapes off the UI thread, coarse first, newest wins."""

from __future__ import annotations

from typing import TypeGuard

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..core.fitting import DataLandscape
from ..core.tabulated import TabulatedLandscape

# (grid size, at most this many points): the coarse pass estimates the mean loss from a
# sample of the points, the full pass from more (the surface of a mean converges fast).
PASSES = ((48, 5_000), (128, 20_000))
FULL = PASSES[-1][0]
# Data losses cheaper than this many (points × grid samples) are computed in place.
INLINE_BUDGET = 2_000_000


def needs_worker(landscape: object) -> TypeGuard[DataLandscape]:
    """True for landscapes whose surface costs O(points × grid) (MAE, Huber, BCE)."""
    if not isinstance(landscape, DataLandscape) or landscape.loss == "mse":
        return False
    return landscape.n_samples * FULL * FULL > INLINE_BUDGET


class _Signals(QObject):
    ready = Signal(int, object)


class _Latest:
    """The newest request's number, shared with the jobs (plain Python: outlives Qt objects)."""

    generation = 0


class _Job(QRunnable):
    def __init__(self, latest: _Latest, signals: _Signals, landscape: DataLandscape) -> None:
        super().__init__()
        self.latest, self.signals, self.landscape = latest, signals, landscape
        self.generation = latest.generation

    def run(self) -> None:  # noqa: D102 - QRunnable override
        land = self.landscape
        _ = land.minima  # computed here, off the UI thread
        for n, points in PASSES:
            if self.latest.generation != self.generation:
                return  # a newer edit superseded this one (or the worker was shut down)
            table = TabulatedLandscape(land.subsampled(points), n)
            table.source = land
            self.signals.ready.emit(self.generation, table)


class SurfaceWorker(QObject):
    """Computes display surfaces for a landscape; emits `ready(table)` for the newest only."""

    ready = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._latest = _Latest()
        self.signals = _Signals()
        self.signals.ready.connect(self._on_ready)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        latest = self._latest
        # Jobs still running when the owner goes away stop at their next check.
        self.destroyed.connect(lambda *_: setattr(latest, "generation", -1))

    @property
    def generation(self) -> int:
        """Number of the newest request."""
        return self._latest.generation

    def submit(self, landscape: DataLandscape) -> None:
        """Tabulate `landscape` (coarse, then full); older requests are dropped."""
        self._latest.generation += 1
        self.pool.start(_Job(self._latest, self.signals, landscape))

    def cancel(self) -> None:
        """Forget every pending request."""
        self._latest.generation += 1

    def wait(self, msecs: int = -1) -> bool:
        """Block until queued jobs are done (tests and shutdown)."""
        return self.pool.waitForDone(msecs)

    def _on_ready(self, generation: int, table: TabulatedLandscape) -> None:
        if generation == self._latest.generation:
            self.ready.emit(table)
