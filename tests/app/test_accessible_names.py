"""Every control a keyboard reaches has a name a screen reader says (issue 13): the window
with every dock open, read through Qt's accessibility interface, as assistive tools read it."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QWidget,
)

CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QAbstractSlider)


def unnamed(window) -> list[str]:
    """The Tab-reachable controls shown in `window` whose accessible name is empty."""
    missing = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, (*CONTROLS, QAbstractItemView)):
            continue
        if not widget.isVisibleTo(window) or not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget.parent(), QAbstractSpinBox):
            continue  # a spin box's own line edit: the reader names the spin box
        face = QAccessible.queryAccessibleInterface(widget)
        if face is None or not face.text(QAccessible.Text.Name).strip():
            missing.append(f"{type(widget).__name__} {widget.objectName() or widget.toolTip()}")
    return missing


def test_every_control_of_every_dock_has_a_name(qtbot, studio_window, user):
    window = studio_window("line-fit")  # a data lesson: the Data dock is open too
    window.data_panel  # noqa: B018 - the editor, not its placeholder
    user.menu_bar(window, "View", "Sweep")
    user.menu_bar(window, "View", "Step by Step")
    qtbot.waitUntil(lambda: window.findChild(QWidget, "sweepPanel").isVisible())
    assert not unnamed(window), unnamed(window)
    assert len([w for w in window.findChildren(QWidget) if isinstance(w, CONTROLS)]) > 40
