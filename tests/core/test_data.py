"""Datasets: edits keep sufficient statistics exact; CSV errors name the line and column."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gdstudio.core import data_csv
from gdstudio.core.data import DataError, Dataset, DataWarning, load_csv, parse_csv


def _recount(ds):
    x, y = ds.x, ds.y
    dx, dy = x - x.mean(), y - y.mean()
    return (len(x), x.mean(), y.mean(), dx @ dx, dx @ dy, dy @ dy)


def test_default_dataset_is_the_articles_points():
    ds = Dataset.default()
    assert ds.x.tolist() == [1, 2, 3, 4, 5]
    assert ds.y.tolist() == [2.1, 3.9, 6.1, 8.0, 10.2]


def test_edits_keep_running_statistics_equal_to_a_full_recount():
    ds = Dataset.default()
    ds.add(6.0, 12.5)
    ds.move(0, 0.5, 1.0)
    ds.remove(2)
    ds.insert(1, -1.0, -2.0)
    for _ in range(100):  # grows past the initial capacity
        ds.add(1.5, 2.5)
    s = ds.stats
    got = (s.n, s.mean_x[0], s.mean_y[0], s.cxx[0], s.cxy[0], s.cyy[0])
    assert np.allclose(got, _recount(ds), rtol=1e-14)


def test_insert_restores_a_removed_point_in_place():
    ds = Dataset.default()
    before = ds.copy()
    p = ds.remove(2)
    ds.insert(2, *p)
    assert ds == before


def test_least_squares_from_statistics_matches_polyfit():
    ds = Dataset.generate(500, slope=-1.5, intercept=4.0, noise=0.3, seed=3)
    w, b = ds.stats.least_squares()
    assert np.allclose((w, b), np.polyfit(ds.x, ds.y, 1))


def test_least_squares_is_none_for_a_vertical_or_single_point_set():
    assert Dataset([1.0], [2.0]).stats.least_squares() is None
    assert Dataset([2.0, 2.0], [1.0, 3.0]).stats.least_squares() is None


def test_generate_is_seeded():
    assert Dataset.generate(50, seed=7) == Dataset.generate(50, seed=7)
    assert Dataset.generate(50, seed=7) != Dataset.generate(50, seed=8)


def test_csv_round_trip_with_and_without_labels(tmp_path):
    ds = Dataset.generate(20, seed=1)
    assert parse_csv(ds.to_csv()) == ds
    plain = Dataset.default()
    f = tmp_path / "d.csv"
    f.write_text(plain.to_csv())
    assert load_csv(f) == plain


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("x,z\n1,2\n", "line 1: missing column 'y'"),
        ("x,y\n1,2\n3,abc\n", "line 3, column 'y': 'abc' is not a number"),
        ("x,y\n1,2\nnan,1\n", "line 3, column 'x': nan is not finite"),
        ("x,y\n1,2\n4,inf\n", "line 3, column 'y': inf is not finite"),
        ("x,y\n1\n", "line 2: expected 2 columns, found 1"),
        ("x,y\n", "no data rows"),
        ("x,y,label\n1,2,3\n", "line 2, column 'label': must be 0 or 1"),
    ],
)
def test_malformed_csv_names_line_and_column(text, message):
    with pytest.raises(DataError, match=message):
        parse_csv(text)


def test_labels_required_for_classification():
    with pytest.raises(DataError, match="missing column 'label'"):
        parse_csv("x,y\n1,2\n", require_label=True)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        load_csv(tmp_path / "absent.csv")


def test_points_must_be_finite():
    with pytest.raises(ValueError, match="finite"):
        Dataset.default().add(float("nan"), 1.0)


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffx,y\n1,2\n3,4\n",  # a UTF-8 byte-order mark (Excel's 'CSV UTF-8')
        "x;y\n1;2\n3;4\n",  # semicolons
        "x\ty\n1\t2\n3\t4\n",  # tabs
        '"x","y"\n"1","2"\n"3","4"\n',  # every field quoted
        "\n x , Y \n\n1 , 2\n\n3,4\n\n",  # blank lines, spaces, any case
        "x,y,\n1,2,\n3,4,\n",  # a trailing separator on every line
        "y,x\n2,1\n4,3\n",  # columns in another order
        "x,y\r\n1,2\r\n3,4\r\n",  # Windows line ends
    ],
    ids=["bom", "semicolons", "tabs", "quoted", "blank-lines", "trailing-comma", "order", "crlf"],
)
def test_csv_variants_a_careful_user_expects_to_load(text):
    assert parse_csv(text) == Dataset([1.0, 3.0], [2.0, 4.0])


def test_an_unused_column_is_read_past_with_a_warning_naming_the_line():
    with pytest.warns(DataWarning, match=r"line 2: column 'weight' not used"):
        ds = parse_csv("\nx,y,weight\n1,2,0.5\n")
    assert ds == Dataset([1.0], [2.0])


def test_a_cell_spanning_lines_is_shown_on_one_line():
    with pytest.raises(DataError) as info:
        parse_csv('x,y\n"a\nb",2\n')
    assert "line 2, column 'x': 'a\\nb' is not a number" in str(info.value)


def test_values_whose_squares_overflow_are_refused_everywhere():
    with pytest.raises(DataError, match="line 2, column 'y': '-2e151' is too large"):
        parse_csv("x,y\n1,-2e151\n")
    with pytest.raises(DataError, match="within ±1e150"):
        Dataset([1e200], [1.0])
    assert len(parse_csv("x,y\n1e150,-1e150\n")) == 1  # the limit itself is fine


def test_a_folder_is_not_a_csv_file(tmp_path):
    with pytest.raises(DataError, match="is a folder"):
        load_csv(tmp_path)


def test_a_file_beyond_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(data_csv, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_text("x,y\n" + "1,2\n" * 1000)
    with pytest.raises(DataError, match="at most 0 MB"):
        load_csv(big)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_device_is_refused_at_once(tmp_path, kind):
    if kind == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)  # nobody ever writes: a blocking open would wait forever
    else:
        path = Path("/dev/zero")  # endless: reading it would never finish
    code = (
        "import sys\nfrom gdstudio.core.data import DataError, load_csv\n"
        "try:\n    load_csv(sys.argv[1])\nexcept DataError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
    )
    assert "not a regular file" in done.stdout, done.stderr
