"""Picking math: screen rays and ray / height-field intersection, without Qt."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.heightmap import HeightMap
from gdstudio.render.picking import (
    clip_ray_to_box,
    intersect_heightfield,
    project_to_screen,
    ray_from_screen,
)

WIDTH, HEIGHT = 640, 480


def look_at(eye, target, up=(0.0, 0.0, 1.0)) -> np.ndarray:
    """A right-handed view matrix (camera looks down its -z)."""
    eye, target, up = (np.asarray(v, dtype=np.float64) for v in (eye, target, up))
    f = target - eye
    f /= np.linalg.norm(f)
    s = np.cross(f, up)
    s /= np.linalg.norm(s)
    u = np.cross(s, f)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = s, u, -f
    m[:3, 3] = -m[:3, :3] @ eye
    return m


def perspective(fov_y_deg: float, aspect: float, near: float, far: float) -> np.ndarray:
    """An OpenGL perspective projection matrix."""
    f = 1.0 / np.tan(np.radians(fov_y_deg) / 2.0)
    m = np.zeros((4, 4))
    m[0, 0], m[1, 1] = f / aspect, f
    m[2, 2], m[2, 3] = (far + near) / (near - far), 2 * far * near / (near - far)
    m[3, 2] = -1.0
    return m


@pytest.fixture
def camera():
    view = look_at(eye=(2.2, -2.6, 2.4), target=(0.0, 0.0, 0.3))
    return view, perspective(45.0, WIDTH / HEIGHT, 0.01, 100.0)


def test_a_ray_through_a_projected_point_passes_through_it(camera):
    view, projection = camera
    point = np.array([0.3, -0.4, 0.5])
    x, y = project_to_screen(point, WIDTH, HEIGHT, view, projection)
    origin, direction = ray_from_screen(x, y, WIDTH, HEIGHT, view, projection)
    to_point = point - origin
    distance_from_ray = np.linalg.norm(to_point - (to_point @ direction) * direction)
    assert distance_from_ray < 1e-9
    assert np.linalg.norm(direction) == pytest.approx(1.0)


def _pick_back(view, projection, hm: HeightMap, xy: np.ndarray) -> tuple[np.ndarray, ...]:
    point = np.array([*xy, float(hm.surface_z_at_world(xy))])
    x, y = project_to_screen(point, WIDTH, HEIGHT, view, projection)
    origin, direction = ray_from_screen(x, y, WIDTH, HEIGHT, view, projection)
    hit = intersect_heightfield(origin, direction, hm.surface_z_at_world, *hm.world_box())
    return point, origin, hit


@pytest.mark.parametrize("name", ["rosenbrock", "quadratic2d", "himmelblau", "saddle"])
@pytest.mark.parametrize("target", [(0.25, 0.25), (-0.3, 0.5), (0.7, -0.1), (-0.8, -0.8)])
def test_picking_a_projected_surface_point_finds_it_within_one_grid_cell(name, target):
    view = look_at(eye=(0.6, -1.2, 4.5), target=(0.0, 0.0, 0.3))  # steep: nothing hidden
    projection = perspective(45.0, WIDTH / HEIGHT, 0.01, 100.0)
    hm = HeightMap(ANALYTIC[name])
    xy = np.array(target) * hm.extent
    _, _, hit = _pick_back(view, projection, hm, xy)
    cell = 2.0 / 255
    assert np.linalg.norm(hit[:2] - xy) < cell
    assert hit[2] == pytest.approx(float(hm.surface_z_at_world(hit[:2])), abs=1e-6)


def test_picking_a_hidden_point_hits_the_hill_in_front_of_it(camera):
    view, projection = camera
    hm = HeightMap(ANALYTIC["rosenbrock"])
    point, origin, hit = _pick_back(view, projection, hm, np.array([0.7, -0.1]))
    assert np.linalg.norm(hit - origin) < np.linalg.norm(point - origin) - 0.1
    assert hit[2] == pytest.approx(float(hm.surface_z_at_world(hit[:2])), abs=1e-6)


def test_a_ray_that_misses_the_box_hits_nothing(camera):
    view, projection = camera
    hm = HeightMap(ANALYTIC["rosenbrock"])
    origin, direction = ray_from_screen(2.0, 2.0, WIDTH, HEIGHT, view, projection)
    assert intersect_heightfield(origin, direction, hm.surface_z_at_world, *hm.world_box()) is None


def test_a_ray_entering_through_a_side_wall_hits_the_wall():
    hm = HeightMap(ANALYTIC["quadratic2d"])
    origin = np.array([-3.0, 0.0, 0.05])
    hit = intersect_heightfield(
        origin, np.array([1.0, 0.0, 0.0]), hm.surface_z_at_world, *hm.world_box()
    )
    np.testing.assert_allclose(hit, [-1.0, 0.0, 0.05])


def test_clip_ray_to_box():
    lo, hi = np.zeros(3), np.ones(3)
    assert clip_ray_to_box(np.array([-1.0, 0.5, 0.5]), np.array([1.0, 0.0, 0.0]), lo, hi) == (
        pytest.approx(1.0),
        pytest.approx(2.0),
    )
    assert clip_ray_to_box(np.array([-1.0, 2.0, 0.5]), np.array([1.0, 0.0, 0.0]), lo, hi) is None
    start_inside = clip_ray_to_box(np.array([0.5, 0.5, 0.5]), np.array([0.0, 0.0, 1.0]), lo, hi)
    assert start_inside == (0.0, pytest.approx(0.5))
