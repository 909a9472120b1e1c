"""NetworkSetup: the network lesson's preset picker, atop the Decision Boundary dock.

Picking a preset replaces the network, its points and the racers (presets.py); the combo shows
the preset the model's setup is, or "Preset…" once it is none of them (a session, an edit).
"My points" takes the Data dock's points with their classes, or, when the Data dock has no classed
points, the points the network trains on now (to edit by clicking the plot: clicks.py); classed
points a network cannot train on (too few of a class) leave the setup as it was and say why.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ...core.errors import ConfigError
from ...core.nn_landscape import NetworkLandscape
from ...state.kinds import SessionError
from ...state.network import MY_POINTS, OwnPoints, own_points
from .presets import PRESETS, Preset


class NetworkSetup(QWidget):
    """A Preset combo (each entry's tooltip says what it shows) and the chosen one's summary,
    a label the dock places below its head row."""

    def __init__(self, model: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.preset = QComboBox()
        self.preset.setObjectName("networkPresetCombo")
        self.preset.setAccessibleName("Network preset")
        self.preset.setPlaceholderText("Preset…")
        for i, preset in enumerate(PRESETS):
            self.preset.addItem(preset.title)
            self.preset.setItemData(i, preset.tip, Qt.ItemDataRole.ToolTipRole)
        self.preset.setToolTip(
            "Setups of the network lesson that each show one idea; picking one replaces the "
            "network, its points and the racers"
        )
        self.preset.activated.connect(self._on_picked)
        label = QLabel("Pre&set:")
        label.setBuddy(self.preset)
        self.summary = QLabel()
        self.summary.setObjectName("networkPresetSummary")
        self.summary.setWordWrap(True)
        self.message = ""  # why the last pick was refused ("" if it was not)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.preset, 1)
        for signal in (model.sceneChanged, model.runsChanged, model.landscapeChanged):
            signal.connect(self._on_model_changed)
        self.follow()

    def chosen(self) -> Preset | None:
        """The preset the model's setup is, or None."""
        index = self.preset.currentIndex()
        return PRESETS[index] if index >= 0 else None

    def follow(self, *_: object) -> None:
        """Show the preset the model's setup is (none: the placeholder), and its summary."""
        index = _matching(self.model)
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(index)
        self.preset.blockSignals(False)
        preset = self.chosen()
        # The lesson has its caption above the view; another preset says here what it shows.
        text = preset.summary if preset is not None and preset.scene is None else ""
        if self.message:
            text = f"<b>{self.message}.</b>"
        self.summary.setText(text)
        self.summary.setToolTip(preset.tip if preset is not None and not self.message else "")
        self.summary.setVisible(bool(text))

    def _on_model_changed(self, *_: object) -> None:
        self.message = ""  # a refusal is about the pick before: the setup changed since
        self.follow()

    def _on_picked(self, index: int) -> None:
        preset = PRESETS[index]
        self.message = ""
        try:
            if preset.scene is not None:
                self.model.load_scene(preset.scene)
            else:
                if preset.network.dataset == MY_POINTS:
                    own = self._own_points()
                    preset = replace(preset, network=replace(preset.network, own=own))
                self.model.restore(preset.snapshot(self.model.snapshot()))
        except (ConfigError, SessionError) as e:  # the setup stays as it was
            self.refuse(e)
            return
        self.follow()

    def refuse(self, error: Exception) -> None:
        """Say under the combo why a change of the setup was refused (until the next one)."""
        text = str(error)
        for prefix in ("network.own: ", "network: "):
            text = text.removeprefix(prefix)
        self.message = text
        self.follow()

    def _own_points(self) -> OwnPoints:
        """The points "My points" starts from: the Data dock's with their classes when it has
        classed points (ConfigError if too few of a class), else the network's shown now."""
        dataset = self.model.dataset
        land = self.model.landscape
        if (len(dataset) and dataset.has_labels) or not isinstance(land, NetworkLandscape):
            return own_points(dataset)
        inputs = np.vstack([land.train.inputs, land.validation.inputs])
        labels = np.r_[land.train.labels, land.validation.labels]
        return tuple(
            (float(a), float(b), float(k)) for (a, b), k in zip(inputs, labels, strict=True)
        )


def _matching(model: Any) -> int:
    """The index of the preset the model's setup is, or -1."""
    scene = model.scene
    for i, preset in enumerate(PRESETS):
        if preset.scene is not None:
            if scene is not None and scene.id == preset.scene:
                return i
            continue
        racers = tuple((c.optimizer, c.batch) for c in model.runs)
        spec = model.state.network
        if spec is not None and spec.dataset == MY_POINTS == preset.network.dataset:
            spec = replace(spec, own=())  # My points, whichever they are
        if scene is None and spec == preset.network and racers == preset.racers():
            return i
    return -1
