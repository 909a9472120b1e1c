"""The 3D view draws into a QOpenGLWindow in a window container: the user's events, frames,
tooltips and pictures of a view never shown still work as they did on a QOpenGLWidget."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QToolTip, QWidget

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.view3d import LandscapeView3D

MAGENTA = (1.0, 0.0, 1.0)


def _rgb(image) -> np.ndarray:
    from tests.render.conftest import _image_rgba

    return _image_rgba(image)[..., :3].astype(int)


def _scene(view: LandscapeView3D) -> None:
    ls = ANALYTIC["rosenbrock"]
    view.set_auto_coarsen(False)
    view.set_landscape(ls)
    points = np.column_stack([np.linspace(-1.5, 1.5, 40), np.full(40, 2.6)])
    view.set_paths([(MAGENTA, points, ls.value(points))])


def test_the_view_is_a_raster_widget_holding_a_gl_window(view):
    kinds = [w.metaObject().className() for w in view.findChildren(QWidget)]
    assert not view.inherits("QOpenGLWidget") and kinds.count("QWindowContainer") == 1
    # besides the GL window's container only the arrows' switch and legend, native over it
    assert set(kinds) <= {"QWindowContainer", "QCheckBox", "QLabel"}
    assert view.surface.size() == view.size()  # the surface covers the whole view
    assert view.surface.mapToGlobal(QPoint(0, 0)) == view.mapToGlobal(QPoint(0, 0))
    assert view.surface.isExposed()


def test_the_view_says_when_a_frame_reached_the_screen(view, qtbot):
    with qtbot.waitSignal(view.frameSwapped, timeout=3000):
        view.orbit(10.0, 0.0)


def test_hovering_the_3d_view_shows_its_tooltip(view, qtbot):
    view.setToolTip("Drag to rotate")
    view.activateWindow()  # Qt shows tooltips in the active window
    qtbot.waitUntil(view.isActiveWindow)
    QToolTip.hideText()
    qtbot.mouseMove(view.surface, QPoint(40, 40))
    qtbot.mouseMove(view.surface, QPoint(50, 45))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == "Drag to rotate")
    QToolTip.hideText()


def test_a_view_never_shown_renders_and_grabs_the_picture_it_shows_later(qtbot):
    view = LandscapeView3D()
    qtbot.addWidget(view)
    view.resize(320, 240)
    _scene(view)
    hidden_render = _rgb(view.render_image(320, 240))
    hidden_grab = _rgb(view.grabFramebuffer())
    assert view.isValid() and not view.surface.isValid()
    assert (np.abs(hidden_grab - MAGENTA_255).max(axis=-1) < 60).sum() > 100
    view.show()
    qtbot.waitExposed(view.surface)
    shown_grab = _rgb(view.grabFramebuffer())  # the items draw in a second context now
    assert np.abs(shown_grab - hidden_grab).max(axis=-1).mean() < 1.0
    np.testing.assert_array_equal(_rgb(view.render_image(320, 240)), hidden_render)


def test_pictures_stay_right_when_the_view_alternates_contexts(view):
    _scene(view)
    render = _rgb(view.render_image(240, 180))
    grab = _rgb(view.grabFramebuffer())
    view.set_landscape(ANALYTIC["himmelblau"], fit_camera=False)  # new buffers in both
    changed_render = _rgb(view.render_image(240, 180))
    changed_grab = _rgb(view.grabFramebuffer())
    assert np.abs(changed_render - render).max() > 50
    assert np.abs(changed_grab - grab).max() > 50
    view.set_landscape(ANALYTIC["rosenbrock"], fit_camera=False)
    np.testing.assert_array_equal(_rgb(view.render_image(240, 180)), render)
    assert np.abs(_rgb(view.grabFramebuffer()) - grab).max(axis=-1).mean() < 1.0


MAGENTA_255 = np.array([255, 0, 255])


def test_a_race_on_screen_keeps_its_still_layer_and_blits_it_into_the_window(view, frame_rgb):
    ls = ANALYTIC["rosenbrock"]
    points = np.column_stack([np.linspace(-1.5, 1.5, 60), np.full(60, 2.6)])
    for n in range(10, 61, 10):  # a race: the camera stays, the paths grow
        view.set_paths([(MAGENTA, points[:n], ls.value(points[:n]))])
        view.repaint()
    assert view._layers.cache.enabled and view._layers.kept_segments
    drawn = frame_rgb(view)
    assert (np.abs(drawn.astype(int) - MAGENTA_255).max(axis=-1) < 60).sum() > 150


_QUIT_ON_FIRST_FRAME = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gdstudio.app.main_window import MainWindow
w = MainWindow(autosave=False)
w.view3d.frameSwapped.connect(app.quit)  # as a script or a test would: quit at the first frame
w.show()
app.exec()
print("quit cleanly")
"""


def test_quitting_when_the_first_frame_is_on_screen_does_not_crash():
    # the view's frameSwapped comes after the surface's paint event, not inside it: quitting
    # there tore the GL window down under its own event handler (a segfault)
    done = subprocess.run(
        [sys.executable, "-c", _QUIT_ON_FIRST_FRAME], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("quit cleanly")


def test_a_race_frame_on_software_gl_copies_only_what_moved_into_the_window(
    view, frame_rgb, monkeypatch
):
    from gdstudio.render import gl

    assert view.surface.keeps_frames  # Mesa's llvmpipe under Xvfb keeps its back buffer
    ls = ANALYTIC["rosenbrock"]
    points = np.column_stack([np.linspace(-1.5, 1.5, 400), np.full(400, 2.6)])
    for n in (100, 110):
        view.set_paths([(MAGENTA, points[:n], ls.value(points[:n]))])
        frame_rgb(view)
    copied: list[int] = []
    scissor = gl.glScissor  # each box copied into the window is drawn inside its scissor

    def counted(x, y, width, height):
        copied.append(width * height)
        return scissor(x, y, width, height)

    monkeypatch.setattr(gl, "glScissor", counted)
    view.set_paths([(MAGENTA, points[:120], ls.value(points[:120]))])  # a tick later
    grown = frame_rgb(view)
    window = view.deviceWidth() * view.deviceHeight()
    assert copied and 0 < sum(copied) < 0.2 * window
    monkeypatch.undo()
    view._layers.cache.target_changed()  # the whole kept layer, and the whole window
    np.testing.assert_array_equal(grown, frame_rgb(view))


def test_the_window_gets_the_frame_pixel_for_pixel_whole_and_where_a_race_moved(view):
    ls = ANALYTIC["rosenbrock"]
    points = np.column_stack([np.linspace(-1.5, 1.5, 400), np.full(400, 2.6)])
    shown = []
    for n in (100, 160, 170):  # paths drawn, then ticks of a race: copied around the tips
        view.set_paths([(MAGENTA, points[:n], ls.value(points[:n]))])
        window = _rgb(view.grabFramebuffer())  # a frame drawn, copied into the window, read
        drawn = _rgb(view.surface._frame.toImage())  # what the frame was drawn into
        np.testing.assert_array_equal(window, drawn)
        shown.append(window)
    assert (np.abs(shown[0] - MAGENTA_255).max(axis=-1) < 60).sum() > 100  # paths show
    assert not np.array_equal(shown[0], shown[1])  # and the race moved
