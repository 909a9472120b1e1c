"""The window's actions, menus and shortcuts: what each key and menu item does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QStyle, QWidget

from .. import version
from ..io.scenes import load_scenes
from .dock_focus import install_go_to

if TYPE_CHECKING:
    from .main_window import MainWindow

# What an action's shortcut may be given as: text, a sequence, a standard key or one key.
Shortcut = str | QKeySequence | QKeySequence.StandardKey | Qt.Key

SHORTCUTS = (
    ("Space", "Run / pause"),
    ("→", "One step"),
    ("R", "Reset to the start"),
    ("T", "Toggle 3D / contour view"),
    ("Home", "Reset the camera"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo a data edit"),
    ("Delete", "Remove the selected data points"),
    ("Ctrl+E", "Export a picture, animation or data"),
    ("Ctrl+N / Ctrl+O / Ctrl+S", "New, open, save a session"),
    ("Ctrl+0 / Ctrl+1 … Ctrl+4", "Keys to the view / Controls, Plots, Data, Readouts"),
    ("F6 / Shift+F6", "Keys to the next / previous panel"),
    ("Ctrl+Q", "Quit"),
    ("Mouse", "3D: drag rotates, wheel zooms, middle- or Shift-drag pans, click drops a start"),
)


class LocalKeys(QObject):
    """Event filter: navigation keys pressed in a view stay there, not window shortcuts."""

    KEYS = frozenset(
        {
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
            Qt.Key.Key_Space,
            Qt.Key.Key_Home,
            Qt.Key.Key_End,
        }
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in self.KEYS
        ):
            event.accept()
        return False


def add_action(
    window: MainWindow,
    key: str,
    text: str,
    shortcut: Shortcut | None,
    slot: Callable[[], object],
    tip: str = "",
    icon: QStyle.StandardPixmap | None = None,
) -> QAction:
    """A window action named `action_<key>`, registered in `window.actions_by_name`."""
    a = QAction(text, window)
    a.setObjectName(f"action_{key}")
    if shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    if tip:
        a.setToolTip(tip)
        a.setStatusTip(tip)
    if icon is not None:
        a.setIcon(window.style().standardIcon(icon))
    a.triggered.connect(slot)
    window.addAction(a)
    window.actions_by_name[key] = a
    return a


def build_actions(window: MainWindow) -> None:
    """The run, view, layout and help actions with their shortcuts (before the views exist)."""
    sp = QStyle.StandardPixmap
    add_action(
        window,
        "play",
        "Run",
        Qt.Key.Key_Space,
        window.stepper.toggle,
        "Run or pause the race (Space)",
        sp.SP_MediaPlay,
    )
    add_action(
        window,
        "step",
        "Step",
        Qt.Key.Key_Right,
        window.stepper.step_once,
        "Take one step (→)",
        sp.SP_MediaSkipForward,
    )
    add_action(
        window,
        "reset",
        "Reset",
        Qt.Key.Key_R,
        lambda: _reset(window),
        "Send every run back to the start (R)",
        sp.SP_MediaSkipBackward,
    )
    add_action(
        window,
        "toggle_view",
        "3D / Contour",
        Qt.Key.Key_T,
        lambda: _toggle_view(window),
        "Switch between the 3D surface and the top-down contour view (T)",
    )
    add_action(
        window,
        "reset_camera",
        "Reset Camera",
        Qt.Key.Key_Home,
        lambda: window.view3d.reset_camera(),
        "Frame the runs' start and the minimum again (Home)",
    )
    add_action(
        window,
        "reset_layout",
        "Reset Layout",
        None,
        window.reset_layout,
        "Put every dock back where it started",
    )
    add_action(
        window,
        "quit",
        "Quit",
        QKeySequence.StandardKey.Quit,
        window.close,
        "Quit Gradient Descent Studio",
    )
    add_action(window, "about", "About Gradient Descent Studio", None, lambda: show_about(window))
    add_action(
        window,
        "shortcuts",
        "Keyboard Shortcuts",
        QKeySequence.StandardKey.HelpContents,
        lambda: show_shortcuts(window),
    )
    for key in ("play", "step", "reset", "toggle_view", "reset_camera"):
        window.actions_by_name[key].setShortcutContext(Qt.ShortcutContext.WindowShortcut)


def build_menus(window: MainWindow) -> tuple[QMenu, QMenu]:
    """File, Edit, View, Run and Help menus (undo and redo join the actions); File and Edit."""
    a = window.actions_by_name
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a["quit"])
    edit_menu = bar.addMenu("&Edit")
    undo = window.model.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = window.model.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts(redo_shortcuts())
    edit_menu.addAction(undo)
    edit_menu.addAction(redo)
    a.update(undo=undo, redo=redo)
    view = bar.addMenu("&View")
    for dock in window.docks():
        view.addAction(dock.toggleViewAction())
    install_go_to(window, view)  # Ctrl+0 … Ctrl+4, F6: the keys to each part of the window
    view.addSeparator()
    view.addAction(a["toggle_view"])
    view.addAction(a["reset_camera"])
    view.addAction(a["reset_layout"])
    run = bar.addMenu("&Run")
    for key in ("play", "step", "reset"):
        run.addAction(a[key])
    lessons = bar.addMenu("&Lessons")
    lessons.setObjectName("lessonsMenu")
    for scene in load_scenes().values():
        lessons.addAction(lesson_action(window, scene.id, f"&{scene.order}. {scene.title}"))
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a["shortcuts"])
    help_menu.addAction(a["about"])
    return file_menu, edit_menu


def lesson_action(window: MainWindow, scene_id: str, text: str) -> QAction:
    """Lessons ▸ N. Title: open that lesson (`action_lesson_<id>`)."""
    a = QAction(text, window)
    a.setObjectName(f"action_lesson_{scene_id}")
    a.setStatusTip("Open this lesson: its landscape, racers, data and caption")
    a.triggered.connect(lambda: window.model.load_scene(scene_id))
    window.actions_by_name[f"lesson_{scene_id}"] = a
    return a


def _reset(window: MainWindow) -> None:
    window.stepper.pause()
    window.model.reset()


def _toggle_view(window: MainWindow) -> None:
    model = window.model
    model.set_view_mode("contour" if model.view_mode == "3d" else "3d")


def show_about(parent: QWidget) -> None:
    """Help ▸ About: the version and what the studio is."""
    QMessageBox.about(
        parent,
        "About Gradient Descent Studio",
        f"<h3>Gradient Descent Studio {version()}</h3>"
        "<p>Watch gradient descent work: loss landscapes in 3D, optimizers racing across "
        "them, loss curves growing live.</p><p>Update rules follow PyTorch's "
        "<code>torch.optim</code>, computed in float64.</p>",
    )


def show_shortcuts(parent: QWidget) -> None:
    """Help ▸ Keyboard Shortcuts: every key and what it does."""
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
    QMessageBox.information(parent, "Keyboard Shortcuts", f"<table>{rows}</table>")


def redo_shortcuts() -> list[QKeySequence]:
    """Ctrl+Shift+Z, plus the platform's own redo keys (Ctrl+Y on Windows), each once.

    On Linux the platform's redo is Ctrl+Shift+Z itself: binding it twice made Qt call the
    shortcut ambiguous and do nothing.
    """
    keys = [QKeySequence("Ctrl+Shift+Z"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)]
    unique: dict[str, QKeySequence] = {}
    for key in keys:
        unique.setdefault(key.toString(), key)
    return list(unique.values())
