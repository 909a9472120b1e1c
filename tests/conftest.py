"""Test isolation: settings and data folders in test mode, a fixed app identity."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(request, tmp_path_factory, monkeypatch):
    """Qt settings and standard paths go to a temporary folder, never the user's."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    tmp_path = tmp_path_factory.mktemp("user")  # apart from the test's own tmp_path
    from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths
    from PySide6.QtWidgets import QMessageBox

    QStandardPaths.setTestModeEnabled(True)
    # Test mode puts app data under $HOME/.qttest: a fresh HOME keeps every test apart.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # A window closing with unsaved changes at teardown must not wait for an answer.
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard)
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    QCoreApplication.setOrganizationName("gdstudio-tests")
    QCoreApplication.setApplicationName("gdstudio-tests")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings().clear()
    yield
    QSettings().clear()


def count_near_color(pixels, color: str, tol: int = 25) -> int:
    """Pixels within `tol` of a '#RRGGBB' colour on every channel."""
    import numpy as np

    c = color.lstrip("#")
    rgb = np.array([int(c[i : i + 2], 16) for i in (0, 2, 4)])
    return int((np.abs(pixels[..., :3].astype(int) - rgb).max(axis=-1) <= tol).sum())


@pytest.fixture
def count_near():
    """count_near(pixels, '#RRGGBB', tol=25): how many pixels have that colour."""
    return count_near_color


