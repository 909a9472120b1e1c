"""Markers and paths in the surface's own height mapping, and hidden by the walls and hills in
front of them (no path or ball drawn through the box)."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.picking import project_to_screen

SURFACES = sorted(name for name, ls in ANALYTIC.items() if ls.dim == 2)


def _surface_point(mesh, xy: np.ndarray) -> np.ndarray:
    """The drawn mesh's point above world xy (bilinear in the grid cell around it)."""
    n = mesh.n
    grid = mesh.vertices[: n * n].reshape(n, n, 3)
    xs, ys = grid[0, :, 0].astype(float), grid[:, 0, 1].astype(float)
    i = int(np.clip(np.searchsorted(xs, xy[0]) - 1, 0, n - 2))
    j = int(np.clip(np.searchsorted(ys, xy[1]) - 1, 0, n - 2))
    tx = (xy[0] - xs[i]) / (xs[i + 1] - xs[i])
    ty = (xy[1] - ys[j]) / (ys[j + 1] - ys[j])
    z = grid[j : j + 2, i : i + 2, 2].astype(float)
    top = z[0, 0] * (1 - tx) + z[0, 1] * tx
    bottom = z[1, 0] * (1 - tx) + z[1, 1] * tx
    return np.array([xy[0], xy[1], top * (1 - ty) + bottom * ty])


@pytest.mark.parametrize("log", [True, False])
@pytest.mark.parametrize("name", SURFACES)
def test_each_minimum_is_marked_on_the_drawn_surface(view, name, log):
    landscape = ANALYTIC[name]
    view.set_grid_size(257)  # odd: a minimum at the middle of the bounds is a vertex
    view.set_landscape(landscape, log_height=log)
    view.set_camera_state({"elevation": 35.0})  # low: a wrong height shows as a shift
    markers = view.minima_positions
    assert len(markers) == len(view.heightmap.minima_inside()) > 0
    view_m, projection = view.camera_matrices()
    for marker in markers:
        surface = _surface_point(view.mesh, marker[:2].astype(float))
        at = [
            project_to_screen(p, view.width(), view.height(), view_m, projection)
            for p in (marker.astype(float), surface)
        ]
        assert np.hypot(*(at[0] - at[1])) < 2.0, (name, log, marker, surface)


def test_a_path_and_ball_behind_a_wall_are_hidden(view, frame_rgb):
    # the plateau's bowl seen from just above its rim: the front wall and the plateau hide
    # its floor, where the path runs (not even faintly drawn through them)
    ls = ANALYTIC["plateau"]
    view.set_landscape(ls, log_height=False)
    t = np.linspace(0.0, 2.0 * np.pi, 60)
    ring = np.column_stack([0.5 * np.cos(t), 0.5 * np.sin(t)])
    for elevation, shown in ((6.0, False), (80.0, True)):
        view.set_camera_state({"elevation": elevation, "center": [0.0, 0.0, 0.3]})
        view.set_paths([])
        bare = frame_rgb(view).astype(int)
        view.set_paths([((1.0, 0.0, 1.0), ring, ls.value(ring))])
        changed = int((np.abs(frame_rgb(view).astype(int) - bare).max(axis=-1) > 12).sum())
        assert (changed > 150) if shown else (changed == 0), (elevation, changed)
