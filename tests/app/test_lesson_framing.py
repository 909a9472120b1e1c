"""A lesson opens with its 3D camera on what matters: the runs' start and the minimum fill a
good part of the view, well inside it; Home brings that framing back after looking around."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt


def _spots(view, points):
    return np.array([view.screen_position(np.array(p)).toTuple() for p in points])


def _assert_framed(view, points):
    spots = _spots(view, points)
    width, height = view.width(), view.height()
    margin = 0.06
    assert np.all(spots[:, 0] > margin * width) and np.all(spots[:, 0] < (1 - margin) * width)
    assert np.all(spots[:, 1] > margin * height) and np.all(spots[:, 1] < (1 - margin) * height)
    span = spots.max(axis=0) - spots.min(axis=0)
    assert max(span[0] / width, span[1] / height) > 0.25, span  # not a few pixels


@pytest.mark.parametrize("scene", ["race", "challenges"])
def test_a_lesson_opens_framed_on_its_start_and_minimum(studio_window, scene):
    window = studio_window(scene)
    landscape = window.model.landscape
    start = window.model.state.start
    minimum = min(landscape.minima, key=lambda m: float(landscape.value(np.array(m))))
    _assert_framed(window.view3d, [start, minimum])


def test_home_brings_the_lessons_framing_back(studio_window, qtbot):
    window = studio_window("race")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # where the Home shortcut works
    view = window.view3d
    framed = view.camera_state()
    start = QPoint(view.width() // 2, view.height() // 2)
    qtbot.mousePress(view.surface, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.surface, start + QPoint(60, 10))
    qtbot.mouseMove(view.surface, start + QPoint(120, 30))
    qtbot.mouseRelease(view.surface, Qt.MouseButton.LeftButton, pos=start + QPoint(120, 30))
    assert view.camera_state()["azimuth"] != pytest.approx(framed["azimuth"])
    window.model.step(200)  # the racers move on: Home still frames their start
    qtbot.keyClick(view.surface, Qt.Key.Key_Home)
    back = view.camera_state()
    for key in ("distance", "elevation", "azimuth"):
        assert back[key] == pytest.approx(framed[key]), key
    assert back["center"] == pytest.approx(framed["center"])
    _assert_framed(view, [window.model.state.start, (1.0, 1.0)])
