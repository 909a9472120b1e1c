"""Costly data surfaces are computed off the UI thread, coarse then full, newest edit wins."""

import numpy as np

from gdstudio.app.model import StudioModel
from gdstudio.core.data import Dataset
from gdstudio.core.tabulated import TabulatedLandscape


def _big_mae_model(qtbot):
    m = StudioModel()
    m.load_scene("line-fit")
    m.replace_dataset(Dataset.generate(3_000, slope=2.0, noise=1.0, seed=0))
    m.set_loss("mae")
    return m


def test_mse_surface_is_the_landscape_itself(qtbot):
    m = StudioModel()
    m.load_scene("line-fit")
    assert m.display_landscape is m.landscape


def test_mae_surface_arrives_from_the_worker_coarse_then_full(qtbot):
    m = _big_mae_model(qtbot)
    sizes = []
    m.surfaceChanged.connect(lambda: sizes.append(getattr(m.display_landscape, "n", None)))
    qtbot.waitUntil(lambda: 128 in sizes, timeout=20000)
    assert sizes[:2] == [48, 128]
    tab = m.display_landscape
    assert isinstance(tab, TabulatedLandscape) and tab.source is m.landscape
    p = np.array([1.0, 0.5])
    assert abs(tab.value(p) - m.landscape.value(p)) < 0.05


def test_a_newer_edit_supersedes_the_older_computation(qtbot):
    m = _big_mae_model(qtbot)
    for i in range(5):
        m.dataset.add(float(i), 100.0)
        m.data_edited()
    final = m.landscape
    qtbot.waitUntil(
        lambda: getattr(m.display_landscape, "n", 0) == 128 and m.display_landscape.source is final,
        timeout=30000,
    )
    m.surface_worker.wait()
    assert m.display_landscape.source is final


def test_small_edits_keep_the_view_bounds(qtbot):
    m = StudioModel()
    m.load_scene("line-fit")
    before = m.landscape.bounds
    m.dataset.move(0, 1.05, 2.2)
    m.data_edited()
    assert m.landscape.bounds == before
    for x in np.linspace(0, 10, 50):
        m.dataset.add(float(x), float(-8 * x + 40))
    m.data_edited()
    assert m.landscape.bounds != before
    (wl, wh), (bl, bh) = m.landscape.bounds
    w, b = m.landscape.minima[0]
    assert wl < w < wh and bl < b < bh
