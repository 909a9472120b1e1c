"""Trail: (x, y) points that grow at their end, in numpy buffers with room to grow.

Numpy only. A live curve gains a few points a frame; appending them to buffers with spare
room costs two small copies, where concatenating arrays would copy every point each frame.
"""

from __future__ import annotations

import numpy as np

_START = 256


class Trail:
    """Points in order, read as (x, y) views of their buffers; they grow by `extend`."""

    __slots__ = ("_x", "_y", "n")

    def __init__(self) -> None:
        self._x = np.empty(_START)
        self._y = np.empty(_START)
        self.n = 0

    @property
    def x(self) -> np.ndarray:
        """The points' x (a view: valid until the trail next changes)."""
        return self._x[: self.n]

    @property
    def y(self) -> np.ndarray:
        """The points' y (a view, as x)."""
        return self._y[: self.n]

    def __len__(self) -> int:
        return self.n

    def first(self) -> float:
        """The first point's y (the trail must not be empty)."""
        return float(self._y[0])

    def last(self) -> tuple[float, float]:
        """The last point (the trail must not be empty)."""
        return float(self._x[self.n - 1]), float(self._y[self.n - 1])

    def replace(self, x: np.ndarray, y: np.ndarray) -> None:
        """Hold exactly these points."""
        self.n = 0
        self.extend(x, y)

    def extend(self, x: np.ndarray | list[float], y: np.ndarray | list[float]) -> None:
        """Append these points."""
        k = len(x)
        end = self.n + k
        if end > len(self._x):
            size = max(2 * len(self._x), end)
            for name in ("_x", "_y"):
                grown = np.empty(size)
                grown[: self.n] = getattr(self, name)[: self.n]
                setattr(self, name, grown)
        self._x[self.n : end] = x
        self._y[self.n : end] = y
        self.n = end
