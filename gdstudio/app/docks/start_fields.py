"""The start point typed in: one field per parameter, for those who do not click the surface.

A landscape of more than MAX_PARAM_COLUMNS parameters (a network's weights) is not typed in:
the fields give way to one line saying how many there are and the norm of the start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..widgets import NumberField, blocked
from .readouts import MAX_PARAM_COLUMNS, format_number

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
        self.many = QLabel(self)
        self.many.setObjectName("startMany")
        self.many.setWordWrap(True)
        self.many.hide()
        for signal in (model.landscapeChanged, model.runsReset, model.sceneChanged):
            signal.connect(self.sync)
        self.sync()

    def _rebuild(self, names: tuple[str, ...]) -> None:
        """One labelled field per parameter name."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.many:
                widget.deleteLater()
        self.fields, self.labels = [], []
        many = len(names) > MAX_PARAM_COLUMNS
        if many:
            self._layout.addWidget(self.many, 1)
            self.many.show()
            return
        self.many.hide()
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
        many = len(names) > MAX_PARAM_COLUMNS
        if many != self.many.isVisibleTo(self) or (
            not many and tuple(label.text() for label in self.labels) != names
        ):
            self._rebuild(names)
        start = self.model.start
        if many:
            norm = format_number(float(np.linalg.norm(start)))
            self.many.setText(f"θ: {len(names)} weights (seeded initialisation), ‖θ‖ = {norm}")
            return
        for field, value in zip(self.fields, start, strict=False):
            with blocked(field):
                field.setValue(float(value))

    def _commit(self) -> None:
        typed = np.array([f.value() for f in self.fields], dtype=np.float64)
        if typed.shape == self.model.start.shape and not np.array_equal(typed, self.model.start):
            self.model.set_start(typed)
