"""Camera framing helpers, without Qt."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.camera import THREE_QUARTER_AZIMUTHS, best_azimuth, fit_distance
from gdstudio.render.heightmap import HeightMap


def test_a_flatter_view_or_a_narrower_fov_moves_the_camera_back():
    # pyqtgraph's fov is horizontal: a wide, flat view has the smaller vertical angle
    hm = HeightMap(ANALYTIC["rosenbrock"])
    square = fit_distance(hm, 60.0, 400, 400)
    assert fit_distance(hm, 60.0, 800, 400) > square
    assert fit_distance(hm, 60.0, 400, 800) == square
    assert fit_distance(hm, 30.0, 400, 400) > square


def test_the_camera_looks_over_the_lowest_sides():
    # Rosenbrock is tallest along y = -1, so the camera should sit on the +y side
    azimuth = best_azimuth(HeightMap(ANALYTIC["rosenbrock"]))
    assert azimuth in (28.0, 118.0)


def test_a_symmetric_bowl_keeps_the_default_side():
    assert best_azimuth(HeightMap(ANALYTIC["plateau"])) == pytest.approx(THREE_QUARTER_AZIMUTHS[0])


def test_the_framing_matrices_are_the_views_own(view):
    from gdstudio.render.camera import view_matrix

    view.set_camera_state(
        {"distance": 3.3, "elevation": 52.0, "azimuth": 118.0, "center": [0.1, -0.2, 0.4]}
    )
    state = view.camera_state()
    mine = view_matrix(np.array(state["center"]), 3.3, 52.0, 118.0)
    np.testing.assert_allclose(mine, view.camera_matrices()[0], atol=1e-6)


@pytest.mark.parametrize("name", ["rosenbrock", "two-valleys", "saddle", "beale"])
def test_framing_a_start_and_the_minima_keeps_them_in_sight_and_inside(name):
    from gdstudio.render.camera import (
        FOCUS_FILL,
        count_seen,
        eye_position,
        frame_focus,
        view_matrix,
    )

    ls = ANALYTIC[name]
    hm = HeightMap(ls)
    focus = np.array([ls.default_start, *ls.minima])
    framing = frame_focus(hm, focus, 60.0, 800, 600)
    targets = hm.to_world(focus)
    targets[:, 2] = hm.z_from_loss(hm.loss(focus))
    center = np.array(framing.center)
    eye = eye_position(center, framing.distance, framing.elevation, framing.azimuth)
    assert count_seen(hm, eye, targets) == len(targets)
    view = view_matrix(center, framing.distance, framing.elevation, framing.azimuth)
    ex, ey, ez = (view @ np.c_[targets, np.ones(len(targets))].T)[:3]
    f = 1.0 / np.tan(np.radians(30.0))
    assert np.all(np.abs(f * ex / -ez) <= FOCUS_FILL + 1e-9)
    assert np.all(np.abs(f * 800 / 600 * ey / -ez) <= FOCUS_FILL + 1e-9)


def test_with_no_start_the_whole_surface_is_framed(view):
    view.set_paths([])
    view.reset_camera()
    assert view.camera_state()["elevation"] == pytest.approx(40.0)
