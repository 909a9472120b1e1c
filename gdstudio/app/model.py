"""StudioModel: the one source of truth the window's views observe (landscape, data, runs).

The layers: model_base (signals, the state's fields, the live landscape and runs), model_data
(landscapes, losses, datasets, normalization) and this module (scenes and sessions, racer
edits, settings, stepping). The Qt-free builders are gdstudio.state.build's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject

from ..core.batching import parse_batch
from ..core.race import Race
from ..core.schedules import make_schedule
from ..io.scenes import Scene, get_scene, scene_dataset
from ..state import MAX_RUNS, Settings, Studio
from ..state.build import RunConfig
from ..state.network import NETWORK, NetworkSpec, build_network
from ..theme import run_color
from .drawn import view_dim
from .model_data import DataModel

if TYPE_CHECKING:
    from ..core.nn_landscape import NetworkLandscape

__all__ = ["DEFAULT_SCENE", "RunConfig", "StudioModel"]

DEFAULT_SCENE = "surface"


class StudioModel(DataModel):
    """The studio state (gdstudio.state.Studio) for the views: live runs, landscape, signals.

    What the user set lives in `state`; the attributes read it (and writing them sets the
    state's field, checked). The model reacts to the state's field events: a new max steps
    reaches every run, whoever set it.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state.settings.connect("*", self._on_setting)
        self.state.view.connect("*", self._on_view_field)
        for cfg in self.runs:
            self._follow(cfg)

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

    # --- scenes -----------------------------------------------------------------------------

    def load_scene(self, scene_id: str) -> None:
        """Replace everything with a lesson preset (ValueError for an unknown id)."""
        scene = get_scene(scene_id)
        dataset = scene_dataset(scene)
        if dataset is None:
            dataset = self.dataset
        doc = Studio(scene=scene.id, landscape=scene.landscape, data=dataset, network=scene.network)
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
        self,
        doc: Studio,
        runs: list[RunConfig],
        scene: Scene | None,
        start: np.ndarray | None,
        landscape: NetworkLandscape | None = None,
    ) -> None:
        """Take a checked document: every field, racer and derived object, then announce
        (`landscape`: the document's, when it was already built to check it)."""
        self._replacing = True
        try:
            self.scene = scene
            self.state.assign_all(doc, runs)  # type: ignore[arg-type]  # RunConfigs: a RunSpec list
            self._other_dataset = None
            self.dataset_kind = "classes" if doc.landscape == "logistic-bce" else "regression"
            self.undo_stack.clear()
            self._update_x_norm()
            self.landscape = landscape if landscape is not None else self._build_landscape()
            self.state.start = np.array(
                self.landscape.default_start if start is None else start, dtype=np.float64
            )
            if view_dim(self.landscape) != 2:
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

    # --- racers --------------------------------------------------------------------------------

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
        self._follow(cfg)
        self.state.add_run(cfg)
        self.runsChanged.emit()
        return len(self.runs) - 1

    def remove_run(self, index: int) -> None:
        """Take racer `index` out."""
        self.state.remove_run(index)
        self.runsChanged.emit()

    def set_run_enabled(self, index: int, enabled: bool) -> None:
        """Show and step racer `index`, or hide and freeze it."""
        self.runs[index].enabled = enabled  # _on_racer_field announces it

    def set_run_optimizer(self, index: int, optimizer: str) -> None:
        """Change racer `index` to another optimizer (with that optimizer's defaults)."""
        cfg = self.runs[index]
        if cfg.optimizer == optimizer:
            return
        lr = cfg.hyper.get("lr")
        cfg.set(optimizer=optimizer, label="", hyper={"lr": lr} if lr is not None else {})

    def set_run_hyper(self, index: int, name: str, value: Any) -> None:
        """Change one hyperparameter; applies from the next step (ValueError if invalid)."""
        cfg = self.runs[index]
        optimizer = cfg.live_run.optimizer
        optimizer.set_hyper(name, value)  # checks it (ValueError); the field then records it
        cfg.hyper = {**cfg.hyper, name: optimizer.hyper[name]}

    def set_run_batch(self, index: int, batch: int | None, seed: int | None = None) -> None:
        """Change the gradient mode of racer `index` (restarts it)."""
        cfg = self.runs[index]
        cfg.set(batch=batch, **({} if seed is None else {"seed": seed}))

    def _rebuild_runs(self) -> None:
        super()._rebuild_runs()
        for cfg in self.runs:
            self._follow(cfg)

    def _follow(self, cfg: RunConfig) -> None:
        """Listen to a racer's fields (once), so a change from anywhere reaches its run."""
        if getattr(cfg, "followed_by", None) is not self:
            cfg.followed_by = self
            cfg.connect("*", lambda name: self._on_racer_field(cfg, name))

    def _on_racer_field(self, cfg: RunConfig, name: str) -> None:
        """A racer's field changed (editor, script, undo): its live run follows."""
        index = next((i for i, c in enumerate(self.runs) if c is cfg), None)
        if self._replacing or index is None or cfg.run is None:
            return
        if name == "hyper":
            optimizer = cfg.run.optimizer
            for key, value in cfg.hyper.items():
                if optimizer.hyper.get(key) != value:
                    optimizer.set_hyper(key, value)  # the state checked it already
            self.runChanged.emit(index)
        elif name in ("optimizer", "batch", "seed"):
            cfg.run = self._make_run(cfg)  # a new optimizer or gradient mode restarts it
            self.runsChanged.emit()
        else:  # enabled, label, colour
            self.runsChanged.emit()

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
        # A network is built first: points it cannot split into two classes are refused
        # before anything is replaced.
        network = build_network(doc.network or NetworkSpec()) if doc.landscape == NETWORK else None
        scene = load_scenes().get(doc.scene) if doc.scene else None
        self._replace(doc, runs, scene, doc.start, network)

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
    def playing(self) -> bool:
        """True while the race plays (the stepper's timer advances it)."""
        return self._playing

    def set_playing(self, playing: bool) -> None:
        """Record that the race plays or not (the stepper calls it); statuses read it."""
        if playing != self._playing:
            self._playing = playing
            self.playingChanged.emit(playing)

    @property
    def can_step(self) -> bool:
        """True while an enabled run can still take a step."""
        return any(c.live_run.running for _, c in self.active_runs())  # max steps: "stopped"

    def step(self, n: int = 1) -> int:
        """Advance every enabled running run by up to n steps; returns the most taken."""
        with self.stepping() as step:
            return step(n)

    @contextmanager
    def stepping(self) -> Iterator[Callable[[int], int]]:
        """Several steps announced as one: yields step(n) (returns the most taken).

        `stepped` is emitted once when the block ends, if any step was taken, so a tick
        that steps in chunks repaints the views once.
        """
        race = Race(c.run for _, c in self.active_runs() if c.run is not None)
        taken = 0

        def step(n: int) -> int:
            nonlocal taken
            k = race.step(n)
            taken += k
            return k

        try:
            yield step
        finally:
            if taken:
                self.stepped.emit()
