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
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
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
            window.view3d.grabFramebuffer()
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
