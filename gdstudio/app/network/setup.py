"""NetworkSetup: the network lesson's preset picker, atop the Decision Boundary dock.

Picking a preset replaces the network, its points and the racers (presets.py); the combo shows
the preset the model's setup is, or "Preset…" once it is none of them (a session, an edit).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

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
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.preset, 1)
        for signal in (model.sceneChanged, model.runsChanged, model.landscapeChanged):
            signal.connect(self.follow)
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
        shown = preset is not None and preset.scene is None
        self.summary.setText(f"{preset.tip}." if shown and preset else "")
        self.summary.setVisible(shown)

    def _on_picked(self, index: int) -> None:
        preset = PRESETS[index]
        if preset.scene is not None:
            self.model.load_scene(preset.scene)
        else:
            self.model.restore(preset.snapshot(self.model.snapshot()))
        self.follow()


def _matching(model: Any) -> int:
    """The index of the preset the model's setup is, or -1."""
    scene = model.scene
    for i, preset in enumerate(PRESETS):
        if preset.scene is not None:
            if scene is not None and scene.id == preset.scene:
                return i
            continue
        racers = tuple((c.optimizer, c.batch) for c in model.runs)
        if scene is None and model.state.network == preset.network and racers == preset.racers():
            return i
    return -1
