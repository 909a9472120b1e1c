"""StudioModel: the one source of truth the window's views observe (landscape, data, runs)."""

from __future__ import annotations

from collections.abc import Iterator
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
from ..core.landscapes import Landscape
from ..core.optimizers import OPTIMIZERS, make_optimizer
from ..core.race import Race
from ..core.run import Run
from ..core.schedules import make_schedule
from ..core.tabulated import TabulatedLandscape
from ..io.scenes import Scene, get_scene
from ..state import MAX_RUNS, RunSpec, Settings, Studio, View
from ..theme import run_color
from .surface_worker import SurfaceWorker, needs_worker

# Points a stochastic step may spend measuring the full loss (MAE/Huber/BCE on big data).
MEASURE_BUDGET = 50_000
DEFAULT_SCENE = "surface"


class RunConfig(RunSpec):
    """What the user set for one racer (a declared RunSpec); `run` is its live trajectory."""

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self.run: Run | None = None

    @property
    def live_run(self) -> Run:
        """`run`, for a racer known to have one (every racer of active_runs())."""
        if self.run is None:
            raise RuntimeError(f"the racer {self.title!r} has no run yet")
        return self.run

    @property
    def title(self) -> str:
        """Name shown in legends and readouts."""
        if self.label:
            return self.label
        base = OPTIMIZERS[self.optimizer].title
        return base if self.batch is None else f"{base}, {batch_label(self.batch)}"


