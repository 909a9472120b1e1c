"""GridSurface: grids computed in one pass each, exact at their nodes, bilinear between them."""

import numpy as np
import pytest

from gdstudio.core.data import Dataset
from gdstudio.core.fitting import DataLandscape
from gdstudio.core.surface_grid import GridSurface


def _fit() -> DataLandscape:
    return DataLandscape(Dataset.generate(300, slope=2.0, noise=2.0, seed=5), "mae")


def _axes(ls, n):
    (w0, w1), (b0, b1) = ls.bounds
    return np.linspace(w0, w1, n), np.linspace(b0, b1, n)


def test_a_computed_grid_is_handed_back_at_its_own_nodes():
    ls = _fit()
    grids = {n: ls.grid_value_and_grad(*_axes(ls, n)) for n in (9, 33)}
    table = GridSurface(ls, grids, ls.n_samples)
    assert table.n == 33 and table.exact and table.source is ls
    for n in (9, 33):
        value, grad = table.grid_value_and_grad(*_axes(ls, n))
        assert value is grids[n][0] and grad is grids[n][1]


def test_other_grids_are_bilinear_in_the_finest_like_a_lookup():
    ls = _fit()
    table = GridSurface(ls, {17: ls.grid_value_and_grad(*_axes(ls, 17))}, ls.n_samples)
    (w0, w1), (b0, b1) = ls.bounds
    ws = np.linspace(w0 - 0.5, w1, 40)  # partly outside: clamped like the table's lookup
    bs = np.linspace(b0, b1, 23)
    value, grad = table.grid_value_and_grad(ws, bs)
    points = np.stack(np.meshgrid(ws, bs), axis=-1)
    assert value == pytest.approx(table.value(points), rel=1e-12, abs=1e-12)
    assert grad == pytest.approx(table.grad(points), rel=1e-12, abs=1e-12)
    assert not np.allclose(value, ls.value(points), rtol=1e-6)  # an interpolation, not the fit


def test_the_table_reads_the_grid_it_was_given_and_the_exact_optimum():
    ls = _fit()
    ws, bs = _axes(ls, 12)
    values, grads = ls.grid_value_and_grad(ws, bs)
    table = GridSurface(ls, {12: (values, grads)}, 100)
    assert not table.exact
    assert table.value(np.array([ws[3], bs[7]])) == pytest.approx(values[7, 3], rel=1e-12)
    assert table.grad(np.array([ws[3], bs[7]])) == pytest.approx(grads[7, 3], rel=1e-12)
    assert table.minimum_value == ls.minimum_value
    assert table.minima == ls.minima
