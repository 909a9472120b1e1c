"""Start-up as a user meets it: the 3D view first, the docks built right after, nothing moved."""

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QDoubleSpinBox

from gdstudio.app.main_window import MainWindow
from gdstudio.app.model import StudioModel

# What the first frame must not wait for: the pyqtgraph views, the exporters, imageio and
# PyOpenGL (the 3D view calls GL through gdstudio.render.gl).
HEAVY = (
    "gdstudio.app.contour",
    "gdstudio.app.docks.plots",
    "gdstudio.app.data.panel",
    "gdstudio.app.data.plot",
    "gdstudio.app.export.dialog",
    "gdstudio.io.export",
    "gdstudio.io.export_graphics",
    "gdstudio.app.network.boundary",
    "gdstudio.app.network.curves",
    "pyqtgraph",
    "imageio",
    "OpenGL",
)

_FIRST_FRAME = """
import json, sys
from gdstudio.app.application import configure_application
configure_application()
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gdstudio.app.main_window import MainWindow
window = MainWindow(autosave=False)
seen = {}
def first_frame():
    if "first" not in seen:
        seen["first"] = sorted(m for m in HEAVY if m in sys.modules)
def started():
    seen["started"] = sorted(m for m in HEAVY if m in sys.modules)
    print(json.dumps(seen), flush=True)
    app.quit()
window.view3d.frameSwapped.connect(first_frame)
window.started.connect(started)
window.show()
app.exec()
"""


# At the first frame: the sources read so far, from the studio and the libraries it imported
# before PySide6 (as `gdstudio` starts: app/application.py imports app/preload.py first).
_SOURCES_READ = """
import json, linecache, sys
from gdstudio.app.application import configure_application
configure_application()
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gdstudio.app.main_window import MainWindow
window = MainWindow(autosave=False)
def first_frame():
    read = [f for f in linecache.cache if any(p in f for p in ("/gdstudio/", "/numpy/"))]
    print(json.dumps(sorted(read)), flush=True)
    app.quit()
window.view3d.frameSwapped.connect(first_frame)
window.show()
app.exec()
"""


def _first_frame_report(code: str, tmp_path) -> object:
    """What a fresh process running `code` (a window shown, as the app starts) printed last."""
    home = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}  # no saved layout
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **home, "QT_LOGGING_RULES": "*=false"},
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def open_window(qtbot, model: StudioModel | None = None) -> MainWindow:
    """A window shown as the app shows it, and started (its docks built)."""
    w = MainWindow(model)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.is_started)
    return w


def click_menu(qtbot, window: MainWindow, menu_title: str, entry: str) -> None:
    """Click a menu of the menu bar, then its entry `entry`."""
    bar = window.menuBar()
    menu = next(a.menu() for a in bar.actions() if a.text().replace("&", "") == menu_title)
    qtbot.mouseClick(
        bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(menu.menuAction()).center()
    )
    qtbot.waitUntil(menu.isVisible)
    action = next(a for a in menu.actions() if a.text() == entry)
    pos = menu.actionGeometry(action).center()
    qtbot.mouseMove(menu, pos)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: not menu.isVisible())


def test_the_first_frame_waits_for_no_plot_export_or_contour_module(tmp_path):
    seen = _first_frame_report(f"HEAVY = {HEAVY!r}\n" + _FIRST_FRAME, tmp_path)
    assert seen["first"] == []
    # the surface lesson shows plots and data: both are built once the window is up
    assert {"gdstudio.app.docks.plots", "gdstudio.app.data.panel"} <= set(seen["started"])
    assert "gdstudio.app.export.dialog" not in seen["started"]  # until File ▸ Export…
    assert "OpenGL" not in seen["started"]  # nor later: the studio itself never loads PyOpenGL


def test_the_first_frame_reads_no_source_of_the_studio_or_numpy(tmp_path):
    # PySide6's import hook reads a module's source to see if it uses PySide6: told already
    # for the studio and what it imported before PySide6, it reads none of them
    assert _first_frame_report(_SOURCES_READ, tmp_path) == []


