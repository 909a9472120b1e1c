"""Undo commands for data edits: one QUndoCommand each, labelled as the Edit menu shows it.

Every command reads `model.dataset` when it runs (never a dataset captured earlier), since
generate/import/clear and their undos swap the whole dataset. Point numbers in labels are
1-based, as the table's rows are.
"""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtGui import QUndoCommand

from ..core.data import Dataset
from .data.format import format_number, format_point
from .data.selection import unique_indices
from .model import StudioModel

# Removing k points in place costs O(k·n); above this the dataset is rebuilt in one pass.
_IN_PLACE_WORK = 4_000_000
_MOVE_ID = 0x4D4F5645
_drag_ids = itertools.count(1)


def new_drag_id() -> int:
    """A fresh id for one drag gesture: its moves merge into one undo step."""
    return next(_drag_ids)


def _is_bce(model: StudioModel) -> bool:
    return model.loss == "bce"


class AddPoint(QUndoCommand):
    """Append one point (for logistic regression with its class)."""

    def __init__(self, model: StudioModel, x: float, y: float, label: float = 0.0) -> None:
        super().__init__()
        self.model = model
        self.point = (float(x), float(y), float(label))
        if _is_bce(model):
            self.setText(f"Add class {int(label)} point at x = {format_number(x)}")
        else:
            self.setText(f"Add point {format_point(x, y)}")
        self.index = -1

    def redo(self) -> None:
        """Append the point."""
        self.index = self.model.dataset.add(*self.point)
        self.model.data_edited()

    def undo(self) -> None:
        """Take the point off again."""
        self.model.dataset.remove(self.index)
        self.model.data_edited()


class MovePoint(QUndoCommand):
    """Move one point (and, for logistic regression, maybe change its class).

    Moves carrying the same `drag` id merge, so a whole drag is one undo step.
    """

    def __init__(
        self,
        model: StudioModel,
        index: int,
        x: float,
        y: float,
        label: float | None = None,
        drag: int | None = None,
    ) -> None:
        super().__init__()
        ds = model.dataset
        self.model = model
        self.index = int(index)
        self.drag = drag
        self.old = (float(ds.x[index]), float(ds.y[index]), float(ds.label[index]))
        self.new = (float(x), float(y), self.old[2] if label is None else float(label))
        self._bce = _is_bce(model)
        self._update_text()

    def _update_text(self) -> None:
        x, y, label = self.new
        n = self.index + 1
        if self._bce:
            cls = f", class {int(label)}" if label != self.old[2] else ""
            self.setText(f"Move point {n} to x = {format_number(x)}{cls}")
        else:
            self.setText(f"Move point {n} to {format_point(x, y)}")

    def id(self) -> int:
        """Moves of one drag share an id; table edits (no drag) never merge."""
        return _MOVE_ID if self.drag is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Absorb the next move of the same point in the same drag."""
        if not (
            isinstance(other, MovePoint) and other.drag == self.drag and other.index == self.index
        ):
            return False
        self.new = other.new
        self._update_text()
        self.setObsolete(self.new == self.old)
        return True

    def _apply(self, point: tuple[float, float, float]) -> None:
        ds = self.model.dataset
        ds.move(self.index, point[0], point[1])
        ds.set_label(self.index, point[2])
        self.model.data_edited()

    def redo(self) -> None:
        """Put the point at its new place."""
        self._apply(self.new)

    def undo(self) -> None:
        """Put the point back."""
        self._apply(self.old)


class RemovePoints(QUndoCommand):
    """Delete points; undo puts each back at its original index."""

    def __init__(self, model: StudioModel, indices: np.ndarray | list[int]) -> None:
        super().__init__()
        ds = model.dataset
        self.model = model
        self.indices = unique_indices(indices)
        if self.indices.size == 0 or self.indices[0] < 0 or self.indices[-1] >= len(ds):
            raise IndexError("point indices out of range")
        self.values = (
            ds.x[self.indices].copy(),
            ds.y[self.indices].copy(),
            ds.label[self.indices].copy(),
        )
        k = len(self.indices)
        self._in_place = k == 1 or k * len(ds) <= _IN_PLACE_WORK
        self.setText(f"Delete point {self.indices[0] + 1}" if k == 1 else f"Delete {k} points")

    def redo(self) -> None:
        """Remove the points."""
        ds = self.model.dataset
        if self._in_place:
            for i in self.indices[::-1]:
                ds.remove(int(i))
            self.model.data_edited()
            return
        keep = np.ones(len(ds), dtype=bool)
        keep[self.indices] = False
        self.model.replace_dataset(
            Dataset(ds.x[keep], ds.y[keep], ds.label[keep] if ds.has_labels else None)
        )

    def undo(self) -> None:
        """Insert the points back where they were."""
        ds = self.model.dataset
        xs, ys, ls = self.values
        if self._in_place:
            for i, x, y, label in zip(self.indices, xs, ys, ls, strict=True):
                ds.insert(int(i), float(x), float(y), float(label))
            self.model.data_edited()
            return
        # Positions in the shortened arrays: each earlier removal shifted the rest by one.
        at = self.indices - np.arange(len(self.indices))
        self.model.replace_dataset(
            Dataset(
                np.insert(ds.x, at, xs),
                np.insert(ds.y, at, ys),
                np.insert(ds.label, at, ls) if ds.has_labels else None,
            )
        )


class SetLabel(QUndoCommand):
    """Set the class (0 or 1) of one point; for logistic regression its y follows the class."""

    def __init__(self, model: StudioModel, index: int, label: int) -> None:
        super().__init__()
        if label not in (0, 1):
            raise ValueError("a class is 0 or 1")
        ds = model.dataset
        self.model = model
        self.index = int(index)
        self.old = (float(ds.y[index]), float(ds.label[index]))
        self.new = (float(label) if _is_bce(model) else self.old[0], float(label))
        self.setText(f"Set class of point {self.index + 1} to {label}")

    def _apply(self, y: float, label: float) -> None:
        ds = self.model.dataset
        ds.move(self.index, float(ds.x[self.index]), y)
        ds.set_label(self.index, label)
        self.model.data_edited()

    def redo(self) -> None:
        """Give the point its new class."""
        self._apply(*self.new)

    def undo(self) -> None:
        """Give the point its old class back."""
        self._apply(*self.old)


class ReplaceDataset(QUndoCommand):
    """Swap in a whole dataset (generate, clear, import); undo brings the old one back."""

    def __init__(self, model: StudioModel, dataset: Dataset, text: str) -> None:
        super().__init__(text)
        self.model = model
        self.old = model.dataset.copy()
        self.new = dataset.copy()

    # The model gets copies: later in-place edits must not reach the stored datasets.
    def redo(self) -> None:
        """Use the new dataset."""
        self.model.replace_dataset(self.new.copy())

    def undo(self) -> None:
        """Use the old dataset again."""
        self.model.replace_dataset(self.old.copy())
