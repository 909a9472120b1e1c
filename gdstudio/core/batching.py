"""Gradient modes on data landscapes: full batch, stochastic (1 sample) and mini-batch."""

from __future__ import annotations

import numpy as np


def parse_batch(value: str | int | None) -> int | None:
    """'full'/None → None (full batch), 'sgd' → 1, 'K' → K; ValueError otherwise."""
    if value is None or value == "full":
        return None
    if value == "sgd":
        return 1
    try:
        k = int(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"batch must be full, sgd or a mini-batch size K >= 1, got {value!r}"
        ) from None
    if k < 1:
        raise ValueError(f"batch must be full, sgd or a mini-batch size K >= 1, got {value!r}")
    return k


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
            raise ValueError("the dataset is empty: add points before stepping")
        self.n = n
        self.size = min(size, n)
        self.seed = seed
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
        self._pos += self.size
        return idx

    @property
    def epochs_done(self) -> float:
        """Epochs completed so far, fractional."""
        return self.epoch + self._pos / self.n
