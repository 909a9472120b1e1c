"""The network lesson's loss-landscape slice: 64×64 grid points of a 2-8-8-1 tanh net on 1,000
points, batched, against a Python loop over the grid points in the same run."""

from __future__ import annotations

import time

from .common import Row, entry, median_ms

GRID = 64
POINTS = 1000
LOOP_SHARE = 16  # the loop is timed on every 16th grid point and scaled up: it takes seconds


def bench_nn_slice(reps: int) -> Row:
    """CPU ms of slice_losses over the 64×64 grid (float32, what the views draw), against
    NetworkLandscape.value called once per grid point; also the float64 slice."""
    import numpy as np

    from ..core.datasets import make_points
    from ..core.nn import Architecture
    from ..core.nn_landscape import NetworkLandscape
    from ..core.nn_slice import random_plane, slice_losses

    land = NetworkLandscape(Architecture((8, 8), "tanh"), make_points("moons", POINTS, 0.1))
    plane = random_plane(land.arch, np.asarray(land.default_start), seed=0)
    axis = np.linspace(-1.0, 1.0, GRID)
    alpha, beta = np.meshgrid(axis, axis)
    params = plane.points(alpha, beta).reshape(-1, land.dim)

    def ours() -> None:
        slice_losses(land, plane, alpha, beta)

    def exact() -> None:
        slice_losses(land, plane, alpha, beta, dtype=np.float64)

    def loop() -> None:
        for p in params[::LOOP_SHARE]:
            land.value(p)

    ms = median_ms(ours, max(1, reps), clock=time.process_time)
    float64_ms = median_ms(exact, max(1, reps), clock=time.process_time)
    loop_ms = LOOP_SHARE * median_ms(loop, 1, clock=time.process_time)
    return entry(
        "nn_slice_64x64_1k",
        ms,
        loop_ms,
        float64_ms=round(float64_ms, 1),
        float64_ratio=round(loop_ms / float64_ms, 2),
    )
