"""An optimizer's state as lists of floats, for the update rules on Python floats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


class KernelCache:
    """A run's kernel, kept between steps while its optimizer is as the kernel left it.

    Making a kernel reads the optimizer's buffers into lists (microseconds a call); a tick
    steps each run a few times, so the kernel of the last call is reused unless the optimizer
    changed since its commit: another step count, shape or hyperparameter, or a buffer that
    is not the one the commit wrote (a reset, a step on the array path).
    """

    def __init__(self) -> None:
        self._opt: Optimizer | None = None
        self._dim = 0
        self._kernel: Kernel | None = None
        self._seen: tuple[int, Any, dict[str, Any], list[tuple[str, object]]] | None = None

    def get(
        self, opt: Optimizer, dim: int, make: Callable[[Optimizer, int], Kernel | None]
    ) -> Kernel | None:
        """The kernel for `opt` stepping `dim` parameters: the kept one if still true, else new."""
        if self._kernel is not None and opt is self._opt and dim == self._dim and self._same(opt):
            return self._kernel
        made = make(opt, dim)
        if made is None:
            self._kernel = None
            return None
        update, commit = made

        def commit_and_remember() -> None:
            commit()
            self._remember(opt)

        self._opt, self._dim, self._kernel = opt, dim, (update, commit_and_remember)
        self._remember(opt)
        return self._kernel

    def _remember(self, opt: Optimizer) -> None:
        self._seen = (opt._steps, opt._shape, dict(opt.hyper), list(opt._state.items()))

    def _same(self, opt: Optimizer) -> bool:
        if self._seen is None:
            return False
        steps, shape, hyper, state = self._seen
        if opt._steps != steps or opt._shape != shape or opt.hyper != hyper:
            return False
        now = opt._state
        return len(now) == len(state) and all(now.get(k) is v for k, v in state)
