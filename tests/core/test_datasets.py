"""The network's point sets: seeded generators of the right shapes and classes, the
train/validation split, and CSV of x1,x2,label with every malformed file refused by line."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.data import Dataset
from gdstudio.core.data_csv import DataError, DataWarning
from gdstudio.core.datasets import (
    GENERATORS,
    Points,
    load_points_csv,
    make_points,
    parse_points_csv,
    split,
)
from gdstudio.core.errors import ConfigError

CORPUS = Path(__file__).parent / "corpus" / "points"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(GENERATORS))
def test_each_set_is_seeded_with_two_balanced_classes(name):
    a = make_points(name, 101, 0.1, seed=4)
    assert a.inputs.shape == (101, 2) and a.labels.shape == (101,)
    assert a.inputs.dtype == np.float64 and set(np.unique(a.labels)) == {0.0, 1.0}
    assert abs(int(a.labels.sum()) - 50) <= 12  # xor's classes are balanced only on average
    b, c = make_points(name, 101, 0.1, seed=4), make_points(name, 101, 0.1, seed=5)
    assert np.array_equal(a.inputs, b.inputs) and np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.inputs, c.inputs)
    assert np.abs(a.inputs).max() < 4.0
    assert a.labels[:20].std() > 0  # shuffled, not all of one class first


def test_without_noise_the_shapes_are_exact():
    moons = make_points("moons", 200, 0.0, 1)
    outer = moons.inputs[moons.labels == 0]
    inner = moons.inputs[moons.labels == 1]
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0)
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0)
    assert outer[:, 1].min() >= 0 and inner[:, 1].max() <= 0.5
    circles = make_points("circles", 100, 0.0, 1)
    radius = np.hypot(*circles.inputs.T)
    np.testing.assert_allclose(radius[circles.labels == 0], 1.0)
    np.testing.assert_allclose(radius[circles.labels == 1], 0.5)
    xor = make_points("xor", 100, 0.0, 1)
    assert np.array_equal(xor.labels, (np.prod(xor.inputs, axis=1) > 0).astype(float))
    blobs = make_points("blobs", 400, 0.0, 1)
    assert blobs.inputs[blobs.labels == 1].mean() == pytest.approx(0.75, abs=0.05)
    spiral = make_points("spiral", 100, 0.0, 1)
    assert np.hypot(*spiral.inputs.T).max() <= 1.0


def test_noise_is_the_jitters_standard_deviation():
    clean, noisy = make_points("circles", 20_000, 0.0, 2), make_points("circles", 20_000, 0.3, 2)
    assert np.array_equal(clean.labels, noisy.labels)  # the same points, moved
    jitter = noisy.inputs - clean.inputs
    assert np.std(jitter, axis=0) == pytest.approx([0.3, 0.3], rel=0.05)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "rings"}, "unknown dataset 'rings'; allowed: moons, circles, xor, spiral, blobs"),
        ({"name": "moons", "points": 0}, "points must be a whole number >= 1"),
        ({"name": "moons", "points": 2.5}, "points must be a whole number"),
        ({"name": "moons", "noise": -0.1}, "noise must be a number from 0 to 10, got -0.1"),
        ({"name": "moons", "noise": float("nan")}, "noise must be a number from 0 to 10"),
        ({"name": "moons", "seed": -1}, "seed must be a whole number >= 0"),
    ],
)
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ConfigError) as info:
        make_points(**kwargs)
    assert message in str(info.value)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 300), fraction=st.floats(0.0, 0.99), seed=st.integers(0, 1000))
def test_split_holds_out_the_fraction_and_keeps_every_point_once(n, fraction, seed):
    points = make_points("xor", n, 0.0, 0)
    train, val = split(points, fraction, seed)
    assert len(val) == min(round(fraction * n), n - 1) and len(train) == n - len(val)
    assert len(train) >= 1
    both = np.vstack([train.inputs, val.inputs])
    assert sorted(map(tuple, both)) == sorted(map(tuple, points.inputs))
    if len(val) == 0:
        assert train is points  # nothing held out: the points as given, in their order


def test_split_is_seeded_and_keeps_the_order():
    points = make_points("moons", 50, 0.1, 0)
    a, b, c = split(points, 0.3, 1), split(points, 0.3, 1), split(points, 0.3, 2)
    assert np.array_equal(a[1].inputs, b[1].inputs) and not np.array_equal(a[1].inputs, c[1].inputs)
    index = {tuple(row): i for i, row in enumerate(points.inputs)}
    order = [index[tuple(row)] for row in a[0].inputs]
    assert order == sorted(order)


@pytest.mark.parametrize("fraction", [1.0, -0.1, 1.5, float("nan"), "half"])
def test_split_refuses_a_fraction_outside_0_to_1(fraction):
    with pytest.raises(
        ConfigError, match=r"validation must be a fraction from 0 .* up to but not 1"
    ):
        split(make_points("moons", 10), fraction)


def test_csv_reads_x1_x2_label_in_any_order_and_case(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("\ufeffLabel, X2 ,x1\n1,0.5,-2\n0,3,4e-1\n", encoding="utf-8")
    points = load_points_csv(path)
    assert points.inputs.tolist() == [[-2.0, 0.5], [0.4, 3.0]] and points.labels.tolist() == [1, 0]


def test_csv_warns_of_a_column_it_reads_past():
    with pytest.warns(DataWarning, match="column 'weight' not used; the columns read are x1, x2"):
        parse_points_csv("x1,x2,label,weight\n0,1,1,9\n")


def test_points_go_to_and_from_the_data_docks_dataset():
    points = make_points("spiral", 30, 0.1, 3)
    dataset = points.to_dataset()
    assert isinstance(dataset, Dataset) and dataset.has_labels
    back = Points.from_dataset(dataset)
    assert np.array_equal(back.inputs, points.inputs) and np.array_equal(back.labels, points.labels)
    with pytest.raises(ConfigError, match="the points have no classes"):
        Points.from_dataset(Dataset([1.0], [2.0]))


def test_the_corpus_holds_every_file_and_only_those():
    assert {p.name for p in CORPUS.glob("*.csv")} == {e["file"] for e in MANIFEST}


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_a_malformed_csv_is_refused_with_its_line(entry):
    path = CORPUS / entry["file"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError) as info:
            load_points_csv(path)
    message = str(info.value)
    assert entry["message"] in message
    assert message.startswith(str(path)) and "\n" not in message
