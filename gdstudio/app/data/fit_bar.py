"""The fit's settings in the Data dock: the loss, Huber's δ, the class a click adds, x
normalization and restarting runs on edits (widgets built for the panel's bar)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from ..bindings import bind_flag, bind_number
from .table import class_icon

if TYPE_CHECKING:
    from .panel import DataPanel

LOSSES = (
    ("MSE", "mse", "Mean squared error: the classic least-squares line"),
    ("MAE", "mae", "Mean absolute error: robust to outliers, with a kinked surface"),
    ("Huber", "huber", "Huber: squared for small residuals (|r| ≤ δ), absolute beyond"),
    (
        "Logistic (BCE)",
        "bce",
        "Logistic regression σ(w·x + b) on classes 0/1 under binary cross-entropy",
    ),
)


def build_fit_widgets(panel: DataPanel) -> list[QWidget]:
    """The fit's controls, set on `panel` (loss_combo, delta_spin, class_buttons, …)."""
    loss_label = QLabel("Loss")
    panel.loss_combo = QComboBox()
    panel.loss_combo.setObjectName("lossCombo")
    panel.loss_combo.setToolTip("The loss the line is fitted under; the surface follows")
    for i, (title, key, tip) in enumerate(LOSSES):
        panel.loss_combo.addItem(title, key)
        panel.loss_combo.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
    loss_label.setToolTip(panel.loss_combo.toolTip())
    loss = QWidget()
    loss_row = QHBoxLayout(loss)
    loss_row.setContentsMargins(8, 0, 0, 0)
    loss_row.setSpacing(4)
    loss_row.addWidget(loss_label)
    loss_row.addWidget(panel.loss_combo)

    panel.delta_spin = QDoubleSpinBox()
    panel.delta_spin.setObjectName("huberDelta")
    panel.delta_spin.setPrefix("δ = ")
    panel.delta_spin.setDecimals(2)
    panel.delta_spin.setSingleStep(0.1)
    panel.delta_spin.setKeyboardTracking(False)
    panel.delta_spin.setToolTip("Huber δ: residuals up to δ count squared, larger ones linearly")
    bind_number(panel.model.settings, "huber_delta", panel.delta_spin)

    classes = QWidget()
    row = QHBoxLayout(classes)
    row.setContentsMargins(6, 0, 0, 0)
    row.setSpacing(2)
    row.addWidget(QLabel("Adds"))
    panel.class_group = QButtonGroup(panel)
    panel.class_buttons = {}
    for label in (1, 0):
        b = QToolButton()
        b.setObjectName(f"class{label}Button")
        b.setText(f"class {label}")
        b.setIcon(class_icon(label))
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        b.setCheckable(True)
        b.setToolTip(f"A click adds a class {label} point; Shift+click adds the other class")
        panel.class_group.addButton(b, label)
        panel.class_buttons[label] = b
        row.addWidget(b)
    panel.class_buttons[1].setChecked(True)
    classes.setToolTip("Class of the points a click adds (Shift+click: the other one)")
    panel.classes_row = classes

    panel.normalize_check = QCheckBox("Normalize x")
    panel.normalize_check.setObjectName("normalizeCheck")
    panel.normalize_check.setToolTip(
        "Fit on standardized x, (x − mean) / std: the surface becomes a round bowl instead "
        "of a long narrow valley. The equations shown stay in the data's own units."
    )
    bind_flag(panel.model.settings, "normalize_x", panel.normalize_check)
    panel.restart_check = QCheckBox("Restart on edit")
    panel.restart_check.setObjectName("restartCheck")
    panel.restart_check.setToolTip(
        "Send every run back to its start whenever the data "
        "changes, instead of letting it go on from where it is"
    )
    bind_flag(panel.model.settings, "restart_on_edit", panel.restart_check)
    return [loss, panel.delta_spin, classes, panel.normalize_check, panel.restart_check]
