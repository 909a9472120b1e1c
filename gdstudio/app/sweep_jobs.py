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
    """Every job's sweep (in any thread), racers sharing the window's settings in one sweep.

    One sweep of several racers steps them all together (one landscape call a step for all),
    which costs little more than one racer's; its rows come racer by racer, as alone.
    """
    from ..core.sweep import sweep

    groups: dict[tuple[Any, ...], list[SweepJob]] = {}
    for job in jobs:
        groups.setdefault(_shared_key(job), []).append(job)
    rows_of: dict[int, tuple[SweepRow, ...]] = {}
    n = len(rates)
    for group in groups.values():
        s = dict(group[0].settings)
        s.pop("racers")
        racers = [racer for job in group for racer in job.settings["racers"]]
        rows = sweep(s.pop("landscape"), racers, rates, steps, **s)
        for k, job in enumerate(group):
            rows_of[id(job)] = tuple(rows[k * n : (k + 1) * n])
    return [RacerSweep(job.index, job.title, job.color, rows_of[id(job)]) for job in jobs]


def _shared_key(job: SweepJob) -> tuple[Any, ...]:
    """Jobs with equal keys can share one sweep: the same landscape and settings, and a
    constant rate without batches (other runs step alone anyway)."""
    from ..core.schedules import Constant

    s = job.settings
    if type(s["schedule"]) not in (type(None), Constant) or s["batch_size"] is not None:
        return ("alone", id(job))
    return (id(s["landscape"]), s["start"], s["tol"], s["clip_norm"], s["seed"])
