"""Step arrows in the contour view: the engine's next step drawn at each ball, with a legend."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox

from gdstudio.app.contour import ContourView
from gdstudio.core.explain import preview_step
from gdstudio.render.arrow_rules import ACC_FRACTION, ARROW_FRACTION


def span(view: ContourView) -> float:
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    return min(x1 - x0, y1 - y0)


def tip(item) -> np.ndarray:
    """An arrow's tip: the second point of its shaft."""
    x, y = item.getData()
    return np.array([x[1], y[1]])


def base(item) -> np.ndarray:
    x, y = item.getData()
    return np.array([x[0], y[0]])


def half_sides(box) -> np.ndarray:
    x, y = box.getData()
    return np.array([x.max() - x.min(), y.max() - y.min()]) / 2


def assert_arrows_are_the_engines(view: ContourView) -> None:
    """Every racer's arrows start at its ball and end at before + scale × the engine's vector."""
    length = ARROW_FRACTION * span(view)
    for cfg in view.model.runs:
        preview = preview_step(cfg.live_run)
        items = view.arrows.items(cfg.title)
        before = np.array(preview.before)
        np.testing.assert_array_equal(before, cfg.live_run.params)
        for kind, sign in (("-grad", 1), ("moment", -1), ("adjusted", -1)):
            if kind not in preview.vectors:
                assert not items[kind].isVisible(), (cfg.title, kind)
                continue
            v = sign * np.array(preview.vectors[kind])
            assert items[kind].isVisible()
            np.testing.assert_allclose(base(items[kind]), before, rtol=0, atol=1e-12)
            expected = before + (length / np.hypot(*v)) * v
            np.testing.assert_allclose(tip(items[kind]), expected, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(
            tip(items["step"]), before + np.array(preview.vectors["step"]), rtol=1e-9, atol=1e-12
        )
        box = items["accumulator"]
        assert box.isVisible() == ("accumulator" in preview.vectors), cfg.title
        if box.isVisible():
            root = np.array(preview.vectors["accumulator"])
            expected = ACC_FRACTION * span(view) * np.log1p(root)
            np.testing.assert_allclose(half_sides(box), expected, rtol=1e-9)


@pytest.fixture
def window(studio_window, qtbot, user):
    """The race lesson in the contour view (pressed T), arrows ticked on."""
    w = studio_window("race")
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=20000)  # a loaded machine
    w.view3d.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: w.contour.isVisible(), timeout=20000)
    check = user.find(w, "arrowsCheck")
    assert isinstance(check, QCheckBox) and check.isVisible()
    assert not check.isChecked()
    user.tick(check)
    assert check.isChecked()
    return w


def test_arrows_after_each_step_are_the_engines_numbers(qtbot, user, window):
    view = window.contour
    assert view.arrows.legend.isVisible()
    assert_arrows_are_the_engines(view)  # at step 0, before any step
    for n in range(1, 6):
        qtbot.keyClick(window, Qt.Key.Key_Right)  # the Step action's key
        assert all(cfg.run.steps == n for cfg in window.model.runs)
        assert_arrows_are_the_engines(view)
    user.click(user.find(window, "stepButton"))
    assert all(cfg.run.steps == 6 for cfg in window.model.runs)
    assert_arrows_are_the_engines(view)
    user.tick(user.find(window, "arrowsCheck"))  # off again
    for cfg in window.model.runs:
        assert not any(item.isVisible() for item in view.arrows.items(cfg.title).values())
    assert not view.arrows.legend.isVisible()


def test_sgd_has_no_moment_and_no_box_adam_has_both(window):
    view = window.contour
    titles = {cfg.title: view.arrows.items(cfg.title) for cfg in window.model.runs}
    assert not titles["SGD"]["moment"].isVisible() and not titles["SGD"]["accumulator"].isVisible()
    assert titles["Momentum"]["moment"].isVisible()
    assert not titles["Momentum"]["accumulator"].isVisible()
    assert titles["Adam"]["moment"].isVisible() and titles["Adam"]["accumulator"].isVisible()


@pytest.fixture
def view(show_panel) -> ContourView:
    return show_panel(ContourView, "race", (640, 560))


def tick(qtbot, view: ContourView) -> None:
    check = view.findChild(QCheckBox, "arrowsCheck")
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def test_adagrad_accumulator_box_is_bigger_than_rmsprops(qtbot, view):
    model = view.model
    model.set_run_optimizer(0, "adagrad")
    model.set_run_hyper(0, "lr", 0.001)  # RMSprop's rate, from the same start
    tick(qtbot, view)
    model.step(50)
    adagrad, rmsprop = model.runs[0], model.runs[2]
    assert (adagrad.optimizer, rmsprop.optimizer) == ("adagrad", "rmsprop")
    assert_arrows_are_the_engines(view)
    big = half_sides(view.arrows.items(adagrad.title)["accumulator"])
    small = half_sides(view.arrows.items(rmsprop.title)["accumulator"])
    assert np.all(big > 1.2 * small), (big, small)


def pixels(view: ContourView) -> np.ndarray:
    image = view.plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine())
    return data[:, : 3 * w].reshape(h, w, 3).copy()  # the image goes when this returns


def test_arrows_are_drawn_in_the_racers_colour_near_its_ball(qtbot, view, count_near):
    model = view.model
    model.step(5)  # a short path: what the arrows add is not drawn over it
    cfg = model.runs[1]  # Momentum: a dashed moment and a thick Δθ in its colour
    ball = view.plot.mapFromScene(view.data_to_scene(cfg.run.params))
    reach = int(ARROW_FRACTION * min(view.plot.width(), view.plot.height())) + 10
    x0, y0 = max(ball.x() - reach, 0), max(ball.y() - reach, 0)

    def near_ball() -> int:
        return count_near(pixels(view)[y0 : ball.y() + reach, x0 : ball.x() + reach], cfg.color)

    before = near_ball()
    tick(qtbot, view)
    assert view.arrows.items(cfg.title)["moment"].isVisible()
    after = near_ball()
    assert after > before + 30, (before, after)
    tick(qtbot, view)
    assert near_ball() < after


def test_while_playing_the_arrows_follow_and_on_pause_they_are_the_engines(qtbot, window):
    view = window.contour
    qtbot.keyClick(window, Qt.Key.Key_Space)  # run
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps >= 30, timeout=20000)
    start = tip(view.arrows.items("Adam")["step"])
    qtbot.waitUntil(lambda: not np.array_equal(tip(view.arrows.items("Adam")["step"]), start))
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause
    qtbot.waitUntil(lambda: not window.model.playing)
    assert_arrows_are_the_engines(view)


def test_no_arrows_on_a_one_parameter_curve(qtbot, view):
    tick(qtbot, view)
    view.model.load_scene("learning-rate")
    assert not view.findChild(QCheckBox, "arrowsCheck").isVisible()
    assert not view.arrows.legend.isVisible()
    view.model.step(3)
    cfg = view.model.runs[0]
    assert not any(item.isVisible() for item in view.arrows.items(cfg.title).values())
