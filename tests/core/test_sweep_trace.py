"""The sweep's recorded formulas: every built-in one replays to the formula's bits."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.landscape_math import FORMULAS
from gdstudio.core.landscapes import ANALYTIC
from gdstudio.core.sweep_trace import record


@pytest.mark.parametrize("name", sorted(ANALYTIC))
def test_every_built_in_formula_replays_bit_for_bit(name: str):
    dim = ANALYTIC[name].dim
    replay = record(FORMULAS[name].both, dim)
    assert replay is not None, name
    rng = np.random.default_rng(7)
    for n in (1, 5, 64, 5):  # sizes change as runs leave a sweep
        points = rng.normal(0.0, 3.0, (n, dim))
        points[0] = [1e200] * dim  # overflow and nan where the formula gives them
        grad = np.empty_like(points)
        with np.errstate(all="ignore"):
            value = replay(points, grad)
            expected = FORMULAS[name].both(*points.T, np)
        np.testing.assert_array_equal(value, expected[0])
        for i in range(dim):
            np.testing.assert_array_equal(grad[:, i], np.broadcast_to(expected[1 + i], (n,)))


def test_the_last_losses_survive_the_next_call():
    replay = record(FORMULAS["rosenbrock"].both, 2)
    assert replay is not None
    first = replay(np.zeros((3, 2)), np.empty((3, 2)))
    kept = first.copy()
    replay(np.ones((3, 2)), np.empty((3, 2)))
    np.testing.assert_array_equal(first, kept)  # the engine still reads them


def test_a_formula_it_cannot_replay_is_refused():
    def power(x, y, m):
        return x**2 + y, 2 * x, 1.0

    def branch(x, y, m):
        return (x if x > 0 else -x), 1.0, 0.0

    def other_function(x, y, m):
        return m.hypot(x, y), x, y

    for both in (power, branch, other_function):
        assert record(both, 2) is None
