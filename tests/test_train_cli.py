"""`gdstudio train` through add_train_parser and cmd_train, handled as cli.main handles a
subcommand: rows in every format, the options shared with `gdstudio run`, weights in and out,
and every bad argument refused with one line and exit status 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from gdstudio import cli
from gdstudio.cli_args import ArgError, join_negative_values, one_line
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_weights import load_weights, save_weights
from gdstudio.train_cli import COLUMNS, add_train_parser, cmd_train

CORPUS = Path(__file__).parent / "core" / "corpus"


def gdstudio(argv: list[str]) -> tuple[int, str, str]:
    """Run `gdstudio ARGV` as cli.main would with `train` registered: (status, out, err)."""
    parser = cli._Parser(prog="gdstudio")
    add_train_parser(parser.add_subparsers(dest="command", parser_class=cli._Parser))
    out, err = io.StringIO(), io.StringIO()
    try:
        args = parser.parse_args(join_negative_values(argv))
        code = cmd_train(args, out)
    except ArgError as e:
        err.write(one_line(f"gdstudio train: error: {e}") + "\n")
        code = 2
    except SystemExit as e:  # argparse's own refusals
        code = int(e.code or 0)
    return code, out.getvalue(), err.getvalue()


MOONS = ["train", "--dataset", "moons", "--points", "80", "--optimizer", "adam", "--lr", "0.05"]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_rows_have_the_columns_and_the_status(capsys):
    code, out, _ = gdstudio([*MOONS, "--steps", "40", "--format", "csv"])
    assert code == 0
    rows = _csv_rows(out)
    assert list(rows[0]) == [*COLUMNS, "status"]
    assert [int(r["step"]) for r in rows] == list(range(1, 41))
    assert rows[-1]["status"] == "stopped at step 40 (max steps)"
    assert all(r["status"] == "running" for r in rows[:-1])
    assert float(rows[-1]["train_loss"]) < float(rows[0]["train_loss"])
    assert 0 <= float(rows[-1]["val_acc"]) <= 1 and float(rows[-1]["lr"]) == 0.05
    assert capsys.readouterr().err == ""  # cmd_train writes only to its out


def test_table_and_json_state_the_same_run():
    code, table, _ = gdstudio([*MOONS, "--steps", "12", "--every", "5"])
    assert code == 0
    lines = table.splitlines()
    assert lines[0].split() == COLUMNS
    assert [line.split()[0] for line in lines[1:-1]] == ["5", "10", "12"]
    assert lines[-1] == "# stopped at step 12 (max steps)"
    code, text, _ = gdstudio([*MOONS, "--steps", "12", "--every", "5", "--format", "json"])
    doc = json.loads(text)
    assert [r["step"] for r in doc["rows"]] == [5, 10, 12]
    assert doc["layers"] == [8, 8] and doc["activation"] == "tanh"
    assert doc["parameters"] == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    assert (doc["train_points"], doc["validation_points"]) == (64, 16)
    assert doc["status"] == "stopped" and doc["params"]["lr"] == 0.05
    assert f"{doc['rows'][-1]['train_loss']:.4f}" == lines[-2].split()[1]


def test_no_validation_leaves_the_validation_cells_empty():
    _, out, _ = gdstudio([*MOONS, "--steps", "2", "--validation", "0", "--format", "csv"])
    assert all(r["val_loss"] == "" and r["val_acc"] == "" for r in _csv_rows(out))
    _, doc, _ = gdstudio([*MOONS, "--steps", "2", "--validation", "0", "--format", "json"])
    assert json.loads(doc)["rows"][0]["val_loss"] is None


def test_the_seed_draws_data_weights_and_batches():
    base = [*MOONS, "--steps", "5", "--format", "csv", "--batch", "8"]
    a, b = gdstudio([*base, "--seed", "3"])[1], gdstudio([*base, "--seed", "3"])[1]
    c = gdstudio([*base, "--seed", "4"])[1]
    assert a == b and a != c


@pytest.mark.parametrize("batch", ["sgd", "16", "full"])
def test_every_batch_mode_trains(batch):
    code, out, _ = gdstudio([*MOONS, "--steps", "30", "--batch", batch, "--format", "csv"])
    rows = _csv_rows(out)
    assert code == 0 and float(rows[-1]["train_loss"]) < float(rows[0]["train_loss"])


def test_schedule_clip_and_params_reach_the_run():
    def rows(lr: str, *extra: str) -> list[dict]:
        argv = ["train", "--dataset", "xor", "--optimizer", "sgd", "--lr", lr, "--steps", "4"]
        code, out, err = gdstudio([*argv, "--param", "momentum=0.9", *extra, "--format", "json"])
        assert code == 0, err
        return json.loads(out)["rows"]

    step = ["--schedule", "step", "--schedule-param", "step_size=2"]
    step += ["--schedule-param", "gamma=0.5"]
    assert [r["lr"] for r in rows("0.5", *step)] == [0.5, 0.5, 0.25, 0.25]  # StepLR(2, 0.5)
    start = rows("0")[0]["train_loss"]  # lr 0: the loss at the start
    clipped = rows("0.5", "--clip-norm", "1e-3")[0]["train_loss"]
    unclipped = rows("0.5")[0]["train_loss"]
    # A clipped update moves the weights by at most lr × 1e-3: the loss barely moves.
    assert abs(clipped - start) < 1e-3 < abs(unclipped - start)


def test_saved_weights_start_a_run_that_goes_on_exactly(tmp_path):
    """10 SGD steps, saved, then 5 from the file: the same as 15 straight (SGD keeps no state)."""
    sgd = ["train", "--dataset", "circles", "--layers", "4", "--activation", "sigmoid"]
    sgd += ["--optimizer", "sgd", "--lr", "0.5", "--format", "csv", "--tol", "0"]
    saved, end_a, end_b = tmp_path / "w10.npz", tmp_path / "a.npz", tmp_path / "b.npz"
    assert gdstudio([*sgd, "--steps", "10", "--save-weights", str(saved)])[0] == 0
    _, more, _ = gdstudio([*sgd, "--steps", "5", "--init-weights", str(saved), "--save-weights",
                           str(end_a)])  # fmt: skip
    _, straight, _ = gdstudio([*sgd, "--steps", "15", "--save-weights", str(end_b)])
    arch = Architecture((4,), "sigmoid")
    assert np.array_equal(load_weights(end_a, arch), load_weights(end_b, arch))
    assert _csv_rows(more)[-1]["train_loss"] == _csv_rows(straight)[-1]["train_loss"]


def test_init_weights_replace_the_seeded_start(tmp_path):
    arch = Architecture((), "tanh")
    path = tmp_path / "zero.npz"
    save_weights(path, arch, np.zeros(3))  # z = 0 everywhere: the loss is log 2
    argv = ["train", "--dataset", "blobs", "--layers", "0", "--optimizer", "sgd", "--lr", "0"]
    _, out, _ = gdstudio([*argv, "--steps", "1", "--init-weights", str(path), "--format", "csv"])
    assert float(_csv_rows(out)[0]["train_loss"]) == pytest.approx(np.log(2.0), rel=1e-15)


def test_data_trains_on_a_csv_file(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("x1,x2,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n", encoding="utf-8")
    argv = ["train", "--data", str(path), "--validation", "0.25", "--layers", "0"]
    code, out, _ = gdstudio([*argv, "--optimizer", "adam", "--steps", "3", "--format", "json"])
    doc = json.loads(out)
    assert code == 0 and doc["dataset"] == str(path)
    assert (doc["train_points"], doc["validation_points"]) == (3, 1)


BAD = [
    (["--layers", "33"], "--layers: a layer of 33 units (from 1 to 32)"),
    (["--layers", "8,,8"], "--layers: an empty size in '8,,8'"),
    (["--layers", "-1"], "--layers: '-1' is not a size"),
    (["--layers", "8,8,8,8"], "--layers: 4 hidden layers in '8,8,8,8' (at most 3)"),
    (["--layers", "0,8"], "--layers: a layer of 0 units"),
    (["--activation", "gelu"], "--activation: unknown activation 'gelu'; allowed: tanh, relu"),
    (["--validation", "1"], "--validation: must be a fraction from 0 (none held out) up to but"),
    (["--validation", "-0.2"], "--validation: must be a fraction"),
    (["--validation", "nan"], "--validation: must be a fraction"),
    (["--noise", "-1"], "--noise: must be a number from 0 to 10, got '-1'"),
    (["--points", "0"], "--points: must be a whole number from 1 to 100000, got '0'"),
    (["--points", "1e3"], "--points: must be a whole number"),
    (["--batch", "0"], "--batch: must be full, sgd or a mini-batch size K"),
    (["--seed", "-3"], "--seed: must be a whole number from 0 to"),
    (["--tol", "-1"], "--tol: must be a finite number >= 0"),
    (["--every", "0"], "--every: must be a whole number from 1"),
    (["--clip-norm", "0"], "--clip-norm: must be a finite number > 0"),
    (["--lr", "-1"], "--lr: must be a finite number >= 0"),
    (["--param", "momentum=2"], "--param: Invalid momentum value: momentum for sgd must be"),
    (["--param", "betas=0.9"], "--param: unknown parameter 'betas' for sgd"),
    (["--schedule", "wavy"], "--schedule: unknown 'wavy'; allowed: constant"),
    (["--steps", "0"], "--steps: must be a whole number from 1"),
]


@pytest.mark.parametrize("extra, message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_a_bad_argument_is_refused_with_one_line_and_status_2(extra, message):
    argv = ["train", "--dataset", "moons", "--optimizer", "sgd", "--steps", "3", *extra]
    code, out, err = gdstudio(argv)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and message in err, err


def test_an_unknown_dataset_and_an_unknown_optimizer_list_the_allowed():
    code, _, err = gdstudio(["train", "--dataset", "rings", "--optimizer", "sgd", "--steps", "1"])
    assert code == 2 and "--dataset: unknown 'rings'; allowed: moons, circles, xor, spiral" in err
    code, _, err = gdstudio(["train", "--dataset", "xor", "--optimizer", "lion", "--steps", "1"])
    assert code == 2 and "--optimizer: unknown 'lion'; allowed: sgd, momentum" in err


def test_exactly_one_source_of_points(tmp_path, capsys):
    both = ["train", "--dataset", "xor", "--data", "p.csv", "--optimizer", "sgd", "--steps", "1"]
    assert gdstudio(both)[0] == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert gdstudio(["train", "--optimizer", "sgd", "--steps", "1"])[0] == 2
    assert "one of the arguments --dataset --data is required" in capsys.readouterr().err
    path = tmp_path / "p.csv"
    path.write_text("x1,x2,label\n0,0,0\n", encoding="utf-8")
    argv = ["train", "--data", str(path), "--noise", "0.2", "--optimizer", "sgd", "--steps", "1"]
    code, _, err = gdstudio(argv)
    assert code == 2 and "--noise applies to --dataset, not to --data" in err


def test_save_weights_into_a_missing_folder_is_refused_before_training(tmp_path):
    target = tmp_path / "none" / "w.npz"
    code, out, err = gdstudio([*MOONS, "--steps", "2", "--save-weights", str(target)])
    assert code == 2 and out == "" and "--save-weights: the folder" in err
    code, _, err = gdstudio([*MOONS, "--steps", "2", "--save-weights", str(tmp_path)])
    assert code == 2 and "is a folder; give a file name" in err


POINTS_MANIFEST = json.loads((CORPUS / "points" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", POINTS_MANIFEST, ids=[e["file"] for e in POINTS_MANIFEST])
def test_a_malformed_data_file_is_refused_with_its_line(entry):
    path = CORPUS / "points" / entry["file"]
    code, out, err = gdstudio(["train", "--data", str(path), "--optimizer", "sgd", "--steps", "1"])
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and f"--data: {path}: " in err and entry["message"] in err


WEIGHTS_MANIFEST = json.loads((CORPUS / "weights" / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", WEIGHTS_MANIFEST, ids=[e["file"] for e in WEIGHTS_MANIFEST])
def test_a_malformed_weights_file_is_refused_with_one_line(entry):
    path = CORPUS / "weights" / entry["file"]
    argv = ["train", "--dataset", "xor", "--layers", "3", "--optimizer", "sgd", "--steps", "1"]
    code, out, err = gdstudio([*argv, "--init-weights", str(path)])
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and f"--init-weights: {path}: " in err
    assert entry["message"] in err
