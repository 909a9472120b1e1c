"""Every malformed CSV in the corpus is refused with its message (naming the line) by every
loader: the core, `gdstudio run --data`, and (tests/app/test_data_panel.py) the Data dock."""

import json
from pathlib import Path

import pytest

from gdstudio import cli
from gdstudio.core.data import DataError, load_csv

CORPUS = Path(__file__).parent / "corpus" / "csv"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
CASES = [pytest.param(e, id=e["file"]) for e in MANIFEST]


def test_the_corpus_holds_every_file_and_only_those():
    files = {p.name for p in CORPUS.glob("*.csv")}
    assert files == {e["file"] for e in MANIFEST}
    assert len(files) >= 25


@pytest.mark.parametrize("entry", CASES)
def test_core_refuses_with_the_line(entry):
    path = CORPUS / entry["file"]
    with pytest.raises(DataError) as info:
        load_csv(path)
    message = str(info.value)
    assert entry["message"] in message
    assert "\n" not in message and message.startswith(str(path))


@pytest.mark.parametrize("entry", CASES)
def test_core_refuses_classes_with_the_line(entry):
    with pytest.raises(DataError) as info:
        load_csv(CORPUS / entry["file"], require_label=True)
    assert entry.get("label_message", entry["message"]) in str(info.value)


@pytest.mark.parametrize("entry", CASES)
def test_cli_run_exits_2_with_one_line(entry, capsys):
    path = CORPUS / entry["file"]
    try:
        code = cli.main(
            [
                "run",
                "--landscape",
                "linear-mse",
                "--optimizer",
                "sgd",
                "--data",
                str(path),
                "--steps",
                "3",
            ]
        )
    except SystemExit as e:  # the CLI may exit or return its status
        code = e.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and entry["message"] in lines[0], err
