"""View ▸ Go To: a keyboard route into every part of the window.

Ctrl+0 puts the keys in the landscape view; Ctrl+1 … Ctrl+4 in the Controls, Plots, Data and
Readouts docks (shown and brought to the front first if they were hidden or behind a tab);
F6 and Shift+F6 move to the next or previous part that is shown, the Sweep, Step by Step and
Tour docks included, as in most desktop applications.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow

# (action key, menu text, shortcut, the window's dock attribute; None: the landscape view)
PLACES = (
    ("focus_view", "&Landscape View", "Ctrl+0", None),
    ("focus_controls", "&Controls", "Ctrl+1", "controls_dock"),
    ("focus_plots", "&Plots", "Ctrl+2", "plots_dock"),
    ("focus_data", "&Data", "Ctrl+3", "data_dock"),
    ("focus_readouts", "&Readouts", "Ctrl+4", "readouts_dock"),
)
# Docks whose editor is built late (app/late_parts.py): asked for before the keys go in.
BUILT_LATE = {"plots_dock": "plots", "data_dock": "data_panel"}


def install_go_to(window: MainWindow, view_menu: QMenu) -> QMenu:
    """View ▸ Go To with its shortcuts; the actions join `window.actions_by_name`."""
    menu = view_menu.addMenu("&Go To")
    menu.setObjectName("goToMenu")
    for key, text, shortcut, attribute in PLACES:
        where = "the landscape view" if attribute is None else f"the {text[1:]} panel"
        tip = f"Put the keyboard in {where} ({shortcut})"
        menu.addAction(_action(window, key, text, shortcut, tip, partial(go_to, window, attribute)))
    menu.addSeparator()
    for key, text, shortcut, step in (
        ("focus_next", "&Next Panel", "F6", 1),
        ("focus_previous", "Pre&vious Panel", "Shift+F6", -1),
    ):
        tip = f"Move the keyboard to the {text.replace('&', '').lower()} ({shortcut})"
        menu.addAction(_action(window, key, text, shortcut, tip, partial(cycle, window, step)))
    return menu


def _action(
    window: MainWindow, key: str, text: str, shortcut: str, tip: str, slot: Callable[[], None]
) -> QAction:
    action = QAction(text, window)
    action.setObjectName(f"action_{key}")
    action.setShortcut(QKeySequence(shortcut))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    window.actions_by_name[key] = action
    return action


def go_to(window: MainWindow, attribute: str | None) -> None:
    """Keys to the landscape view (None) or to the window's dock of that name, shown first."""
    if attribute is None:
        window.focus_view()
        return
    if attribute in BUILT_LATE:
        getattr(window, BUILT_LATE[attribute])  # the editor, not its placeholder
    enter(window, getattr(window, attribute))


def enter(window: MainWindow, dock: QDockWidget) -> None:
    """Show `dock` if hidden, bring it in front of its tabs, and put the keys in it."""
    if not dock.isVisible():
        dock.show()
    dock.raise_()  # in front of the docks it shares a tab bar with
    focus_inside(dock)
    window.statusBar().showMessage(f"{dock.windowTitle()}: Tab moves on, F6 to the next panel")


def parts(window: MainWindow) -> list[QWidget]:
    """The parts F6 visits, in order: the landscape view, then each dock that is shown."""
    view = window.stack.currentWidget()
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible() and d.parent() is window]
    order = {id(getattr(window, a)): i for i, (*_, a) in enumerate(PLACES) if a is not None}
    docks.sort(key=lambda d: order.get(id(d), len(order)))
    return ([view] if view is not None else []) + list(docks)


def cycle(window: MainWindow, step: int) -> None:
    """F6 / Shift+F6: the keys to the next or previous part after the one holding them."""
    visited = parts(window)
    if not visited:
        return
    focus = window.focusWidget()
    current = next(
        (i for i, part in enumerate(visited) if focus is not None and contains(part, focus)), -1
    )
    target = visited[(current + step) % len(visited)]
    if isinstance(target, QDockWidget):
        enter(window, target)
    else:
        window.focus_view()


def contains(part: QWidget, widget: QWidget) -> bool:
    """True if `widget` is `part` or inside it."""
    return part is widget or part.isAncestorOf(widget)


def focus_inside(dock: QDockWidget) -> None:
    """The keys to the dock's first widget in Tab order that takes them (else to the dock)."""
    inner = dock.widget()
    child: QWidget | None = inner
    while child is not None:
        if (
            child.isVisibleTo(dock)
            and child.isEnabled()
            and child.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            child.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        child = child.nextInFocusChain()
        if child is inner or child is None or not dock.isAncestorOf(child):
            break
    (inner or dock).setFocus(Qt.FocusReason.ShortcutFocusReason)
