"""`gdstudio run --expression` and `gdstudio sweep --expression`: a typed landscape headless."""

import csv
import io
import json
import subprocess
import sys

import pytest

from gdstudio.cli import main

ROSENBROCK = "(1 - w)^2 + 100*(b - w^2)^2"
EGG = "sin(3*w)*cos(3*b) + 0.1*(w^2 + b^2)"


def run_ok(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0 and not err
    return out


def run_fails(capsys, *args):
    with pytest.raises(SystemExit) as e:
        main(list(args))
    _, err = capsys.readouterr()
    return e.value.code, err


def test_rosenbrock_typed_in_runs_as_the_built_in_does(capsys):
    common = ["--optimizer", "adam", "--lr", "0.01", "--steps", "50", "--format", "json"]
    typed = json.loads(
        run_ok(capsys, "run", "--expression", ROSENBROCK, "--start", "-1.5,2", *common)
    )
    built = json.loads(
        run_ok(capsys, "run", "--landscape", "rosenbrock", "--start", "-1.5,2", *common)
    )
    assert typed["landscape"] == "custom"
    assert [r["w"] for r in typed["rows"]] == pytest.approx([r["x"] for r in built["rows"]])
    assert [r["loss"] for r in typed["rows"]] == pytest.approx(
        [r["loss"] for r in built["rows"]], rel=1e-9
    )
    assert typed["status_text"] == built["status_text"]


def test_bounds_set_the_view_and_the_default_start(capsys):
    out = run_ok(
        capsys, "run", "--expression", "w^2 + b^2", "--bounds", "-4:0,2:6",
        "--optimizer", "sgd", "--steps", "1", "--format", "csv",
    )  # fmt: skip
    row = next(csv.DictReader(io.StringIO(out)))
    # the default start sits a quarter in from the top-left corner: (-3, 5); one SGD step
    assert float(row["w"]) == pytest.approx(-3 + 0.001 * 6)
    assert float(row["b"]) == pytest.approx(5 - 0.001 * 10)


def test_a_formula_starting_with_minus_is_a_value_not_an_option(capsys):
    out = run_ok(
        capsys, "run", "--expression", "-cos(w)", "--start", "0.5",
        "--optimizer", "sgd", "--lr", "0.5", "--steps", "200", "--format", "json",
    )  # fmt: skip
    doc = json.loads(out)
    assert list(doc["rows"][0]) == ["step", "w", "loss", "grad_norm", "lr"]
    assert doc["rows"][-1]["w"] == pytest.approx(0.0, abs=1e-5)


def test_a_run_into_a_hole_says_it_left_the_domain(capsys):
    out = run_ok(
        capsys, "run", "--expression", "log(w)", "--bounds", "0.1:3", "--start", "0.2",
        "--optimizer", "sgd", "--lr", "1", "--steps", "5",
    )  # fmt: skip
    assert "left the domain at step 1" in out.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--expression", "(1 - w)^2 + 100*(b"], "--expression: this ( is never closed (at char"),
        (["--expression", "w +* b"], "--expression: "),
        (["--expression", "9**9**9"], "--expression: "),
        (["--expression", "__import__('os').system('x')"], "--expression: "),
        (["--expression", "w", "--landscape", "rosenbrock"], "not both"),
        (["--bounds", "-3:3,-3:3"], "--bounds applies to a typed landscape"),
        (["--expression", "w + b", "--bounds", "1:0,0:1"], "--bounds: bounds must be finite"),
        (["--expression", "w + b", "--bounds", "-3:3"], "--bounds: the formula has 2 parameters"),
        (["--expression", "w + b", "--bounds", "a:b,c"], "--bounds: expected LOW:HIGH"),
        (["--expression", "w + b", "--start", "1"], "--start: custom takes 2 finite values"),
        (["--expression", "w + b", "--loss", "mse"], "--loss applies to data landscapes"),
        ([], "give --landscape NAME"),
    ],
)  # fmt: skip
def test_bad_text_gets_the_parsers_message_on_one_line_and_exit_2(capsys, args, message):
    code, err = run_fails(capsys, "run", *args, "--optimizer", "sgd", "--steps", "3")
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_sweep_takes_the_expression_and_each_row_is_what_run_ends_with(capsys):
    out = run_ok(
        capsys, "sweep", "--expression", EGG, "--bounds", "-3:3,-3:3", "--optimizer", "sgd,adam",
        "--lr", "0.001:0.1:3", "--steps", "200", "--format", "csv",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 6
    for row in rows:
        run = json.loads(
            run_ok(
                capsys,
                "run",
                "--expression",
                EGG,
                "--bounds",
                "-3:3,-3:3",
                "--optimizer",
                row["optimizer"],
                "--lr",
                row["lr"],
                "--steps",
                "200",
                "--format",
                "json",
            )  # fmt: skip
        )
        assert float(row["final_loss"]) == pytest.approx(run["rows"][-1]["loss"], rel=1e-9)
        assert row["status"] == run["status_text"]


def test_sweep_refuses_bad_text_with_exit_2(capsys):
    code, err = run_fails(
        capsys, "sweep", "--expression", "sin(w", "--optimizer", "sgd", "--lr", "0.1",
        "--steps", "3",
    )  # fmt: skip
    assert code == 2 and "--expression: " in err and "(at character" in err


def test_the_command_line_exits_2_with_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "gdstudio", "run", "--expression", "(1 - w)^2 + 100*(b",
         "--optimizer", "sgd", "--steps", "3"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "gdstudio run: error: --expression: this ( is never closed (at character 17)"
    ]


def test_list_still_lists_the_named_landscapes(capsys):
    out = run_ok(capsys, "list")
    assert "rosenbrock" in out and "custom" not in out.split("Optimizers")[0]
