"""Gradient modes on data landscapes: full batch, stochastic (1 sample) and mini-batch."""

from __future__ import annotations

import numpy as np

from .checks import INT_LIMIT, as_int, check_int, shown
from .errors import ConfigError


def parse_batch(value: str | int | None) -> int | None:
    """'full'/None → None (full batch), 'sgd' → 1, 'K' → K; ConfigError otherwise."""
    if value is None or value == "full":
        return None
    if value == "sgd":
        return 1
    k = as_int(value)
    if k is None and isinstance(value, str) and len(value) <= 20:
        try:
            k = int(value)
        except ValueError:
            k = None
    if k is None or not 1 <= k <= INT_LIMIT:
        raise ConfigError(
            f"batch must be full, sgd or a mini-batch size K >= 1, got {shown(value)}"
        )
    return k


def check_batch_size(value: object) -> int | None:
    """None (full batch) or a mini-batch size, a whole number >= 1; ConfigError otherwise."""
    return None if value is None else check_int("batch_size", value, 1)


def check_seed(value: object) -> int:
    """A random seed: a whole number >= 0 that fits 64 bits; ConfigError otherwise."""
    return check_int("seed", value, 0)


def batch_label(size: int | None) -> str:
    """Human name of a gradient mode."""
    if size is None:
        return "Batch (all points)"
    if size == 1:
        return "SGD (1 sample)"
    return f"Mini-batch ({size})"


class BatchSampler:
    """Yields index batches of a fixed size from a seeded permutation reshuffled every epoch."""

    def __init__(self, n: int, size: int, seed: int = 0) -> None:
        if n < 1:
            raise ConfigError("the dataset is empty: add points before stepping")
        self.n = n
        self.size = min(check_int("batch size", size, 1), n)
        self.seed = check_seed(seed)
        self._rng = np.random.default_rng(seed)
        self._perm = self._rng.permutation(n)
        self._pos = 0
        self.epoch = 0

    def next(self) -> np.ndarray:
        """The indices of the next batch (the last batch of an epoch may be smaller)."""
        if self._pos >= self.n:
            self._perm = self._rng.permutation(self.n)
            self._pos = 0
            self.epoch += 1
        idx = self._perm[self._pos : self._pos + self.size]
        self._pos += len(idx)  # a partial last batch ends the epoch exactly
        return idx

    @property
    def epochs_done(self) -> float:
        """Epochs completed so far, fractional."""
        return self.epoch + self._pos / self.n
