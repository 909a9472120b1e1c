"""Race: several runs from one start, stepped together (the one stepping engine)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np

from .run import CONVERGED, Row, Run

CHUNK = 1000  # steps per pass while a race runs to its end


@dataclass(frozen=True)
class RaceResult:
    """How one run of a race did."""

    name: str
    status: str
    steps: int
    steps_to_tol: int | None
    final_loss: float


class Race:
    """Runs that share a start and step together; the race is over when all have stopped."""

    def __init__(self, runs: Iterable[Run] = ()) -> None:
        self.runs: list[Run] = list(runs)

    def add(self, run: Run) -> None:
        """Add a run; it starts from the race's current start if there is one."""
        if self.runs:
            run.reset(self.runs[0].start)
        self.runs.append(run)

    def remove(self, run: Run) -> None:
        """Take a run out of the race."""
        self.runs.remove(run)

    @property
    def running(self) -> bool:
        """True while any run can still step."""
        return any(r.running for r in self.runs)

    def step(self, n: int = 1, on_row: Callable[[Run, Row], None] | None = None) -> int:
        """Advance every running run by up to n steps; returns the most steps any took.

        `on_row(run, row)` hears each measured row as it is made (gdstudio run streams them).
        """
        if on_row is None:
            return max((r.step(n) for r in self.runs), default=0)
        return max((r.step(n, partial(on_row, r)) for r in self.runs), default=0)

    def advance(self, steps: int | None = None) -> int:
        """Step `steps` times (None: until every run stops); returns the most steps any took.

        Without `steps` a run must be able to stop (a max steps, or a landscape it converges
        or diverges on): a run with neither would step for ever.
        """
        if steps is not None:
            return self.step(steps) if steps > 0 else 0
        taken = 0
        while self.running:
            taken += self.step(CHUNK)
        return taken

    def length(self) -> int:
        """Steps from the start until every run stops; the race is left reset to its start."""
        self.reset()
        self.advance()
        length = max((r.steps for r in self.runs), default=0)
        self.reset()
        return length

    def reset(self, start: np.ndarray | tuple[float, ...] | None = None) -> None:
        """Send every run back to the (given, else current) start."""
        for r in self.runs:
            r.reset(start)

    def set_landscape(self, landscape: object, restart: bool = False) -> None:
        """Switch every run to a changed landscape; optionally restart them."""
        for r in self.runs:
            r.set_landscape(landscape)  # type: ignore[arg-type]
            if restart:
                r.reset()

    def results(self) -> list[RaceResult]:
        """Status text, steps-to-tolerance and final loss of each run.

        A run that reached max steps reads "stopped at step N (max steps)", with no steps_to_tol.
        """
        return [
            RaceResult(
                r.name,
                r.status_text(),
                r.steps,
                r.status_step if r.status == CONVERGED else None,
                r.loss,
            )
            for r in self.runs
        ]
