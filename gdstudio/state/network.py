"""The network lesson's setup: its points (a generated set, noise, count, held-out share) and
its network (hidden layers, activation, initialisation seed), checked as a state field is.

`NetworkKind` checks the JSON object a scene or session gives ({"dataset": "moons", ...};
missing keys take the defaults) into a NetworkSpec, naming the bad key; `build_network`
makes the NetworkLandscape it describes. The dataset MY_POINTS is the user's own points
(taken from the Data dock by `own_points`), kept in the spec itself so a session holds them.
Qt-free.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..core.catalog import is_data_landscape
from ..core.data import Dataset
from ..core.datasets import GENERATORS, MAX_NOISE, Points, make_points, split
from ..core.errors import ConfigError
from ..core.nn import ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_UNITS, Architecture
from ..core.nn_landscape import NetworkLandscape
from .kinds import Choice, Kind, Number, SessionError, as_list, as_object, fail
from .runs import MAX_SEED

NETWORK = "network"  # the landscape's name in a document, a scene and a session
MAX_NETWORK_POINTS = 5000  # the app's boundary and curves stay live up to here
MY_POINTS = "points"  # the dataset of the user's own points (NetworkSpec.own)
MIN_PER_CLASS = 2  # own points of each class, at least

OwnPoints = tuple[tuple[float, float, float], ...]  # (x1, x2, class 0 or 1) of each point


def takes_batches(landscape: str) -> bool:
    """True if racers on this landscape may step on mini-batches: a fit to data, or the network."""
    return landscape == NETWORK or is_data_landscape(landscape)


@dataclass(frozen=True)
class NetworkSpec:
    """What the network lesson trains: which points, and which network from which weights."""

    dataset: str = "moons"
    noise: float = 0.2
    points: int = 200
    validation: float = 0.2
    layers: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    seed: int = 0
    own: OwnPoints = ()  # the points when dataset is MY_POINTS (`points` and `noise` unused)

    @property
    def architecture(self) -> Architecture:
        """The network: 2 inputs, the hidden layers, one output."""
        return Architecture(self.layers, self.activation)

    @property
    def n_params(self) -> int:
        """How many weights and biases the network has."""
        return self.architecture.n_params


_FIELDS: dict[str, Kind] = {
    "dataset": Choice(lambda: [*GENERATORS, MY_POINTS]),
    "noise": Number(0.0, MAX_NOISE),
    "points": Number(10, MAX_NETWORK_POINTS, integer=True),
    "validation": Number(0.0, 0.9),
    "activation": Choice(lambda: list(ACTIVATIONS)),
    "seed": Number(0, MAX_SEED, integer=True),
}
_UNITS = Number(1, MAX_UNITS, integer=True)


class NetworkKind(Kind):
    """A NetworkSpec, written as a JSON object of its fields (null: the defaults)."""

    def check(self, value: Any, where: str) -> NetworkSpec:
        """The spec (missing keys: defaults), or SessionError naming the bad key."""
        if isinstance(value, NetworkSpec):
            return value
        if value is None:
            return NetworkSpec()
        d = as_object(value, where)
        unknown = sorted(set(d) - {*_FIELDS, "layers", "own"})
        if unknown:
            raise SessionError(
                f"{where}.{unknown[0]}: not a setting of the network; allowed: "
                f"{', '.join([*_FIELDS, 'layers', 'own'])}"
            )
        values: dict[str, Any] = {
            key: kind.check(d[key], f"{where}.{key}") for key, kind in _FIELDS.items() if key in d
        }
        if "layers" in d:
            layers = as_list(d["layers"], f"{where}.layers")
            if len(layers) > MAX_HIDDEN_LAYERS:
                raise fail(f"{where}.layers", f"at most {MAX_HIDDEN_LAYERS} sizes", layers)
            values["layers"] = tuple(
                _UNITS.check(v, f"{where}.layers[{i}]") for i, v in enumerate(layers)
            )
        if "own" in d:
            values["own"] = _check_own(d["own"], f"{where}.own")
        if values.get("dataset") == MY_POINTS:
            try:
                _class_counts(values.get("own", ()))
            except ConfigError as e:
                raise SessionError(f"{where}.own: {e}") from None
        return NetworkSpec(**values)

    def dump(self, value: NetworkSpec, copy_arrays: bool = False) -> dict[str, Any]:
        """The spec's fields as JSON (layers as a list; own points, if any, as columns)."""
        out = asdict(value)
        out["layers"] = list(value.layers)
        del out["own"]
        if value.own:
            x1, x2, label = (list(col) for col in zip(*value.own, strict=True))
            out["own"] = {"x1": x1, "x2": x2, "label": [int(k) for k in label]}
        return out

    def same(self, a: Any, b: Any) -> bool:
        """Equal specs."""
        return bool(a == b)


