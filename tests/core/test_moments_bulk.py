"""Large datasets build their statistics with pairwise float sums: still accurate, and fast."""

import numpy as np
import pytest

from gdstudio.core import moments
from gdstudio.core.data import Dataset
from gdstudio.core.fitting import DataLandscape

N = moments.EXACT_BUILD_MAX + 1000  # past the double-double build


def _exact_stats(ds: Dataset) -> moments.Stats:
    """The statistics of the same points, built in double-double whatever their number."""
    m = moments.Moments(ds.x[:3], ds.y[:3])
    m.n, m.ref = len(ds), (float(ds.x[0]), float(ds.y[0]))
    m.sums = moments._exact_sums(ds.x, ds.y, m.ref)
    return m.stats()


@pytest.mark.parametrize("offset", [0.0, 1e6, -3e4])
def test_a_large_build_agrees_with_the_double_double_one(offset):
    rng = np.random.default_rng(7)
    x = offset + rng.uniform(-5, 5, N)
    ds = Dataset(x, 3 * (x - offset) + 1e3 + rng.normal(0, 0.1, N))
    got, exact = ds.stats, _exact_stats(ds)
    for a, b in [
        (got.mean_x, exact.mean_x),
        (got.mean_y, exact.mean_y),
        (got.cxx, exact.cxx),
        (got.cxy, exact.cxy),
        (got.cyy, exact.cyy),
    ]:
        assert a[0] == pytest.approx(b[0], rel=1e-13, abs=1e-13 * abs(offset))
    ls = DataLandscape(ds)
    w, b = ls.minima[0]
    for p in [(w, b), (w + 1e-4, b - 1e-2), (w - 2.0, b + 50.0)]:
        pw, pb = np.array([p[0]]), np.array([p[1]])
        assert got.mse(pw, pb)[0] == pytest.approx(exact.mse(pw, pb)[0], rel=1e-12)
        for g, e in zip(got.mse_grad(pw, pb), exact.mse_grad(pw, pb), strict=True):
            assert g[0] == pytest.approx(e[0], rel=1e-9, abs=1e-9)


def test_a_large_build_of_one_x_has_no_unique_line():
    ds = Dataset(np.full(N, 2e6), np.linspace(0, 1, N))
    assert not ds.stats.x_varies
    assert DataLandscape(ds).minima == ()


def test_edits_after_a_large_build_are_counted_exactly():
    rng = np.random.default_rng(3)
    x = 1e6 + rng.uniform(0, 1, N)
    ds = Dataset(x, 2 * x + rng.normal(0, 1, N))
    ds.add(1e8, 5.0)  # a far outlier comes...
    ds.remove(len(ds) - 1)  # ...and goes
    ds.move(0, 1e6 + 0.5, 2e6 + 1.0)
    got, exact = ds.stats, _exact_stats(ds)
    assert got.cxx[0] == pytest.approx(exact.cxx[0], rel=1e-12)
    assert got.cxy[0] == pytest.approx(exact.cxy[0], rel=1e-12)
    assert got.mean_x[0] == pytest.approx(exact.mean_x[0], rel=1e-15)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 2e150])
@pytest.mark.parametrize("where", ["x", "y", "label"])
def test_a_large_set_with_one_bad_value_anywhere_is_refused(bad, where):
    from gdstudio.core.data import DataError

    cols = {k: np.zeros(N) for k in ("x", "y", "label")}
    cols[where][N // 2] = bad
    with pytest.raises(DataError, match="finite numbers within"):
        Dataset(cols["x"], cols["y"], cols["label"])
