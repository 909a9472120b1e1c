"""Sessions as a user meets them: File menu, save and reopen, bad files, autosave, recovery."""

import ast
import json
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QDate, QLocale, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDoubleSpinBox, QFileDialog, QMessageBox, QSpinBox

from gdstudio.app import session as session_package
from gdstudio.app.commands import AddPoint
from gdstudio.app.main_window import MainWindow
from gdstudio.app.model import StudioModel
from gdstudio.app.session.autosave import AUTOSAVE_MS
from gdstudio.app.session.manager import SessionManager
from gdstudio.app.session.recent import MAX_RECENT
from gdstudio.app.widgets import LogSlider
from gdstudio.core.data import Dataset
from gdstudio.io import session as session_io
from gdstudio.io.session import SessionError, load_session, save_session
from gdstudio.state import LR, MAX_BATCH, MAX_SEED, SCHEDULE_PARAM, Settings

Button = QMessageBox.StandardButton
V1_DATA = Path(__file__).parent.parent / "io" / "data"
CORPUS = Path(__file__).parent.parent / "io" / "corpus" / "sessions"
MANIFEST: dict[str, str | list[str]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
CAMERA = {
    "distance": 7.25,
    "elevation": 22.0,
    "azimuth": 131.0,
    "center": [0.5, -0.25, 0.75],
    "fov": 60.0,
}


class Dialogs:
    """Message boxes answered by the test instead of a person; every call is recorded."""

    def __init__(self) -> None:
        self.warnings: list[tuple[str, str]] = []
        self.questions: list[tuple[str, str]] = []
        self.answers: list[Button] = []

    def warning(self, _parent, title, text, *_args, **_kwargs):  # noqa: ANN001, ANN201
        self.warnings.append((title, text))
        return Button.Ok

    def question(self, _parent, title, text, *_args, **_kwargs):  # noqa: ANN001, ANN201
        self.questions.append((title, text))
        return self.answers.pop(0) if self.answers else Button.Discard


@pytest.fixture(autouse=True)
def dialogs(monkeypatch, tmp_path):
    """Answer message boxes; keep test-mode data folders ($HOME/.qttest) inside tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    d = Dialogs()
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(d.warning))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(d.question))
    return d


@pytest.fixture
def studio(qtbot):
    """Make a window with its SessionManager, as the app starts one."""

    def make(model: StudioModel | None = None) -> tuple[MainWindow, SessionManager]:
        w = MainWindow(model)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.is_started)  # the docks are built once the window is up
        sessions = getattr(w, "sessions", None) or SessionManager(w)
        sessions.autosave_ms = 20
        return w, sessions

    return make


def edit_race(w: MainWindow) -> None:
    m = w.model
    m.load_scene("race")
    m.add_run("adam", {"lr": 0.02, "betas": (0.8, 0.99)})
    m.set_run_enabled(2, False)
    m.set_schedule("cosine", {"T_max": 500, "eta_min": 0.001})
    m.set_clip_norm(2.5)
    m.set_speed(42.0)
    m.set_start((-1.0, 1.5))
    w.view3d.set_camera_state(CAMERA)


def assert_camera(w: MainWindow, camera: dict) -> None:
    state = w.view3d.camera_state()
    for key in ("distance", "elevation", "azimuth", "fov"):
        assert state[key] == pytest.approx(camera[key], abs=1e-5)
    assert state["center"] == pytest.approx(camera["center"], abs=1e-5)


# --- menu, title, dirty flag -------------------------------------------------------------------


def test_file_menu_starts_with_new_open_recent_save_save_as_and_ends_with_quit(studio):
    w, sessions = studio()
    items = [a.text() for a in w.file_menu.actions()]
    assert items[:6] == ["&New", "&Open…", "Open &Recent", "&Save", "Save &As…", ""]
    assert items[-1] == "Quit"
    shortcuts = {k: w.actions_by_name[k].shortcut() for k in ("new", "open", "save", "save_as")}
    assert shortcuts == {
        "new": QKeySequence("Ctrl+N"),
        "open": QKeySequence("Ctrl+O"),
        "save": QKeySequence("Ctrl+S"),
        "save_as": QKeySequence("Ctrl+Shift+S"),
    }
    assert not sessions.recent_menu.isEnabled()  # nothing recent yet


def test_title_names_the_file_and_marks_unsaved_changes(studio, tmp_path):
    w, sessions = studio()
    assert w.windowTitle() == "Untitled[*] — Gradient Descent Studio"
    assert not w.isWindowModified() and not sessions.dirty
    w.model.set_speed(77.0)
    assert w.isWindowModified() and sessions.dirty
    assert sessions.save_to(tmp_path / "lesson.gdstudio")
    assert w.windowTitle() == "lesson.gdstudio[*] — Gradient Descent Studio"
    assert not w.isWindowModified() and not sessions.dirty


def test_every_kind_of_user_change_marks_the_session_dirty(studio, tmp_path):
    w, sessions = studio()
    changes = [
        lambda m: m.set_loss("huber"),
        lambda m: m.undo_stack.push(AddPoint(m, 2.0, 3.1)),
        lambda m: m.undo_stack.undo(),
        lambda m: m.set_huber_delta(2.0),
        lambda m: m.set_normalize_x(True),
        lambda m: m.set_restart_on_edit(True),
        lambda m: m.set_landscape("rosenbrock"),
        lambda m: m.add_run("adam"),
        lambda m: m.set_run_hyper(0, "lr", 0.05),
        lambda m: m.set_run_enabled(0, False),
        lambda m: m.set_clip_norm(1.0),
        lambda m: m.set_view_mode("contour"),
        lambda m: m.set_start((0.5, 0.5)),
    ]
    for change in changes:
        sessions.save_to(tmp_path / "s.gdstudio")
        change(w.model)
        assert sessions.dirty, change


def test_stepping_and_resetting_the_race_is_not_an_unsaved_change(studio):
    w, sessions = studio()
    w.model.step(25)
    w.model.reset()
    assert not sessions.dirty


# --- save and open ------------------------------------------------------------------------------


def test_save_then_open_in_a_new_window_gives_the_same_session_and_camera(studio, tmp_path):
    w1, s1 = studio()
    edit_race(w1)
    path = tmp_path / "race.gdstudio"
    assert s1.save_to(path)
    w2, s2 = studio()
    assert s2.open_path(path)
    assert w2.model.snapshot() == w1.model.snapshot()
    assert_camera(w2, CAMERA)
    assert s2.path == str(path) and not s2.dirty
    assert w2.windowTitle().startswith("race.gdstudio[*]")


def test_data_loss_and_normalization_survive_save_and_open(studio, tmp_path):
    w1, s1 = studio()
    m = w1.model
    m.load_scene("line-fit")
    m.replace_dataset(Dataset([0.5, 1, 2, 3, 4, 8.25], [1.2, 2.3, 3.9, 6.2, 8.1, 16.4]))
    m.set_loss("huber")
    m.set_huber_delta(0.4)
    m.set_normalize_x(True)
    m.set_run_batch(0, 2, seed=11)
    assert s1.save_to(tmp_path / "fit.gdstudio")
    w2, s2 = studio()
    assert s2.open_path(tmp_path / "fit.gdstudio")
    assert w2.model.snapshot() == m.snapshot()
    assert w2.model.dataset.x.tolist() == [0.5, 1, 2, 3, 4, 8.25]


def test_opening_a_version_1_file_shows_its_race_and_camera(studio, dialogs):
    w, sessions = studio()
    assert sessions.open_path(V1_DATA / "race_v1.gdstudio"), dialogs.warnings
    assert w.model.landscape_name == "rosenbrock"
    assert [c.title for c in w.model.runs] == ["SGD", "Momentum", "RMSprop", "Adam"]
    assert_camera(w, json.loads((V1_DATA / "race_v1.gdstudio").read_text())["camera"])
    assert not sessions.dirty


BAD = {
    "truncated": (lambda text: text[: len(text) // 3], "damaged or incomplete"),
    "corrupt": (lambda text: "\x00\x01garbage" + text, "damaged or incomplete"),
    "foreign": (
        lambda _: '{"name": "my-package", "version": "1.0.0"}',
        "not a Gradient Descent Studio session",
    ),
    "newer": (
        lambda text: text.replace('"schema_version": 2', '"schema_version": 3'),
        "saved by a newer version of Gradient Descent Studio (schema 3)",
    ),
    "refused by the model": (
        lambda text: text.replace('"rosenbrock"', '"moon"'),
        "“bad.gdstudio” is damaged: model.landscape: must be one of bowl1d",
    ),
}


@pytest.mark.parametrize("spoil, message", BAD.values(), ids=BAD.keys())
def test_opening_a_bad_file_warns_and_leaves_the_open_session_untouched(
    studio, tmp_path, dialogs, spoil, message
):
    w1, s1 = studio()
    edit_race(w1)
    good = tmp_path / "good.gdstudio"
    s1.save_to(good)
    bad = tmp_path / "bad.gdstudio"
    bad.write_text(spoil(good.read_text("utf-8")), "utf-8")
    w1.model.set_speed(99.0)  # unsaved work that must survive
    before = w1.model.snapshot()
    camera = w1.view3d.camera_state()

    assert not s1.open_path(bad)

    assert len(dialogs.warnings) == 1
    assert message in dialogs.warnings[0][1]
    assert w1.model.snapshot() == before
    assert_camera(w1, camera)
    assert s1.dirty and s1.path == str(good)
    assert s1.recent_files() == [str(good)]


def test_a_model_that_refuses_late_is_put_back_as_it_was(studio, tmp_path, dialogs, monkeypatch):
    w, sessions = studio()
    edit_race(w)
    other = tmp_path / "other.gdstudio"
    save_session(
        other,
        {**sessions.current_document(), "model": {**w.model.snapshot(), "landscape": "himmelblau"}},
    )
    before = w.model.snapshot()
    real_restore = StudioModel.restore

    def restore_then_fail(self, state):  # noqa: ANN001, ANN202
        real_restore(self, state)
        if state["landscape"] == "himmelblau":
            raise ValueError("refused after replacing")

    monkeypatch.setattr(StudioModel, "restore", restore_then_fail, raising=True)
    camera = w.view3d.camera_state()
    assert not sessions.open_path(other)
    assert w.model.snapshot() == before
    assert_camera(w, camera)
    assert "refused after replacing" in dialogs.warnings[0][1]


def test_a_failed_save_warns_and_keeps_the_changes_unsaved(studio, tmp_path, dialogs):
    w, sessions = studio()
    w.model.set_speed(12.0)
    assert not sessions.save_to(tmp_path / "missing" / "folder" / "s.gdstudio")
    assert "Could not save" in dialogs.warnings[0][1]
    assert sessions.dirty and sessions.path is None


def test_save_as_adds_the_suffix_and_save_reuses_the_path(studio, tmp_path, monkeypatch):
    w, sessions = studio()
    target = tmp_path / "lecture"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    w.model.set_speed(33.0)
    assert sessions.save()  # no path yet: asks for one
    assert sessions.path == str(target) + ".gdstudio"
    w.model.set_speed(34.0)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(pytest.fail))
    assert sessions.save()
    assert load_session(sessions.path)["model"]["speed"] == 34.0


def test_ctrl_s_saves_to_the_current_file(studio, qtbot, tmp_path):
    w, sessions = studio()
    sessions.save_to(tmp_path / "s.gdstudio")
    w.model.set_speed(44.0)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not sessions.dirty
    assert load_session(tmp_path / "s.gdstudio")["model"]["speed"] == 44.0


# --- new, close --------------------------------------------------------------------------------


def test_new_asks_to_save_and_cancel_keeps_everything(studio, dialogs):
    w, sessions = studio()
    edit_race(w)
    before = w.model.snapshot()
    dialogs.answers = [Button.Cancel]
    assert not sessions.new_session()
    assert "before starting a new session" in dialogs.questions[0][1]
    assert w.model.snapshot() == before and sessions.dirty


def test_new_after_discard_loads_the_surface_lesson_clean(studio, dialogs):
    w, sessions = studio()
    edit_race(w)
    dialogs.answers = [Button.Discard]
    assert sessions.new_session()
    assert w.model.scene.id == "surface"
    assert not sessions.dirty and sessions.path is None


def test_close_with_unsaved_changes_cancel_keeps_the_window_open(studio, dialogs):
    w, sessions = studio()
    w.model.set_speed(5.0)
    dialogs.answers = [Button.Cancel]
    assert not sessions.confirm_close()
    assert "before closing" in dialogs.questions[0][1]
    assert sessions.dirty and w.isVisible()


def test_close_with_save_writes_the_file_first(studio, tmp_path, dialogs):
    w, sessions = studio()
    sessions.save_to(tmp_path / "s.gdstudio")
    w.model.set_speed(6.0)
    dialogs.answers = [Button.Save]
    assert sessions.confirm_close()
    assert load_session(tmp_path / "s.gdstudio")["model"]["speed"] == 6.0


def test_close_without_changes_does_not_ask(studio, dialogs):
    _, sessions = studio()
    assert sessions.confirm_close()
    assert dialogs.questions == []


# --- autosave and recovery ---------------------------------------------------------------------


def test_autosave_writes_the_edit_after_a_pause(studio, qtbot):
    w, sessions = studio()
    assert sessions.marker_path.exists()
    assert not sessions.autosave_path.exists()
    w.model.set_speed(77.0)
    qtbot.waitUntil(sessions.autosave_path.exists, timeout=5000)
    assert load_session(sessions.autosave_path)["model"]["speed"] == 77.0


def test_autosave_waits_for_idle_and_restarts_on_each_change(studio, qtbot):
    w, sessions = studio()
    sessions.autosave_ms = 60_000
    w.model.set_speed(10.0)
    w.model.set_speed(11.0)
    with qtbot.assertNotEmitted(sessions.autosaved, wait=300):  # the event loop runs
        pass
    assert not sessions.autosave_path.exists()
    sessions.autosave_ms = 20
    with qtbot.waitSignal(sessions.autosaved, timeout=5000):
        w.model.set_speed(12.0)
    assert load_session(sessions.autosave_path)["model"]["speed"] == 12.0


def test_clicking_restart_on_edit_marks_the_session_dirty_and_reaches_the_autosave(
    studio, qtbot, tmp_path
):
    w, sessions = studio()
    w.model.load_scene("line-fit")
    assert sessions.save_to(tmp_path / "fit.gdstudio") and not sessions.dirty
    check = w.data_panel.restart_check
    qtbot.waitUntil(check.isVisible)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert check.isChecked() and w.model.restart_on_edit
    assert sessions.dirty and w.isWindowModified()
    qtbot.waitUntil(
        lambda: (
            sessions.autosave_path.exists()
            and load_session(sessions.autosave_path)["model"]["restart_on_edit"]
        ),
        timeout=5000,
    )


def test_saving_removes_the_autosave(studio, qtbot, tmp_path):
    w, sessions = studio()
    w.model.set_speed(77.0)
    qtbot.waitUntil(sessions.autosave_path.exists, timeout=5000)
    sessions.save_to(tmp_path / "s.gdstudio")
    assert not sessions.autosave_path.exists()


def crash_after_edit(studio, qtbot) -> MainWindow:  # noqa: ANN001
    """Edit, let autosave write, then 'crash': the marker and autosave stay behind."""
    w, sessions = studio()
    edit_race(w)
    qtbot.waitUntil(sessions.autosave_path.exists, timeout=5000)
    qtbot.waitUntil(
        lambda: load_session(sessions.autosave_path)["model"]["speed"] == 42.0, timeout=5000
    )
    sessions.autosave_ms = 3_600_000  # the crashed process does nothing more
    assert sessions.marker_path.exists()
    return w


def test_after_a_crash_the_next_start_offers_the_edit_back(studio, qtbot, dialogs):
    crashed = crash_after_edit(studio, qtbot)
    w, sessions = studio()
    assert sessions.recovery_available
    dialogs.answers = [Button.Yes]
    assert sessions.offer_recovery()
    assert "Recover unsaved work from" in dialogs.questions[0][1]
    today = QDate.currentDate()  # the crash was a moment ago
    month = QLocale().monthName(today.month(), QLocale.FormatType.LongFormat)
    assert month in dialogs.questions[0][1]  # the month by name, not "1 12 2026"
    assert today.toString("d MM yyyy") not in dialogs.questions[0][1]
    assert w.model.snapshot() == crashed.model.snapshot()
    assert_camera(w, CAMERA)
    assert sessions.dirty and sessions.path is None
    assert w.isWindowModified()


def test_declining_recovery_discards_the_autosave(studio, qtbot, dialogs):
    crash_after_edit(studio, qtbot)
    w, sessions = studio()
    dialogs.answers = [Button.No]
    assert not sessions.offer_recovery()
    assert not sessions.autosave_path.exists()
    assert w.model.scene.id == "surface" and not sessions.dirty


def test_clean_close_removes_autosave_and_marker_and_nothing_is_offered(studio, qtbot, dialogs):
    w, sessions = studio()
    w.model.set_speed(77.0)
    qtbot.waitUntil(sessions.autosave_path.exists, timeout=5000)
    dialogs.answers = [Button.Discard]
    assert sessions.confirm_close()
    assert not sessions.autosave_path.exists()
    assert not sessions.marker_path.exists()
    _, later = studio()
    assert not later.recovery_available
    assert not later.offer_recovery()
    assert len(dialogs.questions) == 1  # only the close prompt


def test_a_window_that_only_renders_leaves_the_autosave_and_marker_alone(qtbot, tmp_path):
    w = MainWindow(autosave=False)  # as gdstudio export and the benchmark make it
    qtbot.addWidget(w)
    sessions = w.sessions
    folder = sessions.autosave_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    sessions.autosave_path.write_text("unsaved work of the studio the user has open")
    assert not sessions.marker_path.exists() and not sessions.recovery_available
    w.model.set_speed(5.0)
    assert sessions.save_to(tmp_path / "s.gdstudio")  # a clean state removes no autosave
    assert sessions.confirm_close()
    assert sessions.autosave_path.read_text() == "unsaved work of the studio the user has open"
    assert not sessions.marker_path.exists()


def test_a_damaged_autosave_is_not_offered(studio, qtbot):
    _, first = studio()
    first.autosave_path.parent.mkdir(parents=True, exist_ok=True)
    first.autosave_path.write_text('{"app": "gdstudio", "schema_ver')
    _, later = studio()
    assert not later.recovery_available
    assert not later.autosave_path.exists()


# --- open recent -------------------------------------------------------------------------------


def recent_entries(qtbot, w: MainWindow, sessions: SessionManager) -> list[str]:  # noqa: ANN001
    """Open File ▸ Open Recent as a user does (File menu, arrow to it, Right) and read it."""
    file_menu, recent = w.file_menu, sessions.recent_menu
    file_menu.popup(w.mapToGlobal(w.rect().center()))
    qtbot.waitUntil(file_menu.isVisible)
    file_menu.setActiveAction(recent.menuAction())
    qtbot.keyClick(file_menu, Qt.Key.Key_Right)
    qtbot.waitUntil(recent.isVisible)
    entries = [a.data() for a in recent.actions() if a.data()]
    qtbot.keyClick(recent, Qt.Key.Key_Escape)
    qtbot.keyClick(file_menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not file_menu.isVisible())
    return entries


def test_open_recent_lists_saved_and_opened_files_newest_first(studio, qtbot, tmp_path):
    w, sessions = studio()
    a, b = tmp_path / "a.gdstudio", tmp_path / "b.gdstudio"
    sessions.save_to(a)
    sessions.save_to(b)
    assert recent_entries(qtbot, w, sessions) == [str(b), str(a)]
    sessions.open_path(a)
    assert recent_entries(qtbot, w, sessions) == [str(a), str(b)]
    assert sessions.recent_menu.isEnabled()


def test_open_recent_keeps_at_most_eight(studio, qtbot, tmp_path):
    w, sessions = studio()
    for i in range(MAX_RECENT + 3):
        sessions.save_to(tmp_path / f"s{i}.gdstudio")
    entries = recent_entries(qtbot, w, sessions)
    assert len(entries) == MAX_RECENT
    assert entries[0] == str(tmp_path / f"s{MAX_RECENT + 2}.gdstudio")


def test_open_recent_prunes_missing_files_with_a_message(studio, qtbot, tmp_path):
    w, sessions = studio()
    a, b = tmp_path / "a.gdstudio", tmp_path / "b.gdstudio"
    sessions.save_to(a)
    sessions.save_to(b)
    a.unlink()
    assert recent_entries(qtbot, w, sessions) == [str(b)]
    assert "a.gdstudio" in w.statusBar().currentMessage()
    assert sessions.recent_files() == [str(b)]


def test_choosing_a_recent_file_opens_it(studio, tmp_path):
    w, sessions = studio()
    edit_race(w)
    sessions.save_to(tmp_path / "race.gdstudio")
    w2, s2 = studio()
    entry = next(a for a in s2.recent_menu.actions() if a.data())
    entry.trigger()
    assert s2.path == str(tmp_path / "race.gdstudio")
    assert w2.model.snapshot() == w.model.snapshot()


def test_camera_survives_a_surface_computed_off_the_ui_thread(studio, qtbot, tmp_path):
    w1, s1 = studio()
    m = w1.model
    m.load_scene("line-fit")
    x = np.linspace(0.0, 10.0, 400)
    m.replace_dataset(Dataset(x, 2 * x + np.sin(7 * x)))
    m.set_loss("huber")  # 400 points under Huber: the surface comes from the worker
    w1.view3d.set_camera_state(CAMERA)
    assert s1.save_to(tmp_path / "huber.gdstudio")
    w2, s2 = studio()
    sizes = []
    w2.model.surfaceChanged.connect(lambda: sizes.append(w2.model.display_landscape.n))
    assert s2.open_path(tmp_path / "huber.gdstudio")
    qtbot.waitUntil(lambda: len(sizes) == 2, timeout=10_000)  # coarse, then full
    qtbot.waitUntil(
        lambda: w2.view3d.camera_state()["distance"] == pytest.approx(7.25), timeout=5000
    )
    assert_camera(w2, CAMERA)
    assert w2.model.snapshot() == m.snapshot()


@pytest.mark.parametrize(
    ("key", "value"),
    [("speed", "fast"), ("max_steps", -3), ("tol", -1.0)],
)
def test_restore_refuses_bad_settings_without_changing_anything(qtbot, key, value):
    model = StudioModel()
    model.load_scene("race")
    before = model.snapshot()
    other = StudioModel()
    other.load_scene("line-fit")
    bad = other.snapshot()
    bad[key] = value
    with pytest.raises((ValueError, TypeError)):
        model.restore(bad)
    assert model.snapshot() == before


def test_restore_refuses_classification_without_labels(qtbot):
    model = StudioModel()
    model.load_scene("race")
    state = model.snapshot()
    state["landscape"] = "logistic-bce"
    state["data"] = {"x": [1.0, 2.0], "y": [0.0, 1.0], "label": [0.0, 3.0]}
    with pytest.raises(ValueError, match="0 or 1"):
        model.restore(state)
    state["data"]["label"] = None
    with pytest.raises(ValueError, match="label"):
        model.restore(state)


# --- the corpus of malformed sessions, through every way in ------------------------------------


def corpus_messages(name: str) -> list[str]:
    want = MANIFEST[name]
    return [want] if isinstance(want, str) else want


def assert_refused(message: str, name: str) -> None:
    assert f"“{name}”" in message and "\n" not in message, message
    for part in corpus_messages(name):
        assert part in message, (name, message)


def test_file_open_refuses_every_corpus_file_and_keeps_the_open_session(
    studio, tmp_path, dialogs, monkeypatch
):
    w, sessions = studio()
    edit_race(w)
    good = tmp_path / "good.gdstudio"
    sessions.save_to(good)
    w.model.set_speed(99.0)  # unsaved work that must survive every bad file
    before, camera = w.model.snapshot(), w.view3d.camera_state()
    chosen: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (chosen[-1], ""))
    )
    for i, name in enumerate(sorted(MANIFEST)):
        chosen.append(str(CORPUS / name))
        w.actions_by_name["open"].trigger()  # File ▸ Open…, the dialog answering `name`
        assert len(dialogs.warnings) == i + 1, name
        assert_refused(dialogs.warnings[-1][1], name)
        assert w.model.snapshot() == before, name
        assert_camera(w, camera)
        assert sessions.dirty and sessions.path == str(good)


def test_open_recent_refuses_every_corpus_file_and_keeps_the_open_session(
    studio, tmp_path, dialogs
):
    w, sessions = studio()
    edit_race(w)
    good = tmp_path / "good.gdstudio"
    sessions.save_to(good)
    recent = tmp_path / "recent.gdstudio"
    recent.write_bytes(good.read_bytes())
    assert sessions.open_path(recent)  # opened once, then damaged on disk, again and again
    before, camera = w.model.snapshot(), w.view3d.camera_state()
    for i, name in enumerate(sorted(MANIFEST)):
        recent.write_bytes((CORPUS / name).read_bytes())
        entry = next(a for a in sessions.recent_menu.actions() if a.data() == str(recent))
        entry.trigger()
        assert len(dialogs.warnings) == i + 1, name
        assert_refused(dialogs.warnings[-1][1].replace("“recent.gdstudio”", f"“{name}”"), name)
        assert w.model.snapshot() == before, name
        assert_camera(w, camera)
        assert sessions.recent_files()[0] == str(recent)  # still there: it exists


def test_every_corpus_file_as_an_autosave_is_kept_aside_and_the_app_starts(studio, dialogs):
    w, first = studio()
    before = w.model.snapshot()
    for name in sorted(MANIFEST):
        first.autosave_path.write_bytes((CORPUS / name).read_bytes())
        first.marker_path.touch()  # the earlier run crashed
        later = SessionManager(w)  # the start-up path of the next launch
        assert not later.recovery_available, name
        assert not later.autosave_path.exists()
        notice = later.recovery_notice
        assert notice is not None and "could not be recovered" in notice
        kept = Path(notice.rsplit("kept as ", 1)[1])
        assert kept.read_bytes() == (CORPUS / name).read_bytes()
        assert_refused(notice.replace("“autosave.gdstudio”", f"“{name}”"), name)
        kept.unlink()
    assert w.model.snapshot() == before
    assert dialogs.warnings == [] and dialogs.questions == []


def test_an_autosave_with_a_huge_integer_is_kept_and_reported_once_at_start(studio, qtbot, dialogs):
    _, first = studio()
    bad = (CORPUS / "max_steps_10_pow_400.gdstudio").read_bytes()
    first.autosave_path.write_bytes(bad)
    w, sessions = studio()  # the next launch starts
    sessions.offer_recovery()  # as run_app does once the window shows
    message = w.statusBar().currentMessage()
    assert "could not be recovered" in message and "model.max_steps" in message
    kept = Path(message.rsplit("kept as ", 1)[1])
    assert kept.parent == sessions.autosave_path.parent and kept.read_bytes() == bad
    assert dialogs.questions == [] and dialogs.warnings == []  # nothing blocks the start
    w.statusBar().clearMessage()
    sessions.offer_recovery()
    assert w.statusBar().currentMessage() == ""  # told once
    assert sessions.recovery_notice is None
    assert not sessions.autosave_path.exists()  # so the launch after that is clean


def test_a_recovery_the_model_refuses_is_kept_aside_too(studio, qtbot, dialogs, monkeypatch):
    crash_after_edit(studio, qtbot)
    w, sessions = studio()
    before = w.model.snapshot()

    def refuse(self, state):  # noqa: ANN001, ANN202
        raise SessionError("model.speed: refused late")

    monkeypatch.setattr(StudioModel, "restore", refuse)
    dialogs.answers = [Button.Yes]
    assert not sessions.offer_recovery()
    assert "kept as" in dialogs.warnings[0][1] and "refused late" in dialogs.warnings[0][1]
    assert w.model.snapshot() == before
    assert not sessions.autosave_path.exists()
    assert list(sessions.autosave_path.parent.glob("autosave-unreadable-*.gdstudio"))


# --- widget ranges are the session's bounds ----------------------------------------------------


def form_field(form, label: str):  # noqa: ANN001, ANN201
    for row in range(form.rowCount()):
        item = form.itemAt(row, form.ItemRole.LabelRole)
        if item is not None and item.widget().text() == label:
            return form.itemAt(row, form.ItemRole.FieldRole).widget()
    raise AssertionError(f"no field {label!r}")


def test_every_widget_accepts_exactly_what_a_session_may_hold(studio):
    w, _ = studio()
    w.model.load_scene("line-fit")
    controls, editor = w.controls, w.controls.editor
    max_steps = w.findChild(QSpinBox, "maxStepsSpin")
    assert (max_steps.minimum(), max_steps.maximum()) == (
        Settings.max_steps.kind.lo,
        Settings.max_steps.kind.hi,
    )
    clip = w.findChild(QDoubleSpinBox, "clipSpin")
    assert (clip.minimum(), clip.maximum()) == (
        Settings.clip_norm.kind.lo,
        Settings.clip_norm.kind.hi,
    )
    delta = w.findChild(QDoubleSpinBox, "huberDelta")
    assert (delta.minimum(), delta.maximum()) == (
        Settings.huber_delta.kind.lo,
        Settings.huber_delta.kind.hi,
    )
    assert controls.findChild(LogSlider, "lrSlider").spin.maximum() == LR.hi
    assert form_field(editor.form, "Seed").maximum() == MAX_SEED
    assert form_field(editor.form, "Batch size").maximum() == MAX_BATCH
    w.model.set_schedule("step", {"step_size": 100})
    spin = controls.findChild(QDoubleSpinBox, "schedule_step_size")
    assert (spin.minimum(), spin.maximum()) == (SCHEDULE_PARAM.lo, SCHEDULE_PARAM.hi)


def test_a_session_at_every_upper_bound_shows_exactly_in_the_controls(studio, tmp_path):
    w, sessions = studio()
    w.model.load_scene("line-fit")
    state = w.model.snapshot()
    state.update(max_steps=10_000_000, speed=5000.0, clip_norm=1e6)
    state["runs"][0].update(seed=MAX_SEED, batch=MAX_BATCH)
    state["runs"][0]["hyper"]["lr"] = LR.hi
    path = tmp_path / "edge.gdstudio"
    save_session(path, session_io.new_document(state))
    assert sessions.open_path(path)
    assert w.findChild(QSpinBox, "maxStepsSpin").value() == 10_000_000
    assert w.findChild(QDoubleSpinBox, "clipSpin").value() == 1e6
    assert w.controls.speed.value() == 5000.0
    w.controls.run_list.setCurrentRow(0)
    assert form_field(w.controls.editor.form, "Seed").value() == MAX_SEED
    assert form_field(w.controls.editor.form, "Batch size").value() == MAX_BATCH
    assert w.model.runs[0].run.optimizer.hyper["lr"] == LR.hi


# --- autosave: soon, and off the UI thread -----------------------------------------------------


def autosaved_speed(sessions: SessionManager) -> float | None:
    path = sessions.autosave_path
    return load_session(path)["model"]["speed"] if path.exists() else None


def test_an_edit_reaches_the_autosave_within_a_second(studio, qtbot):
    w, sessions = studio()
    sessions.autosave_ms = AUTOSAVE_MS  # the real interval, not the fixture's quick one
    w.model.set_speed(77.0)
    qtbot.waitUntil(lambda: autosaved_speed(sessions) == 77.0, timeout=1000)


def test_edits_that_keep_coming_still_reach_the_autosave_within_a_second(studio, qtbot):
    w, sessions = studio()
    sessions.autosave_ms = AUTOSAVE_MS
    speeds = iter(range(10, 100))
    typing = QTimer()
    typing.timeout.connect(lambda: w.model.set_speed(float(next(speeds))))
    w.model.set_speed(9.0)
    typing.start(AUTOSAVE_MS // 4)  # never a pause long enough for the idle timer
    try:
        qtbot.waitUntil(lambda: autosaved_speed(sessions) is not None, timeout=1000)
    finally:
        typing.stop()


def test_autosave_copies_a_million_points_on_the_ui_thread_and_encodes_in_the_worker(
    studio, qtbot, monkeypatch
):
    w, sessions = studio()
    w.model.load_scene("line-fit")
    x = np.linspace(0.0, 10.0, 1_000_000)
    w.model.replace_dataset(Dataset(x, 2.0 * x))
    seen: list[tuple[int, object]] = []
    encode = session_io.encode_session

    def spy(doc):  # noqa: ANN001, ANN202
        seen.append((threading.get_ident(), doc["model"]["data"]["x"]))
        return encode(doc)

    monkeypatch.setattr(session_io, "encode_session", spy)
    with qtbot.waitSignal(sessions.autosaved, timeout=30_000):
        w.model.set_speed(61.0)
    ((thread, column),) = seen
    assert thread != threading.main_thread().ident  # JSON is made in the worker
    assert isinstance(column, np.ndarray) and len(column) == 1_000_000  # the UI copied it
    assert not np.shares_memory(column, w.model.dataset.x)


def test_opening_a_session_shows_every_bound_setting_in_its_widget(studio, qtbot, tmp_path):
    w, sessions = studio()
    w.model.load_scene("line-fit")
    m = w.model
    m.set_speed(321.0)
    m.set_max_steps(777)
    m.set_clip_norm(2.5)
    m.set_huber_delta(3.5)
    m.set_restart_on_edit(True)
    assert sessions.save_to(tmp_path / "bound.gdstudio")
    sessions.new_session()  # a new lesson keeps δ and restart-on-edit: set them back
    m.set_huber_delta(1.0)
    m.set_restart_on_edit(False)
    controls, data = w.controls, w.data_panel
    assert controls.max_steps.value() != 777 and not data.restart_check.isChecked()
    assert data.delta_spin.value() == 1.0
    assert sessions.open_path(tmp_path / "bound.gdstudio")
    assert controls.speed.value() == 321.0
    assert controls.max_steps.value() == 777
    assert controls.clip_check.isChecked() and controls.clip_spin.value() == 2.5
    assert data.delta_spin.value() == 3.5
    assert data.restart_check.isChecked()
    assert not sessions.dirty  # the widgets' updates did not echo back as edits


# --- the session package ------------------------------------------------------------------------


def test_the_session_modules_never_name_the_main_window_and_stay_small():
    """They see the window through SessionHost, even for type checking (no import cycle)."""
    folder = Path(session_package.__file__).parent
    for path in sorted(folder.glob("*.py")):
        source = path.read_text("utf-8")
        named = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom):
                named.add(node.module or "")
                named.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                named.update(alias.name for alias in node.names)
        assert not [n for n in named if "main_window" in n or n == "MainWindow"], path.name
        assert len(source.splitlines()) <= 250, path.name


# --- the camera in the state ------------------------------------------------------------------


def drag_view(qtbot, w: MainWindow) -> None:
    """Orbit the 3D view with a left drag, as a user looks around."""
    start = w.view3d.rect().center()
    qtbot.mousePress(w.view3d.surface, Qt.MouseButton.LeftButton, pos=start)
    for dx in range(10, 90, 10):
        qtbot.mouseMove(w.view3d.surface, start + QPoint(dx, dx // 3))
    qtbot.mouseRelease(w.view3d.surface, Qt.MouseButton.LeftButton, pos=start + QPoint(80, 26))


def test_looking_around_is_saved_but_does_not_make_the_session_dirty(studio, qtbot, tmp_path):
    w1, s1 = studio()
    assert s1.save_to(tmp_path / "look.gdstudio")
    revision = w1.model.state.revision
    drag_view(qtbot, w1)
    camera = w1.view3d.camera_state()
    assert w1.model.state.revision == revision and not s1.dirty
    saved = s1.current_document()["camera"]
    assert saved.keys() == camera.keys()
    for key, value in camera.items():
        assert saved[key] == pytest.approx(value), key
    assert s1.save_to(tmp_path / "look.gdstudio")
    w2, s2 = studio()
    assert s2.open_path(tmp_path / "look.gdstudio")
    assert_camera(w2, camera)


def test_a_sessions_camera_is_the_states_and_moves_the_view(studio, dialogs):
    w, sessions = studio()
    assert sessions.open_path(V1_DATA / "race_v1.gdstudio"), dialogs.warnings
    saved = json.loads((V1_DATA / "race_v1.gdstudio").read_text())["camera"]
    state = w.model.state.camera.to_dict()
    for key, value in saved.items():
        assert state[key] == pytest.approx(value), key
    assert_camera(w, state)
