"""Random, often absurd `gdstudio run` configurations: exit 0 with true figures, or 2 in one line.

Every landscape (the data ones with small generated CSV files), optimizer and schedule, with
hyperparameters, schedule parameters, clip norms, batch modes, seeds, starts, tolerances and
step counts drawn from sensible, huge, tiny, negative, nan/inf, boolean, many-digit and garbage
values, in every output format. The CLI runs in-process so a few hundred cases take seconds.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
import warnings

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from gdstudio.cli import main
from gdstudio.core.catalog import DATA_LANDSCAPES, landscape_names
from gdstudio.core.optimizers import OPTIMIZERS
from gdstudio.core.schedules import SCHEDULES

EXAMPLES_PER_LANDSCAPE = 22  # x 14 landscapes: about 300 configurations, each in 3 formats
FINAL = re.compile(r"^(converged|diverged|stopped) at step \d+( \(max steps\))?$")
# Every hyperparameter and schedule parameter name there is, and some there are not.
HYPER_NAMES = sorted({k for cls in OPTIMIZERS.values() for k in cls.defaults} | {"foo", "LR"})
SCHEDULE_NAMES = sorted(
    {k for cls in SCHEDULES.values() for k in (*cls.required, *cls.defaults)} | {"bar"}
)
FLAGS = {"nesterov", "centered", "amsgrad", "decoupled_weight_decay"}
FRACTIONS = {"momentum", "alpha", "dampening"}
INTEGERS = {"step_size": (1, 30), "T_max": (2, 100), "warmup_steps": (0, 1)}

digits = st.integers(1, 450).map(lambda n: "9" * n)
hostile = st.one_of(
    st.floats().map(repr),  # nan, inf, huge, tiny and negative included
    st.sampled_from(
        [
            "nan",
            "inf",
            "-inf",
            "NaN",
            "1e400",
            "-1e400",
            "-1",
            "-1e-300",
            "true",
            "false",
            "",
            " ",
            "abc",
            "1,2",
            "1,nan",
            "0x10",
            "١٢",
            "1e3",
            "1.5",
            "0",
        ]
    ),
    st.integers(-(10**6), 10**6).map(str),
    digits,
    digits.map("-".__add__),
    st.just(str(10**30)),
)


def mostly(
    valid: st.SearchStrategy[str], one_in: int = 15, bad: st.SearchStrategy[str] = hostile
) -> st.SearchStrategy[str]:
    """Usually a valid value (hypothesis starts from this branch), one time in `one_in` not."""
    return st.integers(0, one_in - 1).flatmap(lambda k: bad if k == one_in - 1 else valid)


def number(low: float, high: float) -> st.SearchStrategy[str]:
    """A float in [low, high] as text, its ends and some absurd but valid sizes included."""
    return st.one_of(st.floats(low, high).map(repr), st.sampled_from([repr(low), repr(high)]))


def hyper_value(name: str) -> st.SearchStrategy[str]:
    """Allowed (often absurd) values of an optimizer hyperparameter."""
    if name in FLAGS:
        return st.sampled_from(["true", "false"])
    if name in FRACTIONS:
        return number(0.0, 0.999)
    if name == "betas":
        return st.tuples(number(0.0, 0.999), number(0.0, 0.999)).map(",".join)
    if name == "lr":
        return st.one_of(number(0.0, 2.0), st.sampled_from(["1e300", "1e-300", "5", "1e10"]))
    return st.one_of(number(0.0, 1.0), st.sampled_from(["1e300", "5e-324", "1e10"]))


def schedule_value(name: str) -> st.SearchStrategy[str]:
    """Allowed (often absurd) values of a schedule parameter."""
    if name in INTEGERS:
        low, high = INTEGERS[name]
        absurd = [] if name == "warmup_steps" else [str(2**62)]  # warm-up must stay < T_max
        return st.one_of(st.integers(low, high).map(str), st.sampled_from(["1", *absurd]))
    if name == "gamma":
        return st.one_of(number(0.01, 2.0), st.sampled_from(["1e300", "1e-300", "10"]))
    if name == "start_factor":
        return number(1e-9, 1.0)
    return st.one_of(number(0.0, 0.1), st.sampled_from(["1e300"]))


def _files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("fuzz-data")
    texts = {
        "line": "x,y\n1,2.1\n2,3.9\n3,6.1\n4,8.0\n5,10.2\n",
        "classes": "x,y,label\n0.5,0,0\n1,0,0\n2,0,1\n2.5,0,0\n3,0,1\n4,0,1\n",
        "one": "x,y,label\n2,3,1\n",
        "huge": "x,y,label\n1e200,1e200,1\n-1e200,2e200,0\n3,4,1\n",
        "wide": "x,y,label\n1e-300,1e300,0\n2e-300,-1e300,1\n",
        "offset": "x,y,label\n2001,1,0\n2002,1.5,1\n2003,2.5,0\n2004,2.6,1\n",
        "bad": "x,y\n1,2\n2,oops\n",
        "long": "x,y\n1," + "2" * 140_000 + "\n",
    }
    out = {}
    for name, text in texts.items():
        path = folder / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        out[name] = str(path)
    out["missing"] = str(folder / "nowhere.csv")
    out["folder"] = str(folder)
    return out


@pytest.fixture(scope="module")
def data_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Small CSV files for the data landscapes (and bad, missing and folder paths)."""
    return _files(tmp_path_factory)


