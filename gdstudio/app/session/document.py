"""The session document: its file, the revision saved there, the dirty flag and the title."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from ...io.session import APP_NAME, SessionError, load_session, new_document, save_session
from ..model import DEFAULT_SCENE
from .host import SessionHost

UNTITLED = "Untitled"


class SessionDocument(QObject):
    """The open session: path, saved revision, dirty flag and title; opens and saves files.

    Dirty means the state's revision differs from the one last saved or opened (None: never).
    Failures raise SessionError and leave the document as it was; dialogs are the menu's.
    """

    dirtyChanged = Signal(bool)
    pathChanged = Signal(str)
    edited = Signal()  # a user edit left the document unsaved
    cleaned = Signal()  # the document now equals its file (or a fresh start)

    def __init__(self, host: SessionHost) -> None:
        super().__init__(host.window())
        self.host, self.model = host, host.model
        self.camera = host.model.state.camera  # the 3D view reports into it and follows it
        self.path: str | None = None
        self._dirty = False
        self._saved_revision: int | None = self.model.state.revision
        self._quiet = False
        self._closed = False
        self.model.state.on_change(self._on_change)
        self._update_title()

    @property
    def dirty(self) -> bool:
        """True when the session has changes that are not saved to `path`."""
        return self._dirty

    @property
    def display_name(self) -> str:
        """The file name shown in the title and prompts ("Untitled" before a first save)."""
        return Path(self.path).name if self.path else UNTITLED

    def current(self, copy_arrays: bool = False) -> dict[str, Any]:
        """The session as it stands: model snapshot and the state's camera.

        `copy_arrays` keeps the data columns as numpy copies (cheap on the UI thread); the
        autosave worker turns them into JSON.
        """
        return new_document(self.model.snapshot(copy_arrays=copy_arrays), self.camera.to_dict())

    # --- changing the document -------------------------------------------------------------

    def start_new(self) -> None:
        """The default lesson, clean and untitled."""
        self.camera.take_hold()  # a camera waiting for an earlier session's surface
        with self._replacing():
            self.model.load_scene(DEFAULT_SCENE)
            scene = self.model.scene
            if scene is None or not scene.camera:
                self.host.view3d.reset_camera()
        self._mark_clean(None)

    def open(self, path: str | os.PathLike[str]) -> str:
        """Open the session file `path`; returns its absolute path. SessionError if refused."""
        path = os.path.abspath(os.fspath(path))
        self.apply(load_session(path), f"“{Path(path).name}”")
        self._mark_clean(path)
        return path

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the session to `path` atomically; returns the absolute path. (SessionError)."""
        path = os.path.abspath(os.fspath(path))
        save_session(path, self.current())
        self._mark_clean(path)
        return path

    def recover(self, doc: dict[str, Any]) -> None:
        """Show autosaved work as unsaved and untitled; SessionError if the model refuses it."""
        self.apply(doc, "The autosaved work")
        self._set_path(None)
        self._saved_revision = None
        self._set_dirty(True)

    def apply(self, doc: dict[str, Any], name: str) -> None:
        """Restore a (migrated) document; SessionError and no change if the model refuses it."""
        before, camera = self.model.snapshot(), self.camera.to_dict()
        self.camera.take_hold()  # a camera waiting for an earlier session's surface
        with self._replacing():
            try:
                self.model.restore(doc["model"])  # checks everything before replacing
            except Exception as e:  # noqa: BLE001 - a bug must not cost the open session
                if self.model.snapshot() != before:  # refused late: put everything back
                    self.model.restore(before)
                    self.camera.place(camera, hold=self._surface_pending())
                raise SessionError(f"{name} could not be loaded: {e}") from None
            if doc.get("camera"):
                # The view shows it now, and again on a surface still computed off the UI thread.
                self.camera.place(doc["camera"], hold=self._surface_pending())

    def _surface_pending(self) -> bool:
        """The landscape's surface is still being computed (the window will frame it)."""
        return self.model.display_landscape is not self.model.landscape

    def close(self) -> None:
        """The session ended: later changes are no longer edits of it."""
        self._closed = True

    # --- dirty, path, title ----------------------------------------------------------------

    def _on_change(self) -> None:
        if self._quiet or self._closed:
            return
        self._set_dirty(self.model.state.revision != self._saved_revision)
        if self._dirty:
            self.edited.emit()

    @contextmanager
    def _replacing(self) -> Iterator[None]:
        """Model changes during a load are not user edits."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _mark_clean(self, path: str | None) -> None:
        self._saved_revision = self.model.state.revision
        self._set_path(path)
        self._set_dirty(False)
        self.cleaned.emit()

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
        self.host.setWindowTitle(f"{self.display_name}[*] — {APP_NAME}")
        self.host.setWindowFilePath(self.path or "")
        self.host.setWindowModified(self._dirty)
