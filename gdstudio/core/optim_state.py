"""An optimizer's state as lists of floats, for the update rules on Python floats."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .optimizers import Optimizer

Update = Callable[[list[float], list[float], float], list[float]]
Kernel = tuple[Update, Callable[[], None]]


class KernelState:
    """An optimizer's buffers as lists of floats, loaded on creation, stored by commit()."""

    def __init__(self, opt: Optimizer, dim: int) -> None:
        self.opt, self.dim = opt, dim
        self.count = opt._steps
        self.start = opt._steps
        self.lists: dict[str, list[float]] = {}

    def load(self, key: str, fill: float) -> list[float]:
        """The buffer `key` (a new one of `fill` if the optimizer has none); commit() keeps it."""
        arr = self.opt._state.get(key)
        buf: list[float] = [fill] * self.dim if arr is None else arr.tolist()
        self.lists[key] = buf
        return buf

    def load_first(self, key: str) -> list[float] | None:
        """The buffer `key` as a list, None if the optimizer has none yet."""
        arr = self.opt._state.get(key)
        buf: list[float] | None = None if arr is None else arr.tolist()
        return buf

    def commit(self, extra: dict[str, list[float] | float | None] | None = None) -> None:
        """Write the step count, shape and the buffers used (and `extra`) into the optimizer."""
        if self.count == self.start:  # no step taken: the optimizer is as it was
            return
        opt = self.opt
        opt._steps, opt._shape = self.count, (self.dim,)
        for key, buf in {**self.lists, **(extra or {})}.items():
            if buf is not None:
                opt._state[key] = np.array(buf, dtype=np.float64)
        self.start = self.count
