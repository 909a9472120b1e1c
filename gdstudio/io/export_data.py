"""Trajectories of the race as CSV / JSON, and the dataset as CSV."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from typing import TYPE_CHECKING, Any

from .export_files import write_text_atomic

if TYPE_CHECKING:
    from ..app.model import RunConfig, StudioModel


def trajectory_header(model: StudioModel) -> list[str]:
    """Column names: run, optimizer, step, each parameter by name, loss, grad_norm, lr, status."""
    return ["run", "optimizer", "step", *model.landscape.param_names, "loss", "grad_norm", "lr",
            "status"]


def trajectory_rows(model: StudioModel) -> list[list[Any]]:
    """One row per recorded step of every enabled run, in the order of trajectory_header.

    The status is 'running' on every row of a run but its last, which holds the run's final
    status ('diverged at step N', ...). A run with no recorded step (its start was not finite,
    or it has no data) gets one row of its current state, so its status is never missing.
    """
    return [row for _, cfg in model.active_runs() for row in _run_rows(cfg)]


def trajectories_csv(model: StudioModel) -> str:
    """The trajectories as CSV text (full float precision; a non-finite number is empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(trajectory_header(model))
    for row in trajectory_rows(model):
        writer.writerow([*row[:3], *(_csv_number(v) for v in row[3:-1]), row[-1]])
    return out.getvalue()


def trajectories_document(model: StudioModel) -> dict[str, Any]:
    """The trajectories as a JSON-able document: landscape, start, and each run with its rows.

    Each run states its status (`status`, `status_step`, `status_text`). Non-finite numbers
    become null, so the document is strict JSON.
    """
    names = list(model.landscape.param_names)
    keys = ["step", *names, "loss", "grad_norm", "lr"]
    runs = []
    for _, cfg in model.active_runs():
        run = cfg.run
        rows = [dict(zip(keys, [r[2], *map(_finite, r[3:])], strict=True))
                for r in _history_rows(cfg)]
        runs.append({
            "run": cfg.title,
            "optimizer": cfg.optimizer,
            "hyper": {k: list(v) if isinstance(v, tuple) else v for k, v in cfg.hyper.items()},
            "color": cfg.color,
            "status": run.status,
            "status_step": run.status_step,
            "status_text": run.status_text(),
            "steps": run.steps,
            "rows": rows,
        })
    return {
        "landscape": model.landscape_name,
        "param_names": names,
        "start": [_finite(v) for v in model.start.tolist()],
        "runs": runs,
    }


def _history_rows(cfg: RunConfig) -> list[list[Any]]:
    cols = cfg.run.history.columns()
    return [[cfg.title, cfg.optimizer, int(step), *map(float, cols["params"][i]),
             float(cols["loss"][i]), float(cols["grad_norm"][i]), float(cols["lr"][i])]
            for i, step in enumerate(cols["step"])]


def _run_rows(cfg: RunConfig) -> list[list[Any]]:
    """The run's history rows, each with its status (see trajectory_rows)."""
    run = cfg.run
    rows = _history_rows(cfg) or [[cfg.title, cfg.optimizer, run.steps, *map(float, run.params),
                                   float(run.loss), float(run.grad_norm), float(run.lr)]]
    statuses = ["running"] * (len(rows) - 1) + [run.status_text()]
    return [[*row, status] for row, status in zip(rows, statuses, strict=True)]


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _csv_number(v: float) -> str:
    return repr(v) if math.isfinite(v) else ""


def export_trajectories_csv(model: StudioModel, path: str | os.PathLike[str]) -> None:
    """Write every enabled run's trajectory as CSV (one row per recorded step per run)."""
    write_text_atomic(path, trajectories_csv(model))


def export_trajectories_json(model: StudioModel, path: str | os.PathLike[str]) -> None:
    """Write every enabled run's trajectory as JSON."""
    text = json.dumps(trajectories_document(model), indent=1, allow_nan=False)
    write_text_atomic(path, text + "\n")


def export_dataset_csv(model: StudioModel, path: str | os.PathLike[str]) -> None:
    """Write the dataset as CSV (x,y[,label]), readable by `gdstudio run --data`."""
    write_text_atomic(path, model.dataset.to_csv())
