"""Keyboard-only use (issue 13): every part of the window is reachable from the keyboard,
with View ▸ Go To's Ctrl+0 … Ctrl+4, and F6 / Shift+F6 from one panel to the next."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget


def active(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> QWidget:
    """A key pressed where the keyboard is; the widget that holds it afterwards."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    qtbot.keyClick(target, key, modifier)
    focus = QApplication.focusWidget()
    assert focus is not None
    return focus


def inside(dock, widget) -> bool:
    return dock is widget or dock.isAncestorOf(widget)


@pytest.mark.parametrize(
    ("key", "dock"),
    [
        (Qt.Key.Key_1, "controls_dock"),
        (Qt.Key.Key_2, "plots_dock"),
        (Qt.Key.Key_3, "data_dock"),
        (Qt.Key.Key_4, "readouts_dock"),
    ],
)
def test_ctrl_and_a_digit_puts_the_keys_in_that_dock_and_ctrl_0_back_in_the_view(
    qtbot, studio_window, key, dock
):
    window = active(qtbot, studio_window("line-fit"))  # a fit to data: every dock has controls
    window.focus_view()
    target = getattr(window, dock)
    focus = press(qtbot, key, Qt.KeyboardModifier.ControlModifier)
    assert target.isVisible() and inside(target, focus), focus
    assert focus.focusPolicy() & Qt.FocusPolicy.TabFocus  # a control, not a bare container
    assert target.windowTitle() in window.statusBar().currentMessage()
    focus = press(qtbot, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert focus is window.stack.currentWidget() or window.stack.currentWidget().isAncestorOf(focus)


def test_a_hidden_dock_is_shown_when_the_keys_go_to_it(qtbot, studio_window, user):
    window = active(qtbot, studio_window("race"))  # no data: the Data dock is hidden
    assert not window.data_dock.isVisible()
    user.menu_bar(window, "View", "Readouts")  # the user closes the Readouts too
    assert not window.readouts_dock.isVisible()
    window.focus_view()
    focus = press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.readouts_dock.isVisible() and inside(window.readouts_dock, focus)
    focus = press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.data_dock.isVisible() and inside(window.data_dock, focus)


def test_f6_visits_the_view_and_every_shown_dock_in_turn_and_shift_f6_goes_back(
    qtbot, studio_window
):
    window = active(qtbot, studio_window("line-fit"))
    window.focus_view()
    order = [
        window.controls_dock,
        window.plots_dock,
        window.data_dock,
        window.readouts_dock,
    ]
    assert all(d.isVisible() for d in order)
    for dock in order:
        assert inside(dock, press(qtbot, Qt.Key.Key_F6)), dock.windowTitle()
    view = window.stack.currentWidget()
    focus = press(qtbot, Qt.Key.Key_F6)  # round again to the landscape view
    assert focus is view or view.isAncestorOf(focus)
    for dock in reversed(order):
        assert inside(dock, press(qtbot, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier))


def test_go_to_is_in_the_view_menu_with_its_shortcuts(qtbot, studio_window):
    window = active(qtbot, studio_window("race"))
    window.focus_view()
    bar = window.menuBar()
    view_title = next(a for a in bar.actions() if a.text() == "&View")
    qtbot.mouseMove(bar, bar.actionGeometry(view_title).center())
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(view_title).center())
    view = view_title.menu()
    qtbot.waitUntil(view.isVisible)
    go_to = next(a for a in view.actions() if a.text() == "&Go To")
    qtbot.mouseMove(view, view.actionGeometry(go_to).center())  # hovering opens the submenu
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.actionGeometry(go_to).center())
    menu = go_to.menu()
    qtbot.waitUntil(menu.isVisible)
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in menu.actions()}
    assert shortcuts == {
        "Landscape View": "Ctrl+0",
        "Controls": "Ctrl+1",
        "Plots": "Ctrl+2",
        "Data": "Ctrl+3",
        "Readouts": "Ctrl+4",
        "": "",
        "Next Panel": "F6",
        "Previous Panel": "Shift+F6",
    }
    entry = next(a for a in menu.actions() if a.text() == "&Controls")
    pos = menu.actionGeometry(entry).center()
    qtbot.mouseMove(menu, pos)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: not view.isVisible())
    qtbot.waitUntil(lambda: inside(window.controls_dock, QApplication.focusWidget()))
