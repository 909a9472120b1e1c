"""ControlsPanel: scene, landscape, racers, schedule, clipping and playback settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
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
from ...core.optimizers import OPTIMIZERS
from ...core.schedules import SCHEDULES
from ...io.scenes import load_scenes
from ...state import MAX_RUNS, Settings, schedule_param_kind
from ..bindings import bind_number, connect_field, field_number
from ..model import StudioModel
from ..widgets import (
    EXACT_DECIMALS,
    FieldGuard,
    LogSlider,
    NumberField,
    blocked,
    panel_combo,
    reflow_forms,
)
from .field_tips import schedule_tooltip
from .run_editor import RunEditor

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
        lay.addWidget(self._build_schedule_box())
        lay.addWidget(self._build_playback_box(actions))
        lay.addStretch(1)
        self.setWidget(body)
        model.sceneChanged.connect(self._on_scene_changed)
        model.landscapeChanged.connect(self._on_landscape_changed)
        model.runsChanged.connect(self._on_runs_changed)
        self.sync_all()
        self.fields.guard(body)
        reflow_forms(body)

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
        self.landscape_combo.activated.connect(self._on_landscape_picked)
        form.addRow("Landscape", self.landscape_combo)
        self.landscape_info = QLabel()
        self.landscape_info.setWordWrap(True)
        self.landscape_info.setStyleSheet("color: palette(mid);")
        form.addRow(self.landscape_info)
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

    def _build_schedule_box(self) -> QGroupBox:
        box = QGroupBox("Schedule and clipping")
        self.schedule_form = QFormLayout(box)
        self.schedule_combo = panel_combo("scheduleCombo")
        for name, cls in SCHEDULES.items():
            self.schedule_combo.addItem(cls.title, name)
        self.schedule_combo.activated.connect(self._on_schedule_picked)
        self.schedule_form.addRow("Schedule", self.schedule_combo)
        self.schedule_fields = QWidget()
        self.schedule_fields_form = QFormLayout(self.schedule_fields)
        self.schedule_fields_form.setContentsMargins(0, 0, 0, 0)
        self.schedule_form.addRow(self.schedule_fields)
        self._shown_schedule: str | None = None
        connect_field(self.model.settings, "schedule", self.schedule_combo, self._show_schedule)
        self.schedule_error = QLabel()
        self.schedule_error.setStyleSheet("color: #D55E00;")
        self.schedule_error.setWordWrap(True)
        self.schedule_error.hide()
        self.schedule_form.addRow(self.schedule_error)
        clip_row = QHBoxLayout()
        self.clip_check = QCheckBox("Clip |∇L| at")
        self.clip_check.setObjectName("clipCheck")
        self.clip_spin = NumberField()
        self.clip_spin.setObjectName("clipSpin")
        clip = field_number(Settings, "clip_norm")
        self.clip_spin.setRange(clip.lo, clip.hi)
        self.clip_spin.setValue(1.0)
        self.clip_check.toggled.connect(self._on_clip_changed)
        self.clip_spin.valueChanged.connect(self._on_clip_changed)
        connect_field(self.model.settings, "clip_norm", self.clip_spin, self._show_clip)
        self.clip_check.setToolTip("Rescale ∇L to at most this length (clip_grad_norm_).")
        self.clip_spin.setToolTip(
            "The largest |∇L| a step may use: a longer gradient is scaled down to it\n"
            "(torch.nn.utils.clip_grad_norm_'s max_norm; it has no default)."
        )
        clip_row.addWidget(self.clip_check)
        clip_row.addWidget(self.clip_spin)
        self.schedule_form.addRow(clip_row)
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
        self._show_clip(self.model.clip_norm)
        self._on_scene_changed()
        self._on_landscape_changed()
        self._on_runs_changed()
        self._show_schedule(self.model.settings.schedule)

    def _on_scene_changed(self, *_: object) -> None:
        sid = self.model.scene.id if self.model.scene else None
        with blocked(self.scene_combo):
            self.scene_combo.setCurrentIndex(max(0, self.scene_combo.findData(sid)))

    def _on_landscape_changed(self) -> None:
        with blocked(self.landscape_combo):
            self.landscape_combo.setCurrentIndex(
                self.landscape_combo.findData(self.model.landscape_name)
            )
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

    def _show_schedule(self, value: tuple[str, dict[str, Any]]) -> None:
        """Field → widgets: Settings.schedule in the combo and its parameters' spin boxes."""
        name, params = value
        with blocked(self.schedule_combo):
            self.schedule_combo.setCurrentIndex(self.schedule_combo.findData(name))
        self.schedule_error.hide()
        self._rebuild_schedule_fields(name, params)

    def _show_clip(self, value: float | None) -> None:
        """Field → widgets: the clip check box and spin box show clip_norm (None: off)."""
        with blocked(self.clip_check, self.clip_spin):
            self.clip_check.setChecked(value is not None)
            if value is not None:
                self.clip_spin.setValue(value)
            self.clip_spin.setEnabled(value is not None)

    def _rebuild_schedule_fields(self, schedule: str, given: dict[str, Any]) -> None:
        form = self.schedule_fields_form
        cls = SCHEDULES[schedule]
        params = {**cls.defaults, **given}
        if self._shown_schedule == schedule:
            for spin in self._schedule_spins():
                value = params.get(spin.objectName().removeprefix("schedule_"))
                with blocked(spin):
                    spin.setValue(float(value) if value is not None else 0.0)
            return
        self._shown_schedule = schedule
        while form.rowCount():
            row = form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
        for name in (*cls.required, *cls.defaults):
            value = params.get(name)
            kind = schedule_param_kind(name)
            spin = NumberField(0 if kind.integer else EXACT_DECIMALS)
            spin.setObjectName(f"schedule_{name}")
            spin.setRange(kind.lo, kind.hi)
            spin.setToolTip(schedule_tooltip(schedule, name))
            spin.setValue(float(value) if value is not None else 0.0)
            spin.valueChanged.connect(self._on_schedule_param_changed)
            form.addRow(name, spin)
            self.fields.guard(spin)

    # --- widgets → model ------------------------------------------------------------------

    def _on_scene_picked(self, _row: int) -> None:
        sid = self.scene_combo.currentData()
        if sid is not None:
            self.model.load_scene(sid)

    def _on_landscape_picked(self, _row: int) -> None:
        self.model.set_landscape(self.landscape_combo.currentData())

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

    def _on_schedule_picked(self, _row: int) -> None:
        name = self.schedule_combo.currentData()
        cls = SCHEDULES[name]
        params: dict[str, Any] = dict(cls.defaults)
        for req in cls.required:  # sensible starting values for required parameters
            params[req] = {"step_size": 100, "gamma": 0.99, "T_max": 1000, "warmup_steps": 100}.get(
                req, 1.0
            )
        self._set_schedule(name, params)

    def _on_schedule_param_changed(self) -> None:
        params: dict[str, Any] = {}
        for spin in self._schedule_spins():
            name = spin.objectName().removeprefix("schedule_")
            params[name] = int(spin.value()) if spin.decimals() == 0 else spin.value()
        self._set_schedule(self.model.settings.schedule[0], params)

    def _schedule_spins(self) -> list[QDoubleSpinBox]:
        """The schedule parameters' spin boxes, in form order."""
        form = self.schedule_fields_form
        items = (form.itemAt(r, QFormLayout.ItemRole.FieldRole) for r in range(form.rowCount()))
        widgets = (item.widget() for item in items if item is not None)
        return [w for w in widgets if isinstance(w, QDoubleSpinBox)]

    def _set_schedule(self, name: str, params: dict[str, Any]) -> None:
        try:
            self.model.settings.schedule = (name, params)
        except ValueError as e:
            self.schedule_error.setText(str(e))
            self.schedule_error.show()
            return
        self.schedule_error.hide()

    def _on_clip_changed(self, *_: object) -> None:
        self.model.set_clip_norm(self.clip_spin.value() if self.clip_check.isChecked() else None)
