"""Gradient modes: the batch sampler, its epoch counter and the batch-mode parser."""

import numpy as np
import pytest

from gdstudio.core.batching import BatchSampler, parse_batch
from gdstudio.core.catalog import make_landscape
from gdstudio.core.data import Dataset
from gdstudio.core.errors import ConfigError
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run


def test_epochs_count_a_partial_last_batch_as_the_end_of_the_epoch():
    ds = Dataset([1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 4.1, 5.9, 8.2, 9.9])
    run = Run(make_landscape("linear-mse", ds), make_optimizer("sgd", lr=1e-3), batch_size=2, tol=0)
    epochs = []
    for _ in range(6):
        run.step(1)
        epochs.append(run.epoch)
    assert epochs == pytest.approx([0.4, 0.8, 1.0, 1.4, 1.8, 2.0], abs=1e-12)


@pytest.mark.parametrize(("n", "size"), [(5, 2), (7, 3), (10, 4), (3, 5), (1, 1)])
def test_every_epoch_visits_each_point_once(n, size):
    sampler = BatchSampler(n, size, seed=3)
    per_epoch = -(-n // min(size, n))
    for epoch in range(3):
        seen = np.concatenate([sampler.next() for _ in range(per_epoch)])
        assert sorted(seen.tolist()) == list(range(n))
        assert sampler.epochs_done == pytest.approx(epoch + 1.0)


def test_the_sampler_refuses_an_empty_dataset_and_bad_arguments():
    with pytest.raises(ConfigError, match="empty"):
        BatchSampler(0, 2)
    with pytest.raises(ConfigError, match="seed must be a whole number >= 0"):
        BatchSampler(5, 2, seed=-1)
    with pytest.raises(ConfigError, match="batch size must be a whole number >= 1"):
        BatchSampler(5, 0)


@pytest.mark.parametrize(
    ("text", "size"), [(None, None), ("full", None), ("sgd", 1), ("1", 1), ("16", 16), (8, 8)]
)
def test_batch_modes_parse(text, size):
    assert parse_batch(text) == size


@pytest.mark.parametrize("text", ["0", "-3", "2.5", "many", "", True, 2.0, "9" * 400])
def test_bad_batch_modes_are_refused_in_one_short_line(text):
    with pytest.raises(ConfigError, match="batch must be full, sgd or a mini-batch size") as e:
        parse_batch(text)
    assert len(str(e.value)) < 120 and "\n" not in str(e.value)
