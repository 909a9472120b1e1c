"""`python -m gdstudio.bench`: our way against the naive way, side by side in one run.

Needs a display with OpenGL (run under `xvfb-run -a -s "-screen 0 1600x1000x24"` on a
headless machine). Prints a table, or with --json a list of
{"name", "ours_ms", "baseline_ms", "ratio", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .app.main_window import MainWindow

TARGETS_MS = {
    "surface_rebuild_256": 16.0,
    "tick_8_runs": 8.0,
    "startup_first_frame": 1500.0,
    "data_edit_1m": 16.0,
}


def _median_ms(
    fn: Callable[[], object],
    reps: int,
    clock: Callable[[], float] = time.perf_counter,
    setup: Callable[[], object] | None = None,
) -> float:
    times = []
    for _ in range(reps):
        if setup is not None:
            setup()
        t0 = clock()
        fn()
        times.append((clock() - t0) * 1000.0)
    return statistics.median(times)


def _entry(name: str, ours: float, baseline: float, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "ours_ms": round(ours, 3),
        "baseline_ms": round(baseline, 3),
        "ratio": round(baseline / ours, 2) if ours > 0 else float("inf"),
        **extra,
    }


# --- surface -------------------------------------------------------------------------------


def bench_surface(reps: int) -> dict[str, Any]:
    """Landscape change → 256×256 surface buffers ready, vs GLSurfacePlotItem + paint."""
    from .render.bench_surface import bench_surface_rebuild

    return bench_surface_rebuild(256, reps)


# --- one UI tick with 8 racing runs ------------------------------------------------------------


def _race_window(history_steps: int) -> MainWindow:
    from PySide6.QtTest import QTest

    from .app.main_window import MainWindow
    from .app.model import StudioModel

    model = StudioModel()
    model.load_scene("race")
    for name in ("nesterov", "adagrad", "adamw", "nadam"):
        model.add_run(name, {"lr": 1e-4})
    model.set_tol(0.0)  # nobody converges: every run steps on every tick
    model.set_max_steps(10_000_000)  # the most a session allows; the histories need 100k
    for _, cfg in model.active_runs():
        if cfg.run is not None:
            cfg.run.step(history_steps)
    model.set_speed(600.0)  # 10 steps per 60 Hz tick
    window = MainWindow(model, autosave=False)
    window.resize(1400, 900)
    window.show()
    QTest.qWaitForWindowExposed(window)
    return window


def bench_tick(reps: int) -> dict[str, Any]:
    """CPU time of one tick: 8 runs × 10 steps, 100,000-step histories, plots and paths.

    The naive tick keeps every step and hands all of it to the plots and the 3D paths.
    """
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    window = _race_window(100_000)
    model, stepper = window.model, window.stepper
    stepper._carry = 0.0
    ours = _median_ms(stepper._on_tick, reps, time.thread_time)
    runs = [c.run for c in model.runs if c.run is not None]
    assert len(runs) == len(model.runs) and all(r.steps > 100_000 for r in runs)

    # Naive: full, undecimated histories (100,000 rows per run) redrawn every tick.
    full = {
        i: np.cumsum(np.random.default_rng(i).normal(size=(100_000, 4)), axis=0)
        for i in range(len(model.runs))
    }
    plot = pg.PlotWidget()
    curves = [plot.plot() for _ in full]
    grads = [plot.plot() for _ in full]

    def naive_tick() -> None:
        model.step(10)
        paths = []
        for i, run in enumerate(runs):
            latest = run.history.latest
            assert latest is not None  # every run has stepped 100,000 times
            h = full[i] = np.vstack([full[i], np.tile(latest[1:5], (10, 1))])
            steps = np.arange(len(h))
            curves[i].setData(steps, np.abs(h[:, 2]) + 1e-9)
            grads[i].setData(steps, np.abs(h[:, 3]) + 1e-9)
            paths.append(((1.0, 0.5, 0.0), h[:, :2], h[:, 2]))
        window.view3d.set_paths(paths)

    baseline = _median_ms(naive_tick, max(3, reps // 2), time.thread_time)
    window.close()
    QApplication.processEvents()
    return _entry("tick_8_runs", ours, baseline)


# --- start-up ----------------------------------------------------------------------------------


_FIRST_FRAME = """
import os, sys, time
from gdstudio.app.application import configure_application
configure_application()
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gdstudio.app.main_window import MainWindow
w = MainWindow(autosave=False)
def done():
    print(time.time(), flush=True)
    app.quit()
