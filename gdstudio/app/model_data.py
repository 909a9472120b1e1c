"""The studio model's landscape and data: switching landscapes and losses, one dataset per
kind (regression, classes), x normalization, and data edits the runs follow."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QObject

from ..core.catalog import LOSS_TO_LANDSCAPE, default_dataset, is_data_landscape
from ..core.data import Dataset
from ..core.expression_landscape import CUSTOM, expression_landscape
from ..core.fitting import DataLandscape
from ..core.landscapes import Landscape
from ..core.nn_landscape import NetworkLandscape
from .model_base import ModelBase


class DataModel(ModelBase):
    """ModelBase with the landscape choice and the dataset the data landscapes fit."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # One dataset per kind, so switching between regression and classification loses none.
        self._other_dataset: Dataset | None = None
        self.dataset_kind = "regression"

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
        self._switched(self._build_landscape())

    def set_custom_landscape(
        self, text: str, bounds: Sequence[Sequence[float]] | None = None
    ) -> None:
        """Switch to the formula `text` over `bounds` (ExpressionError if it is refused).

        Runs restart from the formula's default start; `bounds` is one (low, high) per
        parameter (None: the default view).
        """
        landscape = expression_landscape(text, bounds)  # checks it before anything changes
        view = None if bounds is None else tuple(landscape.bounds)
        if (
            self.landscape_name == CUSTOM
            and self.state.expression == text
            and self.state.bounds == view
        ):
            return
        self.state.set(landscape=CUSTOM, expression=text, bounds=view)
        self._switched(landscape)

    def _switched(self, landscape: Landscape | DataLandscape | NetworkLandscape) -> None:
        """Take a new landscape: runs restart from its default start; every view follows."""
        name = self.landscape_name
        self.landscape = landscape
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
