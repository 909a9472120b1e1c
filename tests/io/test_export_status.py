"""Trajectory exports state each run's final status, and never a non-finite number as valid."""

import csv
import io
import json

import pytest

from gdstudio.app.export.sources import trajectories_of
from gdstudio.app.model import StudioModel
from gdstudio.io.export_data import trajectories_csv, trajectories_document
from gdstudio.io.trajectories import from_scene


@pytest.fixture
def raced(qapp):
    """The race scene with a diverging SGD (lr 5), the other runs stopped at 40 steps."""
    model = StudioModel()
    model.load_scene("race")
    model.set_run_hyper(0, "lr", 5.0)
    model.set_max_steps(40)
    model.step(100)
    return model


def test_csv_gives_each_runs_final_status_on_its_last_row(raced):
    rows = list(csv.reader(io.StringIO(trajectories_csv(trajectories_of(raced)))))
    assert rows[0][-1] == "status"
    by_run: dict[str, list[str]] = {}
    for r in rows[1:]:
        by_run.setdefault(r[0], []).append(r[-1])
    assert by_run["SGD"][-1].startswith("diverged at step ")
    for name in ("Momentum", "RMSprop", "Adam"):
        assert by_run[name][-1] == "stopped at step 40 (max steps)"
    assert all(set(s[:-1]) <= {"running"} for s in by_run.values())
    assert [r.run.status_text() for _, r in raced.active_runs()] == [s[-1] for s in by_run.values()]


def test_json_gives_each_runs_status_text(raced):
    doc = json.loads(json.dumps(trajectories_document(trajectories_of(raced)), allow_nan=False))
    texts = [r["status_text"] for r in doc["runs"]]
    assert texts[0] == f"diverged at step {doc['runs'][0]['status_step']}"
    assert texts[1:] == ["stopped at step 40 (max steps)"] * 3


def test_a_run_with_no_finite_step_still_has_a_row_with_its_status():
    race = from_scene("race")
    race.race.reset((1e200, 1e200))  # the loss overflows at the start
    race.run_race(100)
    rows = list(csv.reader(io.StringIO(trajectories_csv(race))))[1:]
    assert [r[0] for r in rows] == ["SGD", "Momentum", "RMSprop", "Adam"]
    for r in rows:
        assert r[2:5] == ["0", "1e+200", "1e+200"] and r[5:7] == ["", ""]
        assert r[-1] == "diverged at step 0"
    doc = trajectories_document(race)
    assert [(r["rows"], r["status_text"]) for r in doc["runs"]] == [([], "diverged at step 0")] * 4
