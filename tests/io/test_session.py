"""Session files: round trip, migration of committed old versions, refusal of bad files."""

import json
import os
from pathlib import Path

import pytest

from gdstudio import __version__
from gdstudio.app.model import StudioModel
from gdstudio.io.session import (
    SCHEMA_VERSION,
    SessionError,
    load_session,
    migrate,
    new_document,
    save_session,
    validate,
)

DATA = Path(__file__).parent / "data"
CAMERA = {"distance": 7.5, "elevation": 22.0, "azimuth": 131.0, "center": [0.1, 0.2, 0.3],
          "fov": 60.0}


@pytest.fixture
def race_doc(qapp):
    model = StudioModel()
    model.load_scene("race")
    model.add_run("adam", {"lr": 0.02, "betas": (0.8, 0.99)})
    model.set_schedule("cosine", {"T_max": 500, "eta_min": 0.001})
    model.set_clip_norm(2.5)
    return new_document(model.snapshot(), CAMERA)


def write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def saved(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "s.gdstudio"
    save_session(path, doc)
    return path


# --- round trip -------------------------------------------------------------------------------


def test_saved_session_loads_back_equal(tmp_path, race_doc):
    path = tmp_path / "race.gdstudio"
    save_session(path, race_doc)
    assert load_session(path) == race_doc


def test_saved_file_is_json_with_schema_app_and_version(tmp_path, race_doc):
    path = tmp_path / "race.gdstudio"
    save_session(path, race_doc)
    raw = json.loads(path.read_text("utf-8"))
    assert raw["schema_version"] == SCHEMA_VERSION == 2
    assert raw["app"] == "gdstudio"
    assert raw["saved_with"] == __version__
    assert raw["camera"] == CAMERA


def test_non_ascii_labels_survive_the_round_trip(tmp_path, race_doc):
    race_doc["model"]["runs"][0]["label"] = "SGD — α = 0.001"
    path = saved(tmp_path, race_doc)
    assert load_session(path)["model"]["runs"][0]["label"] == "SGD — α = 0.001"


def test_snapshot_restored_from_a_loaded_file_is_the_same_snapshot(tmp_path, race_doc):
    path = saved(tmp_path, race_doc)
    model = StudioModel()
    model.restore(load_session(path)["model"])
    assert model.snapshot() == race_doc["model"]


def test_current_documents_pass_through_migration_unchanged(race_doc):
    assert migrate(json.loads(json.dumps(race_doc))) == race_doc


# --- committed version-1 files ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["race_v1", "linefit_v1", "classify_v1"])
def test_version_1_files_migrate_to_a_valid_current_document(qapp, name):
    doc = load_session(DATA / f"{name}.gdstudio")
    assert doc["schema_version"] == SCHEMA_VERSION
    validate(doc)
    model = StudioModel()
    model.restore(doc["model"])  # the model accepts it
    assert model.snapshot()["runs"]


def test_race_v1_keeps_landscape_optimizers_schedule_and_camera(qapp):
    doc = load_session(DATA / "race_v1.gdstudio")
    model = StudioModel()
    model.restore(doc["model"])
    assert model.landscape_name == "rosenbrock"
    assert model.scene is not None and model.scene.id == "race"
    assert [c.optimizer for c in model.runs] == ["sgd", "momentum", "rmsprop", "adam"]
    assert [c.label for c in model.runs] == ["SGD", "Momentum", "RMSprop", "Adam"]
    assert [c.enabled for c in model.runs] == [True, True, False, True]
    assert model.runs[1].hyper == {"lr": 0.001, "momentum": 0.9}
    assert model.runs[3].run.optimizer.hyper["betas"] == (0.8, 0.99)
    assert model.start.tolist() == [-1.5, 2.0]
    assert (model.schedule_name, model.schedule_params) == (
        "cosine", {"T_max": 1000, "eta_min": 0.0001})
    assert model.clip_norm == 5.0
    assert (model.speed, model.max_steps, model.tol) == (120.0, 20000, 0.0001)
    assert model.log_height is True
    assert (model.huber_delta, model.normalize_x, model.restart_on_edit) == (1.0, False, False)
    assert doc["camera"]["azimuth"] == -60.0 and doc["camera"]["center"] == [0.0, 0.0, 0.4]


def test_linefit_v1_keeps_points_gradient_modes_and_view(qapp):
    doc = load_session(DATA / "linefit_v1.gdstudio")
    model = StudioModel()
    model.restore(doc["model"])
    assert model.landscape_name == "linear-mse"
    assert model.dataset.x.tolist() == [1, 2, 3, 4, 5, 6, 7.5]
    assert model.dataset.y.tolist() == [2.1, 3.9, 6.1, 8.0, 10.2, 11.8, 15.1]
    assert not model.dataset.has_labels
    assert [(c.batch, c.seed) for c in model.runs] == [(None, 0), (2, 7)]
    assert model.view_mode == "contour"
    assert doc["camera"] is None


def test_classify_v1_keeps_labels_and_gives_distinct_default_colours(qapp):
    doc = load_session(DATA / "classify_v1.gdstudio")
    assert doc["model"]["data"]["label"] == [0, 0, 1, 1, 1]
    model = StudioModel()
    model.restore(doc["model"])
    assert model.landscape_name == "logistic-bce"
    assert model.dataset.has_labels
    assert model.dataset.label.tolist() == [0, 0, 1, 1, 1]
    assert (model.schedule_name, model.schedule_params) == ("step", {"step_size": 100,
                                                                     "gamma": 0.5})


def test_version_1_with_mixed_point_widths_is_refused(tmp_path):
    v1 = json.loads((DATA / "race_v1.gdstudio").read_text("utf-8"))
    v1["model"]["points"] = [[1, 2], [3, 4, 1]]
    with pytest.raises(SessionError, match="all be"):
        load_session(write(tmp_path / "mixed.gdstudio", json.dumps(v1)))


# --- bad files --------------------------------------------------------------------------------


RACE_V1 = (DATA / "race_v1.gdstudio").read_text("utf-8")
BAD_FILES = {
    "truncated": (RACE_V1[: len(RACE_V1) // 2], "damaged or incomplete"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not a text file"),
    "empty": ("", "is empty"),
    "foreign object": ('{"type": "FeatureCollection", "features": []}',
                       "is not a Gradient Descent Studio session file"),
    "foreign list": ("[1, 2, 3]", "is not a Gradient Descent Studio session file"),
    "other app": ('{"app": "tensorboard", "schema_version": 1}',
                  "is not a Gradient Descent Studio session file"),
    "newer": ('{"app": "gdstudio", "schema_version": 3, "saved_with": "9.0", "model": {}}',
              "saved by a newer version of Gradient Descent Studio (schema 3); "
              "this version reads up to 2"),
    "bad version": ('{"app": "gdstudio", "schema_version": "two", "model": {}}',
                    "schema_version"),
    "no model": ('{"app": "gdstudio", "schema_version": 2}', "model: missing"),
}


@pytest.mark.parametrize("content, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_are_refused_with_a_clear_message_naming_the_file(tmp_path, content, message):
    path = write(tmp_path / "broken.gdstudio", content)
    with pytest.raises(SessionError) as e:
        load_session(path)
    assert message in str(e.value)
    assert "“broken.gdstudio”" in str(e.value)


def _v2(race_doc: dict, **changes: object) -> dict:
    doc = json.loads(json.dumps(race_doc))
    for dotted, value in changes.items():
        *parents, key = dotted.split("__")
        target = doc
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        if value is KeyError:
            del target[key]
        else:
            target[key] = value
    return doc


INVALID = {
    "runs not a list": ({"model__runs": "adam"}, "model.runs: must be a list"),
    "run without optimizer": ({"model__runs__0__optimizer": KeyError},
                              "model.runs[0].optimizer: missing"),
    "x and y differ": ({"model__data__y": [1.0]}, "5 x values but 1 y values"),
    "text in the data": ({"model__data__x": [1, 2, "three", 4, 5]},
                         "model.data.x[2]: must be a finite number"),
    "start not numbers": ({"model__start": ["a", "b"]}, "model.start[0]: must be a number from -1000000000 to 1000000000"),
    "speed as text": ({"model__speed": "fast"}, 'model.speed: must be a number from 1 to 5000, got "fast"'),
    "camera not an object": ({"camera": [1, 2]}, "camera: must be an object"),
    "camera centre short": ({"camera__center": [1, 2]}, "camera.center: must be three numbers"),
}


@pytest.mark.parametrize("changes, message", INVALID.values(), ids=INVALID.keys())
def test_structurally_invalid_sessions_are_refused(tmp_path, race_doc, changes, message):
    path = write(tmp_path / "bad.gdstudio", json.dumps(_v2(race_doc, **changes)))
    with pytest.raises(SessionError) as e:
        load_session(path)
    assert "“bad.gdstudio” is damaged" in str(e.value)
    assert message in str(e.value)


def test_missing_file_is_refused_clearly(tmp_path):
    with pytest.raises(SessionError, match="does not exist"):
        load_session(tmp_path / "gone.gdstudio")


def test_a_folder_is_refused_clearly(tmp_path):
    with pytest.raises(SessionError, match="is a folder"):
        load_session(tmp_path)


# --- atomic save ------------------------------------------------------------------------------


@pytest.fixture
def existing(tmp_path, race_doc):
    path = tmp_path / "keep.gdstudio"
    save_session(path, race_doc)
    return path, path.read_bytes()


def test_failed_replace_leaves_the_old_file_byte_identical(monkeypatch, existing, race_doc):
    path, before = existing
    race_doc["model"]["speed"] = 1.0

    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SessionError, match="Could not save “keep.gdstudio”"):
        save_session(path, race_doc)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["keep.gdstudio"]


def test_unwritable_value_fails_before_touching_the_old_file(existing, race_doc):
    path, before = existing
    race_doc["model"]["tol"] = float("nan")
    with pytest.raises(SessionError, match="cannot be written"):
        save_session(path, race_doc)
    assert path.read_bytes() == before


def test_saving_into_a_missing_folder_fails_clearly(tmp_path, race_doc):
    with pytest.raises(SessionError, match="Could not save “s.gdstudio”"):
        save_session(tmp_path / "no" / "such" / "s.gdstudio", race_doc)


def test_saving_over_a_folder_fails_and_keeps_it(tmp_path, race_doc):
    folder = tmp_path / "taken.gdstudio"
    folder.mkdir()
    (folder / "inside.txt").write_text("mine")
    with pytest.raises(SessionError, match="Could not save"):
        save_session(folder, race_doc)
    assert (folder / "inside.txt").read_text() == "mine"