w.view3d.frameSwapped.connect(done)
w.show()
app.exec()
"""


def _process_ms(code: str) -> float:
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_LOGGING_RULES": "*=false"},
    )
    lines = out.stdout.strip().splitlines()
    end = float(lines[-1]) if lines else time.time()
    return (end - t0) * 1000.0


def bench_startup(reps: int) -> dict[str, Any]:
    """Process start → first frame of the main window, vs importing PySide6.QtWidgets."""
    reps = max(3, min(reps, 5))
    ours = statistics.median(_process_ms(_FIRST_FRAME) for _ in range(reps))
    base_code = "import time, PySide6.QtWidgets; print(time.time())"
    baseline = statistics.median(_process_ms(base_code) for _ in range(reps))
    return _entry(
        "startup_first_frame", ours, baseline, note="baseline is a floor (import only), not a rival"
    )


# --- data edits on 1,000,000 points ----------------------------------------------------------


def bench_data_edit(reps: int) -> dict[str, Any]:
    """Add a point to 1,000,000 → MSE surface buffers (256×256) ready, vs from all points."""
    from .core.data import Dataset
    from .core.fitting import DataLandscape
    from .render.heightmap import HeightMap

    ds = Dataset.generate(1_000_000, slope=2.0, intercept=1.0, noise=3.0, seed=0)
    meshes: list[Any] = []
    rng = np.random.default_rng(1)

    def ours() -> None:
        ds.add(float(rng.uniform(0, 10)), float(rng.uniform(0, 20)))
        ls = DataLandscape(ds, "mse")
        meshes[:] = [HeightMap(ls).sample(256, out=meshes[0] if meshes else None)]

    ours_ms = _median_ms(ours, reps)

    # Naive: the loss at each grid point from all N points, (w·x + b − y)² averaged.
    # Measured on a 16×16 grid (256 × 1,000,000 terms) and scaled to 256×256 (×256).
    ls = DataLandscape(ds, "mse")
    (w0, w1), (b0, b1) = ls.bounds
    w = np.linspace(w0, w1, 16)
    b = np.linspace(b0, b1, 16)
    x, y = ds.x, ds.y

    def naive() -> None:
        out = np.empty((16, 16))
        for i, wi in enumerate(w):
            r = wi * x - y
            for j, bj in enumerate(b):
                d = r + bj
                out[i, j] = d @ d / len(x)

    naive16 = _median_ms(naive, max(1, reps // 3))

    def recount() -> None:
        Dataset(ds.x, ds.y)  # the sums recomputed from every point, as without statistics

    recount_ms = _median_ms(recount, 3)
    return _entry(
        "data_edit_1m",
        ours_ms,
        naive16 * 256,
        baseline_measured_on="16x16 grid ×256",
        recount_all_points_ms=round(recount_ms, 3),
    )


def bench_sgd_step(reps: int) -> dict[str, Any]:
    """One mini-batch (32) step on 1,000,000 points vs one full-batch step over every point."""
    from .core.data import Dataset
    from .core.fitting import DataLandscape
    from .core.optimizers import make_optimizer
    from .core.run import Run

    ds = Dataset.generate(1_000_000, seed=0)
    ls = DataLandscape(ds, "mse")
    run = Run(ls, make_optimizer("sgd", lr=1e-3), batch_size=32, seed=0, tol=0)
    run.step(1)
    ours = _median_ms(lambda: run.step(1), max(reps, 50))
    x, y = ds.x, ds.y
    p = np.array([0.5, 0.5])

    def full_step() -> None:
        r = p[0] * x + p[1] - y
        g = np.array([2 * (r @ x) / len(x), 2 * r.mean()])
        p[:] = p - 1e-3 * g

    baseline = _median_ms(full_step, reps)
    return _entry("sgd_step_1m", ours, baseline)


BENCHES: dict[str, Callable[[int], dict[str, Any]]] = {
    "surface_rebuild_256": bench_surface,
    "tick_8_runs": bench_tick,
    "startup_first_frame": bench_startup,
    "data_edit_1m": bench_data_edit,
    "sgd_step_1m": bench_sgd_step,
}


def _table(rows: list[dict[str, Any]]) -> str:
    head = f"{'benchmark':<22}{'ours ms':>10}{'naive ms':>12}{'ratio':>9}{'target':>10}  ok"
    lines = [head, "-" * len(head)]
    for r in rows:
        target = TARGETS_MS.get(r["name"])
        ok = "" if target is None else ("yes" if r["ours_ms"] <= target else "NO")
        tgt = "" if target is None else f"≤{target:g}"
        lines.append(
            f"{r['name']:<22}{r['ours_ms']:>10.2f}{r['baseline_ms']:>12.2f}"
            f"{r['ratio']:>8.1f}×{tgt:>10}  {ok}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table (or JSON)."""
    p = argparse.ArgumentParser(prog="python -m gdstudio.bench", description=__doc__)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--reps", type=int, default=7, help="repetitions per measurement (median)")
    p.add_argument("--only", action="append", choices=list(BENCHES), help="run only these")
    args = p.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    from .app.application import configure_application

    configure_application()
    _app = QApplication.instance() or QApplication(sys.argv[:1])  # held while benchmarks run
    if QApplication.platformName() in ("offscreen", "minimal"):
        sys.stderr.write(
            "gdstudio.bench: needs a display with OpenGL; run it under "
            'xvfb-run -a -s "-screen 0 1600x1000x24"\n'
        )
        return 2
    rows = [BENCHES[name](args.reps) for name in (args.only or BENCHES)]
    print(json.dumps(rows, indent=1) if args.json else _table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
