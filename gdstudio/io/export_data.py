"""Trajectories of the race as CSV / JSON, and the dataset as CSV (no Qt)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from typing import Any

from ..core.data import Dataset
from .export_files import write_text_atomic
from .trajectories import Racer, Trajectories


def trajectory_header(race: Trajectories) -> list[str]:
    """Column names: run, optimizer, step, each parameter by name, loss, grad_norm, lr, status."""
    return ["run", "optimizer", "step", *race.param_names, "loss", "grad_norm", "lr", "status"]


def trajectory_rows(race: Trajectories) -> list[list[Any]]:
    """One row per recorded step of every enabled run, in the order of trajectory_header.

    The status is 'running' on every row of a run but its last, which holds the run's final
    status ('diverged at step N', ...). A run with no recorded step (its start was not finite,
    or it has no data) gets one row of its current state, so its status is never missing.
    """
    return [row for racer in race.racers for row in _run_rows(racer)]


def trajectories_csv(race: Trajectories) -> str:
    """The trajectories as CSV text (full float precision; a non-finite number is empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(trajectory_header(race))
    for row in trajectory_rows(race):
        writer.writerow([*row[:3], *(_csv_number(v) for v in row[3:-1]), row[-1]])
    return out.getvalue()


def trajectories_document(race: Trajectories) -> dict[str, Any]:
    """The trajectories as a JSON-able document: landscape, start, and each run with its rows.

    Each run states its status (`status`, `status_step`, `status_text`). Non-finite numbers
    become null, so the document is strict JSON.
    """
    names = list(race.param_names)
    keys = ["step", *names, "loss", "grad_norm", "lr"]
    runs = []
    for racer in race.racers:
        run = racer.run
        rows = [
            dict(zip(keys, [r[2], *map(_finite, r[3:])], strict=True)) for r in _history_rows(racer)
        ]
        runs.append(
            {
                "run": racer.title,
                "optimizer": racer.optimizer,
                "hyper": {
                    k: list(v) if isinstance(v, tuple) else v for k, v in racer.hyper.items()
                },
                "color": racer.color,
                "status": run.status,
                "status_step": run.status_step,
                "status_text": run.status_text(),
                "steps": run.steps,
                "rows": rows,
            }
        )
    return {
        "landscape": race.landscape,
        "param_names": names,
        "start": [_finite(v) for v in race.start],
        "runs": runs,
    }


def _history_rows(racer: Racer) -> list[list[Any]]:
    cols = racer.run.history.columns()
    return [
        [
            racer.title,
            racer.optimizer,
            int(step),
            *map(float, cols["params"][i]),
            float(cols["loss"][i]),
            float(cols["grad_norm"][i]),
            float(cols["lr"][i]),
        ]
        for i, step in enumerate(cols["step"])
    ]


def _run_rows(racer: Racer) -> list[list[Any]]:
    """The run's history rows, each with its status (see trajectory_rows)."""
    run = racer.run
    rows = _history_rows(racer) or [
        [
            racer.title,
            racer.optimizer,
            run.steps,
            *map(float, run.params),
            float(run.loss),
            float(run.grad_norm),
            float(run.lr),
        ]
    ]
    statuses = ["running"] * (len(rows) - 1) + [run.status_text()]
    return [[*row, status] for row, status in zip(rows, statuses, strict=True)]


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _csv_number(v: float) -> str:
    return repr(v) if math.isfinite(v) else ""


def export_trajectories_csv(race: Trajectories, path: str | os.PathLike[str]) -> None:
    """Write every racer's trajectory as CSV (one row per recorded step per run)."""
    write_text_atomic(path, trajectories_csv(race))


def export_trajectories_json(race: Trajectories, path: str | os.PathLike[str]) -> None:
    """Write every racer's trajectory as JSON."""
    text = json.dumps(trajectories_document(race), indent=1, allow_nan=False)
    write_text_atomic(path, text + "\n")


def export_dataset_csv(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Write the dataset as CSV (x,y[,label]; Dataset.to_csv), readable by `gdstudio run --data`."""
    write_text_atomic(path, dataset.to_csv())
