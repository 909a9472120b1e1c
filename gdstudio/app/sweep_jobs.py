"""The Sweep view's work: what each racer's sweep needs (copied on the UI thread) and its rows.

Qt-free, so a worker thread runs it without touching the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..core.sweep import SweepRow
    from .model import StudioModel


@dataclass(frozen=True)
class RacerSweep:
    """One racer's sweep: its index in the model, title, colour and rows (rate by rate)."""

    index: int
    title: str
    color: str
    rows: tuple[SweepRow, ...]

    def best(self) -> SweepRow:
        """Its best rate by `best_rows`' criterion (lowest loss after the steps, the tolerance
        reached in fewer steps first, hopping judged by its highest loss late on)."""
        from ..core.sweep import best_rows

        return best_rows(self.rows)[0]

    def divergence_edge(self) -> float | None:
        """The lowest rate that diverged (None if none did)."""
        diverged = [r.lr for r in self.rows if r.status == "diverged"]
        return min(diverged) if diverged else None


@dataclass(frozen=True)
class SweepJob:
    """What one racer's sweep needs, copied on the UI thread (a worker never reads the model)."""

    index: int
    title: str
    color: str
    settings: dict[str, Any]


def sweep_jobs(model: StudioModel) -> list[SweepJob]:
    """A job for each enabled racer of `model`: its optimizer and the window's settings."""
    jobs = []
    for index, cfg in model.active_runs():
        run = cfg.live_run
        hyper = {k: v for k, v in run.optimizer.hyper.items() if k != "lr"}
        settings = {
            "landscape": run.landscape,
            "racers": [(run.optimizer.name, hyper)],
            "start": tuple(float(v) for v in run.start),
            "tol": run.tol,
            "clip_norm": run.clip_norm,
            "schedule": run.schedule,
            "batch_size": run.batch_size,
            "seed": run.seed,
        }
        jobs.append(SweepJob(index, cfg.title, cfg.color, settings))
    return jobs


def run_jobs(jobs: list[SweepJob], rates: np.ndarray, steps: int) -> list[RacerSweep]:
    """Every job's sweep (in any thread)."""
    from ..core.sweep import sweep

    out = []
    for job in jobs:
        s = dict(job.settings)
        rows = sweep(s.pop("landscape"), s.pop("racers"), rates, steps, **s)
        out.append(RacerSweep(job.index, job.title, job.color, tuple(rows)))
    return out
