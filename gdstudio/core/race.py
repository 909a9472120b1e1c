"""Race: several runs from one start, stepped together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .run import CONVERGED, Run


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

    def step(self, n: int = 1) -> int:
        """Advance every running run by up to n steps; returns the most steps any took."""
        return max((r.step(n) for r in self.runs), default=0)

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