def test_the_docks_are_built_in_place_without_moving(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    at_first_frame: dict[str, object] = {}

    def first_frame() -> None:
        if not at_first_frame:
            at_first_frame.update({d.objectName(): d.geometry() for d in w.docks()})

    w.view3d.frameSwapped.connect(first_frame)
    w.show()
    qtbot.waitUntil(lambda: w.is_started and bool(at_first_frame))
    qtbot.waitUntil(lambda: w.plots_dock.findChild(QCheckBox, "logYCheck") is not None)
    QApplication.processEvents()
    assert {d.objectName(): d.geometry() for d in w.docks()} == at_first_frame
    assert w.plots_dock.widget() is w.plots and w.data_dock.widget() is w.data_panel
    assert w.findChild(object, "plotsPlaceholder") is None


def test_the_first_3d_frame_is_drawn_at_the_views_final_size_and_camera(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    at_first_frame: dict[str, object] = {}

    def first_frame() -> None:
        if not at_first_frame:
            view = w.view3d
            at_first_frame.update(size=view.size(), camera=view.camera_state())

    w.view3d.surface.frameSwapped.connect(first_frame)  # as the frame is swapped on screen
    w.show()
    qtbot.waitUntil(lambda: w.is_started and bool(at_first_frame))
    QApplication.processEvents()
    # the caption's height for its width was laid out before the first frame, not after it
    assert w.view3d.size() == at_first_frame["size"]
    assert w.view3d.camera_state() == at_first_frame["camera"]


def test_the_view_menu_opens_every_dock_with_its_contents(qtbot, user):
    model = StudioModel()
    model.load_scene("race")  # no data: the Data dock starts hidden, its editor not built
    w = open_window(qtbot, model)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    for dock in w.docks():
        dock.hide()
    for dock in w.docks():
        click_menu(qtbot, w, "View", dock.windowTitle())
        qtbot.waitUntil(dock.isVisible)
        qtbot.waitUntil(lambda d=dock: not d.widget().objectName().endswith("Placeholder"))
    assert w.data_panel.hint.isVisible()  # the race is not a fit to data: the panel says so
    check = w.plots.findChild(QCheckBox, "logYCheck")
    user.tick(check)  # the plots answer a click
    assert not w.plots.log_y


def test_a_saved_layout_comes_back_with_every_dock_working(qtbot, user):
    w = open_window(qtbot)
    w.readouts_dock.hide()
    w.removeDockWidget(w.plots_dock)
    w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, w.plots_dock)
    w.plots_dock.show()
    w.close()
    assert QSettings().value("window/version", 0, int) == 1
    again = open_window(qtbot)
    assert again.readouts_dock.isHidden()
    assert again.dockWidgetArea(again.plots_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    check = again.plots_dock.findChild(QCheckBox, "logYCheck")
    assert check is not None and check.isVisible()
    user.tick(check)
    assert not again.plots.log_y
    delta = again.data_dock.findChild(QDoubleSpinBox, "huberDelta")
    assert delta is not None and again.data_dock.isVisible()


def test_turning_to_the_contour_view_builds_and_shows_it(qtbot):
    model = StudioModel()
    model.load_scene("race")
    w = open_window(qtbot, model)
    assert w.findChild(object, "contourView") is None  # not built while nobody looks at it
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.view3d.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_T)
    assert w.stack.currentWidget() is w.contour and w.contour.isVisible()
    assert w.contour.paths()  # the racers are drawn


def test_a_one_parameter_lesson_starts_on_its_curve(qtbot):
    model = StudioModel()
    model.load_scene("learning-rate")
    w = open_window(qtbot, model)
    assert w.stack.currentWidget() is w.contour and w.contour.isVisible()


def test_a_click_in_the_data_plot_after_start_up_adds_a_point(qtbot, no_mouse_rate_limit):
    model = StudioModel()
    model.load_scene("line-fit")
    w = open_window(qtbot, model)
    plot = w.data_dock.findChild(object, "dataPlot")
    qtbot.waitUntil(lambda: plot.height() > 100)
    before = len(model.dataset)
    vb = plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    x, y = x0 + 0.1 * (x1 - x0), y1 - 0.1 * (y1 - y0)  # top left: no point of the line there
    pos = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert len(model.dataset) == before + 1
    assert model.dataset.x[-1] == pytest.approx(x, abs=0.05 * (x1 - x0))


def test_a_window_closed_before_its_start_is_over_leaves_no_timer_behind(qtbot, monkeypatch):
    """Closed and deleted before its first frame, a window's start-up timers (the fallback
    start, the first frame's start) die with it instead of reaching into a deleted view."""
    from gdstudio.app import late_parts

    starts: list[bool] = []
    start = late_parts.LateParts._start

    def counted(self):
        starts.append(self.is_started)
        start(self)

    monkeypatch.setattr(late_parts.LateParts, "_start", counted)
    window = MainWindow(StudioModel())
    window.show()  # the fallback start is armed (STARTUP_FALLBACK_MS)
    assert not window.is_started
    window.close()
    gone: list[bool] = []
    window.destroyed.connect(lambda *_: gone.append(True))
    window.deleteLater()
    qtbot.waitUntil(lambda: gone == [True])
    qtbot.wait(late_parts.STARTUP_FALLBACK_MS + 300)  # past the fallback
    assert starts == [], "a start-up timer fired for a deleted window"