class StudioModel(QObject):
    """The studio state (gdstudio.state.Studio) for the views: live runs, landscape, signals.

    What the user set lives in `state`; the attributes below read it (and writing them sets
    the state's field, checked). The model reacts to the state's field events: a new max
    steps reaches every run, whoever set it.
    """

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
        self.state = Studio()
        self.scene: Scene | None = None
        self._replacing = False
        self.landscape = make_landscape(self.landscape_name)
        self.state.start = np.array(self.landscape.default_start, dtype=np.float64)
        self.x_norm: tuple[float, float] = (0.0, 1.0)
        # One dataset per kind, so switching between regression and classification loses none.
        self._other_dataset: Dataset | None = None
        self.dataset_kind = "regression"
        self.undo_stack = QUndoStack(self)
        # What views draw: the landscape itself, or a table of it computed off the UI thread.
        self.display_landscape: Landscape | DataLandscape | TabulatedLandscape = self.landscape
        self.surface_worker = SurfaceWorker(self)
        self.surface_worker.ready.connect(self._on_surface_ready)
        self.state.settings.connect("*", self._on_setting)
        self.state.view.connect("*", self._on_view_field)

    # --- the state's fields, as attributes ---------------------------------------------------

    @property
    def settings(self) -> Settings:
        """Speed, limits, schedule, clipping and the data fit's options (declared fields)."""
        return self.state.settings

    @property
    def view(self) -> View:
        """View mode and height scale (declared fields)."""
        return self.state.view

    @property
    def runs(self) -> list[RunConfig]:
        """The racers, in order."""
        # The state's racers are the RunConfigs this model made; list[RunSpec] is invariant.
        return self.state.runs  # type: ignore[return-value]

    @property
    def landscape_name(self) -> str:
        """The landscape's registry name."""
        return self.state.landscape

    @property
    def dataset(self) -> Dataset:
        """The points the data landscapes fit."""
        return self.state.data

    @dataset.setter
    def dataset(self, dataset: Dataset) -> None:
        self.state.data = dataset

    @property
    def start(self) -> np.ndarray:
        """Where every run starts."""
        start = self.state.start
        assert start is not None
        return start

    @property
    def schedule_name(self) -> str:
        """The learning-rate schedule's name."""
        return self.settings.schedule[0]

    @property
    def schedule_params(self) -> dict[str, Any]:
        """The learning-rate schedule's parameters."""
        return self.settings.schedule[1]

    def __getattr__(self, name: str) -> Any:
        """Settings and view fields read as attributes (model.speed, model.view_mode...)."""
        for part in ("settings", "view"):
            holder = self.__dict__.get("state") and getattr(self.state, part)
            if holder is not None and name in holder.fields:
                return getattr(holder, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        """Writing a settings or view field sets it in the state (checked, evented)."""
        state = self.__dict__.get("state")
        if state is not None:
            for holder in (state.settings, state.view):
                if name in holder.fields:
                    setattr(holder, name, value)
                    return
        super().__setattr__(name, value)

    def _on_setting(self, name: str) -> None:
        """A settings field changed (from a widget, a setter or a script): apply it."""
        if self._replacing:
            return
        value = getattr(self.settings, name)
        if name in ("max_steps", "tol", "clip_norm"):
            for run in self._runs():
                setattr(run, name, value)
        elif name == "schedule":
            for run in self._runs():
                run.schedule = make_schedule(value[0], **value[1])
        elif name == "normalize_x":
            self._renormalize()
        elif name == "huber_delta" and self.loss == "huber":
            self.data_edited()
        self.settingsChanged.emit()

    def _on_view_field(self, name: str) -> None:
        if not self._replacing:
            self.viewChanged.emit()

    # --- scenes and landscapes ---------------------------------------------------------------

    def load_scene(self, scene_id: str) -> None:
        """Replace everything with a lesson preset (ValueError for an unknown id)."""
        scene = get_scene(scene_id)
        if scene.data is not None:
            dataset = Dataset(scene.data["x"], scene.data["y"], scene.data.get("label"))
        elif is_data_landscape(scene.landscape):
            dataset = default_dataset(scene.landscape)
        else:
            dataset = self.dataset
        doc = Studio(scene=scene.id, landscape=scene.landscape, data=dataset)
        doc.settings.assign(self.settings)
        doc.settings.set(
            normalize_x=False,
            speed=scene.speed,
            max_steps=scene.max_steps,
            tol=scene.tol,
            schedule=Settings.schedule.default,
            clip_norm=Settings.clip_norm.default,
        )
        doc.view.set(view_mode=scene.view, log_height=scene.log_height)
        runs = [
            RunConfig(
                optimizer=spec.optimizer,
                hyper=dict(spec.hyper),
                color=run_color(i),
                label=spec.label,
                enabled=spec.enabled,
                batch=parse_batch(spec.batch),
                seed=spec.seed,
            )
            for i, spec in enumerate(scene.runs)
        ]
        self._replace(doc, runs, scene, None if scene.start is None else np.array(scene.start))

    def _replace(
        self, doc: Studio, runs: list[RunConfig], scene: Scene | None, start: np.ndarray | None
    ) -> None:
        """Take a checked document: every field, racer and derived object, then announce."""
        self._replacing = True
        try:
            self.scene = scene
            self.state.assign_all(doc, runs)  # type: ignore[arg-type]  # RunConfigs: a RunSpec list
            self._other_dataset = None
            self.dataset_kind = "classes" if doc.landscape == "logistic-bce" else "regression"
            self.undo_stack.clear()
            self._update_x_norm()
            self.landscape = self._build_landscape()
            self.state.start = np.array(
                self.landscape.default_start if start is None else start, dtype=np.float64
            )
            if self.landscape.dim != 2:
                self.view.view_mode = "contour"
            self._rebuild_runs()
        finally:
            self._replacing = False
        self.sceneChanged.emit(doc.scene or "")
        self._landscape_replaced()
        self.dataChanged.emit()
        self.runsChanged.emit()
        self.settingsChanged.emit()
        self.viewChanged.emit()

    def set_landscape(self, name: str) -> None:
        """Switch landscape; runs restart from its default start."""
        if name == self.landscape_name:
            return
        self.state.landscape = name
        if is_data_landscape(name):
            kind = "classes" if name == "logistic-bce" else "regression"
            if kind != self.dataset_kind:
                self._swap_dataset(kind, name)
            self._update_x_norm()
        self.landscape = self._build_landscape()
        self.state.start = np.array(self.landscape.default_start, dtype=np.float64)
        if self.landscape.dim == 1:
            self._replacing = True
            self.view.view_mode = "contour"
            self._replacing = False
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

    def _build_landscape(self) -> Landscape | DataLandscape:
        if not is_data_landscape(self.landscape_name):
            return make_landscape(self.landscape_name)
        scene = self.scene
        start = scene.start if scene and scene.landscape == self.landscape_name else None
        if start is not None and self.normalize_x:
            start = tuple(self._to_fit_units(np.array(start)))
        w, b = start or (0.0, 0.0)  # a line fit has two parameters
        return DataLandscape(
            self.dataset,
            DATA_LANDSCAPES[self.landscape_name],
            delta=self.huber_delta,
            start=(w, b),
            x_shift=self.x_norm[0],
            x_scale=self.x_norm[1],
        )

    def _landscape_replaced(self) -> None:
        """Announce a new landscape object; its display surface follows now or from the worker."""
        if needs_worker(self.landscape):
            self.surface_worker.submit(self.landscape)
        else:
            self.surface_worker.cancel()
            self.display_landscape = self.landscape
            self.surfaceChanged.emit()
        self.landscapeChanged.emit()

    def _on_surface_ready(self, table: TabulatedLandscape) -> None:
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
        """Huber's δ: quadratic inside |r| ≤ δ, linear outside (SessionError out of bounds)."""
        self.settings.huber_delta = float(delta)

    def set_normalize_x(self, on: bool) -> None:
        """Fit on standardized x; the start and every run carry over in original units."""
        self.settings.normalize_x = on

    def set_restart_on_edit(self, on: bool) -> None:
        """Restart the runs after every data edit (or let them go on)."""
        self.settings.restart_on_edit = on

    def _renormalize(self) -> None:
        """normalize_x changed: rebuild the fit, carrying the start over in original units."""
        original = None
        if self.is_data:
            to = getattr(self.landscape, "to_original", None)
            original = to(self.start) if to is not None else None
        self._update_x_norm()
        self.landscape = self._build_landscape()
        if original is not None:
            self.state.start = self._to_fit_units(original)
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
        self.state.touch()
        old = self.landscape
        new = self.landscape = self._build_landscape()
        if (
            isinstance(old, DataLandscape)
            and isinstance(new, DataLandscape)
            and old.loss == self.loss
            and _keeps_view(old.bounds, new)
        ):
            new.bounds = old.bounds  # small edits must not make the view jump
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
            self.landscape,
            make_optimizer(cfg.optimizer, **cfg.hyper),
            self.start,
            schedule=schedule,
            clip_norm=self.clip_norm,
            batch_size=cfg.batch if self.is_data else None,
            seed=cfg.seed,
            tol=self.tol,
            max_steps=self.max_steps,
            name=cfg.title,
            measure_budget=MEASURE_BUDGET,
        )

    def _rebuild_runs(self) -> None:
        for cfg in self.runs:
            cfg.run = self._make_run(cfg)

    def add_run(self, optimizer: str = "adam", hyper: dict[str, Any] | None = None) -> int:
        """Add a racer (at most MAX_RUNS); returns its index."""
        if len(self.runs) >= MAX_RUNS:
            raise ValueError(f"a race holds at most {MAX_RUNS} optimizers")
        used = {c.color for c in self.runs}
        color = next(
            (run_color(i) for i in range(MAX_RUNS) if run_color(i) not in used),
            run_color(len(self.runs)),
        )
        cfg = RunConfig(optimizer=optimizer, hyper=dict(hyper or {}), color=color)
        cfg.run = self._make_run(cfg)
        self.state.add_run(cfg)
        self.runsChanged.emit()
        return len(self.runs) - 1

    def remove_run(self, index: int) -> None:
        """Take racer `index` out."""
        self.state.remove_run(index)
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
        cfg.set(optimizer=optimizer, label="", hyper={"lr": lr} if lr is not None else {})
        cfg.run = self._make_run(cfg)
        self.runsChanged.emit()

    def set_run_hyper(self, index: int, name: str, value: Any) -> None:
        """Change one hyperparameter; applies from the next step (ValueError if invalid)."""
        cfg = self.runs[index]
        assert cfg.run is not None
        cfg.run.optimizer.set_hyper(name, value)
        cfg.hyper = {**cfg.hyper, name: cfg.run.optimizer.hyper[name]}
        self.runChanged.emit(index)

    def set_run_batch(self, index: int, batch: int | None, seed: int | None = None) -> None:
        """Change the gradient mode of racer `index` (restarts it)."""
        cfg = self.runs[index]
        cfg.set(batch=batch, **({} if seed is None else {"seed": seed}))
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
        self.settings.schedule = (name, dict(params))

    def set_clip_norm(self, value: float | None) -> None:
        """Clip gradients to this global norm (None: no clipping)."""
        self.settings.clip_norm = value

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second while playing."""
        self.settings.speed = float(steps_per_second)

    def set_max_steps(self, n: int) -> None:
        """Stop every run after n steps."""
        self.settings.max_steps = int(n)

    def set_tol(self, tol: float) -> None:
        """Convergence tolerance on |∇L|."""
        self.settings.tol = float(tol)

    def set_view_mode(self, mode: str) -> None:
        """'3d' or 'contour' (1-parameter landscapes are always drawn as a curve)."""
        if mode not in ("3d", "contour"):
            raise ValueError("view mode is 3d or contour")
        self.view.view_mode = "contour" if self.landscape.dim == 1 else mode

    def set_log_height(self, value: bool | None) -> None:
        """Log-scale the surface height (None: the landscape's default)."""
        self.view.log_height = value

    # --- whole state (sessions) ---------------------------------------------------------------

    def snapshot(self, copy_arrays: bool = False) -> dict[str, Any]:
        """Everything the user set, as plain JSON-able values (no run histories).

        With `copy_arrays` the data columns are numpy copies instead of lists: O(copy) on
        the UI thread, for a worker to encode (io.session.encode_session writes them).
        """
        return self.state.to_dict(copy_arrays)

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace everything with a snapshot (SessionError, a ValueError, if anything is bad).

        The snapshot is checked completely (Studio.check) before anything is replaced.
        """
        from ..io.scenes import load_scenes

        doc, runs = Studio.check(snapshot, run_type=RunConfig)
        scene = load_scenes().get(doc.scene) if doc.scene else None
        self._replace(doc, runs, scene, doc.start)

    # --- stepping ------------------------------------------------------------------------------

    def set_start(self, start: np.ndarray | tuple[float, ...]) -> None:
        """Restart every run from a new start."""
        p = np.asarray(start, dtype=np.float64)
        if p.shape != (self.landscape.dim,) or not np.all(np.isfinite(p)):
            raise ValueError("start must be finite and match the landscape's parameters")
        self.state.start = p
        self.reset()

    def reset(self) -> None:
        """Every run back to the start."""
        Race(self._runs()).reset(self.start)
        self.runsReset.emit()

    @property
    def can_step(self) -> bool:
        """True while an enabled run can still take a step."""
        return any(
            c.run.running and c.run.steps < self.max_steps
            for _, c in self.active_runs()
            if c.run is not None
        )

    def step(self, n: int = 1) -> int:
        """Advance every enabled running run by up to n steps; returns the most taken."""
        taken = Race(c.run for _, c in self.active_runs() if c.run is not None).step(n)
        if taken:
            self.stepped.emit()
        return taken


def _keeps_view(old: tuple[tuple[float, float], ...], new: DataLandscape) -> bool:
    """True while the new fit's optimum and scale still sit well inside the old view bounds."""
    for (lo, hi), (wlo, whi) in zip(old, new.bounds, strict=True):
        span, wspan = hi - lo, whi - wlo
        centre = 0.5 * (wlo + whi)
        if not (lo + 0.15 * span <= centre <= hi - 0.15 * span):
            return False
        if not 0.6 * span <= wspan <= 1.6 * span:
            return False
    return True
