"""SessionManager: File ▸ New/Open/Save, the current file and dirty flag, autosave, recovery."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QDateTime,
    QElapsedTimer,
    QLocale,
    QObject,
    QRunnable,
    QSettings,
    QStandardPaths,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from ...io.session import (
    APP_NAME,
    FILE_FILTER,
    SUFFIX,
    SessionError,
    load_session,
    new_document,
    save_session,
)
from ..model import DEFAULT_SCENE

if TYPE_CHECKING:
    from ..main_window import MainWindow

# An edit reaches the autosave within a second: written after this much quiet, or at the
# latest AUTOSAVE_MAX_MS after the first unsaved change while edits keep coming.
AUTOSAVE_MS = 300
AUTOSAVE_MAX_MS = 700
MAX_RECENT = 8
RECENT_KEY = "sessions/recent"
AUTOSAVE_NAME = "autosave" + SUFFIX
MARKER_NAME = "running.lock"
UNTITLED = "Untitled"
_Button = QMessageBox.StandardButton


class _AutosaveSignals(QObject):
    finished = Signal(str)  # "" on success, else the error message


class _AutosaveJob(QRunnable):
    """Encodes and writes one autosave off the UI thread (the UI thread only copied arrays)."""

    def __init__(self, path: Path, doc: dict[str, Any], signals: _AutosaveSignals) -> None:
        super().__init__()
        self.path, self.doc, self.signals = path, doc, signals

    def run(self) -> None:  # noqa: D102 - QRunnable override
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            save_session(self.path, self.doc)
            error = ""
        except (SessionError, OSError) as e:
            error = str(e)
        self.signals.finished.emit(error)


class SessionManager(QObject):
    """Sessions of one window: File menu entries, current path, dirty flag, autosave, recovery."""

    dirtyChanged = Signal(bool)
    pathChanged = Signal(str)
    autosaved = Signal()

    def __init__(self, window: MainWindow, autosave_ms: int = AUTOSAVE_MS,
                 *, autosave: bool = True) -> None:
        super().__init__(window)
        self.window = window
        # A window that only renders (gdstudio export, the benchmark) must never write, move or
        # remove the autosave and marker of a studio the user has open, or had open and lost.
        self.autosave_enabled = autosave
        self.model = window.model
        self.autosave_ms = autosave_ms
        self.path: str | None = None
        self._dirty = False
        # Dirty = the document's revision differs from the one saved or opened (None: never).
        self._saved_revision: int | None = self.model.state.revision
        self._quiet = False
        self._ended = False
        self._pending_camera: dict[str, Any] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.autosave_now)
        self._first_unsaved = QElapsedTimer()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._autosave_signals = _AutosaveSignals()
        self._autosave_signals.finished.connect(self._on_autosave_finished)
        folder = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation))
        self.autosave_path = folder / AUTOSAVE_NAME
        self.marker_path = folder / MARKER_NAME
        self._recovery_notice: str | None = None
        self._recovery = self._find_crashed_autosave() if autosave else None
        if autosave:
            self._write_marker()
        self._build_menu()
        self._connect_model()
        self._update_title()

    # --- construction ----------------------------------------------------------------------

    def _build_menu(self) -> None:
        w = self.window
        menu = w.file_menu
        existing = menu.actions()
        before = existing[0] if existing else None  # sessions come first, Quit stays last
        specs = (
            ("new", "&New", "Ctrl+N", self.new_session, "Start again from the default lesson"),
            ("open", "&Open…", "Ctrl+O", self.open_dialog, "Open a saved session"),
            ("save", "&Save", "Ctrl+S", self.save, "Save the session"),
            ("save_as", "Save &As…", "Ctrl+Shift+S", self.save_as,
             "Save the session to a new file"),
        )
        self.recent_menu = QMenu("Open &Recent", menu)
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._rebuild_recent_menu)
        for key, text, shortcut, slot, tip in specs:
            action = QAction(text, w)
            action.setObjectName(f"action_{key}")
            action.setShortcut(QKeySequence(shortcut))
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            w.addAction(action)
            w.actions_by_name[key] = action
            menu.insertAction(before, action)
            if key == "open":
                menu.insertMenu(before, self.recent_menu)
        if before is not None:
            menu.insertSeparator(before)
        self._rebuild_recent_menu()

    def _connect_model(self) -> None:
        self.model.state.on_change(self._on_model_changed)
        self.model.surfaceChanged.connect(self._on_surface_changed)

    # --- state -----------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when the session has changes that are not saved to `path`."""
        return self._dirty

    @property
    def display_name(self) -> str:
        """The file name shown in the title and prompts ("Untitled" before a first save)."""
        return Path(self.path).name if self.path else UNTITLED

    def current_document(self, copy_arrays: bool = False) -> dict[str, Any]:
        """The session as it stands: model snapshot and camera.

        `copy_arrays` keeps the data columns as numpy copies (cheap on the UI thread); the
        autosave worker turns them into JSON.
        """
        return new_document(self.model.snapshot(copy_arrays=copy_arrays),
                            self.window.view3d.camera_state())

    def _on_model_changed(self) -> None:
        if self._quiet or self._ended:
            return
        self._set_dirty(self.model.state.revision != self._saved_revision)
        if self._dirty:
            self._schedule_autosave()

    def _schedule_autosave(self) -> None:
        """Autosave after a pause, but no later than AUTOSAVE_MAX_MS after the first change."""
        if not self._timer.isActive():
            self._first_unsaved.start()
            self._timer.start(self.autosave_ms)
            return
        left = max(self.autosave_ms, AUTOSAVE_MAX_MS) - self._first_unsaved.elapsed()
        self._timer.start(max(0, min(self.autosave_ms, left)))

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self._update_title()
            self.dirtyChanged.emit(dirty)

    def _set_path(self, path: str | None) -> None:
        self.path = path
        self._update_title()
        self.pathChanged.emit(path or "")

    def _update_title(self) -> None:
        self.window.setWindowTitle(f"{self.display_name}[*] — {APP_NAME}")
        self.window.setWindowFilePath(self.path or "")
        self.window.setWindowModified(self._dirty)

    def _mark_clean(self, path: str | None) -> None:
        self._timer.stop()
        self._saved_revision = self.model.state.revision
        self._set_path(path)
        self._set_dirty(False)
        self._remove_autosave()

    @contextmanager
    def _replacing(self) -> Iterator[None]:
        """Model signals during a load are not user edits."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 8000)

    # --- user actions ----------------------------------------------------------------------

    def new_session(self) -> bool:
        """Start over on the default lesson (asks to save unsaved changes first)."""
        if not self._maybe_save("starting a new session"):
            return False
        with self._replacing():
            self.model.load_scene(DEFAULT_SCENE)
            scene = self.model.scene
            if scene is None or not scene.camera:
                self.window.view3d.reset_camera()
        self._mark_clean(None)
        self._status("New session")
        return True

    def open_dialog(self) -> bool:
        """Ask for a session file and open it."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open Session", self._dialog_dir(),
                                              FILE_FILTER)
        if not path or not self._maybe_save("opening another session"):
            return False
        return self.open_path(path)

    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Open a session file; on failure warn and keep the open session as it was."""
        path = os.path.abspath(os.fspath(path))
        try:
            self._apply(load_session(path), f"“{Path(path).name}”")
        except SessionError as e:
            if not os.path.exists(path):
                self._forget_recent(path)
            self._warn("Could Not Open Session", str(e))
            return False
        self._mark_clean(path)
        self._add_recent(path)
        self._status(f"Opened {self.display_name}")
        return True

    def save(self) -> bool:
        """Save to the current file, or ask for one."""
        return self.save_to(self.path) if self.path else self.save_as()

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        start = self.path or os.path.join(self._dialog_dir(), UNTITLED + SUFFIX)
        path, _ = QFileDialog.getSaveFileName(self.window, "Save Session As", start, FILE_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += SUFFIX
        return self.save_to(path)

    def save_to(self, path: str | os.PathLike[str]) -> bool:
        """Write the session to `path` atomically; on failure warn and stay dirty."""
        path = os.path.abspath(os.fspath(path))
        try:
            save_session(path, self.current_document())
        except SessionError as e:
            self._warn("Could Not Save Session", str(e))
            return False
        self._pool.waitForDone()  # an autosave in flight must not outlive the clean state
        self._mark_clean(path)
        self._add_recent(path)
        self._status(f"Saved {self.display_name}")
        return True

    def confirm_close(self) -> bool:
        """For the window's closeEvent: ask about unsaved changes; False means keep open.

        On True the session ends cleanly: autosave stops and its files are removed.
        """
        if not self._maybe_save("closing"):
            return False
        self.end_session()
        return True

    def end_session(self) -> None:
        """Clean quit: stop autosaving and remove the autosave and the running marker."""
        self._ended = True
        self._timer.stop()
        self._pool.waitForDone()
        if self.autosave_enabled:
            self._remove_autosave()
            _unlink(self.marker_path)

    def _maybe_save(self, doing: str) -> bool:
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self.window, "Unsaved Changes",
            f"Save changes to “{self.display_name}” before {doing}?",
            _Button.Save | _Button.Discard | _Button.Cancel, _Button.Save)
        if answer == _Button.Save:
            return self.save()
        return answer == _Button.Discard

    def _apply(self, doc: dict[str, Any], name: str) -> None:
        """Restore a (migrated) document; SessionError and no change if the model refuses it."""
        before = self.model.snapshot()
        camera = self.window.view3d.camera_state()
        self._pending_camera = None
        with self._replacing():
            try:
                self.model.restore(doc["model"])  # checks everything before replacing
            except Exception as e:  # noqa: BLE001 - a bug must not cost the open session
                if self.model.snapshot() != before:  # refused late: put everything back
                    self.model.restore(before)
                    self._set_camera(camera)
                raise SessionError(f"{name} could not be loaded: {e}") from None
            if doc.get("camera"):
                self._set_camera(doc["camera"])

    def _set_camera(self, camera: dict[str, Any]) -> None:
        self.window.view3d.set_camera_state(camera)
        # A costly surface still being computed off the UI thread gets framed by the window
        # when it arrives; the session's camera goes back on after that.
        pending = self.model.display_landscape is not self.model.landscape
        self._pending_camera = dict(camera) if pending else None

    def _on_surface_changed(self) -> None:
        if self._pending_camera is not None:
            camera, self._pending_camera = self._pending_camera, None
            # After every other slot of this signal, whatever order they connected in.
            QTimer.singleShot(0, self, lambda: self.window.view3d.set_camera_state(camera))

    def _warn(self, title: str, message: str) -> None:
        QMessageBox.warning(self.window, title, message)

    def _dialog_dir(self) -> str:
        for p in [self.path, *self.recent_files()]:
            if p and os.path.isdir(os.path.dirname(p)):
                return os.path.dirname(p)
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    # --- open recent -----------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        """Recently opened or saved sessions, newest first."""
        value = QSettings().value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(p) for p in value or [] if p][:MAX_RECENT]

    def _store_recent(self, paths: list[str]) -> None:
        QSettings().setValue(RECENT_KEY, paths[:MAX_RECENT])
        self._rebuild_recent_menu()

    def _add_recent(self, path: str) -> None:
        self._store_recent([path, *(p for p in self.recent_files() if p != path)])

    def _forget_recent(self, path: str) -> None:
        paths = self.recent_files()
        if path in paths:
            self._store_recent([p for p in paths if p != path])

    def clear_recent(self) -> None:
        """Empty the Open Recent menu."""
        self._store_recent([])

    def _rebuild_recent_menu(self) -> None:
        paths = self.recent_files()
        present = [p for p in paths if os.path.isfile(p)]
        if len(present) != len(paths):
            missing = [Path(p).name for p in paths if p not in present]
            QSettings().setValue(RECENT_KEY, present)
            self._status(f"Removed from Open Recent (no longer found): {', '.join(missing)}")
        menu = self.recent_menu
        menu.clear()
        for i, p in enumerate(present):
            action = menu.addAction(f"&{i + 1} {Path(p).name.replace('&', '&&')}")
            action.setData(p)
            action.setStatusTip(p)
            action.setToolTip(p)
            action.triggered.connect(lambda _=False, p=p: self._open_recent(p))
        if present:
            menu.addSeparator()
            menu.addAction("Clear Menu", self.clear_recent)
        menu.setEnabled(bool(present))

    def _open_recent(self, path: str) -> bool:
        if not self._maybe_save("opening another session"):
            return False
        return self.open_path(path)

    # --- autosave and recovery -------------------------------------------------------------

    def autosave_now(self) -> None:
        """Write the unsaved session to the autosave file (off the UI thread)."""
        if self._ended or not self._dirty or not self.autosave_enabled:
            return
        if self._pool.activeThreadCount():
            self._timer.start(self.autosave_ms)  # one write at a time; try again shortly
            return
        self._pool.start(_AutosaveJob(self.autosave_path, self.current_document(copy_arrays=True),
                                      self._autosave_signals))

    def _on_autosave_finished(self, error: str) -> None:
        if error:
            self._status(f"Autosave failed: {error}")
        else:
            self.autosaved.emit()

    def _remove_autosave(self) -> None:
        if not self.autosave_enabled:
            return
        self._pool.waitForDone()
        _unlink(self.autosave_path)

    def _write_marker(self) -> None:
        try:
            self.marker_path.parent.mkdir(parents=True, exist_ok=True)
            self.marker_path.write_text(json.dumps(
                {"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds")}))
        except OSError as e:
            self._status(f"Autosave is off: cannot write to {self.marker_path.parent} ({e})")

    def _find_crashed_autosave(self) -> tuple[dict[str, Any], QDateTime] | None:
        """The autosave of an earlier run that did not quit cleanly, if it can be read."""
        if not self.autosave_path.is_file():
            return None
        if not self.marker_path.exists():
            _unlink(self.autosave_path)  # left over from a clean quit: nothing to offer
            return None
        mtime = QDateTime.fromSecsSinceEpoch(int(self.autosave_path.stat().st_mtime))
        try:
            return load_session(self.autosave_path), mtime
        except SessionError as e:
            self._set_aside(str(e))
            return None

    def _set_aside(self, reason: str) -> None:
        """Keep an unreadable autosave under another name and tell the user once, later."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = self.autosave_path.with_name(f"autosave-unreadable-{stamp}{SUFFIX}")
        try:
            os.replace(self.autosave_path, kept)
        except OSError as e:
            _unlink(self.autosave_path)  # cannot keep it: it must not block every start
            self._recovery_notice = (f"Unsaved work from last time could not be recovered "
                                     f"and could not be kept ({e.strerror or e}): {reason}")
            return
        self._recovery_notice = (f"Unsaved work from last time could not be recovered: "
                                 f"{reason} The file is kept as {kept}")

    @property
    def recovery_available(self) -> bool:
        """True when an earlier run crashed and left unsaved work behind."""
        return self._recovery is not None

    @property
    def recovery_notice(self) -> str | None:
        """Why an autosave of an earlier run was set aside, until it has been shown."""
        return self._recovery_notice

    def offer_recovery(self) -> bool:
        """After a crash, ask to recover the autosaved work; returns True if it was restored.

        An autosave that could not be read was set aside at start-up: this says so, once, in
        the status bar, where the kept file is.
        """
        if self._recovery_notice is not None:
            self.window.statusBar().showMessage(self._recovery_notice, 60_000)
            self._recovery_notice = None
        if self._recovery is None:
            return False
        doc, mtime = self._recovery
        self._recovery = None
        when = QLocale().toString(mtime, QLocale.FormatType.ShortFormat)
        answer = QMessageBox.question(
            self.window, "Recover Unsaved Work",
            f"{APP_NAME} did not quit properly last time.\n\n"
            f"Recover unsaved work from {when}?",
            _Button.Yes | _Button.No, _Button.Yes)
        if answer != _Button.Yes:
            _unlink(self.autosave_path)
            return False
        try:
            self._apply(doc, "The autosaved work")
        except SessionError as e:
            self._set_aside(str(e))
            self._warn("Could Not Recover", self._recovery_notice or str(e))
            self._recovery_notice = None
            return False
        self._set_path(None)
        self._saved_revision = None
        self._set_dirty(True)
        self._status("Recovered unsaved work: save it to keep it")
        return True


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