@pytest.fixture
def studio_window(qtbot):
    """Factory: a MainWindow on a scene with a working GL view, shown unless show=False."""
    from gdstudio.app.main_window import MainWindow
    from gdstudio.app.model import StudioModel

    def make(scene: str = "race", steps: int = 0, show: bool = True) -> MainWindow:
        model = StudioModel()
        model.load_scene(scene)
        window = MainWindow(model)
        qtbot.addWidget(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
            if window.view3d.isVisible():
                qtbot.waitExposed(window.view3d.surface)  # where clicks on the 3D view land
            window.view3d.grabFramebuffer()
            qtbot.waitUntil(lambda: window.is_started)  # the docks built after the first frame
        else:
            window.view3d.render_image(8, 8)
        if not window.view3d.isValid():
            pytest.fail("needs an OpenGL context (run under Xvfb, not offscreen)")
        if steps:
            model.step(steps)
        return window

    return make


@pytest.fixture
def show_panel(qtbot):
    """Factory: widget_class(model) for a model on `scene`, shown at `size` and exposed."""
    from gdstudio.app.model import StudioModel

    def make(widget_class, scene: str, size: tuple[int, int]):
        model = StudioModel()
        model.load_scene(scene)
        widget = widget_class(model)
        qtbot.addWidget(widget)
        widget.resize(*size)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return make


@pytest.fixture
def no_mouse_rate_limit():
    """pyqtgraph delivers every mouse move (its mouseRateLimit drops moves < 10 ms apart)."""
    import pyqtgraph as pg

    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", old)


class User:
    """What a user does to widgets, in real mouse and key events only."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot

    def find(self, window, name: str):
        """The window's widget with this objectName (what the user sees, found by name)."""
        from PySide6.QtWidgets import QWidget

        found = window.findChild(QWidget, name)
        assert found is not None, f"no widget named {name!r}"
        return found

    def field(self, container, label: str):
        """The field a form shows beside `label`."""
        from PySide6.QtWidgets import QLabel

        labels = [w for w in container.findChildren(QLabel) if w.text() == label and w.buddy()]
        assert labels, f"no field labelled {label!r}"
        return labels[0].buddy()

    def click(self, widget, pos=None) -> None:
        """A left click (at `pos`, else the middle)."""
        from PySide6.QtCore import Qt

        if pos is None:
            self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        else:
            self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)

    def tick(self, check) -> None:
        """Click a check box on its indicator."""
        from PySide6.QtCore import QPoint

        self.click(check, QPoint(8, check.height() // 2))

    def type_into(self, spin, text: str) -> None:
        """Click into a spin box's text, select all, type `text` and press Return."""
        from PySide6.QtCore import QPoint, Qt

        self.click(spin, QPoint(12, spin.height() // 2))  # the text, not the arrows
        self.qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        self.qtbot.keyClicks(spin, text)
        self.qtbot.keyClick(spin, Qt.Key.Key_Return)

    def pick(self, combo, text: str) -> None:
        """Open a combo box with a click and click the entry reading `text` in its list."""
        self.click(combo)
        pick_entry(self.qtbot, combo, text)

    def menu_bar(self, window, title: str, entry: str) -> None:
        """Click `title` in the window's menu bar, then `entry` in the menu that drops down."""

        bar = window.menuBar()
        menu_action = next(a for a in bar.actions() if a.text().replace("&", "") == title)
        title_pos = bar.actionGeometry(menu_action).center()
        # The pointer goes to the title first, as a hand would: a menu ignores a release at
        # the place the pointer was when it opened (the end of the press that opened it).
        self.qtbot.mouseMove(bar, title_pos)
        self.click(bar, title_pos)
        menu = menu_action.menu()
        self.qtbot.waitUntil(menu.isVisible)
        action = next(a for a in menu.actions() if a.text().replace("&", "") == entry)
        pos = menu.actionGeometry(action).center()
        self.qtbot.mouseMove(menu, pos)
        self.click(menu, pos)
        self.qtbot.waitUntil(lambda: not menu.isVisible())

    def choose_from_menu(self, button, text: str) -> None:
        """Click a tool button whose menu pops up, then click the menu entry `text`."""
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtWidgets import QApplication

        chosen: list[str] = []

        def choose() -> None:
            menu = QApplication.activePopupWidget()
            if menu is None:  # not shown yet
                QTimer.singleShot(20, choose)
                return
            action = next(a for a in menu.actions() if a.text() == text)
            pos = menu.actionGeometry(action).center()
            self.qtbot.mouseMove(menu, pos)
            self.qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=pos)
            chosen.append(text)

        QTimer.singleShot(0, choose)
        self.click(button)  # the menu's own event loop runs until the entry is clicked
        self.qtbot.waitUntil(lambda: chosen == [text])


@pytest.fixture
def user(qtbot) -> User:
    """Real clicks, key presses, combo and menu picks (see User)."""
    return User(qtbot)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """Free every window and GL context while the X server is still there.

    pytest-xvfb stops Xvfb when the session ends, before Python exits; a native GL window
    (the 3D view's QOpenGLWindow) or offscreen context still alive then takes the process
    down at exit (a segfault after every test passed). Closed widgets wait for a
    DeferredDelete that no event loop runs after the last test, so delete them here.
    """
    import sys

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.hide()  # not close(): a window with unsaved changes would ask to save
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    glsurface = sys.modules.get("gdstudio.render.glsurface")
    if glsurface is not None:
        glsurface.destroy_offscreen_contexts()


def pick_entry(qtbot, combo, text: str, shows: str | None = None) -> None:
    """In a combo's open list, click the entry reading `text`; then the combo shows `text`
    (or `shows`, for a pick the window refused).

    Beside the entry first, then onto it: a warp to where the pointer already is sends no
    motion, and a list that has not seen the pointer move ignores a click on it soon after
    the press that opened it (the flaky picks of a combo picked twice in a row).
    """
    from PySide6.QtCore import QPoint, Qt

    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    model = view.model()
    texts = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert text in texts, f"{text!r} is not among {texts}"
    index = model.index(texts.index(text), 0)
    view.scrollTo(index)

    def hovered() -> bool:  # the pointer moved onto the entry until it lights, as a hand does
        if not view.isVisible():  # the list shut at once: open it again, as a person would
            qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(view.isVisible)
            view.scrollTo(index)
        centre = view.visualRect(index).center()
        qtbot.mouseMove(view.viewport(), centre + QPoint(7, 0))
        qtbot.mouseMove(view.viewport(), centre)
        return view.currentIndex() == index

    # Seen here in 2 of 6 runs of the network lesson's second pick: the list, reopened at
    # another place (its current entry moved), got a Close during the first synthetic move
    # onto it, and shut with nothing picked. A person would open it again: so does this.
    qtbot.waitUntil(hovered)
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentText() == (text if shows is None else shows)


def hold_still(qtbot, viewport, where, ready=lambda: True):
    """Move the pointer to where() in `viewport`, as a hand does, until the place holds still
    (and ready()); that place. Under load a pending layout can move a plot between computing
    a place and clicking it: a click there then missed its point."""
    for _ in range(50):
        qtbot.waitUntil(ready)
        pos = where()
        qtbot.mouseMove(viewport, pos)
        qtbot.wait(10)
        if ready() and where() == pos:
            break
    return pos


def race_for(qtbot, window, steps: int, timeout: int = 120_000) -> None:
    """Space with the keys in the 3D view, as a user starts the race; Space again once every
    racer took `steps` steps; back when the race has paused."""
    from PySide6.QtCore import Qt

    model = window.model
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: min(c.run.steps for c in model.runs) >= steps, timeout=timeout)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not model.playing)
