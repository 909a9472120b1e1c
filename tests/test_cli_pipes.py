"""`gdstudio ... | head`: a reader that leaves early ends the command quietly, as Unix tools do."""

import subprocess
import sys

import pytest

LONG_RUN = [
    "run",
    "--landscape",
    "rosenbrock",
    "--start",
    "-1.5,2",
    "--optimizer",
    "adam",
    "--lr",
    "0.001",
    "--steps",
    "200000",
]


@pytest.mark.parametrize(
    "args",
    [
        [*LONG_RUN, "--format", "json"],
        [*LONG_RUN, "--format", "csv"],
        [*LONG_RUN, "--format", "table"],
        ["list"],
    ],
    ids=["json", "csv", "table", "list"],
)
def test_a_reader_that_closes_early_gets_no_traceback(args):
    proc = subprocess.Popen(
        [sys.executable, "-m", "gdstudio", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.read(16)  # like `head -c 16`: read a little, then hang up
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert first
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert err == ""
    if args != ["list"]:  # 200,000 rows: far more than a pipe holds, so the reader left first
        assert code == 128 + 13  # SIGPIPE's status, as `yes | head` ends
    else:  # the whole list may fit in the pipe before the reader leaves
        assert code in (0, 128 + 13)


def test_list_names_the_losses_as_a_sentence_does(capsys):
    from gdstudio.cli import main

    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "under the Huber loss" in out and "under huber" not in out
    assert "under mean squared error" in out
