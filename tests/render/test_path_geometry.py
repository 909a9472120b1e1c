"""Paths -> world-space segments and head balls, without Qt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.heightmap import HeightMap
from gdstudio.render.path_geometry import (
    PATH_LIFT,
    PATH_STACKING,
    build_path_geometry,
    simplify,
    world_path,
)


@dataclass
class Path:
    color: tuple[float, float, float]
    points: np.ndarray
    losses: np.ndarray


def test_simplify_drops_points_closer_than_the_tolerance_along_the_path():
    crawl = np.column_stack([np.linspace(0.0, 1.0, 1001), np.zeros(1001), np.zeros(1001)])
    kept = simplify(crawl, 0.01)
    assert 95 <= len(kept) <= 102
    np.testing.assert_array_equal(kept[[0, -1]], crawl[[0, -1]])
    gap = np.abs(crawl[:, None, 0] - kept[None, :, 0]).min(axis=1)
    assert gap.max() <= 0.01 + 1e-9  # every point of the path is near the drawn line
    hops = np.column_stack([np.arange(50.0) * 0.001, (np.arange(50) % 2) * 0.1, np.zeros(50)])
    assert len(simplify(hops, 0.01)) == 50  # every hop is longer than the tolerance
    np.testing.assert_array_equal(simplify(crawl, 0.0), crawl)


def test_simplify_keeps_the_start_of_a_growing_path_as_it_was():
    rng = np.random.default_rng(1)
    path = np.cumsum(rng.normal(scale=0.004, size=(600, 3)), axis=0)
    early, late = simplify(path[:300], 0.01), simplify(path, 0.01)
    np.testing.assert_array_equal(late[: len(early) - 1], early[:-1])


def test_paths_float_just_above_the_surface():
    ls = ANALYTIC["quadratic2d"]
    hm = HeightMap(ls)
    pts = np.array([[8.0, 6.0], [7.0, 4.6], [3.0, -1.0]])
    world = world_path(hm, pts, ls.value(pts))
    np.testing.assert_allclose(world[:, :2], hm.world_xy(pts))
    np.testing.assert_allclose(world[:, 2], hm.z_from_loss(ls.value(pts)) + PATH_LIFT)


def test_paths_from_objects_and_tuples_give_one_point_list_and_heads():
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
    assert geometry.points.shape == (3 + 2, 3)
    np.testing.assert_array_equal(geometry.point_colors[:3, :3], [[1, 0, 0]] * 3)
    np.testing.assert_array_equal(geometry.point_colors[3:, :3], [[0, 0, 1]] * 2)
    # segments 0, 1 (red) and 3 (blue) are drawn; 2 would join the red end to the blue start
    np.testing.assert_array_equal(geometry.point_colors[:, 3], [1, 1, 0, 1, 0])
    assert geometry.head_positions.shape == (2, 3)
    heads = hm.world_xy(np.array([a[-1], b[-1]]))
    np.testing.assert_allclose(geometry.head_positions[:, :2], heads, atol=1e-6)


def test_missing_losses_are_computed_and_runaway_points_stay_near_the_box():
    hm = HeightMap(ANALYTIC["quadratic2d"])
    pts = np.array([[8.0, 6.0], [1e6, -1e6], [1e300, 1e300]])
    geometry = build_path_geometry(hm, [((1.0, 1.0, 1.0), pts, ())])
    assert np.all(np.isfinite(geometry.points))
    assert np.all(np.abs(geometry.points[:, :2]) <= 1.25 * hm.extent.max() + 1e-6)
    assert geometry.points[:, 2].max() <= 1.25 * hm.height + 0.1


def test_no_paths_give_empty_arrays():
    geometry = build_path_geometry(HeightMap(ANALYTIC["saddle"]), [])
    assert geometry.points.shape == (0, 3)
    assert geometry.head_positions.shape == (0, 3)


def test_each_path_is_its_thinned_world_path_lifted_by_its_place():
    ls = ANALYTIC["rosenbrock"]
    hm = HeightMap(ls)
    rng = np.random.default_rng(3)
    params = np.array([-1.5, 2.0]) + np.cumsum(rng.normal(scale=0.0005, size=(900, 2)), axis=0)
    paths = [
        ((1, 0, 0), params, ls.value(params)),
        ((0, 0, 1), params[:400], ls.value(params[:400])),
    ]
    geometry = build_path_geometry(hm, paths, tolerance=0.001)
    for i, (span, (_, p, v)) in enumerate(zip(geometry.spans, paths, strict=True)):
        drawn = geometry.points[span.first : span.first + span.count]
        want = simplify(world_path(hm, p, v, PATH_LIFT + PATH_STACKING * i), 0.001)
        np.testing.assert_array_equal(drawn, want.astype(np.float32))
    assert len(geometry.points) < 0.8 * (900 + 400)  # and it was thinned
