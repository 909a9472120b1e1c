"""Widgets bound to declared state fields (napari's pattern).

The widget calls the field's setter; the field's event updates the widget under a signal
blocker, so whoever sets the field (a widget, a session, a script) every view shows it and
nothing echoes back. Ranges come from the field's declaration, never from a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QDoubleSpinBox, QSpinBox, QWidget

from ..state import Evented
from ..state.kinds import Number
from .widgets import LogSlider, blocked


def field_number(holder: Evented | type[Evented], name: str) -> Number:
    """The Number kind (bounds) of a numeric field."""
    kind = holder.fields[name].kind
    assert isinstance(kind, Number), f"{name} is not a number field"
    return kind


def clamp(kind: Number, value: float) -> float:
    """The value brought into the field's bounds (what a spin box or slider would allow)."""
    return min(max(value, kind.lo), kind.hi)


def connect_field(holder: Evented, name: str, widget: QWidget, show: Callable[[Any], None]) -> None:
    """Field → widget: show every new value of `name` with the widget's signals blocked."""

    def listener(value: Any) -> None:
        with blocked(widget):
            show(value)

    holder.connect(name, listener)
    widget.destroyed.connect(lambda *_: holder.disconnect(name, listener))


def bind_number(
    holder: Evented,
    name: str,
    widget: QSpinBox | QDoubleSpinBox | LogSlider,
    range_from_field: bool = True,
) -> None:
    """A spin box or log slider edits a number field; its range is the field's bounds."""
    kind = field_number(holder, name)
    if isinstance(widget, QAbstractSpinBox) and range_from_field:
        lo, hi = (int(kind.lo), int(kind.hi)) if kind.integer else (kind.lo, kind.hi)
        widget.setRange(lo, hi)  # type: ignore[arg-type]  # ints for a QSpinBox, floats otherwise

    def show(value: Any) -> None:
        if widget.value() == value:
            return  # the widget that made the change: leave what the user is typing alone
        if isinstance(widget, LogSlider):
            widget.set_value(float(value))
        else:
            widget.setValue(value)

    def edited(value: float) -> None:
        v = clamp(kind, value)
        setattr(holder, name, int(round(v)) if kind.integer else float(v))
        with blocked(widget):  # clamped, or unchanged after a clamp: show the field's value
            show(getattr(holder, name))

    with blocked(widget):
        show(getattr(holder, name))
    widget.valueChanged.connect(edited)
    connect_field(holder, name, widget, show)


def bind_flag(holder: Evented, name: str, check: QCheckBox) -> None:
    """A check box edits a true/false field."""
    with blocked(check):
        check.setChecked(bool(getattr(holder, name)))
    check.toggled.connect(lambda on: setattr(holder, name, bool(on)))
    connect_field(holder, name, check, lambda value: check.setChecked(bool(value)))
