"""Playback pacing, without Qt: steps owed by the wall clock, stepped within a budget, and
the rate really made over the last second.

A tick owes speed × the real time since the last tick (fractions carry over), so a late
frame catches up instead of slowing the race down. Stepping stops when the tick's budget (of
the thread's CPU time, in the window) is spent: the steps it could not take are dropped
(counted in `dropped`), never kept as a backlog that would make every later tick late too.
The budget is BUDGET_S at the display's rate; when frames come slower (costly steps, costly
views) it grows to a share of the time since the last tick, up to MAX_BUDGET_S, so a slow
window still gives stepping its share of the time instead of a fixed sliver of every frame.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]

BUDGET_S = 0.008  # the most stepping one tick may do at the display's rate, seconds
STEP_SHARE = 0.5  # ...and the share of a longer time since the last tick it may take
MAX_BUDGET_S = 0.05  # but never more than this: the window stays responsive
MAX_GAP_S = 0.25  # a longer gap between ticks (a blocked event loop) owes only this much
RATE_WINDOW_S = 1.0  # the real rate is measured over this sliding window
KEEP_UP = 0.95  # below this share of the asked steps, the machine cannot keep up


class Pacer:
    """Turns the clock into steps: speed × elapsed owed per tick, stepped within a budget."""

    def __init__(
        self,
        clock: Clock,
        budget_s: float = BUDGET_S,
        max_gap_s: float = MAX_GAP_S,
        work_clock: Clock | None = None,
        max_budget_s: float = MAX_BUDGET_S,
    ) -> None:
        self.clock = clock
        # What the budget is counted on: the thread's CPU time for the window (time the
        # system gave other processes is no work of ours), else the clock itself.
        self.work_clock = work_clock
        self.budget_s = budget_s
        self.max_budget_s = max(budget_s, max_budget_s)
        self.max_gap_s = max_gap_s
        self._elapsed = 0.0  # the time since the tick before the last one, seconds
        self.dropped = 0.0  # steps owed but not taken (budget spent, or a gap over max_gap_s)
        self._carry = 0.0
        self._last = 0.0
        self._step_s: float | None = None  # seconds per step, a moving average

    def start(self) -> float:
        """Start counting from now (play); returns the clock's reading."""
        self._last = self.clock()
        self._carry = 0.0
        self.dropped = 0.0
        self._step_s = None  # the race may cost more or less per step than the last one
        return self._last

    def owed(self, speed: float) -> tuple[int, float, float]:
        """Whole steps this tick owes, the steps asked (speed × elapsed) and the clock's now."""
        now = self.clock()
        elapsed = max(0.0, now - self._last)
        self._last = now
        self._elapsed = min(elapsed, self.max_gap_s)
        asked = speed * elapsed
        counted = speed * min(elapsed, self.max_gap_s)
        self.dropped += asked - counted
        self._carry += counted
        k = int(self._carry + 1e-9)  # 0.999… of a step after float sums is a step
        self._carry -= k
        return k, asked, now

    @property
    def tick_budget(self) -> float:
        """Seconds of stepping the tick after the last `owed` may take: BUDGET_S, or
        STEP_SHARE of a longer time since the tick before, at most MAX_BUDGET_S."""
        return min(self.max_budget_s, max(self.budget_s, STEP_SHARE * self._elapsed))

    def take(self, owed: int, step: Callable[[int], int]) -> int:
        """Take up to `owed` steps with step(n) in chunks, stopping once the budget is spent.

        step(n) returns the steps taken (fewer when every run has stopped, which ends the
        tick). Chunks are sized from the measured cost per step to about half of the budget
        left, so a tick overruns its budget by at most one small chunk.
        """
        clock = self.work_clock or self.clock
        now = clock()
        deadline = now + self.tick_budget
        taken = 0
        while taken < owed:
            left = owed - taken
            if self._step_s is None:
                chunk = 1  # measure one step first
            elif self._step_s > 0:
                chunk = max(1, min(left, int(0.5 * (deadline - now) / self._step_s)))
            else:
                chunk = left  # a clock that did not move (a test's) says steps are free
            k = step(chunk)
            later = clock()
            if k:
                cost = (later - now) / k
                self._step_s = cost if self._step_s is None else 0.7 * self._step_s + 0.3 * cost
            now = later
            taken += k
            if k < chunk:
                return taken  # the race is over: nothing is dropped
            if now >= deadline:
                break
        self.dropped += owed - taken
        return taken


class RateMeter:
    """Steps really made, and asked, over a sliding window of the clock."""

    def __init__(self, window_s: float = RATE_WINDOW_S) -> None:
        self.window_s = window_s
        self._ticks: deque[tuple[float, int, float]] = deque()  # (time, taken, asked)
        self._taken = 0
        self._asked = 0.0

    def start(self, now: float) -> None:
        """Forget everything; the window opens at `now`."""
        self._ticks.clear()
        self._ticks.append((now, 0, 0.0))
        self._taken = 0
        self._asked = 0.0

    def add(self, now: float, taken: int, asked: float) -> None:
        """One tick at `now`: `taken` steps made of `asked` (speed × elapsed)."""
        self._ticks.append((now, taken, asked))
        self._taken += taken
        self._asked += asked
        # The oldest entry only marks where the window opens; its steps are not counted.
        while len(self._ticks) > 2 and self._ticks[1][0] <= now - self.window_s:
            self._ticks.popleft()
            _, taken0, asked0 = self._ticks[0]
            self._taken -= taken0
            self._asked -= asked0

    @property
    def span(self) -> float:
        """Seconds the window covers now."""
        return self._ticks[-1][0] - self._ticks[0][0] if self._ticks else 0.0

    @property
    def actual(self) -> float:
        """Steps per second really made over the window (0 before any time has passed)."""
        span = self.span
        return self._taken / span if span > 0 else 0.0

    @property
    def keeping_up(self) -> bool:
        """True when the window made what it asked (within 5% and the one step carried)."""
        return self._taken > KEEP_UP * self._asked - 1.0


def rate_text(actual: float, asked: float, keeping_up: bool) -> str:
    """'1,000 steps/s', or '412 of 1,000 steps/s — the machine cannot keep up'."""
    if keeping_up:
        return f"{asked:,.0f} steps/s"
    return f"{actual:,.0f} of {asked:,.0f} steps/s — the machine cannot keep up"
