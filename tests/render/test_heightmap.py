"""HeightMap: params/loss <-> world mapping and the sampled height field."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.landscapes import ANALYTIC, Landscape
from gdstudio.render.colormap import VIRIDIS_LUT
from gdstudio.render.heightmap import HeightMap, SurfaceMesh, grid_faces, mesh_faces


def test_params_map_into_a_box_whose_longest_side_spans_two_units():
    hm = HeightMap(ANALYTIC["elongated"])  # bounds (-10, 10) × (-2, 2)
    np.testing.assert_allclose(hm.extent, [1.0, 0.2])
    corners = hm.world_xy(np.array([[-10.0, -2.0], [10.0, 2.0]]))
    np.testing.assert_allclose(corners, [[-1.0, -0.2], [1.0, 0.2]])


def test_world_and_params_round_trip():
    hm = HeightMap(ANALYTIC["rosenbrock"])
    params = np.random.default_rng(1).uniform([-2, -1], [2, 3], size=(50, 2))
    np.testing.assert_allclose(hm.params_from_world(hm.world_xy(params)), params)
    world = hm.to_world(params)
    np.testing.assert_allclose(hm.params_from_world(world), params)
    np.testing.assert_allclose(
        hm.loss_from_z(world[:, 2]), ANALYTIC["rosenbrock"].value(params), rtol=1e-9
    )


@pytest.mark.parametrize("log_height", [False, True])
def test_loss_maps_onto_zero_to_height(log_height):
    hm = HeightMap(ANALYTIC["himmelblau"], log_height=log_height)
    assert hm.log_scale is log_height
    assert hm.z_from_loss(hm.loss_min) == pytest.approx(0.0)
    assert hm.z_from_loss(hm.loss_max) == pytest.approx(hm.height)
    losses = np.linspace(hm.loss_min, hm.loss_max, 7)
    np.testing.assert_allclose(hm.loss_from_z(hm.z_from_loss(losses)), losses, atol=1e-9)
    assert np.all(np.diff(hm.z_from_loss(losses)) > 0)


def test_log_height_follows_the_landscape_unless_asked():
    assert HeightMap(ANALYTIC["rosenbrock"]).log_scale
    assert not HeightMap(ANALYTIC["quadratic2d"]).log_scale
    assert not HeightMap(ANALYTIC["rosenbrock"], log_height=False).log_scale


def test_z_clips_to_the_box_and_treats_non_finite_as_the_top():
    hm = HeightMap(ANALYTIC["quadratic2d"])
    z = hm.z_from_loss(np.array([np.nan, np.inf, -np.inf, hm.loss_max * 10, hm.loss_min - 5]))
    np.testing.assert_allclose(z, [hm.height, hm.height, 0.0, hm.height, 0.0])


@pytest.mark.parametrize("name", ["quadratic2d", "rosenbrock", "two-valleys", "rastrigin"])
def test_normals_match_finite_differences_of_the_drawn_height(name):
    hm = HeightMap(ANALYTIC[name])
    n = 64
    mesh = hm.sample(n, walls=False)
    xy = mesh.vertices[:, :2].astype(np.float64)
    z = hm.surface_z_at_world(xy)
    h = 1e-6
    dzdx = (hm.surface_z_at_world(xy + [h, 0]) - hm.surface_z_at_world(xy - [h, 0])) / (2 * h)
    dzdy = (hm.surface_z_at_world(xy + [0, h]) - hm.surface_z_at_world(xy - [0, h])) / (2 * h)
    expected = np.stack([-dzdx, -dzdy, np.ones_like(dzdx)], axis=-1)
    expected /= np.linalg.norm(expected, axis=-1, keepdims=True)
    unclipped = (z > 1e-6) & (z < hm.height - 1e-6)
    np.testing.assert_allclose(mesh.vertices[:, 2], z, atol=1e-6)
    np.testing.assert_allclose(mesh.normals[unclipped], expected[unclipped], atol=2e-3)
    np.testing.assert_allclose(np.linalg.norm(mesh.normals, axis=-1), 1.0, atol=1e-5)


def test_colours_follow_viridis_by_height():
    hm = HeightMap(ANALYTIC["quadratic2d"])
    mesh = hm.sample(33, walls=False)
    lowest, highest = np.argmin(mesh.vertices[:, 2]), np.argmax(mesh.vertices[:, 2])
    np.testing.assert_array_equal(mesh.colors[lowest], VIRIDIS_LUT[0])
    np.testing.assert_array_equal(mesh.colors[highest], VIRIDIS_LUT[-1])


def _broken(p: np.ndarray) -> np.ndarray:
    """A loss that is nan on the left half and overflows near the top edge."""
    x, y = p[..., 0], p[..., 1]
    return np.where(x < 0, np.nan, np.where(y > 0.9, np.inf, x * x + y * y))


def test_non_finite_losses_and_gradients_give_a_clean_mesh():
    broken = Landscape(
        "broken",
        "Broken",
        ("x", "y"),
        (0.5, 0.5),
        ((-1.0, 1.0), (-1.0, 1.0)),
        ((0.0, 0.0),),
        _broken,
        lambda p: np.full(p.shape, np.nan),
    )
    mesh = HeightMap(broken).sample(32)
    assert np.all(np.isfinite(mesh.vertices))
    assert np.all(np.isfinite(mesh.normals))
    assert np.all((mesh.vertices[:, 2] >= 0) & (mesh.vertices[:, 2] <= 1.0))


def test_faces_cover_the_grid_and_are_cached_per_size():
    faces = grid_faces(5)
    assert faces.shape == (2 * 4 * 4, 3)
    assert faces.min() == 0 and faces.max() == 24
    assert grid_faces(5) is faces
    walled = mesh_faces(5)
    assert walled.shape == (32 + 4 * 2 * 4, 3)
    mesh = HeightMap(ANALYTIC["saddle"]).sample(5)
    assert walled.max() == len(mesh.vertices) - 1


def test_walls_hang_from_the_surface_edge_down_to_the_floor():
    mesh = HeightMap(ANALYTIC["quadratic2d"]).sample(9)
    walls = mesh.vertices[81:].reshape(4, 2, 9, 3)
    np.testing.assert_array_equal(walls[:, 1, :, 2], 0.0)
    np.testing.assert_array_equal(walls[0, 0], mesh.vertices[:9])  # the y = lo edge
    np.testing.assert_array_equal(walls[:, 0, :, :2], walls[:, 1, :, :2])


def test_sampling_into_a_previous_mesh_reuses_its_arrays():
    hm = HeightMap(ANALYTIC["rosenbrock"])
    first = hm.sample(16)
    again = HeightMap(ANALYTIC["himmelblau"]).sample(16, out=first)
    assert again.vertices is first.vertices
    np.testing.assert_array_equal(
        again.vertices, HeightMap(ANALYTIC["himmelblau"]).sample(16).vertices
    )


def test_one_parameter_landscapes_are_refused():
    with pytest.raises(ValueError, match="2 parameters"):
        HeightMap(ANALYTIC["bowl1d"])


class _PointByPoint:
    """A data fit seen through value() and grad() only (no fused grid pass)."""

    def __init__(self, fit) -> None:
        self._fit = fit

    def __getattr__(self, name):
        if name == "grid_value_and_grad":
            raise AttributeError(name)
        return getattr(self._fit, name)


def _fits():
    from gdstudio.core.data import Dataset
    from gdstudio.core.fitting import DataLandscape

    ds = Dataset.generate(150, slope=2.0, intercept=1.0, noise=3.0, seed=4)
    labels = (ds.y > np.median(ds.y)).astype(float)
    classes = Dataset(ds.x, labels, labels)
    return [DataLandscape(classes if loss == "bce" else ds, loss) for loss in LOSSES_DRAWN]


LOSSES_DRAWN = ("mse", "mae", "huber", "bce")


@pytest.mark.parametrize("index", range(len(LOSSES_DRAWN)), ids=LOSSES_DRAWN)
def test_a_data_fit_samples_in_one_pass_what_value_and_grad_give(index):
    fit = _fits()[index]
    fused = HeightMap(fit)
    plain = HeightMap(_PointByPoint(fit))
    assert (fused.loss_min, fused.loss_max) == pytest.approx((plain.loss_min, plain.loss_max))
    a, b = fused.sample(48), plain.sample(48)
    np.testing.assert_allclose(a.vertices, b.vertices, rtol=0, atol=1e-6)
    np.testing.assert_allclose(a.normals, b.normals, rtol=0, atol=1e-6)
    assert np.abs(a.colors.astype(int) - b.colors.astype(int)).max() <= 1


def test_a_table_of_the_exact_grids_draws_the_very_same_mesh():
    from gdstudio.core.surface_grid import GridSurface

    fit = _fits()[1]
    (w0, w1), (b0, b1) = fit.bounds
    grids = {
        n: fit.grid_value_and_grad(np.linspace(w0, w1, n), np.linspace(b0, b1, n)) for n in (65, 80)
    }
    table = HeightMap(GridSurface(fit, grids, fit.n_samples)).sample(80)
    direct = HeightMap(fit).sample(80)
    for part in ("vertices", "normals", "colors"):
        assert np.array_equal(getattr(table, part), getattr(direct, part)), part


def test_a_mesh_prepared_off_the_ui_thread_is_copied_out_not_shared():
    from gdstudio.core.surface_grid import GridSurface

    fit = _fits()[1]
    (w0, w1), (b0, b1) = fit.bounds
    axes = np.linspace(w0, w1, 40), np.linspace(b0, b1, 40)
    table = GridSurface(fit, {40: fit.grid_value_and_grad(*axes)}, fit.n_samples)
    HeightMap(table).prepare(40)
    assert sum(isinstance(m, SurfaceMesh) for m in table.meshes.values()) == 1
    first = HeightMap(table).sample(40)
    first.vertices[:] = 0.0  # the view refills its mesh in place: the table's must not change
    again = HeightMap(table).sample(40, out=first)
    assert again.vertices is first.vertices
    assert np.array_equal(again.vertices, HeightMap(fit).sample(40).vertices)
    logged = HeightMap(table, log_height=True).sample(40)  # not prepared: sampled here
    assert not np.array_equal(logged.vertices, again.vertices)
