"""ScheduleBox: the learning-rate schedule with its parameters, and gradient clipping."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from ...core.schedules import SCHEDULES
from ...state import Settings, schedule_param_kind
from ..bindings import connect_field, field_number
from ..model import StudioModel
from ..widgets import EXACT_DECIMALS, FieldGuard, NumberField, blocked, panel_combo
from .field_tips import schedule_tooltip


class ScheduleBox(QGroupBox):
    """Settings.schedule (a schedule and its parameters) and Settings.clip_norm, edited in place."""

    def __init__(
        self, model: StudioModel, fields: FieldGuard, parent: QWidget | None = None
    ) -> None:
        super().__init__("Schedule and clipping", parent)
        self.model = model
        self.fields = fields
        self.schedule_form = QFormLayout(self)
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

    def sync(self) -> None:
        """Show the model's schedule and clipping."""
        self._show_clip(self.model.clip_norm)
        self._show_schedule(self.model.settings.schedule)

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
