"""Step arrows in the 3D view: the engine's next step at each ball, lying on the surface."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdstudio.core.explain import preview_step
from gdstudio.render.arrow_rules import ARROW_FRACTION, KINDS
from gdstudio.render.arrows3d import LIFT
from gdstudio.render.path_geometry import world_path

RACER_COLOURS = ("#E69F00", "#56B4E9", "#CC79A7", "#009E73")


def on_surface(view, params: np.ndarray) -> np.ndarray:
    """World points of params on the view's surface, lifted as the arrows are."""
    return world_path(view.heightmap, np.atleast_2d(params), np.empty(0), LIFT)


def assert_arrows_are_the_engines(window) -> None:
    """Each racer's arrows start at its ball and end at the mapped before + scale × vector."""
    view = window.view3d
    hm = view.heightmap
    length = ARROW_FRACTION * float(np.min(np.asarray(hm.param_hi) - hm.param_lo))
    thick = view.arrows.thick._array("a_start")[::4]  # what the GL item was given
    for _, cfg in window.model.active_runs():
        preview = preview_step(cfg.live_run)
        before = np.array(preview.before)
        np.testing.assert_array_equal(before, cfg.live_run.params)
        shafts = view.arrows.shafts[cfg.title]
        assert set(shafts) == set(KINDS) & set(preview.vectors), cfg.title
        for kind, shaft in shafts.items():
            sign, to_scale, _ = KINDS[kind]
            v = sign * np.array(preview.vectors[kind])
            scale = 1.0 if to_scale else length / np.hypot(*v)
            tip = before + scale * v
            np.testing.assert_allclose(shaft[0], on_surface(view, before)[0], atol=1e-9)
            np.testing.assert_allclose(shaft[-1], on_surface(view, tip)[0], atol=1e-9)
            middle = on_surface(view, (before + tip) / 2)[0]  # it follows the slope
            np.testing.assert_allclose(shaft[len(shaft) // 2], middle, atol=1e-9)
        step_tip = shafts["step"][-1].astype(np.float32)
        assert np.any(np.all(np.isclose(thick, step_tip, atol=1e-5), axis=1)), cfg.title


@pytest.fixture
def window(studio_window, qtbot, user):
    """The race lesson in the 3D view, arrows ticked on."""
    w = studio_window("race")
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=20000)  # a loaded machine
    w.view3d.setFocus()
    check = user.find(w, "arrows3dCheck")
    assert check.isVisible() and not check.isChecked()
    user.tick(check)
    assert check.isChecked()
    return w


def test_arrows_after_each_step_are_the_engines_numbers_on_the_surface(qtbot, user, window):
    arrows = window.view3d.arrows
    assert arrows.legend.isVisible() and all(item.visible() for item in arrows.items)
    assert_arrows_are_the_engines(window)  # before any step
    for n in range(1, 6):
        qtbot.keyClick(window, Qt.Key.Key_Right)  # the Step action's key
        assert all(cfg.live_run.steps == n for _, cfg in window.model.active_runs())
        assert_arrows_are_the_engines(window)
    user.tick(user.find(window, "arrows3dCheck"))  # off again
    assert not any(item.visible() for item in arrows.items)
    assert not arrows.legend.isVisible()


def test_sgd_has_no_moment_and_no_box_adam_has_both(window):
    shafts = window.view3d.arrows.shafts
    assert set(shafts["SGD"]) == {"-grad", "adjusted", "step"}
    assert "moment" in shafts["Momentum"] and "moment" in shafts["Adam"]


def _around(pixels: np.ndarray, centre, ratio: float, half: int = 60) -> np.ndarray:
    x, y = int(centre.x() * ratio), int(centre.y() * ratio)
    return pixels[max(y - half, 0) : y + half, max(x - half, 0) : x + half]


def test_arrows_add_racer_colour_at_the_ball_and_leave_nothing_when_off(
    studio_window, qtbot, user, frame_rgb, count_near
):
    w = studio_window("race", steps=40)
    view = w.view3d
    ball = view.screen_position(w.model.runs[3].live_run.params)  # Adam's
    ratio = view.devicePixelRatioF()
    bare = frame_rgb(view)

    def colour_count(pixels: np.ndarray) -> int:
        region = _around(pixels, ball, ratio)
        return sum(count_near(region, c, tol=40) for c in (*RACER_COLOURS, "#FFFFFF"))

    user.tick(user.find(w, "arrows3dCheck"))
    drawn = frame_rgb(view)
    assert colour_count(drawn) > colour_count(bare) + 30
    user.tick(user.find(w, "arrows3dCheck"))
    after = frame_rgb(view)
    changed = np.abs(after.astype(int) - bare).max(axis=-1) > 8
    assert changed.sum() == 0  # no arrow left behind


def test_arrows_that_moved_with_a_step_leave_no_trace(studio_window, qtbot, user, frame_rgb):
    w = studio_window("race", steps=40)
    view = w.view3d
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=20000)
    user.tick(user.find(w, "arrows3dCheck"))
    frame_rgb(view)
    for _ in range(3):
        qtbot.keyClick(w, Qt.Key.Key_Right)
        grown = frame_rgb(view)  # drawn over the last frame: only boxes copied again
    azimuth = view.opts["azimuth"]
    view.set_camera_state({"azimuth": azimuth + 10.0})
    frame_rgb(view)
    view.set_camera_state({"azimuth": azimuth})
    whole = frame_rgb(view)  # the camera moved: this frame is drawn whole
    changed = np.abs(grown.astype(int) - whole).max(axis=-1) > 8
    assert changed.sum() == 0
