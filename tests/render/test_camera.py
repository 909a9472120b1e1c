"""Camera framing helpers, without Qt."""

from __future__ import annotations

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
