"""Session files: round trip, migration of committed old versions, refusal of bad files."""

import json
import os
import stat
import threading
from pathlib import Path

import numpy as np
import pytest

from gdstudio import __version__
from gdstudio.app.model import StudioModel
from gdstudio.core.data import Dataset
from gdstudio.io.session import (
    MAX_BYTES,
    SCHEMA_VERSION,
    SessionError,
    decode_json,
    load_session,
    migrate,
    new_document,
    save_session,
    validate,
)

DATA = Path(__file__).parent / "data"
CAMERA = {
    "distance": 7.5,
    "elevation": 22.0,
    "azimuth": 131.0,
    "center": [0.1, 0.2, 0.3],
    "fov": 60.0,
}


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


def test_the_network_lesson_reopens_with_its_points_network_weights_and_racers(tmp_path, qapp):
    model = StudioModel()
    model.load_scene("network")
    model.add_run("adam", {"lr": 0.03})
    path = saved(tmp_path, new_document(model.snapshot(), CAMERA))
    raw = json.loads(path.read_text("utf-8"))["model"]
    assert raw["landscape"] == "network" and len(raw["start"]) == 105
    assert raw["network"] == {
        "dataset": "moons",
        "noise": 0.2,
        "points": 200,
        "validation": 0.2,
        "layers": [8, 8],
        "activation": "tanh",
        "seed": 0,
    }
    again = StudioModel()
    again.restore(load_session(path)["model"])
    assert again.landscape_name == "network" and again.landscape.arch == model.landscape.arch
    assert np.array_equal(again.landscape.train.inputs, model.landscape.train.inputs)
    assert np.array_equal(again.start, model.start)
    assert [c.title for c in again.runs] == [c.title for c in model.runs]
    again.step(5)
    model.step(5)
    assert np.array_equal(again.runs[0].run.params, model.runs[0].run.params)
    # A session of another landscape holds no network at all.
    model.load_scene("race")
    assert "network" not in model.snapshot()


def test_a_network_session_with_a_bad_network_is_refused_naming_it(tmp_path, qapp):
    model = StudioModel()
    model.load_scene("network")
    doc = new_document(model.snapshot(), CAMERA)
    doc["model"]["network"]["layers"] = [8, 64]
    with pytest.raises(SessionError, match=r"model\.network\.layers\[1\]: must be an integer"):
        StudioModel().restore(load_session(saved(tmp_path, doc))["model"])
    doc["model"]["network"]["layers"] = [4]  # a start of 105 weights for a network of 17
    with pytest.raises(SessionError, match="start: must hold 17 numbers for network, got 105"):
        StudioModel().restore(load_session(saved(tmp_path, doc))["model"])


def test_a_typed_landscape_reopens_with_its_formula_bounds_start_and_racers(tmp_path, qapp):
    model = StudioModel()
    model.load_scene("race")
    model.set_custom_landscape("sin(3*w)*cos(3*b) + 0.1*(w^2 + b^2)", ((-2.5, 3.0), (-3.0, 2.0)))
    model.set_start((0.7, -0.4))
    model.add_run("adam", {"lr": 0.03})
    path = saved(tmp_path, new_document(model.snapshot(), CAMERA))
    raw = json.loads(path.read_text("utf-8"))["model"]
    assert raw["landscape"] == "custom"
    assert raw["expression"] == "sin(3*w)*cos(3*b) + 0.1*(w^2 + b^2)"
    assert raw["bounds"] == [[-2.5, 3.0], [-3.0, 2.0]]
    again = StudioModel()
    again.restore(load_session(path)["model"])
    assert again.landscape.title == "f(w, b) = sin(3*w)*cos(3*b) + 0.1*(w^2 + b^2)"
    assert again.landscape.bounds == ((-2.5, 3.0), (-3.0, 2.0))
    np.testing.assert_array_equal(again.start, [0.7, -0.4])
    assert [(c.optimizer, c.hyper) for c in again.runs] == [
        (c.optimizer, c.hyper) for c in model.runs
    ]
    assert again.snapshot() == model.snapshot()
    again.step(5)
    assert np.isfinite(again.runs[-1].run.loss)


