"""Own points placed by clicking on the Decision Boundary plot, as a user does: on "My points"
a click adds a point of class 1, Shift+click class 0, a right-click removes the nearest; the
racers start again on the new points. Elsewhere clicks change nothing, and the hint says why."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from gdstudio.core.datasets import Points, split
from gdstudio.state.kinds import SessionError
from gdstudio.state.network import MY_POINTS, NetworkKind, NetworkSpec
from tests.app.test_network_points import MY_POINTS_ENTRY, _to_network
from tests.app.test_network_presets import pick
from tests.conftest import hold_still, race_for

LEFT, RIGHT = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
SHIFT, NONE = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.NoModifier


def _screen(view, x: float, y: float) -> QPoint:
    """Where the point (x1, x2) of the boundary plot is in its viewport."""
    scene = view.plot.getViewBox().mapViewToScene(QPointF(x, y))
    return view.plot.mapFromScene(scene)


def _data(view, frac_x: float, frac_y: float) -> tuple[float, float]:
    """The plot's data coordinates at a fraction of the region it shows."""
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    return x0 + frac_x * (x1 - x0), y0 + frac_y * (y1 - y0)


def _drawn(view) -> bool:
    """Whether the plot shows the region it reports: pyqtgraph maps a new range onto the
    screen when it next paints (a click before that, which no hand is quick enough for on a
    quiet machine, landed off the data area under load)."""
    vb = view.plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    rect = vb.sceneBoundingRect()
    low, high = vb.mapViewToScene(QPointF(x0, y0)), vb.mapViewToScene(QPointF(x1, y1))
    ends = ((low.x(), rect.left()), (high.x(), rect.right()))
    ends += ((low.y(), rect.bottom()), (high.y(), rect.top()))
    return all(abs(a - b) < 1.5 for a, b in ends)


def _click(qtbot, view, x, y, button=LEFT, modifiers=NONE) -> QPoint:
    """Click there, the pointer moved there first as a hand does (pyqtgraph's clicks follow
    the hover); where in the viewport it clicked."""
    # Once the layout holds still: a longer hint re-lays the dock out.
    pos = hold_still(qtbot, view.plot.viewport(), lambda: _screen(view, x, y), lambda: _drawn(view))
    qtbot.mouseClick(view.plot.viewport(), button, modifiers, pos)
    return pos


def _own_points(qtbot, user, window):
    """Lesson 7 on My points (the Data dock's line-fit points have no classes: the moons shown)."""
    _to_network(qtbot, user, window)
    pick(qtbot, user.find(window, "networkPresetCombo"), MY_POINTS_ENTRY)
    panels = window.network_panels
    assert window.model.state.network.dataset == MY_POINTS
    qtbot.waitUntil(lambda: panels.boundary.plot.isVisible())
    return panels.boundary


def _empty_spot(view, own) -> tuple[float, float]:
    """A place in the shown region more than 20 px from every point."""
    pts = np.array([[x, y] for x, y, _ in own])
    px, py = view.plot.getViewBox().viewPixelSize()
    for fx in np.linspace(0.05, 0.95, 19):
        for fy in np.linspace(0.05, 0.95, 19):
            x, y = _data(view, fx, fy)
            if np.hypot((pts[:, 0] - x) / px, (pts[:, 1] - y) / py).min() > 20:
                return x, y
    raise AssertionError("no empty spot on the plot")


def test_clicks_add_points_of_each_class_and_a_right_click_removes_one(studio_window, user, qtbot):
    window = studio_window("race")
    model = window.model
    view = _own_points(qtbot, user, window)
    before = model.state.network.own
    px, py = view.plot.getViewBox().viewPixelSize()

    x, y = _empty_spot(view, before)
    clicked = _click(qtbot, view, x, y)
    own = model.state.network.own
    assert own[: len(before)] == before and len(own) == len(before) + 1
    ax, ay, label = own[-1]
    assert label == 1.0 and abs(ax - x) <= 1.5 * px and abs(ay - y) <= 1.5 * py
    # The network trains on it: it is among the training or the validation points.
    land = model.landscape
    inputs = np.vstack([land.train.inputs, land.validation.inputs])
    assert np.any(np.all(inputs == (ax, ay), axis=1))
    # The plot kept its region: the new point sits under the pointer, not re-framed away.
    qtbot.waitUntil(lambda: _drawn(view))
    now = _screen(view, ax, ay)
    assert abs(now.x() - clicked.x()) <= 2 and abs(now.y() - clicked.y()) <= 2

    x2, y2 = _empty_spot(view, own)
    _click(qtbot, view, x2, y2, modifiers=SHIFT)
    assert model.state.network.own[-1][2] == 0.0
    assert len(model.state.network.own) == len(before) + 2
    hint = user.find(window, "boundaryClickHint")
    zeros = sum(1 for *_, k in model.state.network.own if k == 0.0)
    assert f"{len(before) + 2} points: {zeros} of class 0" in hint.text()

    # A right-click near the first added point removes it, and only it.
    _click(qtbot, view, ax + 3 * px, ay, button=RIGHT)
    assert model.state.network.own == (*before, model.state.network.own[-1])
    assert len(model.state.network.own) == len(before) + 1
    # A right-click far from every point removes nothing.
    far = _empty_spot(view, model.state.network.own)
    kept = model.state.network.own
    _click(qtbot, view, *far, button=RIGHT)
    assert model.state.network.own == kept


