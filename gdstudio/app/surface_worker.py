"""SurfaceWorker: computes costly data surfaces off the UI thread, coarse first, newest wins."""

from __future__ import annotations

import os
import threading
import time
from typing import TypeGuard

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from ..core.fitting import DataLandscape
from ..core.surface_grid import Grid, GridSurface
from ..render.heightmap import HeightMap, prepared_range
from ..render.loss_range import LossRange
from .job_reports import Reports, job_reports
from .surface_plan import (
    DISPLAY_GRID,
    RANGE_GRID,
    VIEW_GRIDS,
    CostModel,
    inline_ok,
    plan,
)

# One model of what grids cost, shared by every worker: each pass computed teaches it.
COSTS = CostModel()
# Columns of w per call to the kernel: a newer edit stops an older pass within one block.
_BLOCKS = 8
# The worker thread's niceness (Linux: per thread): when it and the UI thread want the same
# core, the UI thread's turn comes first and the window keeps painting.
WORKER_NICENESS = 5
# A job waits for the UI thread to finish the turn that asked for it (the rest of an edit's
# click: the model, the plot, the table) before it competes for the CPU; at most this long.
_HOLD_S = 0.05


def needs_worker(landscape: object, grid: int = DISPLAY_GRID) -> TypeGuard[DataLandscape]:
    """True for data fits whose surface at `grid` would cost the UI thread too long."""
    if not isinstance(landscape, DataLandscape):
        return False
    return not inline_ok(COSTS, landscape.loss, landscape.n_samples, grid)


class _Latest:
    """The newest request's number, shared with the jobs (plain Python: outlives Qt objects);
    also the token a worker's jobs report under (job_reports)."""

    generation = 0


