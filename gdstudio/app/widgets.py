"""Small reusable widgets: readable number fields, a log-scale slider, field guards."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QValidator, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSlider,
    QWidget,
)

_SLIDER_STEPS = 1000
# QDoubleSpinBox rounds every value to its decimals: this many keep any double as it is.
EXACT_DECIMALS = 323
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_PARTIAL_NUMBER = re.compile(r"[+-]?(\d*\.?\d*)([eE][+-]?\d*)?")


@contextmanager
def blocked(*objects: QObject) -> Iterator[None]:
    """Block the signals of `objects` while the model updates them (no echo back)."""
    old = [o.blockSignals(True) for o in objects]
    try:
        yield
    finally:
        for o, was in zip(objects, old, strict=True):
            o.blockSignals(was)


def readable_number(value: float, digits: int = 6) -> str:
    """A number as a person writes it: 0.9, 0.001, 120, 1e-08 (`digits` significant)."""
    return f"{value:.{digits}g}"


class NumberField(QDoubleSpinBox):
    """A spin box that shows numbers in readable notation (0.001, 1e-08) and takes them typed
    that way; values are kept exactly (to `decimals` places), not rounded to six decimals."""

    def __init__(self, decimals: int = EXACT_DECIMALS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(decimals)
        # Its size hint fits 1.23457e-08; in a narrow panel it may shrink below that.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.setKeyboardTracking(False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Wide enough for six significant digits in either notation, and the arrows."""
        hint = super().sizeHint()
        text = f"{self.prefix()}1.23457e-08{self.suffix()}"
        width = self.fontMetrics().horizontalAdvance(text) + 32
        return QSize(max(hint.width(), width), hint.height())

    def _number_text(self, text: str) -> str:
        return text.removeprefix(self.prefix()).removesuffix(self.suffix()).strip()

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        """The value as readable_number writes it."""
        return readable_number(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        """The number typed, in plain or scientific notation."""
        number = self._number_text(text)
        return float(number) if _NUMBER.fullmatch(number) else self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        """Acceptable: a number in range; Intermediate: on the way to one ("1e-", "-")."""
        number = self._number_text(text)
        state = QValidator.State.Invalid
        if _NUMBER.fullmatch(number):
            in_range = self.minimum() <= float(number) <= self.maximum()
            state = QValidator.State.Acceptable if in_range else QValidator.State.Intermediate
        elif _PARTIAL_NUMBER.fullmatch(number):
            state = QValidator.State.Intermediate
        return state, text, pos


def panel_combo(name: str, letters: int = 8) -> QComboBox:
    """A combo box for a narrow panel: it may be narrower than its longest entry (down to
    `letters` characters); its popup still shows every entry in full."""
    combo = QComboBox()
    combo.setObjectName(name)
    # Before any entry is added: Qt keeps the first minimum size it works out.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(letters)
    return combo


def menu_named(window: QMainWindow, title: str) -> QMenu | None:
    """The menu of `window`'s menu bar titled `title` (mnemonic & ignored), None if none."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == title:
            return menu
    return None


def view_dock(
    window: QMainWindow, title: str, name: str, widget: QWidget, entry: str, tip: str
) -> QDockWidget:
    """A dock on the right, hidden until its View-menu entry (`entry`, with `tip`) shows it."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.setText(entry)
    toggle.setStatusTip(tip)
    view = menu_named(window, "View")
    if view is not None:
        view.addAction(toggle)
    return dock


def name_fields(root: QWidget) -> None:
    """Give every labelled field under `root` its label as accessible name (screen readers)."""
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is None:
            continue
        name = label.text().replace("&", "")
        parts = [buddy, *buddy.findChildren(QAbstractSpinBox), *buddy.findChildren(QAbstractSlider)]
        for i, part in enumerate(parts):  # a slider beside its spin box: both named
            if not part.accessibleName():
                part.setAccessibleName(name if i == 0 else f"{name} ({type(part).__name__})")


def reflow_forms(root: QWidget) -> None:
    """Forms in `root` put a label above its field when the two do not fit side by side."""
    for form in root.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)


class FieldGuard(QObject):
    """Settings fields in a scrolling panel: the wheel changes a field only once it has focus
    (it scrolls the panel otherwise), and Return in a spin box commits it and says so."""

    committed = Signal()
    """Return was pressed in a guarded spin box, and the box has taken the value."""

    GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)

    def guard(self, root: QWidget) -> None:
        """Guard `root` and every combo box, spin box and slider in it (again: no harm)."""
        for widget in (root, *root.findChildren(QWidget)):
            if isinstance(widget, self.GUARDED):
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
                widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if (
            kind == QEvent.Type.Wheel
            and isinstance(event, QWheelEvent)
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            _scroll_instead(watched, event)
            return True
        if (
            kind == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(watched, QAbstractSpinBox)
        ):
            QTimer.singleShot(0, self, self.committed.emit)  # once the box has taken the value
        return False


def _scroll_instead(widget: QWidget, event: QWheelEvent) -> None:
    """Give a wheel turn over `widget` to the scroll area around it (if any)."""
    area = widget.parentWidget()
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is None:
        event.ignore()
        return
    viewport = area.viewport()
    at = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
    passed = QWheelEvent(
        at,
        event.globalPosition(),
        event.pixelDelta(),
        event.angleDelta(),
        event.buttons(),
        event.modifiers(),
        event.phase(),
        event.inverted(),
        event.source(),
    )
    QApplication.sendEvent(viewport, passed)
    event.setAccepted(passed.isAccepted())


class LogSlider(QWidget):
    """A slider on a log10 scale beside a spin box holding the exact value."""

    valueChanged = Signal(float)

    def __init__(
        self,
        lo: float,
        hi: float,
        value: float,
        decimals: int = EXACT_DECIMALS,
        suffix: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._lo, self._hi = math.log10(lo), math.log10(hi)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, _SLIDER_STEPS)
        self.slider.setMinimumWidth(48)  # a handle with room to move, however narrow the panel
        self.spin = NumberField(decimals)
        self.spin.setRange(0.0, hi * 1000)
        self.spin.setSuffix(suffix)
        self.spin.setMinimumWidth(80)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.spin)
        self.slider.valueChanged.connect(self._on_slider_changed)
        self.spin.valueChanged.connect(self._on_spin_changed)
        self.set_value(value)

    def value(self) -> float:
        """The exact value (the spin box's)."""
        return self.spin.value()

    def set_value(self, value: float) -> None:
        """Show `value` without emitting valueChanged."""
        with blocked(self.slider, self.spin):
            self.spin.setValue(value)
            self.slider.setValue(self._to_slider(value))

    def _to_slider(self, value: float) -> int:
        if value <= 0:
            return 0
        t = (math.log10(value) - self._lo) / (self._hi - self._lo)
        return round(min(1.0, max(0.0, t)) * _SLIDER_STEPS)

    def _on_slider_changed(self, pos: int) -> None:
        value = 10 ** (self._lo + (self._hi - self._lo) * pos / _SLIDER_STEPS)
        digits = max(0, 2 - math.floor(math.log10(value)))  # three significant digits
        value = round(value, min(digits, self.spin.decimals()))
        with blocked(self.spin):
            self.spin.setValue(value)
        self.valueChanged.emit(self.spin.value())

    def _on_spin_changed(self, value: float) -> None:
        with blocked(self.slider):
            self.slider.setValue(self._to_slider(value))
        self.valueChanged.emit(value)
