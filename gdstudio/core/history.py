"""Bounded trajectory history: old rows are decimated, the first and latest stay exact."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .checks import as_int, shown
from .errors import ConfigError

# Rows a history may hold: 2**20 rows of a 2-parameter run take 48 MB.
MAX_CAPACITY = 2**20


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

        Each row is (step, params..., loss, grad_norm, lr). Only the rows on the stride are
        converted; a tick's few dozen rows cost a few microseconds.
        """
        if not rows:
            return
        cols = self._cols
        for row in rows:
            if len(row) != cols:
                raise ValueError(f"history rows have {cols} numbers, got {len(row)}")
        stride = self.stride
        keep = list(rows) if stride == 1 else [r for r in rows if int(r[0]) % stride == 0]
        while keep:
            room = self.capacity - self._len
            if len(keep) <= room:
                self._buf[self._len : self._len + len(keep)] = keep
                self._len += len(keep)
                break
            if room:
                self._buf[self._len :] = keep[:room]
            self._len = self.capacity
            rest = keep[room:]  # they meet a full buffer: thin it, then go on with them
            self._decimate()
            keep = [r for r in rest if int(r[0]) % self.stride == 0]
        self._latest = np.array(rows[-1], dtype=np.float64)
        self._version += 1

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
        return self._with_latest(0)

    def _with_latest(self, start: int) -> np.ndarray:
        """Kept rows from index `start` on, plus the latest row if it is not the last kept."""
        latest = self._latest
        if latest is None:
            return np.empty((0, self._cols))
        n = self._len
        extra = 0 if n > start and self._buf[n - 1, 0] == latest[0] else 1
        out = np.empty((n - start + extra, self._cols))
        out[: n - start] = self._buf[start:n]
        if extra:
            out[-1] = latest
        return out

    def column_lists(self, start: int) -> list[list[float]]:
        """rows() from kept row `start` on, as one list per column (step, params..., loss,
        grad_norm, lr): a frame's few new rows read without an array per column."""
        latest = self._latest
        if latest is None:
            return [[] for _ in range(self._cols)]
        n = self._len
        cols: list[list[float]] = self._buf[start:n].T.tolist()
        if not (n > start and cols[0][-1] == latest[0]):
            for col, value in zip(cols, latest.tolist(), strict=True):
                col.append(value)
        return cols

    def kept_step(self, index: int) -> float:
        """The step of kept row `index` (0 ≤ index < kept)."""
        return float(self._buf[index, 0])

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
        return self._with_latest(
            int(np.searchsorted(self._buf[: self._len, 0], step, side="right"))
        )

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
