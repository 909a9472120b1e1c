"""Datasets of (x, y[, label]) points: growable storage, sufficient statistics and CSV I/O."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .data_csv import MAX_ABS, DataError, DataWarning, read_columns, read_file
from .moments import Moments, Stats

__all__ = ["MAX_ABS", "DataError", "DataWarning", "Dataset", "Stats", "load_csv", "parse_csv"]

DEFAULT_X = (1.0, 2.0, 3.0, 4.0, 5.0)
DEFAULT_Y = (2.1, 3.9, 6.1, 8.0, 10.2)
# A small, not linearly separable classification set for logistic regression.
DEFAULT_CLASS_X = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
DEFAULT_CLASS_LABEL = (0, 0, 0, 1, 0, 1, 0, 1, 1, 1)


class Dataset:
    """Points (x, y, label) in growable arrays with running sufficient statistics."""

    def __init__(
        self,
        x: Iterable[float] = (),
        y: Iterable[float] = (),
        label: Iterable[float] | None = None,
    ) -> None:
        xs = np.asarray(list(x) if not isinstance(x, np.ndarray) else x, dtype=np.float64)
        ys = np.asarray(list(y) if not isinstance(y, np.ndarray) else y, dtype=np.float64)
        if xs.shape != ys.shape or xs.ndim != 1:
            raise ValueError("x and y must be 1-D and of equal length")
        if label is None:
            ls: np.ndarray | float = 0.0
            self.has_labels = False
        else:
            ls = np.asarray(
                list(label) if not isinstance(label, np.ndarray) else label, dtype=np.float64
            )
            if ls.shape != xs.shape:
                raise ValueError("label must have one entry per point")
            self.has_labels = True
            _check_finite(ls)
        _check_finite(xs, ys)
        cap = max(16, len(xs))
        self._x = np.empty(cap)
        self._y = np.empty(cap)
        self._label = np.empty(cap)
        self._n = len(xs)
        self._x[: self._n] = xs
        self._y[: self._n] = ys
        self._label[: self._n] = ls
        self._recompute_stats()

    # --- construction --------------------------------------------------------------------------

    @classmethod
    def default(cls) -> Dataset:
        """The articles' line-fit data: x = 1..5, y = 2.1, 3.9, 6.1, 8.0, 10.2."""
        return cls(DEFAULT_X, DEFAULT_Y)

    @classmethod
    def default_classes(cls) -> Dataset:
        """A small two-class set for logistic regression (labels 0/1 in `label`)."""
        lab = np.array(DEFAULT_CLASS_LABEL, dtype=np.float64)
        return cls(DEFAULT_CLASS_X, lab, lab)

    @classmethod
    def generate(
        cls,
        n: int,
        slope: float = 2.0,
        intercept: float = 0.0,
        noise: float = 1.0,
        seed: int = 0,
        x_range: tuple[float, float] = (0.0, 10.0),
        labels: bool = True,
    ) -> Dataset:
        """n points on y = slope·x + intercept with Gaussian noise, seeded (labelled 1 above)."""
        rng = np.random.default_rng(seed)
        x = rng.uniform(x_range[0], x_range[1], n)
        y = slope * x + intercept + rng.normal(0.0, noise, n)
        label = (y > slope * x + intercept).astype(np.float64)
        return cls(x, y, label if labels else None)

    def copy(self) -> Dataset:
        """An independent copy (the statistics are copied, not recounted)."""
        out = Dataset.__new__(Dataset)
        out.has_labels, out._n, out._moments = self.has_labels, self._n, self._moments.copy()
        out._x, out._y, out._label = self._x.copy(), self._y.copy(), self._label.copy()
        return out

    # --- access ----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n

    @property
    def x(self) -> np.ndarray:
        """x of every point (a view; do not write)."""
        return self._x[: self._n]

    @property
    def y(self) -> np.ndarray:
        """y of every point (a view; do not write)."""
        return self._y[: self._n]

    @property
    def label(self) -> np.ndarray:
        """Class label (0/1) of every point (a view; do not write)."""
        return self._label[: self._n]

    @property
    def stats(self) -> Stats:
        """Running sufficient statistics (centred, double-double accurate)."""
        return self._moments.stats()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            len(self) == len(other)
            and np.array_equal(self.x, other.x)
            and np.array_equal(self.y, other.y)
            and np.array_equal(self.label, other.label)
        )

    __hash__ = None  # type: ignore[assignment]

    # --- edits (O(1) amortized each) -----------------------------------------------------------

    def add(self, x: float, y: float, label: float = 0.0) -> int:
        """Append a point; returns its index."""
        _check_finite(np.array([x]), np.array([y]), np.array([label]))
        if self._n == len(self._x):
            self._grow()
        i = self._n
        self._x[i], self._y[i], self._label[i] = x, y, label
        self._n += 1
        self._accumulate(x, y, +1.0)
        return i

    def insert(self, index: int, x: float, y: float, label: float = 0.0) -> None:
        """Insert a point at `index` (used to undo a removal)."""
        self.add(x, y, label)
        if index < self._n - 1:
            for arr in (self._x, self._y, self._label):
                arr[index + 1 : self._n] = arr[index : self._n - 1].copy()
            self._x[index], self._y[index], self._label[index] = x, y, label

    def move(self, index: int, x: float, y: float) -> None:
        """Move point `index` to (x, y)."""
        _check_finite(np.array([x]), np.array([y]), np.array([0.0]))
        old = float(self._x[index]), float(self._y[index])
        self._x[index], self._y[index] = x, y
        self._moments.update(*old, -1.0)
        self._accumulate(x, y, +1.0)

    def set_label(self, index: int, label: float) -> None:
        """Set the class of point `index`."""
        self._label[index] = label

    def remove(self, index: int) -> tuple[float, float, float]:
        """Remove point `index`; returns (x, y, label) it had."""
        p = (float(self._x[index]), float(self._y[index]), float(self._label[index]))
        for arr in (self._x, self._y, self._label):
            arr[index : self._n - 1] = arr[index + 1 : self._n].copy()
        self._n -= 1
        self._accumulate(p[0], p[1], -1.0)
        return p

    def clear(self) -> None:
        """Remove every point."""
        self._n = 0
        self._recompute_stats()

    def _grow(self) -> None:
        cap = 2 * len(self._x)
        for name in ("_x", "_y", "_label"):
            new = np.empty(cap)
            new[: self._n] = getattr(self, name)[: self._n]
            setattr(self, name, new)

    def _recompute_stats(self) -> None:
        self._moments = Moments(self.x, self.y)

    def _accumulate(self, x: float, y: float, sign: float) -> None:
        """Count (x, y) in or out; the arrays already hold the points after the edit."""
        self._moments.update(x, y, sign)
        if self._moments.needs_rebuild():  # digits at risk: recount about the mean (rare)
            self._recompute_stats()

    # --- CSV -------------------------------------------------------------------------------------

    def to_csv(self) -> str:
        """CSV text with header x,y (and label when the set has labels)."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["x", "y", "label"] if self.has_labels else ["x", "y"])
        for i in range(self._n):
            row = [repr(float(self._x[i])), repr(float(self._y[i]))]
            if self.has_labels:
                row.append(str(int(self._label[i])))
            w.writerow(row)
        return out.getvalue()


def _check_finite(*arrays: np.ndarray) -> None:
    for a in arrays:
        if len(a) and not (np.min(a) >= -MAX_ABS and np.max(a) <= MAX_ABS):  # NaN fails too
            raise DataError(
                "points must be finite numbers within ±1e150 (no NaN or infinity; "
                "larger squares overflow)"
            )


def parse_csv(text: str, require_label: bool = False, source: str = "<data>") -> Dataset:
    """Parse CSV text with header `x,y[,label]`; errors name the line and column.

    Whatever is read past (an unused column) is reported as a DataWarning naming the line.
    """
    notes: list[str] = []
    x, y, label = read_columns(text, require_label, source, notes)
    for note in notes:
        warnings.warn(note, DataWarning, stacklevel=2)
    return Dataset(x, y, label)


def load_csv(path: str | Path, require_label: bool = False) -> Dataset:
    """Read a CSV dataset from a regular file (see `parse_csv`); never blocks on a pipe."""
    text = read_file(path)
    notes: list[str] = []
    x, y, label = read_columns(text, require_label, str(Path(path)), notes)
    for note in notes:
        warnings.warn(note, DataWarning, stacklevel=2)
    return Dataset(x, y, label)
