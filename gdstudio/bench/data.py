"""Data landscapes: edits and stochastic steps on many points."""

from __future__ import annotations

from typing import Any

import numpy as np

from .common import Row, entry, median_ms


def bench_data_edit(reps: int) -> Row:
    """Add a point to 1,000,000 → MSE surface buffers (256×256) ready, vs from all points."""
    from ..core.data import Dataset
    from ..core.fitting import DataLandscape
    from ..render.heightmap import HeightMap

    ds = Dataset.generate(1_000_000, slope=2.0, intercept=1.0, noise=3.0, seed=0)
    meshes: list[Any] = []
    rng = np.random.default_rng(1)

    def ours() -> None:
        ds.add(float(rng.uniform(0, 10)), float(rng.uniform(0, 20)))
        ls = DataLandscape(ds, "mse")
        meshes[:] = [HeightMap(ls).sample(256, out=meshes[0] if meshes else None)]

    ours_ms = median_ms(ours, reps)

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

    naive16 = median_ms(naive, max(1, reps // 3))

    def recount() -> None:
        Dataset(ds.x, ds.y)  # the sums recomputed from every point, as without statistics

    recount_ms = median_ms(recount, 3)
    return entry(
        "data_edit_1m",
        ours_ms,
        naive16 * 256,
        baseline_measured_on="16x16 grid ×256",
        recount_all_points_ms=round(recount_ms, 3),
    )


def bench_sgd_step(reps: int) -> Row:
    """One mini-batch (32) step on 1,000,000 points vs one full-batch step over every point."""
    from ..core.data import Dataset
    from ..core.fitting import DataLandscape
    from ..core.optimizers import make_optimizer
    from ..core.run import Run

    ds = Dataset.generate(1_000_000, seed=0)
    ls = DataLandscape(ds, "mse")
    run = Run(ls, make_optimizer("sgd", lr=1e-3), batch_size=32, seed=0, tol=0)
    run.step(1)
    ours = median_ms(lambda: run.step(1), max(reps, 50))
    x, y = ds.x, ds.y
    p = np.array([0.5, 0.5])

    def full_step() -> None:
        r = p[0] * x + p[1] - y
        g = np.array([2 * (r @ x) / len(x), 2 * r.mean()])
        p[:] = p - 1e-3 * g

    baseline = median_ms(full_step, reps)
    return entry("sgd_step_1m", ours, baseline)
