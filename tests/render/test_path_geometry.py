"""Paths -> world-space segments and head balls, without Qt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.heightmap import HeightMap
from gdstudio.render.path_geometry import (
    PATH_LIFT,
    build_path_geometry,
    polyline_segments,
    world_path,
)


@dataclass
class Path:
    color: tuple[float, float, float]
    points: np.ndarray
    losses: np.ndarray


def test_polyline_becomes_vertex_pairs():
    pts = np.arange(8.0).reshape(4, 2)
    seg = polyline_segments(pts)
    np.testing.assert_array_equal(seg, pts[[0, 1, 1, 2, 2, 3]])
    assert polyline_segments(pts[:1]).shape == (0, 2)


def test_paths_float_just_above_the_surface():
    ls = ANALYTIC["quadratic2d"]
    hm = HeightMap(ls)
    pts = np.array([[8.0, 6.0], [7.0, 4.6], [3.0, -1.0]])
    world = world_path(hm, pts, ls.value(pts))
    np.testing.assert_allclose(world[:, :2], hm.world_xy(pts))
    np.testing.assert_allclose(world[:, 2], hm.z_from_loss(ls.value(pts)) + PATH_LIFT)


def test_paths_from_objects_and_tuples_give_segments_and_heads():
    ls = ANALYTIC["rosenbrock"]
    hm = HeightMap(ls)
    a = np.array([[-1.5, 2.0], [-1.0, 1.0], [0.0, 0.5]])
    b = np.array([[1.5, 2.0], [1.2, 1.4]])
    geometry = build_path_geometry(
        hm,
        [
            Path((1.0, 0.0, 0.0), a, ls.value(a)),
            ((0.0, 0.0, 1.0), b, ls.value(b)),
            Path((0.0, 1.0, 0.0), np.empty((0, 2)), np.empty(0)),
        ],
    )
    assert geometry.segment_positions.shape == (4 + 2, 3)
    np.testing.assert_array_equal(geometry.segment_colors[:4, :3], [[1, 0, 0]] * 4)
    np.testing.assert_array_equal(geometry.segment_colors[4:, :3], [[0, 0, 1]] * 2)
    assert geometry.head_positions.shape == (2, 3)
    heads = hm.world_xy(np.array([a[-1], b[-1]]))
    np.testing.assert_allclose(geometry.head_positions[:, :2], heads, atol=1e-6)


def test_missing_losses_are_computed_and_runaway_points_stay_near_the_box():
    hm = HeightMap(ANALYTIC["quadratic2d"])
    pts = np.array([[8.0, 6.0], [1e6, -1e6], [1e300, 1e300]])
    geometry = build_path_geometry(hm, [((1.0, 1.0, 1.0), pts, ())])
    assert np.all(np.isfinite(geometry.segment_positions))
    assert np.all(np.abs(geometry.segment_positions[:, :2]) <= 1.25 * hm.extent.max() + 1e-6)
    assert geometry.segment_positions[:, 2].max() <= 1.25 * hm.height + 0.1


def test_no_paths_give_empty_arrays():
    geometry = build_path_geometry(HeightMap(ANALYTIC["saddle"]), [])
    assert geometry.segment_positions.shape == (0, 3)
    assert geometry.head_positions.shape == (0, 3)
