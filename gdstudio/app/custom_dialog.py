"""The "Custom formula…" dialog: type f(w, b), see the surface follow, keep it or go back.

Each keystroke is checked at once (the parser's message, with a caret under the character it
points at); a valid formula reaches the model after a short pause (DEBOUNCE_MS), so the
window's views redraw as the user types. Cancel puts back the landscape that was there before.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.expression import ExpressionError, parse
from ..core.expression_landscape import CUSTOM, DEFAULT_BOUNDS, expression_landscape
from .model import StudioModel

DEBOUNCE_MS = 300
BOUND_LIMIT = 1e5  # the largest |bound| the fields take
PLACEHOLDER = "e.g. (1 - w)^2 + 100*(b - w^2)^2"
# Examples the user can click: (button, formula, bounds per parameter).
EXAMPLES: tuple[tuple[str, str, tuple[tuple[float, float], ...]], ...] = (
    ("Rosenbrock", "(1 - w)^2 + 100*(b - w^2)^2", ((-2.0, 2.0), (-1.0, 3.0))),
    ("Egg carton", "sin(3*w)*cos(3*b) + 0.1*(w^2 + b^2)", ((-3.0, 3.0), (-3.0, 3.0))),
    ("Himmelblau", "(w^2 + b - 11)^2 + (w + b^2 - 7)^2", ((-5.0, 5.0), (-5.0, 5.0))),
    ("Double well f(w)", "w^4 - 3*w^2 + w", ((-2.5, 2.5),)),
)
HELP = (
    "Use w and b (or x and y); + − * / and ^; sin cos tan exp log sqrt abs tanh sinh cosh "
    "arctan, min(a, b), max(a, b); pi and e. One variable gives a curve."
)


def caret_text(text: str, error: ExpressionError) -> str:
    """The error's message, then (when it points at a character) the formula with a caret."""
    if error.column is None:
        return str(error)
    return f"{error}\n{text}\n{' ' * error.column}^"


class CustomLandscapeDialog(QDialog):
    """Type a formula and its view bounds; the model's landscape follows while it is valid."""

    def __init__(self, model: StudioModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customLandscapeDialog")
        self.setWindowTitle("Custom landscape")
        self.model = model
        state = model.state
        self._before = (
            model.landscape_name,
            state.expression,
            state.bounds,
            model.start.copy(),
        )
        self._applied = False
        self._valid: tuple[str, tuple[tuple[float, float], ...]] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._apply)

        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.formula_edit = QLineEdit(state.expression or "")
        self.formula_edit.setObjectName("formulaEdit")
        self.formula_edit.setPlaceholderText(PLACEHOLDER)
        self.formula_edit.setMinimumWidth(420)
        self.formula_edit.textEdited.connect(self._on_edited)
        form.addRow("f(w, b) =", self.formula_edit)
        self.formula_error = QLabel()
        self.formula_error.setObjectName("formulaError")
        self.formula_error.setTextFormat(Qt.TextFormat.PlainText)
        self.formula_error.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.formula_error.setStyleSheet("color: #C0392B;")
        lines = self.formula_error.fontMetrics().lineSpacing()
        self.formula_error.setMinimumHeight(3 * lines + 4)  # message, formula, caret: no jump
        self.formula_error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.addRow(self.formula_error)
        hint = QLabel(HELP)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        form.addRow(hint)
        bounds = state.bounds or ()  # the bounds of the formula shown
        self.bound_spins: list[tuple[QDoubleSpinBox, QDoubleSpinBox]] = []
        for i, name in enumerate(("w", "b")):
            lo, hi = bounds[i] if i < len(bounds) else DEFAULT_BOUNDS
            row = QHBoxLayout()
            pair = (self._bound_spin(f"{name}LowSpin", lo), self._bound_spin(f"{name}HighSpin", hi))
            row.addWidget(pair[0])
            row.addWidget(QLabel("to"))
            row.addWidget(pair[1])
            form.addRow(f"{name} from", row)
            self.bound_spins.append(pair)
        lay.addLayout(form)
        lay.addWidget(self._examples())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._check()

    def _bound_spin(self, name: str, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setRange(-BOUND_LIMIT, BOUND_LIMIT)
        spin.setDecimals(3)
        spin.setValue(value)
        spin.valueChanged.connect(self._on_edited)
        return spin

    def _examples(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Examples:"))
        for title, text, bounds in EXAMPLES:
            button = QPushButton(title)
            button.setObjectName(f"example{title.split()[0]}")
            button.setToolTip(text)
            button.clicked.connect(lambda _=False, t=text, b=bounds: self.use_example(t, b))
            row.addWidget(button)
        row.addStretch(1)
        return box

    @property
    def ok_button(self) -> QPushButton:
        """The OK button (disabled while the formula or its bounds are refused)."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def use_example(self, text: str, bounds: tuple[tuple[float, float], ...]) -> None:
        """Put an example's formula and bounds in the fields (the surface follows)."""
        for (lo_spin, hi_spin), (lo, hi) in zip(self.bound_spins, bounds, strict=False):
            for spin, value in ((lo_spin, lo), (hi_spin, hi)):
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)
        self.formula_edit.setText(text)
        self._on_edited()

    # --- checking and applying -------------------------------------------------------------

    def _on_edited(self, *_: object) -> None:
        if self._check():
            self._timer.start()
        else:
            self._timer.stop()

    def _check(self) -> bool:
        """Check the fields now: show the parser's message (with a caret) or clear it."""
        text = self.formula_edit.text()
        self._valid = None
        try:
            dim = parse(text).dim
            for lo_spin, hi_spin in self.bound_spins[1:]:
                lo_spin.setEnabled(dim == 2)
                hi_spin.setEnabled(dim == 2)
            bounds = tuple((lo.value(), hi.value()) for lo, hi in self.bound_spins[:dim])
            expression_landscape(text, bounds)
        except ExpressionError as e:
            self.formula_error.setText(caret_text(text, e))
        else:
            self.formula_error.setText("")
            self._valid = (text, bounds)
        self.ok_button.setEnabled(self._valid is not None)
        return self._valid is not None

    def _apply(self) -> None:
        """The valid formula becomes the model's landscape (the views redraw)."""
        if self._valid is not None:
            self.model.set_custom_landscape(*self._valid)
            self._applied = True

    def accept(self) -> None:
        """Keep the formula (applied now if the pause has not passed yet)."""
        if self._valid is None:
            return
        self._timer.stop()
        self._apply()
        super().accept()

    def reject(self) -> None:
        """Put back the landscape (and start) that was there before the dialog opened."""
        self._timer.stop()
        if self._applied:
            name, text, bounds, start = self._before
            if name == CUSTOM and text is not None:
                self.model.set_custom_landscape(text, bounds)
            else:
                self.model.set_landscape(name)
                self.model.state.set(expression=text, bounds=bounds)  # the formula kept before
            if start.shape == (self.model.landscape.dim,) and not np.array_equal(
                start, self.model.start
            ):
                self.model.set_start(start)
        super().reject()
