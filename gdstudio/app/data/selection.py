"""DataSelection: which points are selected, shared by the scatter editor and the table."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal


def unique_indices(indices: np.ndarray | list[int]) -> np.ndarray:
    """The indices sorted, each once (as np.unique, which on its first call imports numpy's
    masked arrays: ~10 ms of a first click)."""
    a = np.sort(np.asarray(indices, dtype=np.int64).ravel())
    if a.size > 1:
        a = a[np.concatenate(([True], a[1:] != a[:-1]))]
    return a


class DataSelection(QObject):
    """Sorted, unique indices of the selected points; `changed` says who changed them."""

    changed = Signal(object)  # the source object (the view that set it), or None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._indices = np.empty(0, dtype=np.int64)

    @property
    def indices(self) -> np.ndarray:
        """The selected indices, ascending (do not write)."""
        return self._indices

    def __len__(self) -> int:
        return len(self._indices)

    def __contains__(self, index: int) -> bool:
        i = np.searchsorted(self._indices, index)
        return bool(i < len(self._indices) and self._indices[i] == index)

    def set(self, indices: np.ndarray | list[int], source: object = None) -> None:
        """Select exactly these points."""
        new = unique_indices(indices)
        if not np.array_equal(new, self._indices):
            self._indices = new
            self.changed.emit(source)

    def toggle(self, index: int, source: object = None) -> None:
        """Add the point to the selection, or take it out."""
        if index in self:
            self.set(self._indices[self._indices != index], source)
        else:
            self.set(np.append(self._indices, index), source)

    def clear(self, source: object = None) -> None:
        """Select nothing."""
        self.set(np.empty(0, dtype=np.int64), source)

    def clip(self, n: int) -> None:
        """Forget indices of points that no longer exist (n points left)."""
        if len(self._indices) and self._indices[-1] >= n:
            self.set(self._indices[self._indices < n])
