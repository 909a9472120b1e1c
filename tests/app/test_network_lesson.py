"""Lesson 7 as a user meets it: picked from the Lessons menu, run with Space, watched train."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from gdstudio.app.drawn import is_sliced
from gdstudio.app.network.boundary import GRID
from tests.app.test_network_presets import pick
from tests.render.conftest import _image_rgba


def _drawn_class(view, points: np.ndarray) -> np.ndarray:
    """The class the drawn heat map shows under each point (p > ½ at its nearest cell)."""
    probs = view.probabilities()
    (x0, x1), (y0, y1) = view.region()
    col = np.clip(np.rint((points[:, 0] - x0) / (x1 - x0) * (GRID - 1)), 0, GRID - 1).astype(int)
    row = np.clip(np.rint((points[:, 1] - y0) / (y1 - y0) * (GRID - 1)), 0, GRID - 1).astype(int)
    return (probs[row, col] > 0.5).astype(float)


def test_lesson_7_opens_from_the_menu_trains_live_and_shows_boundary_curves_and_slice(
    studio_window, user, qtbot
):
    window = studio_window("surface")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    user.menu_bar(window, "Lessons", "7. Beyond a line: a neural network")
    model = window.model
    assert model.landscape_name == "network" and model.landscape.dim == 105
    assert [c.title for c in model.runs] == ["SGD", "Momentum", "RMSprop", "Adam"]
    panels = window.network_panels
    qtbot.waitUntil(lambda: all(dock.isVisible() for dock in panels.docks()))
    qtbot.waitUntil(lambda: is_sliced(model), timeout=30000)  # the first slice, off the UI thread
    assert window.stack.currentWidget() is window.view3d
    assert model.display_landscape.param_names == ("α", "β")

    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # Run
    qtbot.waitUntil(lambda: min(c.run.steps for c in model.runs) >= 400, timeout=120000)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # Pause
    qtbot.waitUntil(lambda: not model.playing)

    # The boundary drawn for the chosen racer separates the moons: the held-out points too.
    land = model.landscape
    view = panels.boundary
    qtbot.waitUntil(
        lambda: view.weights is not None and np.array_equal(view.weights, model.runs[0].run.params)
    )
    val = land.validation
    assert np.mean(_drawn_class(view, val.inputs) == val.labels) >= 0.9
    train = land.train
    assert np.mean(_drawn_class(view, train.inputs) == train.labels) >= 0.9
    # Every racer's validation curve is drawn, one point per refresh, finite.
    panels.curves.refresh()
    for cfg in model.runs:
        steps, losses = panels.curves.curve(cfg.title, "val_loss").getData()
        assert len(steps) > 2 and np.isfinite(losses).all() and steps[-1] > 0

    # The slice shows in the 3D view's pixels, and Slice Landscape redraws it through the
    # chosen racer's current weights.
    with qtbot.waitSignal(model.surfaceChanged, timeout=30000):
        qtbot.mouseClick(panels.slicer.button, Qt.MouseButton.LeftButton)
    shown = model.display_landscape
    assert np.array_equal(shown.plane.origin, model.runs[0].run.params)
    rgba = _image_rgba(window.view3d.grabFramebuffer())
    assert len(np.unique(rgba[::5, ::5, :3].reshape(-1, 3), axis=0)) > 50
    qtbot.keyClick(window, Qt.Key.Key_T)  # the contour view: the same slice, α across, β up
    assert window.stack.currentWidget() is window.contour
    plot = window.contour.plot
    assert (plot.getAxis("bottom").labelText, plot.getAxis("left").labelText) == ("α", "β")


def test_the_landscape_combo_switches_to_the_network_and_a_lesson_back(studio_window, user, qtbot):
    window = studio_window("race")
    model = window.model
    combo = user.find(window, "landscapeCombo")
    pick(qtbot, combo, "Neural network (lesson 7)")
    assert model.landscape_name == "network" and model.landscape.dim == 105
    assert all(cfg.run.params.shape == (105,) for cfg in model.runs)
    panels = window.network_panels
    qtbot.waitUntil(lambda: all(dock.isVisible() for dock in panels.docks()))
    qtbot.waitUntil(lambda: is_sliced(model), timeout=30000)
    # Back by the combo, Beale picked from the popup opened on the network entry. (It was
    # flaky, 1 run in 2, with tests/conftest.py's pick: see test_network_presets.pick.)
    pick(qtbot, combo, "Beale")
    assert model.landscape_name == "beale" and not is_sliced(model)
    assert not any(dock.isVisible() for dock in panels.docks())
    user.menu_bar(window, "Lessons", "7. Beyond a line: a neural network")
    qtbot.waitUntil(lambda: all(dock.isVisible() for dock in panels.docks()))
    user.menu_bar(window, "Lessons", "5. Optimizer race (Rosenbrock)")
    assert model.landscape_name == "rosenbrock" and not is_sliced(model)
    assert not any(dock.isVisible() for dock in panels.docks())


def test_settle_slice_leaves_the_views_on_a_slice_through_the_current_weights(studio_window):
    window = studio_window("network")
    model = window.model
    model.step(120)
    assert window.network_panels.settle_slice()
    assert is_sliced(model)
    assert np.array_equal(model.display_landscape.plane.origin, model.runs[0].run.params)
    model.load_scene("race")
    assert not window.network_panels.settle_slice()  # no network: nothing to wait for
