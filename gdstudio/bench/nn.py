"""The network: one full-batch training step of a 2-16-16-1 tanh network on 1,000 points."""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .common import Row, entry

POINTS = 1000
HIDDEN = (16, 16)
STEPS = 100  # steps per timed repetition
LR = 0.01


def _ms_per_step(fn: Callable[[int], object], steps: int, reps: int) -> float:
    """Median CPU milliseconds (every thread of the process) per step of fn(steps)."""
    fn(2)  # warm up: buffers made, code paths taken
    times = []
    for _ in range(reps):
        t0 = time.process_time()
        fn(steps)
        times.append((time.process_time() - t0) * 1000.0 / steps)
    return statistics.median(times)


def _data() -> tuple[np.ndarray, np.ndarray]:
    from ..core.datasets import make_points

    points = make_points("moons", POINTS, 0.1, 0)
    return points.inputs, points.labels


def _ours(activation: str) -> Callable[[int], object]:
    """Run.step of Adam on the network's landscape, full batch (what the app steps)."""
    from ..core.datasets import Points
    from ..core.nn import Architecture
    from ..core.nn_landscape import NetworkLandscape
    from ..core.optimizers import make_optimizer
    from ..core.run import Run

    x, y = _data()
    land = NetworkLandscape(Architecture(HIDDEN, activation), Points(x, y))
    run = Run(land, make_optimizer("adam", lr=LR), tol=0.0, history_capacity=4096)
    return run.step


def _naive(steps: int) -> None:
    """The naive way: the same step with a Python loop over the points, one at a time."""
    from ..core.nn import Architecture

    x, y = _data()
    arch = Architecture(HIDDEN, "tanh")
    p = arch.init(0)
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t in range(1, steps + 1):
        (w1, b1), (w2, b2), (w3, b3) = arch.layers(p)
        g = np.zeros_like(p)
        (g1, gb1), (g2, gb2), (g3, gb3) = arch.layers(g)
        for xi, yi in zip(x, y, strict=True):
            a1 = np.tanh(w1 @ xi + b1)
            a2 = np.tanh(w2 @ a1 + b2)
            z = float(w3[0] @ a2 + b3[0])
            dz = (1.0 / (1.0 + np.exp(-z)) - yi) / len(y)
            g3[0] += dz * a2
            gb3[0] += dz
            d2 = dz * w3[0] * (1.0 - a2 * a2)
            g2 += np.outer(d2, a1)
            gb2 += d2
            d1 = (w2.T @ d2) * (1.0 - a1 * a1)
            g1 += np.outer(d1, xi)
            gb1 += d1
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p = p - LR / (1 - 0.9**t) * m / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)


def _torch() -> Callable[[int], object] | None:
    """The same step in torch (float64, one thread, Adam); None without torch."""
    try:
        torch: Any = importlib.import_module("torch")
    except ImportError:
        return None
    torch.set_num_threads(1)
    x, y = _data()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    torch.manual_seed(0)
    nn = torch.nn
    net = nn.Sequential(
        nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1)
    ).double()
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    loss_fn = nn.BCEWithLogitsLoss()

    def steps(n: int) -> None:
        for _ in range(n):
            opt.zero_grad()
            loss = loss_fn(net(xt)[:, 0], yt)
            loss.backward()
            opt.step()

    return steps


def bench_nn_step(reps: int) -> list[Row]:
    """nn_step_16x16_1k: Run.step (Adam, full batch) against torch, else a per-point loop."""
    reps = max(reps, 3)
    ours = _ms_per_step(_ours("tanh"), STEPS, reps)
    relu = _ms_per_step(_ours("relu"), STEPS, reps)
    naive = _ms_per_step(_naive, 2, 1)
    torch_steps = _torch()
    extra = {"relu_ms": round(relu, 3), "clock": "process CPU time"}
    if torch_steps is None:
        return [
            entry(
                "nn_step_16x16_1k",
                ours,
                naive,
                baseline_is="a Python loop over the points (torch is not installed)",
                **extra,
            )
        ]
    torch_ms = _ms_per_step(torch_steps, STEPS, reps)
    return [
        entry(
            "nn_step_16x16_1k",
            ours,
            torch_ms,
            baseline_is="torch 2-16-16-1 tanh, float64, one thread, Adam, BCEWithLogitsLoss",
            **extra,
        ),
        entry("nn_step_16x16_1k_naive", ours, naive, baseline_is="a Python loop over the points"),
    ]
