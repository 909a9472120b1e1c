"""TabulatedLandscape: interpolation of a sampled landscape is exact on the grid, close between."""

import numpy as np
import pytest

from gdstudio.core.catalog import make_landscape
from gdstudio.core.data import Dataset
from gdstudio.core.fitting import DataLandscape
from gdstudio.core.tabulated import TabulatedLandscape


def test_values_on_grid_nodes_are_exact():
    src = make_landscape("himmelblau")
    tab = TabulatedLandscape(src, 33)
    (x0, x1), (y0, y1) = src.bounds
    p = np.array([[x0, y0], [x1, y1], [x0 + 5 * (x1 - x0) / 32, y0 + 7 * (y1 - y0) / 32]])
    assert np.allclose(tab.value(p), src.value(p))
    assert np.allclose(tab.grad(p), src.grad(p))


def test_between_nodes_it_is_close_for_a_fine_table():
    src = DataLandscape(Dataset.generate(300, seed=1), "huber")
    tab = TabulatedLandscape(src, 192)
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = src.bounds
    p = np.stack([rng.uniform(x0, x1, 500), rng.uniform(y0, y1, 500)], axis=-1)
    exact = src.value(p)
    assert np.max(np.abs(tab.value(p) - exact)) < 1e-3 * (exact.max() - exact.min())


def test_keeps_the_source_metadata_and_clamps_outside():
    src = make_landscape("rosenbrock")
    tab = TabulatedLandscape(src, 16)
    assert tab.param_names == src.param_names and tab.minima == src.minima
    assert tab.log_height and tab.bounds == src.bounds
    far = np.array([100.0, 100.0])
    assert tab.value(far) == pytest.approx(src.value(np.array([2.0, 3.0])))


def test_refuses_one_parameter_landscapes():
    with pytest.raises(ValueError):
        TabulatedLandscape(make_landscape("bowl1d"), 8)
