"""StudioModel: the one source of truth the window's views observe (landscape, data, runs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..core.batching import batch_label, parse_batch
from ..core.catalog import (
    DATA_LANDSCAPES,
    LOSS_TO_LANDSCAPE,
    default_dataset,
    is_data_landscape,
    make_landscape,
)
from ..core.data import Dataset
from ..core.fitting import DataLandscape
from ..core.optimizers import OPTIMIZERS, make_optimizer
from ..core.run import Run
from ..core.schedules import make_schedule
from ..io.scenes import Scene, get_scene
from ..io.session_schema import MAX_RUNS, SETTINGS, check_model
from .palette import run_color
from .surface_worker import SurfaceWorker, needs_worker

# Points a stochastic step may spend measuring the full loss (MAE/Huber/BCE on big data).
MEASURE_BUDGET = 50_000
DEFAULT_SCENE = "surface"


@dataclass
class RunConfig:
    """What the user set for one racer; `run` is its live trajectory."""

    optimizer: str
    hyper: dict[str, Any]
    color: str
    label: str = ""
    enabled: bool = True
    batch: int | None = None
    seed: int = 0
    run: Run | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        """Name shown in legends and readouts."""
        if self.label:
            return self.label
        base = OPTIMIZERS[self.optimizer].title
        return base if self.batch is None else f"{base}, {batch_label(self.batch)}"


class StudioModel(QObject):
    """Landscape, dataset, start, racers and settings; owns the core runs and steps them."""

    landscapeChanged = Signal()
    surfaceChanged = Signal()
    dataChanged = Signal()
    runsChanged = Signal()
    runChanged = Signal(int)
    runsReset = Signal()
    stepped = Signal()
    settingsChanged = Signal()
    viewChanged = Signal()
    sceneChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene: Scene | None = None
        self.landscape_name = "quadratic2d"
        self.dataset: Dataset = Dataset.default()
        self.landscape = make_landscape(self.landscape_name)
        self.start = np.array(self.landscape.default_start, dtype=np.float64)
        self.runs: list[RunConfig] = []
        self.schedule_name = "constant"
        self.schedule_params: dict[str, Any] = {}
        self.clip_norm: float | None = None
        self.speed = 60.0
        self.max_steps = 5000
        self.tol = 1e-6
        self.view_mode = "3d"
        self.log_height: bool | None = None
        self.restart_on_edit = False
        self.huber_delta = 1.0
        self.normalize_x = False
        self.x_norm: tuple[float, float] = (0.0, 1.0)
        # One dataset per kind, so switching between regression and classification loses none.
        self._other_dataset: Dataset | None = None
        self.dataset_kind = "regression"
        self.undo_stack = QUndoStack(self)
        # What views draw: the landscape itself, or a table of it computed off the UI thread.
        self.display_landscape = self.landscape
        self.surface_worker = SurfaceWorker(self)
        self.surface_worker.ready.connect(self._on_surface_ready)

    # --- scenes and landscapes ---------------------------------------------------------------

    def load_scene(self, scene_id: str) -> None:
        """Replace everything with a lesson preset (ValueError for an unknown id)."""
        scene = get_scene(scene_id)
        self.scene = scene
        self.landscape_name = scene.landscape
        if scene.data is not None:
            self.dataset = Dataset(scene.data["x"], scene.data["y"], scene.data.get("label"))
        elif is_data_landscape(scene.landscape):
            self.dataset = default_dataset(scene.landscape)
        self._other_dataset = None
        self.dataset_kind = "classes" if scene.landscape == "logistic-bce" else "regression"
        self.normalize_x, self.x_norm = False, (0.0, 1.0)
        self.undo_stack.clear()
        self.landscape = self._build_landscape()
        self.start = np.array(
            scene.start if scene.start is not None else self.landscape.default_start, float
        )
        self.speed, self.max_steps, self.tol = scene.speed, scene.max_steps, scene.tol
        self.schedule_name, self.schedule_params, self.clip_norm = "constant", {}, None
        self.view_mode = scene.view if self.landscape.dim == 2 else "contour"
        self.log_height = scene.log_height
        self.runs = []
        for spec in scene.runs:
            batch = parse_batch(spec.batch)
            self.runs.append(RunConfig(spec.optimizer, dict(spec.hyper), run_color(len(self.runs)),
                                       spec.label, spec.enabled, batch, spec.seed))
        self._rebuild_runs()
        self.sceneChanged.emit(scene_id)
        self._landscape_replaced()
        self.dataChanged.emit()
        self.runsChanged.emit()
        self.settingsChanged.emit()
        self.viewChanged.emit()

    def set_landscape(self, name: str) -> None:
        """Switch landscape; runs restart from its default start."""
        if name == self.landscape_name:
            return
        self.landscape_name = name
        if is_data_landscape(name):
            kind = "classes" if name == "logistic-bce" else "regression"
            if kind != self.dataset_kind:
                self._swap_dataset(kind, name)
            self._update_x_norm()
        self.landscape = self._build_landscape()
        self.start = np.array(self.landscape.default_start, dtype=np.float64)
        if self.landscape.dim == 1:
            self.view_mode = "contour"
        for cfg in self.runs:
            if not is_data_landscape(name):
                cfg.batch = None
        self._rebuild_runs()
        self._landscape_replaced()
        self.dataChanged.emit()
        self.runsChanged.emit()
        self.viewChanged.emit()

    def _swap_dataset(self, kind: str, name: str) -> None:
        """Switch between the regression and the classification dataset, keeping both."""
        other = self._other_dataset
        self._other_dataset = self.dataset
        if other is None:
            ds = self.dataset
            if kind == "classes" and ds.has_labels and len(ds):
                other = Dataset(ds.x.copy(), ds.label.copy(), ds.label.copy())
            else:
                other = default_dataset(name)
        self.dataset = other
        self.dataset_kind = kind
        self.undo_stack.clear()

    def _build_landscape(self):  # noqa: ANN202 - Landscape | DataLandscape
        if not is_data_landscape(self.landscape_name):
            return make_landscape(self.landscape_name)
        scene = self.scene
        start = scene.start if scene and scene.landscape == self.landscape_name else None
        if start is not None and self.normalize_x:
            start = tuple(self._to_fit_units(np.array(start)))
        return DataLandscape(self.dataset, DATA_LANDSCAPES[self.landscape_name],
                             delta=self.huber_delta, start=start or (0.0, 0.0),
                             x_shift=self.x_norm[0], x_scale=self.x_norm[1])

    def _landscape_replaced(self) -> None:
        """Announce a new landscape object; its display surface follows now or from the worker."""
        if needs_worker(self.landscape):
            self.surface_worker.submit(self.landscape)
        else:
            self.surface_worker.cancel()
            self.display_landscape = self.landscape
            self.surfaceChanged.emit()
        self.landscapeChanged.emit()

    def _on_surface_ready(self, table: object) -> None:
        self.display_landscape = table
        self.surfaceChanged.emit()

    def _update_x_norm(self) -> None:
        self.x_norm = self.dataset.stats.x_moments() if self.normalize_x else (0.0, 1.0)

    def _to_fit_units(self, original: np.ndarray) -> np.ndarray:
        shift, scale = self.x_norm
        return np.array([original[0] * scale, original[1] + original[0] * shift])

    @property
    def loss(self) -> str | None:
        """The data loss ('mse', 'mae', 'huber', 'bce'), or None on analytic landscapes."""
        return DATA_LANDSCAPES.get(self.landscape_name)

    def set_loss(self, loss: str) -> None:
        """Fit the data under another loss (ValueError for an unknown one)."""
        if loss not in LOSS_TO_LANDSCAPE:
            raise ValueError(f"unknown loss '{loss}'; allowed: {', '.join(LOSS_TO_LANDSCAPE)}")
        self.set_landscape(LOSS_TO_LANDSCAPE[loss])

    def set_huber_delta(self, delta: float) -> None:
        """Huber's δ: quadratic inside |r| ≤ δ, linear outside."""
        if not delta > 0:
            raise ValueError("Huber δ must be > 0")
        self.huber_delta = float(delta)
        if self.loss == "huber":
            self.data_edited()

    def set_normalize_x(self, on: bool) -> None:
        """Fit on standardized x; the start and every run carry over in original units."""
        if on == self.normalize_x:
            return
        original = self.to_original(self.start) if self.is_data else None
        self.normalize_x = on
        self._update_x_norm()
        self.landscape = self._build_landscape()
        if original is not None:
            self.start = self._to_fit_units(original)
        self._rebuild_runs()
        self._landscape_replaced()
        self.dataChanged.emit()
        self.runsChanged.emit()

    def to_original(self, params: np.ndarray) -> np.ndarray:
        """Line coefficients (w, b) in the data's units from landscape parameters."""
        to = getattr(self.landscape, "to_original", None)
        return to(params) if to is not None else np.asarray(params, dtype=np.float64)

    def replace_dataset(self, dataset: Dataset) -> None:
        """Swap in a whole new dataset (import, generate, clear, undo of those)."""
        self.dataset = dataset
        old_norm = self.x_norm
        self._update_x_norm()
        self.data_edited(restart=self.x_norm != old_norm)

    def data_edited(self, restart: bool = False) -> None:
        """The dataset changed in place: rebuild the landscape; runs go on (or restart)."""
        old = self.landscape
        self.landscape = self._build_landscape()
        if getattr(old, "loss", None) == self.loss and _keeps_view(old.bounds, self.landscape):
            self.landscape.bounds = old.bounds  # small edits must not make the view jump
        for run in self._runs():
            run.set_landscape(self.landscape)
            if restart or self.restart_on_edit:
                run.reset()
        self._landscape_replaced()
        self.dataChanged.emit()
        self.stepped.emit()

    @property
    def is_data(self) -> bool:
        """True when the landscape is a fit to the dataset."""
        return is_data_landscape(self.landscape_name)

    # --- runs ----------------------------------------------------------------------------------

    def _make_run(self, cfg: RunConfig) -> Run:
        schedule = make_schedule(self.schedule_name, **self.schedule_params)
        return Run(
            self.landscape, make_optimizer(cfg.optimizer, **cfg.hyper), self.start,
            schedule=schedule, clip_norm=self.clip_norm,
            batch_size=cfg.batch if self.is_data else None, seed=cfg.seed, tol=self.tol,
            max_steps=self.max_steps, name=cfg.title, measure_budget=MEASURE_BUDGET,
        )

    def _rebuild_runs(self) -> None:
        for cfg in self.runs:
            cfg.run = self._make_run(cfg)

    def add_run(self, optimizer: str = "adam", hyper: dict[str, Any] | None = None) -> int:
        """Add a racer (at most MAX_RUNS); returns its index."""
        if len(self.runs) >= MAX_RUNS:
            raise ValueError(f"a race holds at most {MAX_RUNS} optimizers")
        used = {c.color for c in self.runs}
        color = next((run_color(i) for i in range(MAX_RUNS) if run_color(i) not in used),
                     run_color(len(self.runs)))
        cfg = RunConfig(optimizer, dict(hyper or {}), color)
        cfg.run = self._make_run(cfg)
        self.runs.append(cfg)
        self.runsChanged.emit()
        return len(self.runs) - 1

    def remove_run(self, index: int) -> None:
        """Take racer `index` out."""
        del self.runs[index]
        self.runsChanged.emit()

    def set_run_enabled(self, index: int, enabled: bool) -> None:
        """Show and step racer `index`, or hide and freeze it."""
        if self.runs[index].enabled != enabled:
            self.runs[index].enabled = enabled
            self.runsChanged.emit()

    def set_run_optimizer(self, index: int, optimizer: str) -> None:
        """Change racer `index` to another optimizer (with that optimizer's defaults)."""
        cfg = self.runs[index]
        if cfg.optimizer == optimizer:
            return
        lr = cfg.hyper.get("lr")
        cfg.optimizer, cfg.label = optimizer, ""
        cfg.hyper = {"lr": lr} if lr is not None else {}
        cfg.run = self._make_run(cfg)
        self.runsChanged.emit()

    def set_run_hyper(self, index: int, name: str, value: Any) -> None:
        """Change one hyperparameter; applies from the next step (ValueError if invalid)."""
        cfg = self.runs[index]
        assert cfg.run is not None
        cfg.run.optimizer.set_hyper(name, value)
        cfg.hyper[name] = cfg.run.optimizer.hyper[name]
        self.runChanged.emit(index)

    def set_run_batch(self, index: int, batch: int | None, seed: int | None = None) -> None:
        """Change the gradient mode of racer `index` (restarts it)."""
        cfg = self.runs[index]
        cfg.batch = batch
        if seed is not None:
            cfg.seed = seed
        cfg.run = self._make_run(cfg)
        self.runsChanged.emit()

    def _runs(self) -> Iterator[Run]:
        """The live run of every racer, enabled or not."""
        return (cfg.run for cfg in self.runs if cfg.run is not None)

    def active_runs(self) -> list[tuple[int, RunConfig]]:
        """Enabled racers with their indices."""
        return [(i, c) for i, c in enumerate(self.runs) if c.enabled and c.run is not None]

    # --- settings ------------------------------------------------------------------------------

    def set_schedule(self, name: str, params: dict[str, Any]) -> None:
        """Set the learning-rate schedule of every run (ValueError if invalid)."""
        make_schedule(name, **params)  # validate before changing anything
        self.schedule_name, self.schedule_params = name, dict(params)
        for run in self._runs():
            run.schedule = make_schedule(name, **params)
        self.settingsChanged.emit()

    def set_clip_norm(self, value: float | None) -> None:
        """Clip gradients to this global norm (None: no clipping)."""
        if value is not None and not value > 0:
            raise ValueError("clip norm must be > 0")
        self.clip_norm = value
        for run in self._runs():
            run.clip_norm = value
        self.settingsChanged.emit()

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second while playing."""
        self.speed = float(steps_per_second)
        self.settingsChanged.emit()

    def set_max_steps(self, n: int) -> None:
        """Stop every run after n steps."""
        self.max_steps = int(n)
        for run in self._runs():
            run.max_steps = self.max_steps
        self.settingsChanged.emit()

    def set_tol(self, tol: float) -> None:
        """Convergence tolerance on |∇L|."""
        self.tol = float(tol)
        for run in self._runs():
            run.tol = self.tol
        self.settingsChanged.emit()

    def set_view_mode(self, mode: str) -> None:
        """'3d' or 'contour' (1-parameter landscapes are always drawn as a curve)."""
        if mode not in ("3d", "contour"):
            raise ValueError("view mode is 3d or contour")
        if self.landscape.dim == 1:
            mode = "contour"
        if mode != self.view_mode:
            self.view_mode = mode
            self.viewChanged.emit()

    def set_log_height(self, value: bool | None) -> None:
        """Log-scale the surface height (None: the landscape's default)."""
        self.log_height = value
        self.viewChanged.emit()

    # --- whole state (sessions) ---------------------------------------------------------------

    def snapshot(self, copy_arrays: bool = False) -> dict[str, Any]:
        """Everything the user set, as plain JSON-able values (no run histories).

        With `copy_arrays` the data columns are numpy copies instead of lists: O(copy) on
        the UI thread, for a worker to encode (io.session.encode_session writes them).
        """
        ds = self.dataset

        def column(values: np.ndarray) -> np.ndarray | list[float]:
            return values.copy() if copy_arrays else values.tolist()

        return {
            "scene": self.scene.id if self.scene else None,
            "landscape": self.landscape_name,
            "data": {
                "x": column(ds.x), "y": column(ds.y),
                "label": column(ds.label) if ds.has_labels else None,
            },
            "start": self.start.tolist(),
            "runs": [
                {"optimizer": c.optimizer, "hyper": _jsonable(c.hyper), "color": c.color,
                 "label": c.label, "enabled": c.enabled,
                 "batch": "full" if c.batch is None else c.batch, "seed": c.seed}
                for c in self.runs
            ],
            "schedule": {"name": self.schedule_name, "params": _jsonable(self.schedule_params)},
            **{key: getattr(self, key) for key in SETTINGS},
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Replace everything with a snapshot (SessionError, a ValueError, if anything is bad).

        The snapshot is checked completely by session_schema.check_model before anything is
        replaced.
        """
        from ..io.scenes import load_scenes

        checked = check_model(state)
        self.scene = load_scenes().get(checked.scene) if checked.scene else None
        self.landscape_name = checked.landscape
        self.dataset = checked.dataset
        self._other_dataset = None
        self.dataset_kind = "classes" if checked.landscape == "logistic-bce" else "regression"
        for key, value in checked.settings.items():
            setattr(self, key, value)
        self._update_x_norm()
        self.landscape = self._build_landscape()
        start = checked.start
        self.start = np.array(self.landscape.default_start if start is None else start,
                              dtype=np.float64)
        self.runs = [RunConfig(r.optimizer, dict(r.hyper), r.color, r.label, r.enabled,
                               r.batch, r.seed) for r in checked.runs]
        self.schedule_name = checked.schedule_name
        self.schedule_params = dict(checked.schedule_params)
        if self.landscape.dim != 2:
            self.view_mode = "contour"
        self.undo_stack.clear()
        self._rebuild_runs()
        self.sceneChanged.emit(checked.scene or "")
        self._landscape_replaced()
        self.dataChanged.emit()
        self.runsChanged.emit()
        self.settingsChanged.emit()
        self.viewChanged.emit()

    # --- stepping ------------------------------------------------------------------------------

    def set_start(self, start: np.ndarray | tuple[float, ...]) -> None:
        """Restart every run from a new start."""
        p = np.asarray(start, dtype=np.float64)
        if p.shape != (self.landscape.dim,) or not np.all(np.isfinite(p)):
            raise ValueError("start must be finite and match the landscape's parameters")
        self.start = p
        self.reset()

    def reset(self) -> None:
        """Every run back to the start."""
        for run in self._runs():
            run.reset(self.start)
        self.runsReset.emit()

    @property
    def can_step(self) -> bool:
        """True while an enabled run can still take a step."""
        return any(
            c.run.running and c.run.steps < self.max_steps for _, c in self.active_runs()
        )

    def step(self, n: int = 1) -> int:
        """Advance every enabled running run by up to n steps; returns the most taken."""
        taken = 0
        for _, cfg in self.active_runs():
            taken = max(taken, cfg.run.step(n))
        if taken:
            self.stepped.emit()
        return taken


def _keeps_view(old: tuple[tuple[float, float], ...], new: object) -> bool:
    """True while the new fit's optimum and scale still sit well inside the old view bounds."""
    want = new.bounds  # type: ignore[attr-defined]
    for (lo, hi), (wlo, whi) in zip(old, want, strict=True):
        span, wspan = hi - lo, whi - wlo
        centre = 0.5 * (wlo + whi)
        if not (lo + 0.15 * span <= centre <= hi - 0.15 * span):
            return False
        if not 0.6 * span <= wspan <= 1.6 * span:
            return False
    return True


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    """Tuples (e.g. betas) as lists, so the dict survives a JSON round trip unchanged."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}