class _Job(QRunnable):
    def __init__(
        self,
        latest: _Latest,
        reports: Reports,
        landscape: DataLandscape,
        grid: int,
        keep: LossRange | None = None,
    ) -> None:
        super().__init__()
        self.latest, self.reports, self.landscape = latest, reports, landscape
        self.keep = keep  # the loss range drawn now: kept while the new one fits in it
        self.passes = plan(COSTS, landscape.loss, landscape.n_samples, grid)
        self.grid = grid
        self.generation = latest.generation
        self.go = threading.Event()

    def _stale(self) -> bool:
        # A newer edit superseded this one (or the worker was shut down).
        return self.latest.generation != self.generation

    def run(self) -> None:  # noqa: D102 - QRunnable override
        lower_thread_priority()
        self.go.wait(_HOLD_S)  # the edit's own turn on the UI thread first
        if self._stale():
            return
        land = self.landscape
        _ = land.minima  # computed here, off the UI thread
        exact_range: Grid | None = None
        keep = self.keep
        for step in self.passes:
            sub = land.subsampled(step.points)
            grid = self._compute(sub, step.n)
            if grid is None:
                return
            grids = {step.n: grid}
            if step.points >= land.n_samples and step.n == RANGE_GRID:
                exact_range = grid
            elif step.points >= land.n_samples and step.n == self.grid:
                # The height map's range from every point too: the surface is the exact one.
                if exact_range is None:
                    exact_range = self._compute(land, RANGE_GRID)
                    if exact_range is None:
                        return
                grids[RANGE_GRID] = exact_range
            table = GridSurface(land, grids, sub.n_samples)
            # the UI thread only copies the 3D mesh, and the axes stay while the range does
            heightmap = HeightMap(table, keep=keep)
            keep = heightmap.loss_range
            # ...at the grid the view samples, whichever a slow view has lowered itself to: a
            # grid prepared after the surface was handed over came too late for the view
            for n in (self.grid, *sorted(set(VIEW_GRIDS) - {self.grid}, reverse=True)):
                if self._stale():
                    return
                heightmap.prepare(n)
            self.reports.report.emit(self.latest, (self.generation, table))

    def _compute(self, land: DataLandscape, n: int) -> Grid | None:
        """Loss and gradient on the n×n grid over the bounds, in blocks of columns (None if
        superseded meanwhile); the CPU time it took teaches the cost model (the thread's own:
        time waiting for a busy machine, or yielding to the UI thread, is not the grid's cost)."""
        (w0, w1), (b0, b1) = land.bounds
        ws, bs = np.linspace(w0, w1, n), np.linspace(b0, b1, n)
        values, grads = np.empty((n, n)), np.empty((n, n, 2))
        block = max(1, -(-n // _BLOCKS))
        t0 = time.thread_time()
        for lo in range(0, n, block):
            if self._stale():
                return None
            v, g = land.grid_value_and_grad(ws[lo : lo + block], bs)
            values[:, lo : lo + block], grads[:, lo : lo + block] = v, g
        ms = (time.thread_time() - t0) * 1000.0
        COSTS.record(land.loss, land.n_samples, n * n, n, ms)
        return values, grads


def lower_thread_priority() -> None:
    """Make the calling thread nicer than the UI thread, where the system allows it."""
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < WORKER_NICENESS:
            os.setpriority(os.PRIO_PROCESS, tid, WORKER_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not permitted: the default priority
        pass


_POOL: list[QThreadPool] = []


def shared_pool() -> QThreadPool:
    """The one worker thread of every SurfaceWorker, never destroyed with a worker.

    A pool owned by a worker died with it: a model collected by Python's garbage collector
    while a job ran took the pool down under the running job (a segfault in CI). Jobs keep
    what they use alive, and a stale one stops at its next check.
    """
    if not _POOL:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _POOL.append(pool)
    return _POOL[0]


class SurfaceWorker(QObject):
    """Computes display surfaces for a landscape; emits `ready(table)` for the newest only."""

    ready = Signal(object)

    def __init__(self, parent: QObject | None = None, grid: int = DISPLAY_GRID) -> None:
        super().__init__(parent)
        self.grid = grid
        self._pending: GridSurface | None = None
        self._held: threading.Event | None = None  # the newest job's go, until released
        self._source: DataLandscape | None = None
        # What the last surface delivered was drawn with: (name, bounds, log scale, range).
        self._drawn: tuple[str, object, bool, LossRange] | None = None
        self._latest = _Latest()
        self._reports = job_reports()
        self._reports.report.connect(self._on_report)
        self.pool = shared_pool()
        latest = self._latest
        # Jobs still running when the owner goes away stop at their next check.
        self.destroyed.connect(lambda *_: setattr(latest, "generation", -1))

    @property
    def generation(self) -> int:
        """Number of the newest request."""
        return self._latest.generation

    def submit(self, landscape: DataLandscape) -> None:
        """Compute `landscape`'s surface (coarse, then full); older requests are dropped."""
        self._latest.generation += 1
        self._source = landscape
        job = _Job(self._latest, self._reports, landscape, self.grid, self._kept_for(landscape))
        self._release()  # an older job waiting: it is stale now, and stops at once
        self.pool.start(job)
        self._held = job.go
        QTimer.singleShot(0, self, self._release)

    def _kept_for(self, landscape: DataLandscape) -> LossRange | None:
        """The range last drawn, for an edit of the same fit over the same bounds."""
        drawn = self._drawn
        same = (landscape.name, landscape.bounds, bool(landscape.log_height))
        return drawn[3] if drawn is not None and drawn[:3] == same else None

    def _release(self) -> None:
        """The turn that submitted the newest job is over: let it run."""
        if self._held is not None:
            self._held.set()
            self._held = None

    def cancel(self) -> None:
        """Forget every pending request."""
        self._latest.generation += 1
        self._source = None
        self._drawn = None  # the surface is drawn elsewhere now (in place): start afresh

    def wait(self, msecs: int = -1) -> bool:
        """Block until queued jobs are done (tests and shutdown)."""
        self._release()
        return self.pool.waitForDone(msecs)

    def _on_report(self, token: object, report: tuple[int, GridSurface]) -> None:
        if token is not self._latest:
            return  # another worker's job
        generation, table = report
        if generation != self._latest.generation:
            return  # computed for data that has changed since
        # Passes that arrive together (a slow UI turn) are drawn once, the finest only.
        if self._pending is None:
            QTimer.singleShot(0, self, self._flush)
        self._pending = table

    def _flush(self) -> None:
        table, self._pending = self._pending, None
        source = self._source
        if table is not None and source is not None and table.source is source:
            log = bool(table.log_height)
            drawn = prepared_range(table, log)
            self._drawn = None if drawn is None else (source.name, source.bounds, log, drawn)
            self.ready.emit(table)
