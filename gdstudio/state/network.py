"""The network lesson's setup: its points (a generated set, noise, count, held-out share) and
its network (hidden layers, activation, initialisation seed), checked as a state field is.

`NetworkKind` checks the JSON object a scene or session gives ({"dataset": "moons", ...};
missing keys take the defaults) into a NetworkSpec, naming the bad key; `build_network`
makes the NetworkLandscape it describes. Qt-free.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..core.catalog import is_data_landscape
from ..core.datasets import GENERATORS, MAX_NOISE, make_points, split
from ..core.errors import ConfigError
from ..core.nn import ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_UNITS, Architecture
from ..core.nn_landscape import NetworkLandscape
from .kinds import Choice, Kind, Number, SessionError, as_list, as_object, fail
from .runs import MAX_SEED

NETWORK = "network"  # the landscape's name in a document, a scene and a session
MAX_NETWORK_POINTS = 5000  # the app's boundary and curves stay live up to here


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

    @property
    def architecture(self) -> Architecture:
        """The network: 2 inputs, the hidden layers, one output."""
        return Architecture(self.layers, self.activation)

    @property
    def n_params(self) -> int:
        """How many weights and biases the network has."""
        return self.architecture.n_params


_FIELDS: dict[str, Kind] = {
    "dataset": Choice(lambda: list(GENERATORS)),
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
        unknown = sorted(set(d) - {*_FIELDS, "layers"})
        if unknown:
            raise SessionError(
                f"{where}.{unknown[0]}: not a setting of the network; allowed: "
                f"{', '.join([*_FIELDS, 'layers'])}"
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
        return NetworkSpec(**values)

    def dump(self, value: NetworkSpec, copy_arrays: bool = False) -> dict[str, Any]:
        """The spec's fields as JSON (layers as a list)."""
        out = asdict(value)
        out["layers"] = list(value.layers)
        return out

    def same(self, a: Any, b: Any) -> bool:
        """Equal specs."""
        return bool(a == b)


def build_network(spec: NetworkSpec) -> NetworkLandscape:
    """The NetworkLandscape of `spec`: its seeded points split, its network from seeded weights."""
    try:
        points = make_points(spec.dataset, spec.points, spec.noise, spec.seed)
        train, validation = split(points, spec.validation, seed=spec.seed)
        return NetworkLandscape(spec.architecture, train, validation, seed=spec.seed)
    except ConfigError as e:
        raise SessionError(f"network: {e}") from None
