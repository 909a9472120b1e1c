"""The top-down contour view: heat map, contour lines, paths, balls, click to drop a start."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gdstudio.app.contour import GRID_SIZE, PATH_CELL_PX, ContourView, thin_path


@pytest.fixture
def make_view(show_panel):
    """A ContourView on a scene, shown."""
    return lambda scene: show_panel(ContourView, scene, (640, 560))


@pytest.fixture
def view(qtbot, make_view) -> ContourView:
    return make_view("race")


def click_at(qtbot, view: ContourView, params, button=Qt.MouseButton.LeftButton) -> None:
    pos = view.plot.mapFromScene(view.data_to_scene(params))
    qtbot.mouseClick(view.plot.viewport(), button, pos=pos)


def test_heat_map_covers_the_bounds_with_labelled_axes(view):
    land = view.model.landscape
    assert view.image.image.shape == (GRID_SIZE, GRID_SIZE)
    assert np.all(np.isfinite(view.image.image))
    rect = view.image.mapRectToParent(view.image.boundingRect())
    (x0, x1), (y0, y1) = land.bounds
    assert rect.left() < x0 < x1 < rect.right() and rect.top() < y0 < y1 < rect.bottom()
    assert view.plot.getAxis("bottom").labelText == "x"
    assert view.plot.getAxis("left").labelText == "y"
    x, y = view.isolines.getData()
    assert len(x) > 0 and len(x) % 2 == 0
    np.testing.assert_allclose(np.column_stack(view.minima.getData()), [(1.0, 1.0)])


def test_log_height_switch_rescales_the_heat_map(view):
    assert view.log_scale
    log_top = view.image.image.max()
    view.model.set_log_height(False)
    assert not view.log_scale
    assert view.image.image.max() > 100 * log_top


def test_each_enabled_run_has_a_path_and_a_ball_in_its_colour(view):
    model = view.model
    model.step(50)
    assert set(view.paths()) == {cfg.title for cfg in model.runs}
    for cfg in model.runs:
        path, head = view.paths()[cfg.title], view.heads()[cfg.title]
        assert path.opts["pen"].color().name() == cfg.color.lower()
        assert_traces(view, path, cfg.run.history.columns()["params"])
        np.testing.assert_allclose(np.column_stack(head.getData())[0], cfg.run.params)
    model.set_run_enabled(2, False)
    assert model.runs[2].title not in view.paths()


def test_left_click_drops_a_new_start_and_restarts_the_race(qtbot, view):
    model = view.model
    model.step(30)
    target = (0.5, -0.4)
    with qtbot.waitSignal(model.runsReset):
        click_at(qtbot, view, target)
    np.testing.assert_allclose(model.start, target, atol=0.03)
    for cfg in model.runs:
        assert cfg.run.steps == 0
        np.testing.assert_allclose(cfg.run.params, model.start)
        assert len(view.paths()[cfg.title].getData()[0]) == 1
    np.testing.assert_allclose(np.column_stack(view.start_marker.getData())[0], model.start)


def test_right_click_leaves_the_start_alone(qtbot, view):
    start = view.model.start.copy()
    click_at(qtbot, view, (0.5, -0.4), Qt.MouseButton.RightButton)
    np.testing.assert_array_equal(view.model.start, start)


def test_one_parameter_shows_the_curve_with_balls_and_trails(qtbot, make_view):
    view = make_view("learning-rate")
    model = view.model
    land = model.landscape
    assert view.curve.isVisible() and not view.image.isVisible()
    w, loss = view.curve.getData()
    assert w[0] == land.bounds[0][0] and w[-1] == land.bounds[0][1]
    np.testing.assert_allclose(loss, land.value(w[:, None]))
    assert view.plot.getAxis("left").labelText == "loss"
    model.step(5)
    cfg = model.runs[0]
    trail_w, trail_loss = view.paths()[cfg.title].getData()
    assert len(trail_w) == 6
    np.testing.assert_allclose(trail_loss, land.value(trail_w[:, None]))
    np.testing.assert_allclose(
        np.column_stack(view.heads()[cfg.title].getData())[0], (cfg.run.params[0], cfg.run.loss)
    )


def test_one_parameter_click_sets_only_w(qtbot, make_view):
    view = make_view("learning-rate")
    with qtbot.waitSignal(view.model.runsReset):
        click_at(qtbot, view, (9.0,))
    assert view.model.start.shape == (1,)
    np.testing.assert_allclose(view.model.start, [9.0], atol=0.05)


def test_a_hidden_view_catches_up_when_shown(qtbot, view):
    view.hide()
    view.model.step(40)
    view.show()
    qtbot.waitExposed(view)
    cfg = view.model.runs[0]
    assert_traces(view, view.paths()[cfg.title], cfg.run.history.columns()["params"])
    assert cfg.run.steps == 40


def assert_traces(view, path, points: np.ndarray) -> None:
    """The drawn path starts and ends on the run's, and passes within a cell of every point."""
    drawn = np.column_stack(path.getData())
    np.testing.assert_array_equal(drawn[0], points[0])
    np.testing.assert_array_equal(drawn[-1], points[-1])
    cell = PATH_CELL_PX * np.asarray(view.plot.getViewBox().viewPixelSize())
    for p in points:
        assert np.min(np.max(np.abs(drawn - p) / cell, axis=1)) <= 1.0, p


def test_a_long_race_draws_a_path_of_a_few_points_per_pixel_crossed(qtbot, view):
    model = view.model
    model.set_tol(0.0)
    model.step(3000)  # the late steps crawl a fraction of a pixel each
    for cfg in model.runs:
        points = cfg.run.history.columns()["params"]
        path = view.paths()[cfg.title]
        assert_traces(view, path, points)
        assert len(path.getData()[0]) < len(points) / 2


def test_paths_are_thinned_without_assuming_x_increases():
    t = np.linspace(0.0, 6.0 * np.pi, 5000)
    x, y = np.cos(t) * (1 + t), np.sin(t) * (1 + t)  # a spiral: x goes back and forth
    tx, ty = thin_path(x, y, 0.2, 0.2)
    assert (tx[0], ty[0], tx[-1], ty[-1]) == (x[0], y[0], x[-1], y[-1])
    assert len(tx) < len(x) / 2
    drawn = np.column_stack([tx, ty])
    far = [np.min(np.max(np.abs(drawn - p), axis=1)) for p in np.column_stack([x, y])]
    assert max(far) <= 0.2
