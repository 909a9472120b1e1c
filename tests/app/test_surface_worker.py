"""Costly data surfaces are computed off the UI thread, coarse then full, newest edit wins."""

import os
import threading

import numpy as np
import pytest

from gdstudio.app.model import StudioModel
from gdstudio.app.surface_plan import (
    COARSE_MS,
    DISPLAY_GRID,
    FULL_MS,
    ONE_PASS_MS,
    RANGE_GRID,
    VIEW_GRIDS,
    CostModel,
    Pass,
    inline_ok,
    plan,
)
from gdstudio.app.surface_worker import WORKER_NICENESS, lower_thread_priority
from gdstudio.core.data import Dataset
from gdstudio.core.tabulated import TabulatedLandscape


@pytest.fixture(autouse=True)
def _fresh_costs(monkeypatch):
    """Each test plans from the starting cost figures, not what earlier tests taught them."""
    from gdstudio.app import surface_worker

    monkeypatch.setattr(surface_worker, "COSTS", CostModel())


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
    qtbot.waitUntil(lambda: DISPLAY_GRID in sizes, timeout=20000)
    assert sizes[0] == RANGE_GRID and sizes[-1] == DISPLAY_GRID
    tab = m.display_landscape
    assert isinstance(tab, TabulatedLandscape) and tab.source is m.landscape and tab.exact
    (w0, w1), (b0, b1) = m.landscape.bounds
    ws, bs = np.linspace(w0, w1, DISPLAY_GRID), np.linspace(b0, b1, DISPLAY_GRID)
    value, grad = tab.grid_value_and_grad(ws, bs)
    grid = np.stack(np.meshgrid(ws[::17], bs[::13]), axis=-1)
    assert value[::13, ::17] == pytest.approx(m.landscape.value(grid), rel=1e-12)
    assert grad[::13, ::17] == pytest.approx(m.landscape.grad(grid), rel=1e-12, abs=1e-12)
    p = np.array([1.0, 0.5])
    assert abs(tab.value(p) - m.landscape.value(p)) < 0.05


def test_the_worker_grids_are_the_ones_the_3d_view_draws():
    from gdstudio.render.heightmap import _RANGE_SAMPLES
    from gdstudio.render.view3d import COARSE_GRIDS, DEFAULT_GRID

    assert (DISPLAY_GRID, RANGE_GRID) == (DEFAULT_GRID, _RANGE_SAMPLES)
    assert VIEW_GRIDS == (DEFAULT_GRID, *COARSE_GRIDS)


def test_cheap_surfaces_stay_in_place_and_costly_ones_go_coarse_then_full():
    costs = CostModel()
    assert inline_ok(costs, "mse", 1_000_000)
    assert inline_ok(costs, "mae", 5)
    for loss in ("mae", "huber", "bce"):
        assert not inline_ok(costs, loss, 1_000)
    # MAE reads a 256² grid from sorted points: exact at once, or after a coarse first look.
    assert plan(costs, "mae", 100) == (Pass(DISPLAY_GRID, 100),)
    assert plan(costs, "mae", 1_000) == (Pass(RANGE_GRID, 1_000), Pass(DISPLAY_GRID, 1_000))
    coarse, full = plan(costs, "mae", 10_000)
    assert coarse.n == RANGE_GRID and costs.predict_ms("mae", coarse.points, coarse.n) <= COARSE_MS
    assert full == Pass(DISPLAY_GRID, 10_000)
    # BCE costs a logarithm per point and grid cell: a coarser full grid, then a sample.
    full = plan(costs, "bce", 10_000)[-1]
    assert full.n < DISPLAY_GRID and costs.predict_ms("bce", full.points, full.n) <= FULL_MS
    huge = plan(costs, "bce", 10_000_000)
    assert huge[-1].points < 10_000_000 and huge[0].points < huge[-1].points


def test_a_full_surface_due_soon_comes_without_a_coarse_look_first():
    costs = CostModel()
    full = Pass(DISPLAY_GRID, 1_000)
    scale = costs.ms_per_unit["mae_sorted"] / costs.predict_ms("mae", 1_000, DISPLAY_GRID)
    # Due within ONE_PASS_MS: one pass (a coarse one first would cost the window a frame more).
    costs.ms_per_unit["mae_sorted"] = 0.8 * ONE_PASS_MS * scale
    assert plan(costs, "mae", 1_000) == (full,)
    # Due later (as 1,000 points under MAE are on a 2-core machine): a coarse look first, of
    # every point, within COARSE_MS, then the full surface.
    costs.ms_per_unit["mae_sorted"] = 2.0 * ONE_PASS_MS * scale
    coarse, last = plan(costs, "mae", 1_000)
    assert coarse == Pass(RANGE_GRID, 1_000) and last == full
    assert costs.predict_ms("mae", 1_000, RANGE_GRID) <= COARSE_MS
    assert plan(CostModel(), "mae", 1_000)[-1] == full  # the starting figures: two passes
    assert len(plan(CostModel(), "mae", 1_000)) == 2


def test_the_cost_model_learns_from_measured_passes():
    costs = CostModel()
    before = costs.predict_ms("huber", 2_000, 128)
    for _ in range(10):
        costs.record("huber", 2_000, 128 * 128, 128, 10 * before)
    assert costs.predict_ms("huber", 2_000, 128) == pytest.approx(10 * before, rel=0.05)
    assert not inline_ok(costs, "huber", 20)