# Never a valid count above 50, so every case stays fast.
BAD_STEPS = st.sampled_from(
    ["0", "-1", "1e3", "", "x", "inf", "2.5", str(10**30), "9" * 400, "10000001"]
)
GOOD_FILES = ["classes", "offset", "one", "huge", "wide"]
BAD_FILES = ["bad", "long", "missing", "folder"]


@st.composite
def configurations(draw: st.DrawFn, landscape: str, files: dict[str, str]) -> list[str]:
    """The argv of one `gdstudio run`: mostly valid, absurd values included, some hostile."""
    landscape = draw(mostly(st.just(landscape), 40))
    optimizer = draw(mostly(st.sampled_from(list(OPTIMIZERS)), 40))
    argv = [
        "run",
        "--landscape",
        landscape,
        "--optimizer",
        optimizer,
        "--steps",
        draw(mostly(st.integers(1, 50).map(str), 20, BAD_STEPS)),
    ]
    own = sorted(OPTIMIZERS[optimizer].defaults) if optimizer in OPTIMIZERS else HYPER_NAMES
    names = draw(st.lists(st.sampled_from(own), max_size=3, unique=True))
    if draw(st.integers(0, 29)) == 29:
        names.append(draw(st.sampled_from(HYPER_NAMES)))
    for name in dict.fromkeys(names):
        argv += ["--param", f"{name}={draw(mostly(hyper_value(name), 20))}"]
    if "lr" not in names and draw(st.booleans()):
        argv += ["--lr", draw(mostly(hyper_value("lr"), 20))]
    schedule = draw(mostly(st.sampled_from(list(SCHEDULES)), 40))
    argv += ["--schedule", schedule]
    cls = SCHEDULES.get(schedule)
    snames = (
        [*cls.required, *draw(st.lists(st.sampled_from(sorted(cls.defaults)), unique=True))]
        if cls and cls.defaults
        else list(cls.required if cls else ())
    )
    if draw(st.integers(0, 29)) == 29:
        snames.append(draw(st.sampled_from(SCHEDULE_NAMES)))
    for name in dict.fromkeys(snames):
        argv += ["--schedule-param", f"{name}={draw(mostly(schedule_value(name), 20))}"]
    if draw(st.booleans()):
        argv += ["--clip-norm", draw(mostly(number(1e-6, 100.0), 20))]
    if landscape in DATA_LANDSCAPES:
        if draw(st.integers(0, 3)):
            name = draw(st.sampled_from(GOOD_FILES if draw(st.integers(0, 14)) < 14 else BAD_FILES))
            argv += ["--data", files[name]]
        argv += ["--batch", draw(mostly(st.sampled_from(["full", "sgd", "2", "3", "100"])))]
        argv += ["--seed", draw(mostly(st.integers(0, 2**31 - 1).map(str)))]
    elif draw(st.integers(0, 29)) == 29:
        argv += ["--batch", "2"]
    if draw(st.integers(0, 29)) == 29:
        argv += ["--loss", draw(st.sampled_from(["mse", "mae", "huber", "bce"]))]
    if draw(st.booleans()):
        size = 1 if landscape == "bowl1d" else 2
        start = st.lists(
            number(-10.0, 10.0) | st.sampled_from(["1e200", "-1e300", "5e-324"]),
            min_size=size,
            max_size=size,
        ).map(",".join)
        argv += ["--start", draw(mostly(start, 20))]
    if draw(st.booleans()):
        argv += ["--tol", draw(mostly(st.sampled_from(["0", "1e-6", "1e-3", "1e-12", "1e300"])))]
    if draw(st.booleans()):
        argv += ["--every", draw(mostly(st.integers(1, 60).map(str)))]
    return argv


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `gdstudio` with these arguments (warnings on stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    noise = "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
    return code, out.getvalue(), err.getvalue() + noise


def _is_finite_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def check_csv(text: str) -> str:
    """The final status; every number finite except, on a diverged run's last row, an empty cell."""
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "step" and rows[0][-1] == "status" and len(rows) >= 2
    *before, last = rows[1:]
    assert all(r[-1] == "running" for r in before)
    for r in before:
        assert all(_is_finite_number(c) for c in r[:-1]), r
    for c in last[:-1]:
        assert _is_finite_number(c) or (c == "" and last[-1].startswith("diverged")), last
    return last[-1]


def check_json(text: str) -> str:
    """The final status; no NaN/Infinity, null only on a diverged run's last row."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"non-finite {constant} in the JSON output")

    doc = json.loads(text, parse_constant=refuse)
    rows = doc["rows"]
    assert rows, "no row"
    for i, row in enumerate(rows):
        for v in row.values():
            assert isinstance(v, (int, float)) or (
                v is None and i == len(rows) - 1 and doc["status"] == "diverged"
            ), row
    assert doc["status_step"] == int(doc["status_text"].split()[3])
    return doc["status_text"]


TABLE_STATUS = re.compile(
    r"^# ((?:converged|diverged) at step \d+|stopped at step \d+ \(max steps\))( \(.+\))?$"
)


def check_table(text: str) -> str:
    """The final status line; nan/inf appear only on a diverged run's last row."""
    lines = text.splitlines()
    assert lines[0].split()[0] == "step"
    found = TABLE_STATUS.match(lines[-1])
    assert found, lines[-1]
    status = found.group(1)
    rows = lines[1:-1]
    assert rows, "no row"
    for i, line in enumerate(rows):
        if i < len(rows) - 1 or not status.startswith("diverged"):
            assert all(_is_finite_number(c) for c in line.split()), line
    return status


CHECKS = {"csv": check_csv, "json": check_json, "table": check_table}


@pytest.mark.parametrize("landscape", landscape_names())
def test_any_configuration_runs_with_true_figures_or_gets_one_line(data_files, landscape):
    @seed(landscape_names().index(landscape))  # reproducible, a different stream per landscape
    @settings(
        max_examples=EXAMPLES_PER_LANDSCAPE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(argv=configurations(landscape, data_files))
    def prop(argv: list[str]) -> None:
        statuses = set()
        for fmt, check in CHECKS.items():
            code, out, err = run_in_process([*argv, "--format", fmt])
            assert code in (0, 2), (argv, code, err)
            if code == 2:
                assert len(err.splitlines()) == 1 and err.endswith("\n"), err
                assert "--" in err and "failed (" not in err, err
                assert len(err) < 500, err
                return
            assert err == ""
            status = check(out)
            assert FINAL.match(status), status
            statuses.add(status)
        assert len(statuses) == 1, statuses

    prop()
