"""RunEditor: the hyperparameters of one racer, generated from its optimizer's defaults."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from ...core.optimizers import OPTIMIZERS
from ...state import MAX_BATCH, RunSpec
from ...state.kinds import Number
from ...state.network import takes_batches
from ...state.runs import hyper_number
from ..bindings import field_number
from ..model import StudioModel
from ..widgets import FieldGuard, LogSlider, NumberField, blocked, name_fields, panel_combo
from .field_tips import hyper_tooltip

BOUND_FIELDS = ("hyper", "batch", "seed")  # the RunSpec fields the editor shows in place


class RunEditor(QWidget):
    """Optimizer, learning rate, its own hyperparameters and gradient mode of one racer."""

    def __init__(
        self, model: StudioModel, guard: FieldGuard | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.guard = guard if guard is not None else FieldGuard(self)
        self.index: int | None = None
        self._fields: dict[str, Any] = {}
        self._bound: RunSpec | None = None  # the racer whose hyper field the fields show
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 4, 0, 0)
        self.optimizer_combo = panel_combo("optimizerCombo")
        for name, cls in OPTIMIZERS.items():
            self.optimizer_combo.addItem(cls.title, name)
        self.optimizer_combo.setToolTip("The update rule, as in torch.optim.")
        self.optimizer_combo.currentIndexChanged.connect(self._on_optimizer_changed)
        self.error = QLabel()
        self.error.setObjectName("runEditorError")
        self.error.setStyleSheet("color: #D55E00;")
        self.error.setWordWrap(True)
        self.error.hide()
        self._shown: tuple[Any, ...] | None = None  # what the fields were built for
        model.landscapeChanged.connect(self._refresh_if_changed)

    def set_index(self, index: int | None) -> None:
        """Edit racer `index` (None: nothing)."""
        self.index = index
        self._refresh_if_changed()

    def _form_key(self) -> tuple[Any, ...] | None:
        """What the form's rows depend on: the racer's place and optimizer, the landscape's
        kind (the racer itself is the one bound)."""
        if self.index is None or self.index >= len(self.model.runs):
            return None
        cfg = self.model.runs[self.index]
        run = cfg.run
        hyper = tuple(run.optimizer.hyper) if run is not None else ()
        return (self.index, cfg.optimizer, hyper, takes_batches(self.model.landscape_name))

    def _refresh_if_changed(self) -> None:
        """Rebuild only when the rows would differ (another racer, optimizer or kind of
        landscape), so what the user is typing in a field survives an edit of the points."""
        key = self._form_key()
        bound = key is not None and self.model.runs[key[0]] is self._bound
        if key is None or key != self._shown or not bound:
            self.refresh()

    def refresh(self) -> None:
        """Rebuild the fields for the current racer's optimizer."""
        self._shown = self._form_key()
        keep = (self.optimizer_combo, self.error)
        while self.form.rowCount():
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                w = item.widget() if item is not None else None
                if w is not None and w not in keep:
                    w.hide()
                    w.setParent(None)
                    w.deleteLater()
        self._fields = {}
        self._unbind()
        self.error.hide()
        self.form.addRow("Optimizer", self.optimizer_combo)
        if self.index is None or self.index >= len(self.model.runs):
            self.setEnabled(False)
            return
        self.setEnabled(True)
        cfg = self.model.runs[self.index]
        run = cfg.run
        assert run is not None
        with blocked(self.optimizer_combo):
            self.optimizer_combo.setCurrentIndex(self.optimizer_combo.findData(cfg.optimizer))
        defaults = OPTIMIZERS[cfg.optimizer].defaults
        for name, value in run.optimizer.hyper.items():
            field = self._make_field(name, value, hyper_number(name, defaults[name]))
            tip = hyper_tooltip(cfg.optimizer, name)
            field.setToolTip(tip)
            for part in field.findChildren(QWidget):  # a pair's boxes, the slider's spin box
                part.setToolTip(tip)
            self._fields[name] = field
            self.form.addRow("Learning rate" if name == "lr" else name, field)
        if takes_batches(self.model.landscape_name):
            self._add_batch_fields(cfg.batch, cfg.seed)
        self.form.addRow(self.error)
        for name in BOUND_FIELDS:
            cfg.connect(name, self._show_field)
        self._bound = cfg
        self.guard.guard(self)
        name_fields(self)

    def _unbind(self) -> None:
        """Stop showing the previous racer's fields."""
        if self._bound is not None:
            for name in BOUND_FIELDS:
                self._bound.disconnect(name, self._show_field)
            self._bound = None

    def _show_field(self, _value: Any) -> None:
        """Field → widgets: the bound racer's hyper, batch or seed changed (anyone set it)."""
        if self._bound is None:
            return
        self._show_hyper(self._bound.hyper)
        if "batch" in self._fields:
            self._show_batch(self._bound.batch, self._bound.seed)

    def _make_field(self, name: str, value: Any, kind: Number) -> QWidget:
        if name == "lr":
            # The slider spans 1e-5 .. kind.hi / 1000; its spin box reaches kind.hi.
            w = LogSlider(1e-5, kind.hi / 1000, float(value), decimals=10)
            w.setObjectName("lrSlider")
            w.valueChanged.connect(lambda v: self._apply("lr", v))
            return w
        if isinstance(value, bool):
            box = QCheckBox()
            box.setChecked(value)
            box.toggled.connect(lambda v, n=name: self._apply(n, v))
            return box
        if isinstance(value, tuple):
            holder = QWidget()
            lay = QHBoxLayout(holder)
            lay.setContentsMargins(0, 0, 0, 0)
            spins = []
            for v in value:
                s = _spin(float(v), kind.lo, kind.hi)
                lay.addWidget(s)
                spins.append(s)
            for s in spins:
                s.valueChanged.connect(
                    lambda _v, ss=spins, n=name: self._apply(n, tuple(x.value() for x in ss))
                )
            return holder
        s = _spin(float(value), kind.lo, kind.hi)
        s.valueChanged.connect(lambda v, n=name: self._apply(n, v))
        return s

    def _add_batch_fields(self, batch: int | None, seed: int) -> None:
        mode = panel_combo("batchCombo")
        mode.addItem("Batch (all points)", "full")
        mode.addItem("SGD (1 sample)", "sgd")
        mode.addItem("Mini-batch", "mini")
        size = QSpinBox()
        size.setRange(2, MAX_BATCH)  # 1 is SGD
        size.setValue(8)
        seed_box = QSpinBox()
        seed_kind = field_number(RunSpec, "seed")
        seed_box.setRange(int(seed_kind.lo), int(seed_kind.hi))
        seed_box.setToolTip("Seed of the shuffling: the same seed replays the same run.")
        mode.setToolTip("How many data points each gradient step uses.")
        size.setToolTip("Points in each mini-batch; the data are reshuffled every epoch.")
        for box in (size, seed_box):  # a value on Return: one edit (one restart), not per key
            box.setKeyboardTracking(False)

        def apply() -> None:
            kind = mode.currentData()
            size.setEnabled(kind == "mini")
            value = None if kind == "full" else (1 if kind == "sgd" else size.value())
            if self.index is not None:  # as in _apply: the editor shows a racer
                self.model.set_run_batch(self.index, value, seed_box.value())

        mode.currentIndexChanged.connect(apply)
        size.valueChanged.connect(apply)
        seed_box.valueChanged.connect(apply)
        self._fields.update(batch=mode, batch_size=size, seed=seed_box)
        self.form.addRow("Gradient", mode)
        self.form.addRow("Batch size", size)
        self.form.addRow("Seed", seed_box)
        self._show_batch(batch, seed)

    def _show_batch(self, batch: int | None, seed: int) -> None:
        """The gradient mode, batch size and seed of RunSpec.batch and .seed (no echo)."""
        mode, size, seed_box = (self._fields[k] for k in ("batch", "batch_size", "seed"))
        with blocked(mode, size, seed_box):
            mode.setCurrentIndex(0 if batch is None else (1 if batch == 1 else 2))
            if batch is not None and batch > 1:
                size.setValue(batch)
            size.setEnabled(batch is not None and batch > 1)
            seed_box.setValue(seed)

    def _apply(self, name: str, value: Any) -> None:
        if self.index is None:
            return
        try:
            self.model.set_run_hyper(self.index, name, value)
        except ValueError as e:
            self.error.setText(str(e))
            self.error.show()
            return
        self.error.hide()

    def _on_optimizer_changed(self) -> None:
        if self.index is not None:
            self.model.set_run_optimizer(self.index, self.optimizer_combo.currentData())
            self.refresh()

    def _show_hyper(self, hyper: dict[str, Any]) -> None:
        """Field → widgets: the racer's RunSpec.hyper (unset ones: the optimizer's defaults)."""
        if self._bound is None:
            return
        shown = {**OPTIMIZERS[self._bound.optimizer].defaults, **hyper}
        for name, value in shown.items():
            w = self._fields.get(name)
            if isinstance(w, LogSlider):
                if abs(w.value() - float(value)) > 1e-12:
                    w.set_value(float(value))  # set_value emits nothing
            elif isinstance(w, QCheckBox):
                with blocked(w):
                    w.setChecked(bool(value))
            elif isinstance(w, QDoubleSpinBox):
                if w.value() != float(value):
                    with blocked(w):
                        w.setValue(float(value))
            elif isinstance(w, QWidget) and isinstance(value, tuple):
                for spin, item in zip(w.findChildren(QDoubleSpinBox), value, strict=False):
                    if spin.value() != float(item):
                        with blocked(spin):
                            spin.setValue(float(item))


def _spin(value: float, lo: float, hi: float) -> NumberField:
    s = NumberField()
    s.setRange(lo, hi)
    s.setValue(value)
    return s
