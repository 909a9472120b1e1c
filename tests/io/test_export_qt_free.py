"""Trajectory exports step core.race.Race without Qt, and match what the window writes."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gdstudio.io.export_data import trajectories_csv, trajectories_document
from gdstudio.io.scenes import load_scenes
from gdstudio.io.session import load_session
from gdstudio.io.trajectories import from_scene, from_session

DATA = Path(__file__).parent / "data"
SESSIONS = sorted(DATA.glob("*.gdstudio"))
BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "OpenGL")

# A sitecustomize that makes the Qt stack unimportable, as if it were not installed.
BLOCKER = f"""
import sys

BLOCKED = {BLOCKED!r}


class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is blocked: the export must not need it")
        return None


sys.meta_path.insert(0, Blocker())
"""


def run_without_qt(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`gdstudio export ARGS` in a Python where PySide6, pyqtgraph and OpenGL cannot load."""
    site = tmp_path / "blocker"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    env = dict(
        os.environ,
        PYTHONPATH=path,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    return subprocess.run(
        [sys.executable, "-m", "gdstudio", "export", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_blocker_blocks(tmp_path):
    site = tmp_path / "blocker"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p),
    )
    for name in ("PySide6.QtCore", "pyqtgraph", "OpenGL.GL", "gdstudio.app.model"):
        done = subprocess.run(
            [sys.executable, "-c", f"import {name}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode != 0 and "is blocked" in done.stderr, name


def test_scene_trajectories_are_written_without_qt(tmp_path):
    out = tmp_path / "paths.csv"
    done = run_without_qt(tmp_path, "--scene", "race", "--steps", "200", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["run", "optimizer", "step", "x", "y", "loss", "grad_norm", "lr", "status"]
    assert len(rows) == 1 + 4 * 201
    assert {r[0] for r in rows[1:]} == {"SGD", "Momentum", "RMSprop", "Adam"}


@pytest.mark.parametrize("session", SESSIONS, ids=lambda p: p.name)
def test_session_trajectories_are_written_without_qt(tmp_path, session):
    out = tmp_path / "paths.json"
    done = run_without_qt(tmp_path, "--session", str(session), "--steps", "50", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("{")


def test_a_bad_session_model_is_one_line_without_qt(tmp_path):
    bad = tmp_path / "bad.gdstudio"
    text = (DATA / "race_v1.gdstudio").read_text(encoding="utf-8")
    bad.write_text(text.replace('"rosenbrock"', '"no-such-landscape"'), encoding="utf-8")
    done = run_without_qt(tmp_path, "--session", str(bad), "--out", str(tmp_path / "x.csv"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--session" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


# --- the same numbers as the window's model --------------------------------------------------


def window_csv(model, steps: int | None) -> str:
    from gdstudio.app.export.sources import run_race, trajectories_of

    run_race(model, steps)
    return trajectories_csv(trajectories_of(model))


@pytest.mark.parametrize("scene_id", list(load_scenes()))
def test_every_scene_gives_the_windows_trajectories(qapp, scene_id):
    from gdstudio.app.model import StudioModel

    model = StudioModel()
    model.load_scene(scene_id)
    race = from_scene(scene_id)
    race.run_race(120)
    assert trajectories_csv(race) == window_csv(model, 120)
    from gdstudio.app.export.sources import trajectories_of

    assert trajectories_document(race) == trajectories_document(trajectories_of(model))


def test_a_session_with_every_setting_gives_the_windows_trajectories(qapp, tmp_path):
    from gdstudio.app.model import StudioModel
    from gdstudio.io import session

    model = StudioModel()
    model.load_scene("line-fit")
    model.set_normalize_x(True)
    model.set_loss("huber")
    model.set_huber_delta(0.5)
    model.set_schedule("step", {"step_size": 20, "gamma": 0.5})
    model.set_clip_norm(2.0)
    model.set_tol(1e-3)
    model.set_max_steps(90)
    model.set_run_batch(0, 2, seed=3)
    model.set_run_enabled(len(model.runs) - 1, False)
    path = tmp_path / "mine.gdstudio"
    session.save_session(path, session.new_document(model.snapshot(), None))
    restored = StudioModel()
    restored.restore(load_session(path)["model"])
    race = from_session(load_session(path))
    race.run_race(None)
    assert trajectories_csv(race) == window_csv(restored, None)
    assert len(race.racers) == len(model.runs) - 1


@pytest.mark.parametrize("session_path", SESSIONS, ids=lambda p: p.name)
def test_committed_sessions_give_the_windows_trajectories(qapp, session_path):
    from gdstudio.app.model import StudioModel

    doc = load_session(session_path)
    model = StudioModel()
    model.restore(doc["model"])
    race = from_session(doc, max_steps=60)
    race.run_race(60)
    assert trajectories_csv(race) == window_csv(model, 60)


def test_steps_beyond_the_scenes_max_steps_raise_it():
    race = from_scene("race", max_steps=7000)
    assert {r.run.max_steps for r in race.racers} == {7000}
    assert from_scene("race", max_steps=10).racers[0].run.max_steps == 5000


def test_csv_of_the_race_reads_back(tmp_path):
    race = from_scene("race")
    race.run_race(5)
    rows = list(csv.reader(io.StringIO(trajectories_csv(race))))
    assert [r[-1] for r in rows[1:3]] == ["running", "running"]


def test_race_advances_to_the_end_and_knows_its_length():
    from gdstudio.core.catalog import make_landscape
    from gdstudio.core.optimizers import make_optimizer
    from gdstudio.core.race import Race
    from gdstudio.core.run import Run

    ls = make_landscape("rosenbrock")
    race = Race(
        [
            Run(ls, make_optimizer("sgd", lr=1e-4), max_steps=2500),
            Run(ls, make_optimizer("adam", lr=1e-3), max_steps=1200),
        ]
    )
    assert race.advance(0) == 0 and race.advance(10) == 10
    assert race.length() == 2500
    assert [r.steps for r in race.runs] == [0, 0]  # left at the start
    assert race.advance() == 2500 and not race.running
    assert [r.steps for r in race.runs] == [2500, 1200]
