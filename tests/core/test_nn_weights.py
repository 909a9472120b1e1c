"""Weights files: W1, b1, ... in torch.nn.Linear's shapes, written and read back exactly; every
malformed file of tests/core/corpus/weights refused with its one-line message."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from gdstudio.core.errors import ConfigError
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_weights import WeightsError, load_weights, save_weights

CORPUS = Path(__file__).parent / "corpus" / "weights"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
CORPUS_ARCH = Architecture((3,), "tanh")  # every corpus file is meant for a 2-3-1 network


def test_weights_round_trip_bit_for_bit_in_torch_shapes(tmp_path):
    arch = Architecture((5, 4), "relu")
    p = arch.init(9)
    path = tmp_path / "w"  # no suffix: written where asked, numpy adds none
    save_weights(path, arch, p)
    assert path.exists() and not (tmp_path / "w.npz").exists()
    with np.load(path) as npz:
        assert npz.files == ["W1", "b1", "W2", "b2", "W3", "b3"]
        assert npz["W1"].shape == (5, 2) and npz["W2"].shape == (4, 5) and npz["b3"].shape == (1,)
        assert np.array_equal(npz["W2"].ravel(), p[15:35])
    assert np.array_equal(load_weights(path, arch), p)


def test_integer_weights_are_read_as_floats(tmp_path):
    arch = Architecture((), "tanh")
    np.savez(tmp_path / "w.npz", W1=np.array([[1, -2]]), b1=np.array([3]))
    assert load_weights(tmp_path / "w.npz", arch).tolist() == [1.0, -2.0, 3.0]


def test_the_corpus_holds_every_file_and_only_those():
    assert {p.name for p in CORPUS.glob("*.npz")} == {e["file"] for e in MANIFEST}
    assert len(MANIFEST) >= 10


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_a_malformed_file_is_refused_with_one_line_naming_it(entry):
    path = CORPUS / entry["file"]
    with pytest.raises(WeightsError) as info:
        load_weights(path, CORPUS_ARCH)
    message = str(info.value)
    assert entry["message"] in message
    assert message.startswith(str(path)) and "\n" not in message
    assert isinstance(info.value, ConfigError)


def test_a_folder_a_missing_file_and_a_pipe_are_refused(tmp_path):
    with pytest.raises(WeightsError, match="is a folder"):
        load_weights(tmp_path, CORPUS_ARCH)
    with pytest.raises(WeightsError, match="cannot read: No such file"):
        load_weights(tmp_path / "none.npz", CORPUS_ARCH)
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    with pytest.raises(WeightsError, match="not a regular file"):
        load_weights(fifo, CORPUS_ARCH)  # never blocks waiting for a writer
