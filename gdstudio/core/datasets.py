"""Two-class point sets for the network: seeded generators, a train/validation split, CSV.

Every generator draws from numpy's Generator seeded by (its stream, seed), so a seed gives the
same points on every machine. `noise` is the standard deviation of Gaussian jitter added to
each coordinate of a clean shape; the shapes span about [−1.5, 2.5] on each axis.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .checks import as_real, check_int, shown
from .data import Dataset
from .data_csv import DataWarning, read_columns, read_file
from .errors import ConfigError

Array = NDArray[np.float64]

MAX_POINTS = 100_000
MAX_NOISE = 10.0
POINT_COLUMNS = ("x1", "x2", "label")
_DATA_STREAM = 0xDA7A
_SPLIT_STREAM = 0x5917


@dataclass(frozen=True, eq=False)
class Points:
    """Labelled 2-D points: inputs of shape (n, 2) and labels of shape (n,), 0 or 1, float64."""

    inputs: Array
    labels: Array

    def __post_init__(self) -> None:
        if self.inputs.shape != (len(self.labels), 2) or self.labels.ndim != 1:
            raise ValueError("inputs must have shape (n, 2) and labels shape (n,)")

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, idx: NDArray[np.intp]) -> Points:
        """The points at `idx`, in that order (copies)."""
        return Points(self.inputs[idx].copy(), self.labels[idx].copy())

    def to_dataset(self) -> Dataset:
        """As a Dataset of the Data dock: x = x1, y = x2, label."""
        return Dataset(self.inputs[:, 0], self.inputs[:, 1], self.labels)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Points:
        """From a labelled Dataset (x → x1, y → x2); ConfigError if it has no classes."""
        if not dataset.has_labels:
            raise ConfigError("the points have no classes: give each a label of 0 or 1")
        return cls(np.column_stack([dataset.x, dataset.y]), dataset.label.copy())


# --- generators: each takes (n, rng) and returns clean points and labels -------------------------


def _halves(n: int) -> tuple[int, int]:
    """Points of class 0 and of class 1 (class 0 gets the odd one)."""
    return n - n // 2, n // 2


def _moons(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    n0, n1 = _halves(n)
    t0, t1 = rng.uniform(0.0, math.pi, n0), rng.uniform(0.0, math.pi, n1)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    return np.vstack([outer, inner]), np.repeat([0.0, 1.0], [n0, n1])


def _circles(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    n0, n1 = _halves(n)
    t = rng.uniform(0.0, 2.0 * math.pi, n)
    label = np.repeat([0.0, 1.0], [n0, n1])
    radius = 1.0 - 0.5 * label
    return np.column_stack([radius * np.cos(t), radius * np.sin(t)]), label


def _xor(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    x = rng.uniform(-1.0, 1.0, (n, 2))
    return x, (x[:, 0] * x[:, 1] > 0).astype(np.float64)


def _spiral(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    n0, n1 = _halves(n)
    r = rng.uniform(0.05, 1.0, n)
    label = np.repeat([0.0, 1.0], [n0, n1])
    angle = 1.75 * 2.0 * math.pi * r + math.pi * label  # two arms, half a turn apart
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)]), label


def _blobs(n: int, rng: np.random.Generator) -> tuple[Array, Array]:
    n0, n1 = _halves(n)
    label = np.repeat([0.0, 1.0], [n0, n1])
    centre = np.where(label[:, None] > 0, 0.75, -0.75)
    return centre + rng.normal(0.0, 0.3, (n, 2)), label


GENERATORS: dict[str, Callable[[int, np.random.Generator], tuple[Array, Array]]] = {
    "moons": _moons,
    "circles": _circles,
    "xor": _xor,
    "spiral": _spiral,
    "blobs": _blobs,
}
DESCRIPTIONS = {
    "moons": "two interleaving half circles",
    "circles": "a ring around a disc (radii 1 and 0.5)",
    "xor": "the four quadrants of [−1, 1]², class 1 where x1·x2 > 0",
    "spiral": "two spiral arms, half a turn apart",
    "blobs": "two Gaussian blobs (σ 0.3) at (−0.75, −0.75) and (0.75, 0.75)",
}


def check_noise(noise: object) -> float:
    """Jitter's standard deviation: a finite number in [0, 10]; ConfigError otherwise."""
    x = as_real(noise)
    if x is None or not (0.0 <= x <= MAX_NOISE):
        raise ConfigError(f"noise must be a number from 0 to {MAX_NOISE:g}, got {shown(noise)}")
    return x


def make_points(name: str, points: int = 200, noise: float = 0.1, seed: int = 0) -> Points:
    """`points` seeded points of the named set, shuffled, with Gaussian jitter of sd `noise`."""
    if not isinstance(name, str) or name not in GENERATORS:
        raise ConfigError(f"unknown dataset {shown(name)}; allowed: {', '.join(GENERATORS)}")
    n = check_int("points", points, 1, MAX_POINTS)
    sd = check_noise(noise)
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng([_DATA_STREAM, seed])
    x, label = GENERATORS[name](n, rng)
    x = x + rng.normal(0.0, sd, x.shape)  # drawn at sd 0 too: noise moves the same points
    order = rng.permutation(n)
    return Points(np.ascontiguousarray(x[order]), label[order])


def check_validation(fraction: object) -> float:
    """The fraction held out for validation: a number in [0, 1); ConfigError otherwise."""
    f = as_real(fraction)
    if f is None or not (0.0 <= f < 1.0):
        raise ConfigError(
            f"validation must be a fraction from 0 (none held out) up to but not 1, "
            f"got {shown(fraction)}"
        )
    return f


def split(points: Points, validation: float, seed: int = 0) -> tuple[Points, Points]:
    """(train, validation): round(validation × n) seeded random points held out, at least one
    left to train on; each part keeps the points' order (validation 0: train is `points`)."""
    f = check_validation(validation)
    seed = check_int("seed", seed, 0)
    n = len(points)
    held = min(round(f * n), n - 1)
    if held <= 0:
        empty = np.empty(0, dtype=np.intp)
        return points, points.subset(empty)
    perm = np.random.default_rng([_SPLIT_STREAM, seed]).permutation(n)
    return points.subset(np.sort(perm[held:])), points.subset(np.sort(perm[:held]))


# --- CSV: columns x1, x2, label ------------------------------------------------------------------


def parse_points_csv(text: str, source: str = "<data>") -> Points:
    """Points from CSV text with header x1,x2,label; DataError naming the line otherwise.

    The same reader as the Data dock's (core/data_csv.py): what it reads past is a
    DataWarning naming the line.
    """
    notes: list[str] = []
    x1, x2, label = read_columns(text, True, source, notes, POINT_COLUMNS)
    for note in notes:
        warnings.warn(note, DataWarning, stacklevel=2)
    assert label is not None  # required: the reader refuses a file without it
    return Points(np.column_stack([x1, x2]).astype(np.float64), np.array(label, dtype=np.float64))


def load_points_csv(path: str | Path) -> Points:
    """Points from a regular CSV file with columns x1,x2,label (see `parse_points_csv`)."""
    return parse_points_csv(read_file(path), str(Path(path)))
