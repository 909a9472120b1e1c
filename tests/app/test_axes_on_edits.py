"""Points clicked into the Data dock, as a user adds them: a small edit keeps the 3D loss
range and the axes as laid out (their loss ticks still at the heights the surface gives their
loss), and a big change (far-off points, another loss) moves them at once."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from gdstudio.core.data import Dataset
from gdstudio.core.surface_grid import GridSurface
from gdstudio.render.heightmap import HeightMap
from gdstudio.render.picking import project_to_screen
from tests.conftest import hold_still

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def _window(studio_window, qtbot, points: int, mae: bool):
    window = studio_window("line-fit")
    window.view3d.set_auto_coarsen(False)
    window.view3d.set_grid_size(128)
    model = window.model
    model.replace_dataset(Dataset.generate(points, slope=2.0, intercept=1.0, noise=3.0, seed=0))
    if mae:
        qtbot.keyClick(window.data_panel.loss_combo, Qt.Key.Key_Down)  # MSE → MAE
        assert model.loss == "mae"
    qtbot.waitUntil(lambda: _settled(window), timeout=30_000)
    # the plot shows the points before spots free of them are picked (its redraw takes a
    # turn of the event loop of its own)
    qtbot.waitUntil(lambda: window.data_panel.plot.settled)
    return window


@pytest.fixture
def mae_window(studio_window, qtbot, no_mouse_rate_limit):
    """Line fit, 1,000 points under MAE: its surface computed off the UI thread."""
    window = _window(studio_window, qtbot, 1_000, mae=True)
    yield window
    window.model.surface_worker.cancel()
    window.model.surface_worker.wait()


@pytest.fixture
def mse_window(studio_window, qtbot, no_mouse_rate_limit):
    """Line fit, 40 points under MSE: its surface computed in place, where it is drawn."""
    return _window(studio_window, qtbot, 40, mae=False)


def _settled(window) -> bool:
    """The view draws the exact surface of the data as it is now."""
    model, view = window.model, window.view3d
    shown = model.display_landscape
    if isinstance(shown, GridSurface):
        # every point, at the grid drawn (not a coarse first look of them)
        if not (shown.source is model.landscape and shown.exact and shown.n >= view.grid_size):
            return False
    elif shown is not model.landscape:
        return False
    return view.heightmap is not None and view.heightmap.landscape is shown


def _click(window, qtbot, x: float, y: float) -> None:
    plot = window.data_panel.plot

    def at() -> object:
        return plot.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(x, y)))

    # the plot drawn as it is now (its redraw takes a turn of its own after the 3D frame's)
    pos = hold_still(qtbot, plot.viewport(), at, lambda: plot.settled)
    count = len(window.model.dataset)
    qtbot.mouseClick(plot.viewport(), LEFT, NONE, pos)
    assert len(window.model.dataset) == count + 1
    qtbot.waitUntil(lambda: _settled(window), timeout=30_000)


def _near_the_fit(window, count: int, seed: int) -> list[tuple[float, float]]:
    """Free spots in the plot near the data's line (a click there adds a point)."""
    plot = window.data_panel.plot
    vb = plot.getViewBox()
    (x0, x1), _ = vb.viewRange()
    rng = np.random.default_rng(seed)
    spots: list[tuple[float, float]] = []
    while len(spots) < count:
        x = x0 + (x1 - x0) * (0.3 + 0.4 * len(spots) / count)  # apart from each other
        y = 2.0 * x + 1.0 + rng.normal(0.0, 3.0)
        if plot.point_at(vb.mapViewToScene(QPointF(x, y))) is None:
            spots.append((x, y))
    return spots


def _loss_ticks(view):
    view.grabFramebuffer()
    layout = view.axes.layout
    assert layout is not None
    ticks = [lb for lb in layout.labels if lb.axis.startswith("loss") and not lb.title]
    assert len(ticks) >= 2
    return layout, ticks