def build_network(spec: NetworkSpec) -> NetworkLandscape:
    """The NetworkLandscape of `spec`: its seeded (or own) points split, its network from
    seeded weights; SessionError if the points cannot train it."""
    try:
        if spec.dataset == MY_POINTS:
            _class_counts(spec.own)
            own = np.array(spec.own, dtype=np.float64).reshape(-1, 3)
            points = Points(np.ascontiguousarray(own[:, :2]), own[:, 2].copy())
        else:
            points = make_points(spec.dataset, spec.points, spec.noise, spec.seed)
        train, validation = split(points, spec.validation, seed=spec.seed)
        if spec.dataset == MY_POINTS and len(np.unique(train.labels)) < 2:
            raise ConfigError(
                "my points: the points left to train on are all of one class once "
                f"{len(validation)} are held out; add points or hold out fewer"
            )
        return NetworkLandscape(spec.architecture, train, validation, seed=spec.seed)
    except ConfigError as e:
        raise SessionError(f"network: {e}") from None


def own_points(dataset: Dataset) -> OwnPoints:
    """The Data dock's points with their classes, as the network's own points.

    A point keeps its x and y as x1 and x2; the logistic lesson's points (their y is their
    class) lie on the line x2 = 0. ConfigError, in a line to show the user, if there are none,
    no classes, or fewer than MIN_PER_CLASS of a class.
    """
    n = len(dataset)
    if n == 0:
        raise ConfigError(
            "My points: the Data dock has no points; on the logistic regression landscape, "
            "click in the Data dock for class 1 and Shift+click for class 0"
        )
    if not dataset.has_labels:
        raise ConfigError(
            "My points: the Data dock's points have no classes; on the logistic regression "
            "landscape, click in the Data dock for class 1 and Shift+click for class 0"
        )
    if n > MAX_NETWORK_POINTS:
        raise ConfigError(f"My points: at most {MAX_NETWORK_POINTS} points, the Data dock has {n}")
    x, labels = dataset.x, dataset.label
    x2 = np.zeros(n) if np.array_equal(dataset.y, labels) else dataset.y
    own = tuple((float(a), float(b), float(k)) for a, b, k in zip(x, x2, labels, strict=True))
    _class_counts(own)
    return own


def _class_counts(own: OwnPoints) -> tuple[int, int]:
    """How many own points of class 0 and 1; ConfigError if a class has too few."""
    ones = sum(1 for _, _, k in own if k == 1.0)
    zeros = len(own) - ones
    if min(zeros, ones) < MIN_PER_CLASS:
        raise ConfigError(
            f"My points: a network needs at least {MIN_PER_CLASS} points of each class; "
            f"there are {zeros} of class 0 and {ones} of class 1"
        )
    return zeros, ones


def _check_own(value: Any, where: str) -> OwnPoints:
    """Own points written as columns {"x1": [...], "x2": [...], "label": [...]}."""
    d = as_object(value, where)
    if set(d) != {"x1", "x2", "label"}:
        raise SessionError(f"{where}: must have exactly the columns x1, x2 and label")
    cols = [as_list(d[k], f"{where}.{k}") for k in ("x1", "x2", "label")]
    n = len(cols[0])
    if any(len(c) != n for c in cols) or n > MAX_NETWORK_POINTS:
        raise fail(where, f"columns of one length, at most {MAX_NETWORK_POINTS}", value)
    coord = Number(-1e6, 1e6)
    klass = Number(0, 1, integer=True)
    return tuple(
        (
            float(coord.check(cols[0][i], f"{where}.x1[{i}]")),
            float(coord.check(cols[1][i], f"{where}.x2[{i}]")),
            float(klass.check(cols[2][i], f"{where}.label[{i}]")),
        )
        for i in range(n)
    )
