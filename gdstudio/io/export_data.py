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
    """Column names: run, optimizer, step, each parameter by name, loss, grad_norm, lr."""
    return ["run", "optimizer", "step", *model.landscape.param_names, "loss", "grad_norm", "lr"]


def trajectory_rows(model: StudioModel) -> list[list[Any]]:
    """One row per recorded step of every enabled run, in the order of trajectory_header."""
    return [row for _, cfg in model.active_runs() for row in _run_rows(cfg)]


def trajectories_csv(model: StudioModel) -> str:
    """The trajectories as CSV text (full float precision; nan/inf spelled out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(trajectory_header(model))
    for row in trajectory_rows(model):
        writer.writerow([row[0], row[1], row[2], *(repr(v) for v in row[3:])])
    return out.getvalue()


def trajectories_document(model: StudioModel) -> dict[str, Any]:
    """The trajectories as a JSON-able document: landscape, start, and each run with its rows.

    Non-finite numbers (a diverged run) become null, so the document is strict JSON.
    """
    names = list(model.landscape.param_names)
    keys = ["step", *names, "loss", "grad_norm", "lr"]
    runs = []
    for _, cfg in model.active_runs():
        run = cfg.run
        rows = [dict(zip(keys, [r[2], *map(_finite, r[3:])], strict=True))
                for r in _run_rows(cfg)]
        runs.append({
            "run": cfg.title,
            "optimizer": cfg.optimizer,
            "hyper": {k: list(v) if isinstance(v, tuple) else v for k, v in cfg.hyper.items()},
            "color": cfg.color,
            "status": run.status,
            "status_step": run.status_step,
            "steps": run.steps,
            "rows": rows,
        })
    return {
        "landscape": model.landscape_name,
        "param_names": names,
        "start": [_finite(v) for v in model.start.tolist()],
        "runs": runs,
    }


def _run_rows(cfg: RunConfig) -> list[list[Any]]:
    cols = cfg.run.history.columns()
    return [[cfg.title, cfg.optimizer, int(step), *map(float, cols["params"][i]),
             float(cols["loss"][i]), float(cols["grad_norm"][i]), float(cols["lr"][i])]
            for i, step in enumerate(cols["step"])]


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


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
