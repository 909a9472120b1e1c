"""ControlsPanel: scene, landscape, racers, schedule, clipping and playback settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.catalog import landscape_names, make_landscape
from ...core.expression_landscape import CUSTOM
from ...core.optimizers import OPTIMIZERS
from ...io.scenes import load_scenes
from ...state import MAX_RUNS, Settings
from ...state.network import NETWORK
from ..bindings import bind_number, connect_field, field_number
from ..model import StudioModel
from ..widgets import (
    FieldGuard,
    LogSlider,
    blocked,
    name_fields,
    panel_combo,
    reflow_forms,
)
from .run_editor import RunEditor
from .schedule_box import ScheduleBox
from .start_fields import StartFields

if TYPE_CHECKING:
    from ..custom_dialog import CustomLandscapeDialog

CUSTOM_ENTRY = "Custom formula…"
NETWORK_ENTRY = "Neural network (lesson 7)"
CUSTOM_SHOWN = 48  # characters of a typed landscape's title the combo shows

# A log slider starts above zero: the smallest tolerance it shows (0 may still be typed).
TOL_FLOOR = 1e-10


def color_icon(color: str, size: int = 14) -> QIcon:
    """A filled square of `color`, for list entries and legends."""
    pm = QPixmap(size, size)
    pm.fill(QColor(color))
    return QIcon(pm)


class ControlsPanel(QScrollArea):
    """Every setting of the model, edited in place; the model stays the source of truth.

    The panel scrolls; its fields take the wheel only once clicked into (`fields`), so that
    wheeling over the panel scrolls it, and Return in a field commits it (`fields.committed`).
    """

    def __init__(
        self, model: StudioModel, actions: dict[str, QAction], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.fields = FieldGuard(self)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self._build_scene_box())
        lay.addWidget(self._build_race_box())
        self.schedule_box = ScheduleBox(model, self.fields)
        self.clip_check, self.clip_spin = self.schedule_box.clip_check, self.schedule_box.clip_spin
        lay.addWidget(self.schedule_box)
        lay.addWidget(self._build_playback_box(actions))
        lay.addStretch(1)
        self.setWidget(body)
        model.sceneChanged.connect(self._on_scene_changed)
        model.landscapeChanged.connect(self._on_landscape_changed)
        model.runsChanged.connect(self._on_runs_changed)
        self.sync_all()
        self.fields.guard(body)
        reflow_forms(body)
        name_fields(body)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as the fields allow (never cut off at the right), any height (it scrolls)."""
        body = self.widget()
        inner = body.minimumSizeHint().width() if body is not None else 0
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner + bar + 2 * self.frameWidth(), 120)

    # --- building --------------------------------------------------------------------------

    def _build_scene_box(self) -> QGroupBox:
        box = QGroupBox("Lesson and landscape")
        form = QFormLayout(box)
        self.scene_combo = panel_combo("sceneCombo")
        self.scene_combo.addItem("(custom)", None)
        for scene in load_scenes().values():
            self.scene_combo.addItem(f"{scene.order}. {scene.title}", scene.id)
        self.scene_combo.setToolTip("Load a lesson: landscape, start, optimizers and speed.")
        self.scene_combo.activated.connect(self._on_scene_picked)
        form.addRow("Lesson", self.scene_combo)
        self.landscape_combo = panel_combo("landscapeCombo")
        for name in landscape_names():
            self.landscape_combo.addItem(make_landscape(name).title, name)
        self.landscape_combo.addItem(NETWORK_ENTRY, NETWORK)
        self.landscape_combo.addItem(CUSTOM_ENTRY, CUSTOM)
        self.landscape_combo.activated.connect(self._on_landscape_picked)
        form.addRow("Landscape", self.landscape_combo)
        self.landscape_info = QLabel()
        self.landscape_info.setWordWrap(True)
        self.landscape_info.setStyleSheet("color: palette(mid);")
        form.addRow(self.landscape_info)
        self.start_fields = StartFields(self.model)
        form.addRow("Start", self.start_fields)
        self.log_check = QCheckBox("Log-scale the height")
        self.log_check.setObjectName("logHeightCheck")
        self.log_check.setToolTip("Draw log(1 + L − Lmin): makes steep landscapes readable.")
        self.log_check.toggled.connect(self._on_log_toggled)
        connect_field(self.model.view, "log_height", self.log_check, self._show_log_height)
        form.addRow(self.log_check)
        return box

    def _build_race_box(self) -> QGroupBox:
        box = QGroupBox("Optimizers")
        lay = QVBoxLayout(box)
        self.run_list = QListWidget()
        self.run_list.setObjectName("runList")
        self.run_list.setMaximumHeight(150)
        self.run_list.setToolTip("Tick to race an optimizer; select it to edit its settings.")
        self.run_list.itemChanged.connect(self._on_run_item_changed)
        self.run_list.currentRowChanged.connect(self._on_run_selected)
        lay.addWidget(self.run_list)
        buttons = QHBoxLayout()
        self.add_button = QToolButton()
        self.add_button.setObjectName("addRunButton")
        self.add_button.setText("Add optimizer")
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        for name, cls in OPTIMIZERS.items():
            menu.addAction(cls.title, self._add_run_slot(name))
        self.add_button.setMenu(menu)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeRunButton")
        self.remove_button.setToolTip("Take the selected optimizer out of the race.")
        self.remove_button.clicked.connect(self._on_remove_run)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.editor = RunEditor(self.model, self.fields)
        lay.addWidget(self.editor)
        return box

    def _build_playback_box(self, actions: dict[str, QAction]) -> QGroupBox:
        box = QGroupBox("Playback")
        form = QFormLayout(box)
        row = QHBoxLayout()
        for key in ("play", "step", "reset"):
            b = QToolButton()
            b.setDefaultAction(actions[key])
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setObjectName(f"{key}Button")
            row.addWidget(b)
        row.addStretch(1)
        form.addRow(row)
        settings = self.model.settings
        speed = field_number(Settings, "speed")
        self.speed = LogSlider(speed.lo, speed.hi, settings.speed, decimals=0, suffix=" /s")
        self.speed.setObjectName("speedSlider")
        self.speed.setToolTip("Steps per second while running.")
        bind_number(settings, "speed", self.speed)
        form.addRow("Speed", self.speed)
        self.max_steps = QSpinBox()
        self.max_steps.setObjectName("maxStepsSpin")
        self.max_steps.setKeyboardTracking(False)
        self.max_steps.setToolTip("Every run stops after this many steps.")
        bind_number(settings, "max_steps", self.max_steps)
        form.addRow("Max steps", self.max_steps)
        tol = field_number(Settings, "tol")
        self.tol = LogSlider(max(tol.lo, TOL_FLOOR), tol.hi, settings.tol, decimals=10)
        self.tol.setObjectName("tolSlider")
        self.tol.setToolTip("A run has converged when |∇L| falls below this.")
        bind_number(settings, "tol", self.tol)
        form.addRow("Tolerance", self.tol)
        return box

    # --- model → widgets ------------------------------------------------------------------

    def sync_all(self) -> None:
        """Show every model value."""
        self._on_scene_changed()
        self._on_landscape_changed()
        self._on_runs_changed()
        self.schedule_box.sync()

    def _on_scene_changed(self, *_: object) -> None:
        sid = self.model.scene.id if self.model.scene else None
        with blocked(self.scene_combo):
            self.scene_combo.setCurrentIndex(max(0, self.scene_combo.findData(sid)))

    def _on_landscape_changed(self) -> None:
        combo = self.landscape_combo
        custom = combo.findData(CUSTOM)
        with blocked(combo):
            if self.model.landscape_name == CUSTOM:
                title = self.model.landscape.title
                if len(title) > CUSTOM_SHOWN:
                    title = title[: CUSTOM_SHOWN - 1] + "…"
                combo.setItemText(custom, f"Custom: {title}")
                combo.setItemData(custom, self.model.landscape.title, Qt.ItemDataRole.ToolTipRole)
            else:
                combo.setItemText(custom, CUSTOM_ENTRY)
                combo.setItemData(custom, None, Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(combo.findData(self.model.landscape_name))
        self.landscape_info.setText(self.model.landscape.description)
        self.log_check.setEnabled(self.model.landscape.dim == 2)
        self._show_log_height(self.model.view.log_height)

    def _show_log_height(self, value: bool | None) -> None:
        """Field → widget: View.log_height (None: the landscape's own default)."""
        with blocked(self.log_check):
            self.log_check.setChecked(
                self.model.landscape.log_height if value is None else bool(value)
            )

    def _on_runs_changed(self) -> None:
        current = self.run_list.currentRow()
        with blocked(self.run_list):
            self.run_list.clear()
            for cfg in self.model.runs:
                item = QListWidgetItem(color_icon(cfg.color), cfg.title)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if cfg.enabled else Qt.CheckState.Unchecked
                )
                self.run_list.addItem(item)
            count = len(self.model.runs)
            row = min(max(current, 0), count - 1) if count else -1
            self.run_list.setCurrentRow(row)
        self.editor.set_index(row if row >= 0 else None)
        self.add_button.setEnabled(count < MAX_RUNS)
        self.remove_button.setEnabled(count > 0)

    # --- widgets → model ------------------------------------------------------------------

    def _on_scene_picked(self, _row: int) -> None:
        sid = self.scene_combo.currentData()
        if sid is not None:
            self.model.load_scene(sid)

    def _on_landscape_picked(self, _row: int) -> None:
        name = self.landscape_combo.currentData()
        if name == CUSTOM:
            self.open_custom_dialog()
        else:
            self.model.set_landscape(name)

    def open_custom_dialog(self) -> CustomLandscapeDialog:
        """Open the formula dialog (with the current formula); the combo follows when it ends."""
        from ..custom_dialog import CustomLandscapeDialog  # loaded when first asked for

        dialog = CustomLandscapeDialog(self.model, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._on_landscape_changed())
        dialog.open()
        return dialog

    def _on_log_toggled(self, checked: bool) -> None:
        self.model.view.log_height = checked

    def _on_run_item_changed(self, item: QListWidgetItem) -> None:
        row = self.run_list.row(item)
        self.model.set_run_enabled(row, item.checkState() == Qt.CheckState.Checked)

    def _on_run_selected(self, row: int) -> None:
        self.editor.set_index(row if row >= 0 else None)

    def _add_run_slot(self, optimizer: str) -> Callable[[], None]:
        return lambda: self._on_add_run(optimizer)

    def _on_add_run(self, optimizer: str) -> None:
        self.model.add_run(optimizer)
        self.run_list.setCurrentRow(len(self.model.runs) - 1)

    def _on_remove_run(self) -> None:
        row = self.run_list.currentRow()
        if row >= 0:
            self.model.remove_run(row)
