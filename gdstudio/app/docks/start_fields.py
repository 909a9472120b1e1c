"""The start point typed in: one field per parameter, for those who do not click the surface."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..widgets import NumberField, blocked

if TYPE_CHECKING:
    from ..model import StudioModel

LIMIT = 1e6


class StartFields(QWidget):
    """w and b (or the landscape's own names): Return restarts every racer from there."""

    def __init__(self, model: StudioModel) -> None:
        super().__init__()
        self.setObjectName("startFields")
        self.model = model
        self.fields: list[NumberField] = []
        self.labels: list[QLabel] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        for signal in (model.landscapeChanged, model.runsReset, model.sceneChanged):
            signal.connect(self.sync)
        self.sync()

    def _rebuild(self, names: tuple[str, ...]) -> None:
        """One labelled field per parameter name."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.fields, self.labels = [], []
        for i, name in enumerate(names):
            label = QLabel(name)
            field = NumberField(6)
            field.setObjectName(f"start{i}")
            field.setRange(-LIMIT, LIMIT)
            field.setAccessibleName(f"start {name}")
            field.setToolTip(f"Where every racer starts: {name}. Type a value and press Return.")
            label.setBuddy(field)
            field.editingFinished.connect(self._commit)
            self._layout.addWidget(label)
            self._layout.addWidget(field, 1)
            self.fields.append(field)
            self.labels.append(label)

    def sync(self, *_: object) -> None:
        """Show the model's start (rebuilding the fields for a landscape with other names)."""
        names = tuple(self.model.landscape.param_names)
        if tuple(label.text() for label in self.labels) != names:
            self._rebuild(names)
        start = self.model.start
        for field, value in zip(self.fields, start, strict=False):
            with blocked(field):
                field.setValue(float(value))

    def _commit(self) -> None:
        typed = np.array([f.value() for f in self.fields], dtype=np.float64)
        if typed.shape == self.model.start.shape and not np.array_equal(typed, self.model.start):
            self.model.set_start(typed)
