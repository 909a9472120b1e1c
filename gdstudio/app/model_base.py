"""The studio model's base: its signals, the state's fields as attributes, the live objects.

ModelBase holds the Qt-free state (gdstudio.state.Studio), builds the landscape and the
racers' core Runs from it (gdstudio.state.build) and keeps the surface the views draw.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..core.catalog import DATA_LANDSCAPES, is_data_landscape
from ..core.data import Dataset
from ..core.fitting import DataLandscape
from ..core.landscapes import Landscape
from ..core.nn_landscape import NetworkLandscape
from ..core.run import Run
from ..core.tabulated import TabulatedLandscape
from ..io.scenes import Scene
from ..state import Settings, Studio, View
from ..state.build import RunConfig, build_landscape, build_run, to_fit_units, x_moments
from ..state.network import NETWORK, NetworkSpec, build_network, takes_batches
from .surface_worker import SurfaceWorker, needs_worker


class ModelBase(QObject):
    """Signals, the state's fields as attributes, and the landscape and runs built from them."""

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
    playingChanged = Signal(bool)  # the race started or stopped playing (the stepper says)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = Studio()
        self.scene: Scene | None = None
        self._replacing = False
        self._playing = False
        self.landscape: Landscape | DataLandscape | NetworkLandscape = build_landscape(
            self.landscape_name, self.dataset
        )
        self.state.start = np.array(self.landscape.default_start, dtype=np.float64)
        self.x_norm: tuple[float, float] = (0.0, 1.0)
        self.undo_stack = QUndoStack(self)
        # What views draw: the landscape itself, or a table of it computed off the UI thread.
        self.display_landscape: (
            Landscape | DataLandscape | NetworkLandscape | TabulatedLandscape
        ) = self.landscape
        self.surface_worker = SurfaceWorker(self)
        self.surface_worker.ready.connect(self._on_surface_ready)

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

    @property
    def loss(self) -> str | None:
        """The data loss ('mse', 'mae', 'huber', 'bce'), or None on analytic landscapes."""
        return DATA_LANDSCAPES.get(self.landscape_name)

    @property
    def is_data(self) -> bool:
        """True when the landscape is a fit to the dataset."""
        return is_data_landscape(self.landscape_name)

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

    # --- the landscape and its surface --------------------------------------------------------

    def _build_landscape(self) -> Landscape | DataLandscape | NetworkLandscape:
        if self.landscape_name == NETWORK:
            return build_network(self.state.network or NetworkSpec())
        scene = self.scene
        start = scene.start if scene and scene.landscape == self.landscape_name else None
        return build_landscape(
            self.landscape_name,
            self.dataset,
            huber_delta=self.huber_delta,
            x_norm=self.x_norm if self.normalize_x else None,
            start=start,
            expression=self.state.expression,
            bounds=self.state.bounds,
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

    def take_slice(self, table: TabulatedLandscape) -> None:
        """Draw a loss slice (core/nn_view.py) of the landscape as the views' surface.

        A slice of a landscape the model no longer holds (computed before a switch) is dropped.
        """
        if getattr(table, "source", None) is not self.landscape:
            return
        self.display_landscape = table
        self.surfaceChanged.emit()

    def _update_x_norm(self) -> None:
        self.x_norm = x_moments(self.dataset, self.normalize_x)

    def _to_fit_units(self, original: np.ndarray) -> np.ndarray:
        return to_fit_units(original, self.x_norm)

    def to_original(self, params: np.ndarray) -> np.ndarray:
        """Line coefficients (w, b) in the data's units from landscape parameters."""
        to = getattr(self.landscape, "to_original", None)
        return to(params) if to is not None else np.asarray(params, dtype=np.float64)

    # --- the racers' runs ----------------------------------------------------------------------

    def _make_run(self, cfg: RunConfig) -> Run:
        return build_run(
            self.landscape,
            cfg.optimizer,
            cfg.hyper,
            self.start,
            batch=cfg.batch if takes_batches(self.landscape_name) else None,
            seed=cfg.seed,
            schedule=self.settings.schedule,
            clip_norm=self.clip_norm,
            tol=self.tol,
            max_steps=self.max_steps,
            name=cfg.title,
        )

    def _rebuild_runs(self) -> None:
        for cfg in self.runs:
            cfg.run = self._make_run(cfg)

    def _runs(self) -> Iterator[Run]:
        """The live run of every racer, enabled or not."""
        return (cfg.run for cfg in self.runs if cfg.run is not None)

    def active_runs(self) -> list[tuple[int, RunConfig]]:
        """Enabled racers with their indices."""
        return [(i, c) for i, c in enumerate(self.runs) if c.enabled and c.run is not None]
