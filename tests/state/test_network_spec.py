"""The network lesson's setup as a checked state value: defaults, checks naming the key, and
the NetworkLandscape it builds."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.state.kinds import SessionError
from gdstudio.state.network import NetworkKind, NetworkSpec, build_network

KIND = NetworkKind()


def test_missing_keys_take_the_defaults_and_dump_reads_back():
    spec = KIND.check({"layers": [16], "noise": 0.1}, "network")
    assert spec == NetworkSpec(layers=(16,), noise=0.1)
    assert KIND.check(None, "network") == NetworkSpec()
    assert KIND.check(KIND.dump(spec), "network") == spec


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"dataset": "rings"}, "network.dataset: must be one of moons"),
        ({"noise": -1}, "network.noise: must be a number from 0 to 10"),
        ({"points": 3}, "network.points: must be an integer from 10 to 5000"),
        ({"validation": 0.95}, "network.validation: must be a number from 0 to 0.9"),
        ({"layers": [8, 0]}, "network.layers[1]: must be an integer from 1 to 32"),
        ({"layers": [8, 8, 8, 8]}, "network.layers: must be at most 3 sizes"),
        ({"activation": "gelu"}, "network.activation: must be one of tanh, relu, sigmoid"),
        ({"depth": 2}, "network.depth: not a setting of the network"),
        ([1, 2], "network: must be an object"),
    ],
)
def test_a_bad_value_is_refused_naming_its_key(value, message):
    with pytest.raises(SessionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        KIND.check(value, "network")


def test_the_spec_builds_its_seeded_network_on_its_split_points():
    spec = NetworkSpec()  # moons, noise 0.2, 200 points, 20% held out, 2-8-8-1 tanh
    land = build_network(spec)
    assert land.dim == spec.n_params == 105
    assert (len(land.train), len(land.validation)) == (160, 40)
    assert land.arch.label == spec.architecture.label
    again = build_network(spec)
    assert np.array_equal(again.default_start, land.default_start)
    other = build_network(NetworkSpec(seed=1))
    assert not np.array_equal(other.default_start, land.default_start)