def test_after_an_added_point_the_racers_start_again_and_train_on_it(studio_window, user, qtbot):
    window = studio_window("race")
    model = window.model
    view = _own_points(qtbot, user, window)
    race_for(qtbot, window, 50)
    n = len(model.state.network.own)
    _click(qtbot, view, *_empty_spot(view, model.state.network.own), modifiers=SHIFT)
    assert len(model.state.network.own) == n + 1
    assert all(c.run.steps == 0 for c in model.runs)  # from the seeded weights, on the new points
    assert len(model.landscape.train) + len(model.landscape.validation) == n + 1
    race_for(qtbot, window, 50)
    qtbot.waitUntil(lambda: "training accuracy" in view.title.text())


def test_a_click_that_would_leave_a_class_too_few_points_is_refused_in_words(
    studio_window, user, qtbot
):
    window = studio_window("race")
    model = window.model
    view = _own_points(qtbot, user, window)
    # A session with a few points of its own: two of class 0, three of class 1.
    own = ((-1.0, 0.0, 0.0), (-1.0, 1.0, 0.0), (1.0, 0.0, 1.0), (1.0, 1.0, 1.0), (1.5, 0.5, 1.0))
    snap = model.snapshot()
    spec = NetworkSpec(dataset=MY_POINTS, own=own, validation=0.0)
    snap.update(network=NetworkKind().dump(spec), start=None)
    model.restore(snap)
    qtbot.waitUntil(lambda: "5 points" in user.find(window, "boundaryClickHint").text())
    _click(qtbot, view, -1.0, 0.0, button=RIGHT)  # on a class-0 point: one would be left
    summary = user.find(window, "networkPresetSummary")
    assert summary.isVisible() and "at least 2 points of each class" in summary.text()
    assert "1 of class 0" in summary.text()
    assert model.state.network.own == own  # nothing changed
    # The next edit that can be made clears the refusal.
    _click(qtbot, view, 1.2, 0.2, modifiers=SHIFT)
    assert len(model.state.network.own) == 6 and not summary.isVisible()


def test_on_a_generated_dataset_clicks_change_nothing_and_the_hint_says_how(
    studio_window, user, qtbot
):
    window = studio_window("race")
    model = window.model
    _to_network(qtbot, user, window)
    view = window.network_panels.boundary
    spec = model.state.network
    hint = user.find(window, "boundaryClickHint")
    assert hint.isVisible() and "pick My points" in hint.text()
    _click(qtbot, view, *_data(view, 0.5, 0.5))
    _click(qtbot, view, *_data(view, 0.3, 0.3), button=RIGHT)
    assert model.state.network == spec and model.scene is not None


def test_points_a_split_leaves_of_one_class_are_refused_and_the_network_kept(
    studio_window, user, qtbot
):
    """Restore (a session, a click) checks the split before replacing anything."""
    window = studio_window("network")
    model = window.model
    own = tuple((float(i), 0.0, 0.0) for i in range(8)) + ((10.0, 1.0, 1.0), (11.0, 1.0, 1.0))
    spec = NetworkSpec(dataset=MY_POINTS, own=own, validation=0.9)
    pts = Points(np.array([p[:2] for p in own]), np.array([p[2] for p in own]))
    assert len(np.unique(split(pts, 0.9, seed=0)[0].labels)) == 1  # the case under test
    snap = model.snapshot()
    snap.update(network=NetworkKind().dump(spec), start=None, scene=None)
    before, land = model.state.network, model.landscape
    with pytest.raises(SessionError, match="all of one class"):
        model.restore(snap)
    assert model.state.network == before and model.landscape is land
    assert model.scene is not None and model.scene.id == "network"
