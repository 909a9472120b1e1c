"""`gdstudio sweep`: one row per optimizer and rate, each what `gdstudio run` ends with."""

from __future__ import annotations

import csv
import io
import json

import pytest

from gdstudio.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _last_run_row(capsys, *argv: str) -> dict:
    code, out, _ = _run(capsys, "run", *argv, "--format", "json")
    assert code == 0
    return json.loads(out)


def test_each_row_is_what_gdstudio_run_ends_with(capsys):
    code, out, err = _run(
        capsys, "sweep", "--landscape", "rosenbrock", "--optimizer", "sgd,adam",
        "--lr", "1e-4:1:5", "--steps", "300", "--tol", "1e-5", "--format", "csv",
    )  # fmt: skip
    assert code == 0 and not err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["optimizer"] for r in rows] == ["sgd"] * 5 + ["adam"] * 5
    for row in rows:
        run = _last_run_row(
            capsys, "--landscape", "rosenbrock", "--optimizer", row["optimizer"],
            "--lr", row["lr"], "--steps", "300", "--tol", "1e-5",
        )  # fmt: skip
        assert row["status"] == run["status_text"]
        last = run["rows"][-1]
        if last["loss"] is None:
            assert row["final_loss"] == ""
        else:
            assert float(row["final_loss"]) == last["loss"]
        converged = run["status"] == "converged"
        assert row["steps_to_tol"] == (str(run["status_step"]) if converged else "")


def test_best_gives_one_row_per_optimizer(capsys):
    code, out, _ = _run(
        capsys, "sweep", "--landscape", "rosenbrock", "--optimizer", "sgd,momentum,adam",
        "--lr", "1e-5:10:16", "--steps", "400", "--best", "--format", "json",
    )  # fmt: skip
    rows = json.loads(out)
    assert code == 0 and [r["optimizer"] for r in rows] == ["sgd", "momentum", "adam"]
    assert all(r["status"] != "diverged" for r in rows)


def test_table_lists_the_columns_the_issue_names(capsys):
    code, out, _ = _run(
        capsys, "sweep", "--landscape", "bowl1d", "--optimizer", "sgd",
        "--lr", "0.001,0.1,1.5", "--steps", "200",
    )  # fmt: skip
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["optimizer", "lr", "final_loss", "steps_to_tol", "status"]
    assert "converged at step" in lines[2] and "diverged at step" in lines[3]


def test_data_landscapes_sweep_too(capsys, tmp_path):
    data = tmp_path / "points.csv"
    data.write_text("x,y\n0,1\n1,3\n2,5.2\n3,6.9\n", encoding="utf-8")
    code, out, _ = _run(
        capsys, "sweep", "--landscape", "linear-mae", "--data", str(data),
        "--optimizer", "sgd,adam", "--lr", "0.01,0.1", "--steps", "100", "--format", "csv",
    )  # fmt: skip
    assert code == 0 and len(out.splitlines()) == 5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--optimizer", "sgd,nope"], "--optimizer: unknown 'nope'"),
        (["--optimizer", "sgd,sgd"], "names an optimizer twice"),
        (["--lr", "1:0.1:5"], "--lr: the rates must go from low to high"),
        (["--lr", "a:b:c"], "--lr: --lr takes FROM:TO:COUNT"),
        (["--steps", "0"], "--steps"),
        (["--param", "momentum=2"], "--param"),
        (["--param", "lr=0.1"], "learning rate once"),
        (["--landscape", "nowhere"], "--landscape: unknown 'nowhere'"),
        (["--start", "1"], "--start"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(capsys, argv, message):
    base = {"--landscape": "rosenbrock", "--optimizer": "sgd", "--lr": "0.01,0.1", "--steps": "10"}
    merged = dict(base)
    extra: list[str] = []
    for i in range(0, len(argv), 2):
        if argv[i] in merged:
            merged[argv[i]] = argv[i + 1]
        else:
            extra += argv[i : i + 2]
    flat = [v for kv in merged.items() for v in kv] + extra
    with pytest.raises(SystemExit) as caught:
        main(["sweep", *flat])
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert message in err and err.count("\n") == 1, err
