"""The loss range a height map draws: kept across small edits, padded when it has to move,
and the meshes prepared off the UI thread carry the range they were drawn with."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.data import Dataset
from gdstudio.core.fitting import DataLandscape
from gdstudio.core.surface_grid import GridSurface
from gdstudio.render.heightmap import HeightMap, prepared_range
from gdstudio.render.loss_range import KEEP_COVERAGE, PAD_HIGH, PAD_LOW, coverage, padded, settle


def test_nothing_kept_draws_the_exact_range():
    assert settle((1.0, 9.0), None, log=False) == (1.0, 9.0)


@pytest.mark.parametrize("log", [False, True])
def test_a_slightly_moved_range_inside_the_kept_one_keeps_it(log):
    assert settle((1.2, 8.9), (1.0, 9.0), log) == (1.0, 9.0)


@pytest.mark.parametrize("log", [False, True])
def test_a_range_past_the_kept_one_or_much_smaller_moves_at_once(log):
    for exact in [(1.0, 9.5), (0.5, 9.0), (1.0, 4.0)]:
        drawn = settle(exact, (1.0, 9.0), log)
        assert drawn != (1.0, 9.0)
        assert drawn[0] <= exact[0] and exact[1] <= drawn[1]
        assert coverage(exact, drawn, log) >= KEEP_COVERAGE


@settings(max_examples=40, deadline=None)
@given(
    lo=st.floats(-50.0, 50.0),
    span=st.floats(1e-3, 1e4),
    log=st.booleans(),
)
def test_a_padded_range_holds_the_exact_one_near_the_box_ends(lo, span, log):
    exact = (lo, lo + span)
    drawn = padded(exact, log)
    assert drawn[0] <= exact[0] and exact[1] < drawn[1]
    assert drawn[0] >= 0.0 or exact[0] < 0.0  # a loss that starts at 0 or above stays there
    frac = coverage(exact, drawn, log)
    assert 1.0 - PAD_LOW - PAD_HIGH - 1e-6 <= frac <= 1.0 - PAD_HIGH + 1e-6
    assert settle(exact, drawn, log) == drawn  # the next small edit keeps it


def _fit(points: int = 200, seed: int = 0) -> DataLandscape:
    return DataLandscape(Dataset.generate(points, slope=2.0, intercept=1.0, seed=seed), "mae")


def test_a_kept_range_maps_losses_onto_the_box_by_it():
    fit = _fit()
    exact = HeightMap(fit)
    kept = (exact.loss_min - 1.0, exact.loss_max + 2.0)
    hm = HeightMap(fit, keep=kept)
    assert hm.exact_range == exact.loss_range
    assert hm.loss_range == kept
    np.testing.assert_allclose(hm.z_from_loss(np.array(kept)), [0.0, hm.height])
    mesh = hm.sample(40)
    params = hm.param_grid(40).reshape(-1, 2)
    np.testing.assert_allclose(mesh.vertices[: 40 * 40, 2], hm.z_from_loss(fit.value(params)))
    assert mesh.vertices[: 40 * 40, 2].min() > 0.0  # the kept floor lies below this fit's least


def test_a_prepared_mesh_is_used_only_by_a_map_with_its_range():
    fit = _fit()
    (w0, w1), (b0, b1) = fit.bounds
    table = GridSurface(
        fit,
        {
            n: fit.grid_value_and_grad(np.linspace(w0, w1, n), np.linspace(b0, b1, n))
            for n in (65, 40)
        },
        fit.n_samples,
    )
    assert prepared_range(table, False) is None
    kept = (HeightMap(table).loss_min - 0.5, HeightMap(table).loss_max + 0.5)
    HeightMap(table, keep=kept).prepare(40)
    assert prepared_range(table, False) == kept
    assert prepared_range(table, True) is None  # prepared for the linear scale only
    same = HeightMap(table, keep=kept).sample(40)
    exact = HeightMap(table).sample(40)  # another range: sampled anew, not the prepared one
    assert not np.array_equal(same.vertices, exact.vertices)
    np.testing.assert_array_equal(same.vertices, HeightMap(fit, keep=kept).sample(40).vertices)
