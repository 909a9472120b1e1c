"""The 3D and contour views on a network's loss slice: α and β axes, the slice's extent, and
each racer's trajectory projected onto the slice's plane."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from gdstudio import theme
from gdstudio.app.drawn import drawn_path, is_sliced
from gdstudio.core.nn_slice import project
from tests.app.test_many_parameters import on_a_network
from tests.render.conftest import _image_rgba


def _sliced_window(studio_window, qtbot, steps: int = 60):
    """The race window with its racers moved onto a network, stepped, and sliced by the
    Slice Landscape button through the first racer's weights."""
    window = studio_window("race")
    model = window.model
    land = on_a_network(model)
    qtbot.waitUntil(lambda: is_sliced(model), timeout=20000)  # the first slice, at the start
    model.step(steps)
    with qtbot.waitSignal(model.surfaceChanged, timeout=20000):
        qtbot.mouseClick(window.network_panels.slicer.button, Qt.MouseButton.LeftButton)
    return window, land


def test_the_contour_view_draws_the_slice_with_alpha_and_beta_axes(studio_window, qtbot):
    window, land = _sliced_window(studio_window, qtbot)
    model = window.model
    assert is_sliced(model)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_T)  # to the contour view
    qtbot.waitUntil(lambda: window.contour.isVisible())
    plot = window.contour.plot
    assert plot.getAxis("bottom").labelText == "α"
    assert plot.getAxis("left").labelText == "β"
    shown = model.display_landscape
    assert window.contour.extent() == shown.bounds
    for cfg in model.runs:
        path = window.contour.paths()[cfg.title]
        x, y = path.getData()
        expected = project(shown.plane, cfg.run.history.columns()["params"])
        assert np.allclose([x[0], y[0]], expected[0]) and np.allclose([x[-1], y[-1]], expected[-1])
    first = model.runs[0].run.history.columns()["params"]
    assert np.allclose(drawn_path(shown, first, np.zeros(len(first)))[0], shown.trajectory)


def _near(rgba: np.ndarray, color: str, tol: int = 30) -> int:
    """How many pixels are within `tol` of `color` in every channel."""
    want = np.array(theme.hex_to_rgb(color)) * 255.0
    return int((np.abs(rgba[..., :3].astype(float) - want) <= tol).all(axis=-1).sum())


def test_the_3d_view_shows_the_slice_surface_and_the_projected_paths(studio_window, qtbot):
    window, _ = _sliced_window(studio_window, qtbot, steps=200)
    view = window.view3d
    assert window.stack.currentWidget() is view
    rgba = _image_rgba(view.grabFramebuffer())
    assert len(np.unique(rgba[::5, ::5, :3].reshape(-1, 3), axis=0)) > 50  # a shaded surface
    model = window.model
    color = model.runs[0].color
    with_path = _near(rgba, color)
    model.set_run_enabled(0, False)
    qtbot.waitUntil(lambda: _near(_image_rgba(view.grabFramebuffer()), color) < with_path)
    assert with_path > 30


def test_a_network_gets_its_first_slice_and_slice_landscape_redraws_it(studio_window, qtbot):
    from gdstudio.core.nn_view import SliceLandscape

    window = studio_window("race")  # with the network docks (app/extras.py)
    model = window.model
    land = on_a_network(model)
    qtbot.waitUntil(lambda: isinstance(model.display_landscape, SliceLandscape), timeout=20000)
    first = model.display_landscape
    assert first.source is land and first.param_names == ("α", "β")
    assert np.array_equal(first.plane.origin, model.runs[0].run.params)  # through the start
    model.step(50)
    panels = window.network_panels
    with qtbot.waitSignal(model.surfaceChanged, timeout=20000):
        qtbot.mouseClick(panels.slicer.button, Qt.MouseButton.LeftButton)
    assert model.display_landscape is not first
    assert np.array_equal(model.display_landscape.plane.origin, model.runs[0].run.params)
    model.load_scene("race")  # off the network: its own surface again, a late slice dropped
    model.take_slice(first)
    assert model.display_landscape is not first and not is_sliced(model)
