"""The 3D view in the studio window draws in a GL window of its own: keys typed on it still
drive the window, and a grab of the window shows the 3D picture."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage

from gdstudio.app.export.sources import grab_window
from tests.render.conftest import _image_rgba


@pytest.fixture
def window(studio_window, qtbot):
    w = studio_window("race")
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def test_keys_typed_on_the_focused_3d_view_drive_the_window(window, qtbot):
    view = window.view3d
    qtbot.mouseClick(view.surface, Qt.MouseButton.LeftButton, pos=QPoint(4, 4))
    qtbot.keyClick(view.surface, Qt.Key.Key_Right)  # the user's key lands on the GL window
    assert [c.run.steps for c in window.model.runs] == [1] * len(window.model.runs)
    qtbot.keyClick(view.surface, Qt.Key.Key_T)
    assert window.stack.currentWidget() is window.contour


def test_a_window_grab_shows_the_3d_picture_where_the_view_is(window):
    window.model.step(50)
    image = grab_window(window).convertToFormat(QImage.Format.Format_RGB32)
    view = window.view3d
    ratio = image.devicePixelRatio()
    corner = view.mapTo(window, QPoint(0, 0))
    rect = QRect(
        round(corner.x() * ratio),
        round(corner.y() * ratio),
        round(view.width() * ratio),
        round(view.height() * ratio),
    )
    shown = _image_rgba(image.copy(rect))[..., :3]
    picture = _image_rgba(view.render_image(rect.width(), rect.height()))[..., :3]
    np.testing.assert_array_equal(shown, picture)
    assert len(np.unique(shown.reshape(-1, 3), axis=0)) > 100  # a surface, not a flat fill
