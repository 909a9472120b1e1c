"""Landscapes and core Runs built from what the user set, without Qt.

One builder for the window's model (app.model), the scenes (io.scenes) and the trajectory
exports (io.trajectories), so a lesson, a session and an export race what the window races.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.batching import batch_label
from ..core.catalog import DATA_LANDSCAPES, is_data_landscape, make_landscape
from ..core.data import Dataset
from ..core.expression_landscape import CUSTOM, expression_landscape
from ..core.fitting import DataLandscape
from ..core.landscapes import Landscape
from ..core.nn_landscape import NetworkLandscape
from ..core.optimizers import OPTIMIZERS, make_optimizer
from ..core.run import Run
from ..core.schedules import make_schedule
from .runs import RunSpec
from .settings import Settings

# Points a stochastic step may spend measuring the full loss (MAE/Huber/BCE on big data).
MEASURE_BUDGET = 50_000


class RunConfig(RunSpec):
    """What the user set for one racer (a declared RunSpec); `run` is its live trajectory."""

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self.run: Run | None = None
        self.followed_by: object = None  # the model listening to this racer's fields

    @property
    def live_run(self) -> Run:
        """`run`, for a racer known to have one (every racer of active_runs())."""
        if self.run is None:
            raise RuntimeError(f"the racer {self.title!r} has no run yet")
        return self.run

    @property
    def title(self) -> str:
        """Name shown in legends and readouts."""
        return run_title(self.optimizer, self.label, self.batch)


def run_title(optimizer: str, label: str, batch: int | None) -> str:
    """A racer's name: its label, else its optimizer's title with its gradient mode."""
    if label:
        return label
    base = OPTIMIZERS[optimizer].title
    return base if batch is None else f"{base}, {batch_label(batch)}"


def x_moments(dataset: Dataset, normalize: bool) -> tuple[float, float]:
    """The (shift, scale) a fit standardizes x by; (0, 1) without normalization."""
    return dataset.stats.x_moments() if normalize else (0.0, 1.0)


def to_fit_units(original: np.ndarray, x_norm: tuple[float, float]) -> np.ndarray:
    """Line coefficients (w, b) in the data's units as parameters of the fit on shifted x."""
    shift, scale = x_norm
    return np.array([original[0] * scale, original[1] + original[0] * shift])


def build_landscape(
    name: str,
    dataset: Dataset,
    *,
    huber_delta: float = Settings.huber_delta.default,
    x_norm: tuple[float, float] | None = None,
    start: tuple[float, ...] | None = None,
    expression: str | None = None,
    bounds: tuple[tuple[float, float], ...] | None = None,
) -> Landscape | DataLandscape:
    """Landscape `name`; a data landscape fits `dataset` (ValueError for an unknown name).

    `x_norm` standardizes x by (shift, scale) (None: no normalization); `start` is the fit's
    start as line coefficients in the data's units (None or empty: the origin). The typed
    landscape (CUSTOM) is the formula `expression` over `bounds` (ExpressionError if refused).
    """
    if name == CUSTOM:
        if expression is None:
            raise ValueError("the custom landscape needs a formula")
        return expression_landscape(expression, bounds)
    if not is_data_landscape(name):
        return make_landscape(name)
    if start and x_norm is not None:
        start = tuple(to_fit_units(np.array(start), x_norm))
    w, b = start or (0.0, 0.0)  # a line fit has two parameters
    shift, scale = (0.0, 1.0) if x_norm is None else x_norm
    return DataLandscape(
        dataset,
        DATA_LANDSCAPES[name],
        delta=huber_delta,
        start=(w, b),
        x_shift=shift,
        x_scale=scale,
    )


def build_run(
    landscape: Landscape | DataLandscape | NetworkLandscape,
    optimizer: str,
    hyper: Mapping[str, Any],
    start: np.ndarray | tuple[float, ...],
    *,
    batch: int | None = None,
    seed: int = RunSpec.seed.default,
    schedule: tuple[str, Mapping[str, Any]] = Settings.schedule.default,
    clip_norm: float | None = Settings.clip_norm.default,
    tol: float = Settings.tol.default,
    max_steps: int = Settings.max_steps.default,
    name: str,
) -> Run:
    """One racer's core Run on `landscape` (`batch` as given: None for full-batch steps)."""
    return Run(
        landscape,
        make_optimizer(optimizer, **hyper),
        start,
        schedule=make_schedule(schedule[0], **schedule[1]),
        clip_norm=clip_norm,
        batch_size=batch,
        seed=seed,
        tol=tol,
        max_steps=max_steps,
        name=name,
        measure_budget=MEASURE_BUDGET,
    )
