"""The network's loss slice drawn by the 3D view's height map, the projected path on it."""

from __future__ import annotations

import numpy as np

from gdstudio.core.datasets import make_points
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.nn_view import make_slice
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run
from gdstudio.render.heightmap import HeightMap


def _slice(kind: str):
    land = NetworkLandscape(Architecture((5,), "tanh"), make_points("circles", 60, 0.1, 2))
    run = Run(land, make_optimizer("momentum", lr=0.5, momentum=0.9), tol=0.0, max_steps=80)
    run.step(80)
    return make_slice(land, run.history.columns()["params"], kind, n=25)


def test_the_height_map_spans_the_slices_losses_and_samples_a_mesh():
    s = _slice("random")
    hm = HeightMap(s)
    assert hm.loss_min == np.min(s.values) and hm.loss_max == np.max(s.values)
    mesh = hm.sample(40, walls=False)
    assert mesh.vertices.shape == (1600, 3)
    assert np.isfinite(mesh.normals).all()


def test_the_projected_path_lies_on_the_drawn_surface():
    s = _slice("pca")
    hm = HeightMap(s)
    path = s.path()
    world = hm.to_world(path[:, :2], path[:, 2])
    np.testing.assert_allclose(world[:, 2], hm.surface_z_at_world(world[:, :2]), atol=1e-12)
    assert world[-1, 2] < world[0, 2]
