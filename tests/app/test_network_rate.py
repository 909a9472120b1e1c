"""RateLimit: a redraw that takes long runs less often (a fake clock: no timing in tests)."""

from __future__ import annotations

import pytest

from gdstudio.app.network import rate
from gdstudio.app.network.rate import MAX_SHARE, RateLimit


class Clock:
    """time.monotonic for the rate module, moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now


def test_a_slow_action_waits_longer_and_a_fast_one_keeps_the_rate(qtbot, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(rate, "time", clock)
    cost = {"s": 0.2}
    runs: list[float] = []

    def action() -> None:
        runs.append(clock.now)
        clock.now += cost["s"]  # the draw takes this long

    limit = RateLimit(action, hz=10.0)
    limit.request()
    assert len(runs) == 1 and limit.interval == pytest.approx(0.2 / MAX_SHARE)  # 0.8 s, not 0.1
    clock.now += 0.3  # 0.5 s after the draw began: too soon for a 0.2 s draw
    limit.request()
    assert len(runs) == 1
    limit.cancel()
    cost["s"] = 0.001
    clock.now += 0.4  # 0.9 s after: due
    limit.request()
    assert len(runs) == 2 and limit.interval == pytest.approx(0.1)  # quick: 10 a second again
