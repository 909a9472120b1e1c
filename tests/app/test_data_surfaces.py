"""Data edits under a costly loss, as a user makes them in the window: the 3D surface ends as
the exact one of the data now shown, and no surface of older data is ever drawn after a newer
edit (clicks into the data plot, drags of a point)."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from gdstudio.core.data import Dataset
from gdstudio.core.surface_grid import GridSurface
from gdstudio.render.heightmap import HeightMap
from tests.conftest import hold_still

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
POINTS = 1_000


@pytest.fixture
def mae_window(studio_window, qtbot, no_mouse_rate_limit):
    """The line-fit scene with 1,000 points, MAE picked in the Data dock, in 3D at 256²."""
    window = studio_window("line-fit")
    window.view3d.set_auto_coarsen(False)  # software GL would lower the grid as it likes
    window.view3d.set_grid_size(256)
    model = window.model
    model.replace_dataset(Dataset.generate(POINTS, slope=2.0, intercept=1.0, noise=3.0, seed=0))
    combo = window.data_panel.loss_combo
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # MSE → MAE, the way the keyboard picks it
    assert combo.currentText() == "MAE"
    assert model.loss == "mae"
    # the plot shows the new points before the user reaches for them (its redraw takes a
    # turn of the event loop of its own)
    qtbot.waitUntil(lambda: window.data_panel.plot.settled)
    yield window
    model.surface_worker.cancel()
    model.surface_worker.wait()


def _viewport_at(window, x: float, y: float):
    plot = window.data_panel.plot
    return plot.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(x, y)))


def _free_spots(window, count: int, seed: int) -> list[tuple[float, float]]:
    """Data positions in the plot with no point under them: a click there adds a point."""
    plot = window.data_panel.plot
    vb = plot.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    rng = np.random.default_rng(seed)
    spots: list[tuple[float, float]] = []
    while len(spots) < count:
        x, y = x0 + (x1 - x0) * rng.uniform(0.2, 0.8), y0 + (y1 - y0) * rng.uniform(0.2, 0.8)
        if plot.point_at(vb.mapViewToScene(QPointF(x, y))) is None:
            spots.append((x, y))
    return spots


def _watch_surfaces(model) -> list[bool]:
    """For every surface the model hands the views: was it computed from the data as it is?"""
    fresh: list[bool] = []

    def on_surface() -> None:
        shown = model.display_landscape
        fresh.append(getattr(shown, "source", shown) is model.landscape)

    model.surfaceChanged.connect(on_surface)
    return fresh


def _shows_the_exact_surface(window) -> bool:
    model = window.model
    shown = model.display_landscape
    return (
        isinstance(shown, GridSurface)
        and shown.source is model.landscape
        and shown.exact
        and shown.n == window.view3d.grid_size
        and window.view3d.heightmap is not None
        and window.view3d.heightmap.landscape is shown
    )


def _assert_mesh_is_the_direct_one(window) -> None:
    """The drawn mesh equals one sampled from the fit itself (every point, every grid node)."""
    view, model = window.view3d, window.model
    # Sampled under the range the view keeps across small edits (the exact range, or a kept
    # one that holds it): the mesh must be the fit's own under that mapping.
    hm = HeightMap(model.landscape, view.heightmap.log_scale, keep=view.heightmap.loss_range)
    assert hm.loss_range == view.heightmap.loss_range
    direct = hm.sample(view.grid_size)
    for part in ("vertices", "normals", "colors"):
        assert np.array_equal(getattr(view.mesh, part), getattr(direct, part)), part


def test_clicked_points_end_with_the_exact_surface_of_all_the_points(qtbot, mae_window):
    window, model = mae_window, mae_window.model
    fresh = _watch_surfaces(model)
    for x, y in _free_spots(window, 3, seed=1):
        qtbot.mouseClick(window.data_panel.plot.viewport(), LEFT, NONE, _viewport_at(window, x, y))
    assert len(model.dataset) == POINTS + 3
    qtbot.waitUntil(lambda: _shows_the_exact_surface(window), timeout=30_000)
    assert window.view3d.grid_size == 256
    _assert_mesh_is_the_direct_one(window)
    assert fresh and all(fresh)


def test_fast_edits_end_with_the_latest_data_and_never_draw_older_surfaces(qtbot, mae_window):
    window, model = mae_window, mae_window.model
    plot = window.data_panel.plot
    fresh = _watch_surfaces(model)
    vp = plot.viewport()
    index = int(np.argmax(model.dataset.y))
    start = (float(model.dataset.x[index]), float(model.dataset.y[index]))
    pos = hold_still(qtbot, vp, lambda: _viewport_at(window, *start), lambda: plot.settled)
    qtbot.mousePress(vp, LEFT, NONE, pos)
    for k in range(1, 9):  # every move is an edit; none waits for the surface before it
        qtbot.mouseMove(vp, _viewport_at(window, start[0] + 0.1 * k, start[1] - 0.8 * k))
    qtbot.mouseRelease(vp, LEFT, NONE, _viewport_at(window, start[0] + 0.8, start[1] - 6.4))
    for x, y in _free_spots(window, 2, seed=2):
        qtbot.mouseClick(vp, LEFT, NONE, _viewport_at(window, x, y))
    moved = model.dataset.x[index], model.dataset.y[index]
    assert moved != pytest.approx(start, abs=0.5)
    qtbot.waitUntil(lambda: _shows_the_exact_surface(window), timeout=30_000)
    model.surface_worker.wait()
    QApplication.processEvents()  # a late surface of older data would land now
    assert _shows_the_exact_surface(window)
    _assert_mesh_is_the_direct_one(window)
    assert fresh and all(fresh)
