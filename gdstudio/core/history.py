"""Bounded trajectory history: old rows are decimated, the first and latest stay exact."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .checks import as_int, shown
from .errors import ConfigError

# Rows a history may hold: 2**20 rows of a 2-parameter run take 48 MB.
MAX_CAPACITY = 2**20
_FEW_ROWS = 8  # extend() stores up to this many rows one by one


class History:
    """Rows of (step, params..., loss, grad_norm, lr) kept within a fixed capacity.

    Rows are recorded every `stride` steps; when the buffer fills, every other row is
    dropped and the stride doubles, so memory stays bounded for runs of any length while
    the whole run stays visible. Row 0 (the start) is never dropped and the latest row is
    always available exactly.
    """

    def __init__(self, dim: int, capacity: int = 4096) -> None:
        n = as_int(capacity)
        if n is None or n < 4 or n > MAX_CAPACITY or n % 2:
            raise ConfigError(
                f"history_capacity must be an even whole number in [4, {MAX_CAPACITY}], "
                f"got {shown(capacity)}"
            )
        capacity = n
        self.dim = dim
        self.capacity = capacity
        self._cols = 4 + dim  # step, params..., loss, grad_norm, lr
        self._buf = np.empty((capacity, self._cols))
        self._len = 0
        self.stride = 1
        self._latest: np.ndarray | None = None
        self._version = 0  # bumped on every change; keys the cached columns
        self._columns: tuple[int, dict[str, np.ndarray]] | None = None

    def clear(self) -> None:
        """Forget every row."""
        self._len = 0
        self.stride = 1
        self._latest = None
        self._version += 1

    def append(
        self, step: int, params: np.ndarray, loss: float, grad_norm: float, lr: float
    ) -> None:
        """Record the state after `step` updates."""
        row = np.empty(self._cols)
        row[0] = step
        row[1 : 1 + self.dim] = params
        row[1 + self.dim :] = (loss, grad_norm, lr)
        self._latest = row
        self._version += 1
        self._keep(step, row)

    def extend(self, rows: Sequence[Sequence[float]]) -> None:
        """Record several states at once, in step order: the same as append() for each row.

        Each row is (step, params..., loss, grad_norm, lr).
        """
        if not rows:
            return
        if len(rows) <= _FEW_ROWS:  # a few rows: cheaper one by one than as one block
            for row in rows:
                if len(row) != self._cols:
                    raise ValueError(f"history rows have {self._cols} numbers, got {len(row)}")
                self._keep(int(row[0]), row)
            self._latest = np.array(rows[-1], dtype=np.float64)
            self._version += 1
            return
        block = np.array(rows, dtype=np.float64)
        if block.shape[1:] != (self._cols,):
            raise ValueError(f"history rows have {self._cols} numbers, got shape {block.shape}")
        self._latest = block[-1].copy()
        self._version += 1
        steps = block[:, 0].astype(np.int64)
        start = 0
        while start < len(block):
            keep = np.flatnonzero(steps[start:] % self.stride == 0) + start
            room = self.capacity - self._len
            if len(keep) <= room:
                self._buf[self._len : self._len + len(keep)] = block[keep]
                self._len += len(keep)
                return
            self._buf[self._len :] = block[keep[:room]]
            self._len = self.capacity
            start = int(keep[room])  # meets a full buffer: thin it, then go on from this row
            self._decimate()

    def _keep(self, step: int, row: Sequence[float] | np.ndarray) -> None:
        """Store the row if its step is on the stride, thinning a full buffer first."""
        if step % self.stride:
            return
        if self._len == self.capacity:
            self._decimate()
            if step % self.stride:
                return
        self._buf[self._len] = row
        self._len += 1

    def _decimate(self) -> None:
        """Keep every other row and double the stride (the buffer is full)."""
        kept = self._buf[: self._len : 2].copy()
        self._len = len(kept)
        self._buf[: self._len] = kept
        self.stride *= 2

    def __len__(self) -> int:
        return len(self.rows())

    def rows(self) -> np.ndarray:
        """All kept rows plus the latest, as an (n, 4 + dim) array (a copy)."""
        if self._latest is None:
            return np.empty((0, self._cols))
        kept = self._buf[: self._len]
        rows: np.ndarray = (
            kept.copy()
            if self._len and kept[-1, 0] == self._latest[0]
            else np.vstack([kept, self._latest[None, :]])
        )
        return rows

    @property
    def kept(self) -> int:
        """How many rows are kept (rows() adds the latest when it is not one of them)."""
        return self._len

    def rows_since(self, step: float) -> np.ndarray:
        """The rows of rows() whose step is after `step`, as a new (n, 4 + dim) array.

        Reads only those rows: a view that follows a history each frame asks for what it
        has not seen instead of copying every row.
        """
        if self._latest is None or self._latest[0] <= step:
            return np.empty((0, self._cols))
        start = int(np.searchsorted(self._buf[: self._len, 0], step, side="right"))
        kept = self._buf[start : self._len]
        rows: np.ndarray = (
            kept.copy()
            if len(kept) and kept[-1, 0] == self._latest[0]
            else np.vstack([kept, self._latest[None, :]])
        )
        return rows

    @property
    def latest(self) -> np.ndarray | None:
        """The newest row, exact."""
        return self._latest

    @property
    def nbytes(self) -> int:
        """Memory held by the rows."""
        return self._buf.nbytes

    def columns(self) -> dict[str, np.ndarray]:
        """The rows split into named columns: step, params (n, d), loss, grad_norm, lr.

        Read-only arrays, shared by every caller until the history changes (each view of a
        run asks once per frame).
        """
        if self._columns is not None and self._columns[0] == self._version:
            return self._columns[1]
        r = self.rows()
        r.flags.writeable = False
        cols = {
            "step": r[:, 0].astype(np.int64),
            "params": r[:, 1 : 1 + self.dim],
            "loss": r[:, 1 + self.dim],
            "grad_norm": r[:, 2 + self.dim],
            "lr": r[:, 3 + self.dim],
        }
        cols["step"].flags.writeable = False
        self._columns = (self._version, cols)
        return cols