def test_a_session_without_a_formula_field_still_opens(tmp_path, race_doc):
    del race_doc["model"]["expression"], race_doc["model"]["bounds"]
    assert load_session(saved(tmp_path, race_doc))["model"]["landscape"] == "rosenbrock"


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
        "cosine",
        {"T_max": 1000, "eta_min": 0.0001},
    )
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
    assert (model.schedule_name, model.schedule_params) == (
        "step",
        {"step_size": 100, "gamma": 0.5},
    )


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
    "foreign object": (
        '{"type": "FeatureCollection", "features": []}',
        "is not a Gradient Descent Studio session file",
    ),
    "foreign list": ("[1, 2, 3]", "is not a Gradient Descent Studio session file"),
    "other app": (
        '{"app": "tensorboard", "schema_version": 1}',
        "is not a Gradient Descent Studio session file",
    ),
    "newer": (
        '{"app": "gdstudio", "schema_version": 3, "saved_with": "9.0", "model": {}}',
        "saved by a newer version of Gradient Descent Studio (schema 3); "
        "this version reads up to 2",
    ),
    "bad version": ('{"app": "gdstudio", "schema_version": "two", "model": {}}', "schema_version"),
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
    "run without optimizer": (
        {"model__runs__0__optimizer": KeyError},
        "model.runs[0].optimizer: missing",
    ),
    "x and y differ": ({"model__data__y": [1.0]}, "5 x values but 1 y values"),
    "text in the data": (
        {"model__data__x": [1, 2, "three", 4, 5]},
        "model.data.x[2]: must be a finite number",
    ),
    "start not numbers": (
        {"model__start": ["a", "b"]},
        "model.start[0]: must be a number from -1000000000 to 1000000000",
    ),
    "speed as text": (
        {"model__speed": "fast"},
        'model.speed: must be a number from 1 to 5000, got "fast"',
    ),
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


# --- the corpus of malformed sessions ---------------------------------------------------------

CORPUS = Path(__file__).parent / "corpus" / "sessions"
MANIFEST: dict[str, str | list[str]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))


def corpus_messages(name: str) -> list[str]:
    """What the error for corpus file `name` must contain (besides the file's name)."""
    want = MANIFEST[name]
    return [want] if isinstance(want, str) else want


def test_the_corpus_holds_at_least_25_files_each_in_the_manifest():
    files = sorted(p.name for p in CORPUS.glob("*.gdstudio"))
    assert len(files) >= 25
    assert files == sorted(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_corpus_file_gets_one_line_naming_the_file_and_the_field(name):
    with pytest.raises(SessionError) as e:
        load_session(CORPUS / name)
    message = str(e.value)
    assert f"“{name}”" in message
    for part in corpus_messages(name):
        assert part in message
    assert "\n" not in message


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_corpus_file_is_refused_by_restore_too(qapp, name):
    """The model relies on the same table: a bad snapshot is refused and changes nothing."""
    if not any(m.startswith("model.") for m in corpus_messages(name)):
        pytest.skip("not a fault of the model snapshot: only the file reader meets it")
    try:
        state = migrate(decode_json((CORPUS / name).read_text("utf-8")))["model"]
    except SessionError:
        pytest.skip("refused while migrating from version 1")
    model = StudioModel()
    model.load_scene("line-fit")
    before = model.snapshot()
    with pytest.raises(SessionError) as e:
        model.restore(state)
    for part in corpus_messages(name):
        assert part in str(e.value)
    assert model.snapshot() == before


def test_a_100000_digit_integer_is_refused_without_being_converted(tmp_path):
    """Python's int-string limit (4300 digits) is never reached: such numbers are refused."""
    path = write(
        tmp_path / "big.gdstudio",
        RACE_V1.replace('"max_steps": 20000', '"max_steps": ' + "7" * 100_000),
    )
    with pytest.raises(SessionError, match="got 7.77e99999"):
        load_session(path)


# --- files that are not regular files ---------------------------------------------------------


def load_within(path: Path, seconds: float = 10.0) -> str:
    """load_session(path)'s error message; fails (instead of hanging) if it blocks."""
    result: list[BaseException | None] = []
    worker = threading.Thread(target=lambda: result.append(_error_of(path)), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        if stat.S_ISFIFO(os.stat(path).st_mode):
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))  # let the reader go
        pytest.fail(f"load_session({path}) blocked for {seconds} s")
    assert isinstance(result[0], SessionError), result
    return str(result[0])


def _error_of(path: Path) -> BaseException | None:
    try:
        load_session(path)
    except BaseException as e:  # noqa: BLE001 - the test reports whatever it was
        return e
    return None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.gdstudio"
    os.mkfifo(fifo)
    assert "not a regular file" in load_within(fifo)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it():
    assert "not a regular file" in load_within(Path("/dev/zero"))


def test_a_file_beyond_the_size_bound_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.gdstudio"
    with open(huge, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    assert "too large to be a session" in load_within(huge)


def test_a_big_session_round_trips_from_copied_arrays(tmp_path, qapp):
    model = StudioModel()
    model.load_scene("line-fit")
    x = np.linspace(-5.0, 5.0, 200_000)
    model.replace_dataset(Dataset(x, 0.5 * x - 1.0))
    path = tmp_path / "big.gdstudio"
    save_session(path, new_document(model.snapshot(copy_arrays=True)))
    assert path.stat().st_size < MAX_BYTES
    doc = load_session(path)
    assert np.array_equal(doc["model"]["data"]["x"], x)