def test_a_newer_edit_supersedes_the_older_computation(qtbot):
    m = _big_mae_model(qtbot)
    for i in range(5):
        m.dataset.add(float(i), 100.0)
        m.data_edited()
    final = m.landscape
    qtbot.waitUntil(
        lambda: (
            getattr(m.display_landscape, "n", 0) == DISPLAY_GRID
            and m.display_landscape.source is final
        ),
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


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="per-thread niceness is Linux's")
def test_the_worker_thread_yields_the_cpu_to_the_ui_thread():
    seen: list[int] = []

    def job() -> None:  # what a surface job does first, in its own thread
        lower_thread_priority()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    assert seen and seen[0] >= WORKER_NICENESS
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < WORKER_NICENESS


def test_a_worker_dropped_while_its_job_runs_takes_nothing_down(qapp):
    import gc

    from gdstudio.app.surface_worker import SurfaceWorker, shared_pool
    from gdstudio.core.data import Dataset
    from gdstudio.core.fitting import DataLandscape

    rng = np.random.default_rng(0)
    x = rng.normal(size=200_000)
    land = DataLandscape(Dataset(x, 2 * x + rng.normal(size=x.size)), "mae")
    for _ in range(3):
        worker = SurfaceWorker()
        worker.submit(land)  # a job starts on the shared thread
        del worker
        gc.collect()  # the worker goes while its job runs: the pool and the job live on
    assert shared_pool().waitForDone(60_000)


def test_every_grid_a_view_samples_is_ready_when_the_surface_arrives(qtbot):
    from gdstudio.render.heightmap import HeightMap, SurfaceMesh

    m = _big_mae_model(qtbot)
    ready: list[set[int]] = []

    def on_surface() -> None:  # what was prepared when the surface was handed over
        meshes = getattr(m.display_landscape, "meshes", {})
        ready.append({key[0] for key, v in meshes.items() if isinstance(v, SurfaceMesh)})

    m.surfaceChanged.connect(on_surface)
    qtbot.waitUntil(lambda: getattr(m.display_landscape, "exact", False), timeout=20000)
    assert ready and all(sizes >= set(VIEW_GRIDS) for sizes in ready)
    table = m.display_landscape
    for n in VIEW_GRIDS:  # a view drawing it with the same range copies the prepared mesh
        made = table.meshes[(n, True, False, 1.0, *HeightMap(table).loss_range)]
        assert np.array_equal(HeightMap(table).sample(n).vertices, made.vertices)


def _exact_surface(m) -> bool:
    shown = m.display_landscape
    return getattr(shown, "source", None) is m.landscape and shown.exact


def test_an_edit_keeps_the_range_the_last_surface_was_drawn_with(qtbot):
    from gdstudio.render.heightmap import HeightMap, prepared_range
    from gdstudio.render.loss_range import KEEP_COVERAGE, coverage

    m = _big_mae_model(qtbot)
    qtbot.waitUntil(lambda: _exact_surface(m), timeout=20000)
    first = prepared_range(m.display_landscape, False)
    assert first == HeightMap(m.display_landscape).exact_range  # nothing to keep yet
    m.dataset.add(5.0, 11.0)
    m.data_edited()
    qtbot.waitUntil(lambda: _exact_surface(m), timeout=20000)
    kept = prepared_range(m.display_landscape, False)
    exact = HeightMap(m.display_landscape).exact_range
    assert exact != first
    assert kept[0] <= exact[0] and exact[1] <= kept[1]
    assert kept == first or kept != exact  # kept as it was, or padded past the exact one
    m.set_loss("huber")  # another fit: its own range (its coarse look's, kept if it holds)
    qtbot.waitUntil(lambda: _exact_surface(m), timeout=20000)
    drawn, exact = (
        prepared_range(m.display_landscape, False),
        HeightMap(m.display_landscape).exact_range,
    )
    assert drawn != kept
    assert drawn[0] <= exact[0] and exact[1] <= drawn[1]
    assert coverage(exact, drawn, log=False) >= KEEP_COVERAGE


def test_models_collected_while_their_surface_jobs_run_do_not_crash(qtbot):
    """A model in a reference cycle is freed by Python's garbage collector, at whatever moment
    it runs, possibly while the model's surface job still computes. Collecting such models
    crashed the process within ~25 to 300 of them (PySide looked up a disconnectNotify override on a
    report object the collection had freed first); each owner's jobs now report through the
    process's one report object (job_reports)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        for i in range(200):
            m = StudioModel()
            m.load_scene("line-fit")
            m.replace_dataset(Dataset.generate(800 + 400 * (i % 5), slope=2.0, noise=1.0, seed=i))
            m.set_loss("mae")  # a surface job starts
            m.cycle = m  # only the collector frees it now
            qtbot.wait((0, 5, 20, 60)[i % 4])  # the job waiting, computing or done
            del m
            qtbot.wait((0, 1, 10)[i % 3])
            gc.collect()
    finally:
        if collecting:
            gc.enable()
    live = _big_mae_model(qtbot)  # and a model that lives still gets its surface
    qtbot.waitUntil(lambda: isinstance(live.display_landscape, TabulatedLandscape), timeout=20000)
    assert live.display_landscape.source is live.landscape


def test_each_owner_hears_only_its_own_jobs(qtbot):
    """Every owner's jobs report through one signal: each owner takes its own reports only."""
    from gdstudio.app.network.jobs import Background

    owners = [Background(), Background()]
    heard: list[list[object]] = [[], []]
    for owner, got in zip(owners, heard, strict=True):
        owner.done.connect(got.append)
    owners[0].submit(lambda: "first")
    owners[1].submit(lambda: "second")
    qtbot.waitUntil(lambda: not owners[0].busy and not owners[1].busy)
    qtbot.wait(50)  # any stray report would have come by now
    assert heard == [["first"], ["second"]]
