"""The headless command line: `gdstudio run` and `gdstudio list`, good and bad paths."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from gdstudio.cli import main


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_fails(capsys, *args):
    with pytest.raises(SystemExit) as e:
        main(list(args))
    _, err = capsys.readouterr()
    return e.value.code, err


def test_quadratic2d_table_shows_the_true_first_step(capsys):
    code, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "quadratic2d",
        "--start",
        "8,6",
        "--optimizer",
        "sgd",
        "--lr",
        "0.1",
        "--steps",
        "30",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["step", "w1", "w2", "loss", "grad_norm", "lr"]
    assert lines[1].split()[:4] == ["1", "7.0000", "4.6000", "47.3600"]
    assert lines[30].split()[0] == "30"
    assert lines[-1] == "# stopped at step 30 (max steps)"


def test_csv_has_the_header_and_one_row_per_step(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "rosenbrock",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--steps",
        "25",
        "--format",
        "csv",
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["step", "x", "y", "loss", "grad_norm", "lr", "status"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, 26))
    assert float(rows[1][5]) == 0.01
    assert [r[6] for r in rows[1:]] == ["running"] * 24 + ["stopped at step 25 (max steps)"]


def test_json_reports_landscape_params_rows_and_status(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "quadratic2d",
        "--optimizer",
        "adam",
        "--steps",
        "5",
        "--param",
        "betas=0.8,0.99",
        "--param",
        "amsgrad=true",
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert doc["landscape"] == "quadratic2d" and doc["optimizer"] == "adam"
    assert doc["params"]["betas"] == [0.8, 0.99] and doc["params"]["amsgrad"] is True
    assert len(doc["rows"]) == 5 and set(doc["rows"][0]) == {
        "step",
        "w1",
        "w2",
        "loss",
        "grad_norm",
        "lr",
    }
    assert doc["status"] == "stopped" and doc["status_step"] == doc["steps"] == 5
    assert doc["status_text"] == "stopped at step 5 (max steps)"


def test_every_prints_every_kth_row_and_always_the_last(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "bowl1d",
        "--optimizer",
        "sgd",
        "--lr",
        "0.01",
        "--steps",
        "23",
        "--every",
        "10",
        "--format",
        "csv",
    )
    assert [r.split(",")[0] for r in out.splitlines()[1:]] == ["10", "20", "23"]


def test_negative_start_typed_as_a_user_would(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "rosenbrock",
        "--start",
        "-1.5,2",
        "--optimizer",
        "sgd",
        "--lr",
        "0.0001",
        "--steps",
        "1",
        "--format",
        "csv",
    )
    x = float(out.splitlines()[1].split(",")[1])
    assert x == pytest.approx(-1.5, abs=0.1)


def test_line_fit_from_a_csv_file_with_minibatches(tmp_path, capsys):
    f = tmp_path / "pts.csv"
    f.write_text("x,y\n1,2.1\n2,3.9\n3,6.1\n4,8.0\n5,10.2\n")
    args = [
        "run",
        "--landscape",
        "linear-mse",
        "--data",
        str(f),
        "--loss",
        "mse",
        "--optimizer",
        "sgd",
        "--lr",
        "0.01",
        "--steps",
        "50",
        "--batch",
        "2",
        "--seed",
        "3",
        "--format",
        "csv",
    ]
    _, first, _ = run_cli(capsys, *args)
    _, again, _ = run_cli(capsys, *args)
    assert first == again and len(first.splitlines()) == 51


def test_articles_line_fit_ends_at_2030_minus_0029(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "linear-mse",
        "--start",
        "0,0",
        "--optimizer",
        "sgd",
        "--lr",
        "0.01",
        "--steps",
        "2000",
        "--format",
        "json",
    )
    last = json.loads(out)["rows"][-1]
    assert (round(last["w"], 3), round(last["b"], 3)) == (2.030, -0.029)


def test_schedule_and_clip_norm(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "quadratic2d",
        "--optimizer",
        "sgd",
        "--lr",
        "0.1",
        "--steps",
        "4",
        "--schedule",
        "step",
        "--schedule-param",
        "step_size=2",
        "--schedule-param",
        "gamma=0.5",
        "--clip-norm",
        "1",
        "--format",
        "csv",
    )
    assert [float(r.split(",")[5]) for r in out.splitlines()[1:]] == [0.1, 0.1, 0.05, 0.05]


def test_divergence_is_reported_with_its_step(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "bowl1d",
        "--optimizer",
        "sgd",
        "--lr",
        "5",
        "--steps",
        "1000",
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert doc["status"] == "diverged" and doc["status_step"] < 1000
    assert "NaN" not in out and "Infinity" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--landscape", "nope"], "--landscape: unknown 'nope'; allowed: bowl1d"),
        (["--optimizer", "lbfgs"], "--optimizer: unknown 'lbfgs'; allowed: sgd"),
        (["--param", "foo=1"], "unknown parameter 'foo'"),
        (["--param", "momentum"], "--param: expected NAME=VALUE"),
        (["--start", "1,2,3"], "--start: quadratic2d takes 2 finite values"),
        (["--start", "a,b"], "--start: expected 2 comma-separated numbers"),
        (["--steps", "0"], "--steps: must be a whole number from 1 to 10000000"),
        (["--steps", "-5"], "--steps: must be a whole number from 1 to 10000000"),
        (["--lr", "-1"], "lr"),
        (["--schedule", "cyclic"], "--schedule: unknown 'cyclic'; allowed: constant"),
        (["--batch", "sgd"], "--batch sgd applies to data landscapes"),
        (["--loss", "mse"], "--loss applies to data landscapes"),
        (["--every", "0"], "--every: must be a whole number from 1 to 10000000"),
        (["--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(capsys, args, message):
    base = {"--landscape": "quadratic2d", "--optimizer": "sgd", "--steps": "3"}
    for k, v in zip(args[::2], args[1::2], strict=True):
        base[k] = v
    argv = ["run"] + [x for kv in base.items() for x in kv]
    code, err = run_fails(capsys, *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_csv_names_line_and_column(tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("x,y\n1,2\n2,oops\n")
    code, err = run_fails(
        capsys,
        "run",
        "--landscape",
        "linear-mse",
        "--data",
        str(f),
        "--optimizer",
        "sgd",
        "--steps",
        "3",
    )
    assert code == 2 and "line 3, column 'y'" in err and len(err.strip().splitlines()) == 1


def test_list_names_everything(capsys):
    code, out, _ = run_cli(capsys, "list")
    assert code == 0
    for name in ("rosenbrock", "logistic-bce", "nadam", "warmup-cosine", "momentum_decay"):
        assert name in out


def test_console_script_and_module_entry_point():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gdstudio",
            "run",
            "--landscape",
            "bowl1d",
            "--optimizer",
            "sgd",
            "--lr",
            "0.1",
            "--steps",
            "1",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines()[1].startswith("1,")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "gdstudio",
            "run",
            "--landscape",
            "x",
            "--optimizer",
            "sgd",
            "--steps",
            "1",
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


# --- hostile arguments: one line naming the argument, exit 2 ---------------------------------

HUGE = "1" + "0" * 400


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--param", f"lr={HUGE}"], "--param 'lr': '1000"),
        (["--param", "lr=1e400"], "too large; allowed: up to about ±1.8e308"),
        (
            ["--schedule", "step", "--schedule-param", f"step_size={'7' * 400}"],
            "--schedule-param 'step_size'",
        ),
        (["--schedule", "exponential", "--schedule-param", "gamma=1e300"], "--schedule-param"),
        (["--lr", "nan"], "--lr: must be a finite number >= 0, got 'nan'"),
        (["--lr", "inf"], "--lr: must be a finite number >= 0"),
        (["--lr", HUGE], "--lr: must be a finite number >= 0"),
        (["--clip-norm", "nan"], "--clip-norm: must be a finite number > 0"),
        (["--clip-norm", "inf"], "--clip-norm: must be a finite number > 0"),
        (["--clip-norm", "0"], "--clip-norm: must be a finite number > 0"),
        (["--tol", "nan"], "--tol: must be a finite number >= 0"),
        (["--tol", "inf"], "--tol: must be a finite number >= 0"),
        (["--start", "inf,1"], "--start: quadratic2d takes 2 finite values"),
        (["--start", "nan,nan"], "--start: quadratic2d takes 2 finite values"),
        (["--steps", str(10**30)], "--steps: must be a whole number from 1 to 10000000"),
        (["--steps", "10000001"], "--steps: must be a whole number from 1 to 10000000"),
        (["--steps", "1e3"], "--steps: must be a whole number"),
        (["--steps", "9" * 5000], "(5000 characters)"),
        (["--every", "-1"], "--every: must be a whole number from 1"),
        (["--seed", "-1"], "--seed: must be a whole number from 0 to 2147483647"),
        (["--param", "momentum=0.5", "--param", "momentum=0.9"], "given twice"),
        (["--param", "foo=1"], "--param: unknown parameter 'foo' for sgd; allowed: lr"),
        (["--landscape", "a\nb"], "unknown 'a\\nb'"),
    ],
)
def test_hostile_arguments_get_one_short_line_and_exit_2(capsys, args, message):
    argv = ["run", "--landscape", "quadratic2d", "--optimizer", "sgd", "--steps", "3", *args]
    code, err = run_fails(capsys, *argv)
    assert code == 2
    assert message in err
    assert len(err.splitlines()) == 1 and len(err) < 400


def test_a_negative_seed_with_minibatches_is_refused(capsys):
    code, err = run_fails(
        capsys,
        "run",
        "--landscape",
        "linear-mse",
        "--optimizer",
        "sgd",
        "--steps",
        "3",
        "--batch",
        "2",
        "--seed",
        "-1",
    )
    assert code == 2 and "--seed: must be a whole number from 0 to 2147483647, got '-1'" in err


def test_a_lr_that_outgrows_a_float_within_the_steps_is_refused_before_any_row(capsys):
    code, err = run_fails(
        capsys,
        "run",
        "--landscape",
        "bowl1d",
        "--optimizer",
        "sgd",
        "--steps",
        "400",
        "--schedule",
        "exponential",
        "--schedule-param",
        "gamma=10",
        "--format",
        "csv",
    )
    assert code == 2 and "exceeds the float range by update" in err
    assert capsys.readouterr().out == ""
    ok, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "bowl1d",
        "--optimizer",
        "sgd",
        "--lr",
        "0",
        "--steps",
        "300",
        "--schedule",
        "exponential",
        "--schedule-param",
        "gamma=10",
        "--tol",
        "0",
        "--format",
        "csv",
    )
    assert ok == 0 and out.splitlines()[-1].endswith("stopped at step 300 (max steps)")


@pytest.mark.parametrize("kind", ["missing", "folder", "long-field", "fifo"])
def test_a_bad_data_path_gets_one_line_without_hanging(tmp_path, kind):
    path = tmp_path / "points.csv"
    if kind == "folder":
        path.mkdir()
    elif kind == "long-field":
        path.write_text("x,y\n1," + "2" * 140_000 + "\n")
    elif kind == "fifo":
        os.mkfifo(path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gdstudio",
            "run",
            "--landscape",
            "linear-mse",
            "--data",
            str(path),
            "--optimizer",
            "sgd",
            "--steps",
            "3",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("gdstudio run: error: --data: ")
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_a_reader_that_goes_away_ends_the_run_quietly(fmt):
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gdstudio",
            "run",
            "--landscape",
            "quadratic2d",
            "--optimizer",
            "sgd",
            "--lr",
            "0.0001",
            "--steps",
            "1000000",
            "--tol",
            "0",
            "--format",
            fmt,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout.readline()
        proc.stdout.close()  # as `| head -1` does
        assert proc.wait(timeout=60) in (0, 141)
        assert proc.stderr.read() == ""


# --- every format states the final status ------------------------------------------------------

DIVERGING = ["run", "--landscape", "bowl1d", "--optimizer", "sgd", "--lr", "5", "--steps", "100"]


def test_a_diverging_run_says_so_in_every_format(capsys):
    _, table, _ = run_cli(capsys, *DIVERGING)
    _, text, _ = run_cli(capsys, *DIVERGING, "--format", "csv")
    _, doc, _ = run_cli(capsys, *DIVERGING, "--format", "json")
    rows = list(csv.reader(io.StringIO(text)))
    doc = json.loads(doc)
    step = doc["status_step"]
    assert doc["status"] == "diverged" and doc["status_text"] == f"diverged at step {step}"
    assert rows[-1][-1] == f"diverged at step {step}"
    assert {r[-1] for r in rows[1:-1]} == {"running"}
    assert table.splitlines()[-1].startswith(f"# diverged at step {step} (")
    assert all("nan" not in out.lower() and "inf" not in out.lower() for out in (table, text))


def test_a_converged_run_says_so_in_every_format(capsys):
    args = ["run", "--landscape", "bowl1d", "--optimizer", "sgd", "--lr", "0.5", "--steps", "500"]
    _, table, _ = run_cli(capsys, *args)
    _, text, _ = run_cli(capsys, *args, "--format", "csv")
    _, doc, _ = run_cli(capsys, *args, "--format", "json")
    doc = json.loads(doc)
    assert doc["status"] == "converged" and doc["rows"][-1]["step"] == doc["status_step"]
    assert text.splitlines()[-1].endswith(f",converged at step {doc['status_step']}")
    assert table.splitlines()[-1].startswith(f"# converged at step {doc['status_step']} (")


def test_a_start_whose_loss_overflows_shows_it_only_beside_diverged_at_step_0(capsys):
    # A finite start whose loss is not: 100 (y - x²)² at x = y = 1e100 overflows a float.
    args = [
        "run",
        "--landscape",
        "rosenbrock",
        "--optimizer",
        "adam",
        "--start",
        "1e100,1e100",
        "--steps",
        "10",
    ]
    _, table, _ = run_cli(capsys, *args)
    _, text, _ = run_cli(capsys, *args, "--format", "csv")
    _, doc, _ = run_cli(capsys, *args, "--format", "json")
    assert text.splitlines()[1:] == ["0,1e+100,1e+100,,,0.001,diverged at step 0"]
    assert json.loads(doc)["rows"] == [
        {"step": 0, "x": 1e100, "y": 1e100, "loss": None, "grad_norm": None, "lr": 0.001}
    ]
    assert "NaN" not in doc and "Infinity" not in doc
    assert table.splitlines()[1].split()[3] in ("inf", "nan")
    assert table.splitlines()[-1].startswith("# diverged at step 0")


def test_every_row_but_the_last_is_running_and_the_last_is_stopped(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "rosenbrock",
        "--optimizer",
        "sgd",
        "--lr",
        "0.0001",
        "--steps",
        "2500",
        "--every",
        "1000",
        "--format",
        "csv",
    )
    assert [(r[0], r[-1]) for r in csv.reader(io.StringIO(out))][1:] == [
        ("1000", "running"),
        ("2000", "running"),
        ("2500", "stopped at step 2500 (max steps)"),
    ]


def test_a_long_table_keeps_every_row_and_its_status(capsys):
    _, out, _ = run_cli(
        capsys,
        "run",
        "--landscape",
        "quadratic2d",
        "--optimizer",
        "sgd",
        "--lr",
        "0.0001",
        "--steps",
        "1500",
        "--tol",
        "0",
    )
    lines = out.splitlines()
    assert len(lines) == 1 + 1500 + 1 and lines[1500].split()[0] == "1500"
    assert len({len(line) for line in lines[1:-1]}) == 1  # the columns line up
    assert lines[-1] == "# stopped at step 1500 (max steps)"


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_run_stopped_by_steps_says_stopped_at_that_step_in_every_format(capsys, fmt):
    code, out, _ = run_cli(
        capsys, "run", "--landscape", "rosenbrock", "--optimizer", "adam", "--steps", "30",
        "--every", "10", "--format", fmt,
    )  # fmt: skip
    assert code == 0
    final = "stopped at step 30 (max steps)"
    if fmt == "table":
        assert out.splitlines()[-1] == f"# {final}"
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert [r[-1] for r in rows[1:]] == ["running", "running", final]
    else:
        doc = json.loads(out)
        assert (doc["status"], doc["status_step"], doc["status_text"]) == ("stopped", 30, final)
    assert "paused" not in out and "ready" not in out and "after 30 steps" not in out


def test_a_run_that_converges_first_says_converged_not_stopped(capsys):
    _, out, _ = run_cli(
        capsys, "run", "--landscape", "quadratic2d", "--optimizer", "sgd", "--lr", "0.5",
        "--steps", "1000",
    )  # fmt: skip
    last = out.splitlines()[-1]
    assert last.startswith("# converged at step ") and "stopped" not in last
