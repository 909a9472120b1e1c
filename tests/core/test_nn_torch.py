"""The network trains as PyTorch trains it, step for step, in float64 to 1e-9.

tests/fixtures/nn_torch.npz holds torch's trajectories (torch.nn.Linear layers,
BCEWithLogitsLoss, torch.optim SGD with momentum, Adam and RMSprop, one clipped with
clip_grad_norm_), written by tests/fixtures/make_nn_torch_fixture.py; the core and
`gdstudio train --init-weights` replay them. The last test reruns torch itself if installed.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
from pathlib import Path

import numpy as np
import pytest

from gdstudio.core.datasets import Points
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.nn_weights import load_weights, save_weights
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run
from gdstudio.train_cli import add_train_parser, cmd_train

FIXTURES = Path(__file__).parents[1] / "fixtures"
FIXTURE = np.load(FIXTURES / "nn_torch.npz", allow_pickle=False)
META = json.loads(str(FIXTURE["meta"]))
CONFIGS = [pytest.param(c, id=c["id"]) for c in META["configs"]]
STEPS = META["steps"]
TOL = 1e-9


def _torch(cid: str, key: str) -> np.ndarray:
    return FIXTURE[f"{cid}__{key}"]


def _core_run(config: dict, start: np.ndarray, x: np.ndarray, y: np.ndarray) -> Run:
    arch = Architecture(tuple(config["hidden"]), config["activation"])
    land = NetworkLandscape(arch, Points(x, y), start=start)
    return Run(
        land,
        make_optimizer(config["optimizer"], **config["hyper"]),
        clip_norm=config["clip"],
        tol=0.0,
        max_steps=STEPS,
    )


def test_the_fixture_is_small_and_covers_both_networks_and_three_optimizers():
    assert (FIXTURES / "nn_torch.npz").stat().st_size < 200_000
    ids = {c["id"] for c in META["configs"]}
    assert {"tanh8x8-sgd-momentum", "tanh8x8-adam", "tanh8x8-rmsprop"} <= ids
    assert {"relu16-sgd-momentum", "relu16-adam", "relu16-rmsprop"} <= ids
    assert _torch("tanh8x8-adam", "weights").shape == (STEPS + 1, 105)  # 2-8-8-1
    assert _torch("relu16-adam", "weights").shape == (STEPS + 1, 65)  # 2-16-1


@pytest.mark.parametrize("config", CONFIGS)
def test_core_matches_torch_step_for_step(config):
    cid = config["id"]
    weights, losses = _torch(cid, "weights"), _torch(cid, "losses")
    run = _core_run(config, weights[0], FIXTURE["x"], FIXTURE["y"])
    assert abs(run.loss - losses[0]) <= TOL
    rows = []
    run.step(STEPS, on_row=rows.append)
    assert [r.step for r in rows] == list(range(1, STEPS + 1))
    got_w = np.array([r.params for r in rows])
    np.testing.assert_allclose(got_w, weights[1:], rtol=0, atol=TOL)
    np.testing.assert_allclose([r.loss for r in rows], losses[1:], rtol=0, atol=TOL)
    np.testing.assert_allclose(
        [r.grad_norm for r in rows], _torch(cid, "grad_norms")[1:], rtol=0, atol=TOL
    )
    assert losses[-1] < losses[0] - 0.05  # the trajectory goes somewhere: a real test


def _train(argv: list[str]) -> str:
    parser = argparse.ArgumentParser(prog="gdstudio")
    add_train_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    assert cmd_train(parser.parse_args(["train", *argv]), out) == 0
    return out.getvalue()


@pytest.mark.parametrize("config", CONFIGS)
def test_gdstudio_train_with_init_weights_matches_torch(config, tmp_path):
    cid = config["id"]
    weights = _torch(cid, "weights")
    arch = Architecture(tuple(config["hidden"]), config["activation"])
    data = tmp_path / "points.csv"
    with data.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2", "label"])
        for (a, b), label in zip(FIXTURE["x"], FIXTURE["y"], strict=True):
            w.writerow([repr(float(a)), repr(float(b)), int(label)])
    init, final = tmp_path / "init.npz", tmp_path / "final.npz"
    save_weights(init, arch, weights[0])
    hyper = dict(config["hyper"])
    argv = ["--data", str(data), "--validation", "0", "--layers"]
    argv += [",".join(map(str, config["hidden"])) or "0", "--activation", config["activation"]]
    argv += ["--optimizer", config["optimizer"], "--lr", repr(hyper.pop("lr"))]
    for name, value in hyper.items():
        argv += ["--param", f"{name}={value!r}"]
    if config["clip"] is not None:
        argv += ["--clip-norm", repr(config["clip"])]
    argv += ["--steps", str(STEPS), "--tol", "0", "--format", "csv"]
    argv += ["--init-weights", str(init), "--save-weights", str(final)]
    rows = list(csv.DictReader(io.StringIO(_train(argv))))
    assert [int(r["step"]) for r in rows] == list(range(1, STEPS + 1))
    losses = [float(r["train_loss"]) for r in rows]
    np.testing.assert_allclose(losses, _torch(cid, "losses")[1:], rtol=0, atol=TOL)
    norms = [float(r["grad_norm"]) for r in rows]
    np.testing.assert_allclose(norms, _torch(cid, "grad_norms")[1:], rtol=0, atol=TOL)
    assert all(r["val_loss"] == "" for r in rows)  # --validation 0: nothing held out
    np.testing.assert_allclose(load_weights(final, arch), weights[-1], rtol=0, atol=TOL)


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_nn_torch_fixture", FIXTURES / "make_nn_torch_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "hidden, activation, ours, hyper, torch_name",
    [
        ((4, 3, 5), "sigmoid", "adam", {"lr": 0.05}, "Adam"),
        ((), "tanh", "rmsprop", {"lr": 0.02, "momentum": 0.5}, "RMSprop"),
        ((6, 6), "relu", "sgd", {"lr": 0.3, "momentum": 0.9, "nesterov": True}, "SGD"),
    ],
)
def test_live_torch_matches_the_core(hidden, activation, ours, hyper, torch_name):
    torch = pytest.importorskip("torch")
    gen = _generator()
    x, y = gen.dataset(seed=11, n=50)
    got = gen.train(torch, hidden, activation, torch_name, hyper, None, x, y, steps=20)
    config = {"hidden": hidden, "activation": activation, "optimizer": ours, "hyper": hyper}
    run = _core_run({**config, "clip": None}, got["weights"][0], x, y)
    rows = []
    run.step(20, on_row=rows.append)
    np.testing.assert_allclose([r.loss for r in rows], got["losses"][1:], rtol=0, atol=TOL)
    np.testing.assert_allclose(
        np.array([r.params for r in rows]), got["weights"][1:], rtol=0, atol=TOL
    )