def _assert_axes_read_right(window) -> None:
    """Each loss tick sits level with the height the view gives its loss, and the surface
    drawn is the loss of the data now at every node under that same mapping."""
    view, model = window.view3d, window.model
    hm = view.heightmap
    lo, hi = hm.exact_range
    assert hm.loss_min <= lo and hi <= hm.loss_max
    _, ticks = _loss_ticks(view)
    view_m, projection = view.camera_matrices()
    ratio = view.devicePixelRatioF()
    for label in ticks:
        z = float(hm.z_from_loss(np.array([label.value]))[0])
        corners = [
            np.array([sx * hm.extent[0], sy * hm.extent[1], z]) for sx in (-1, 1) for sy in (-1, 1)
        ]
        ys = [
            project_to_screen(c, view.width(), view.height(), view_m, projection)[1] * ratio
            for c in corners
        ]
        assert min(abs(y - (label.y + 0.5 * label.h)) for y in ys) < 1.5, (label, ys)
    n = view.grid_size
    params = hm.param_grid(n).reshape(-1, 2)[:: 7 * n + 3]  # a spread of grid nodes
    idx = np.arange(n * n)[:: 7 * n + 3]
    truth = hm.z_from_loss(model.landscape.value(params))
    np.testing.assert_allclose(view.mesh.vertices[idx, 2], truth, atol=1e-5)


def _assert_small_edits_keep_the_axes(window, qtbot) -> None:
    view = window.view3d
    spots = _near_the_fit(window, 4, seed=3)
    _click(window, qtbot, *spots[0])  # the first edit may pad the range once
    layout, _ = _loss_ticks(view)
    drawn = view.heightmap.loss_range
    for spot in spots[1:]:
        before = view.heightmap.exact_range
        _click(window, qtbot, *spot)
        assert view.heightmap.exact_range != before  # the data's range did move a little
        assert view.heightmap.loss_range == drawn
        assert _loss_ticks(view)[0] is layout  # the axes were not laid out again
        _assert_axes_read_right(window)


def test_small_edits_keep_the_axes_of_a_surface_computed_off_the_ui_thread(qtbot, mae_window):
    _assert_small_edits_keep_the_axes(mae_window, qtbot)


def test_small_edits_keep_the_axes_of_a_surface_computed_in_place(qtbot, mse_window):
    _assert_small_edits_keep_the_axes(mse_window, qtbot)


def test_far_off_points_move_the_range_and_the_axes_follow(qtbot, mse_window):
    window, view = mse_window, mse_window.view3d
    _click(window, qtbot, *_near_the_fit(window, 1, seed=5)[0])
    layout, _ = _loss_ticks(view)
    drawn = view.heightmap.loss_range
    for k in range(4):  # far above the line at its low end
        (x0, x1), (y0, y1) = window.data_panel.plot.getViewBox().viewRange()
        _click(window, qtbot, x0 + (x1 - x0) * (0.05 + 0.08 * k), y0 + (y1 - y0) * 0.95)
    hm = view.heightmap
    assert hm.loss_max > drawn[1]
    assert hm.loss_range != drawn
    assert _loss_ticks(view)[0] is not layout
    _assert_axes_read_right(window)


def test_another_loss_draws_its_own_exact_range(qtbot, mae_window):
    window, view = mae_window, mae_window.view3d
    _click(window, qtbot, *_near_the_fit(window, 1, seed=7)[0])
    mae_range = view.heightmap.loss_range
    qtbot.keyClick(window.data_panel.loss_combo, Qt.Key.Key_Up)  # MAE → MSE
    assert window.model.loss == "mse"
    qtbot.waitUntil(lambda: _settled(window), timeout=30_000)
    hm = view.heightmap
    assert hm.loss_range != mae_range
    assert hm.loss_range == HeightMap(window.model.landscape, hm.log_scale).loss_range
    _assert_axes_read_right(window)
