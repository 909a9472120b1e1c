"""File ▸ Export…: pictures of the views, an animation of the race, trajectories, the data."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from ...io.export import export_dataset_csv
from ...io.export_formats import ExportError
from .options import FORMAT_TITLES, ExportChoice, ExportOptions
from .sources import ExportWindow, export


class ExportDialog(ExportOptions):
    """Choose what to export, its format, size and options; then a file name."""

    def __init__(self, window: ExportWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.last_path: Path | None = None
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export…")
        self.buttons.accepted.connect(self._on_export_clicked)
        self.buttons.rejected.connect(self.reject)

        self._layout.addWidget(self.buttons)

    # --- exporting -------------------------------------------------------------------------------

    def _on_export_clicked(self) -> None:
        choice = self.choice()
        path = self.ask_path(choice)
        if path is None:
            return
        if self.export_to(choice, path):
            self.accept()

    def ask_path(self, choice: ExportChoice) -> Path | None:
        """Ask where to write (None if the user cancels); the extension follows the format."""
        folder = (
            self.last_path.parent
            if self.last_path
            else Path(
                QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
                or Path.home()
            )
        )
        suggested = folder / f"{self._base_name(choice)}.{choice.fmt}"
        pattern = f"{FORMAT_TITLES[choice.fmt]} (*.{choice.fmt})"
        name, _ = QFileDialog.getSaveFileName(self, "Export", os.fspath(suggested), pattern)
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != f".{choice.fmt}":
            path = path.with_name(path.name + f".{choice.fmt}")
        return path

    def _base_name(self, choice: ExportChoice) -> str:
        model = self.window_.model
        stem = model.scene.id if model.scene is not None else model.landscape_name
        part = {"animation": f"{choice.view}-animation"}.get(choice.target, choice.target)
        return f"{stem}-{part}"

    def export_to(self, choice: ExportChoice, path: Path) -> bool:
        """Write `choice` to `path`; a message on failure; False if it failed or was cancelled."""
        window = self.window_
        was_playing = window.stepper.playing
        window.stepper.pause()  # the picture shows one moment; the race goes on after it
        try:
            return self._export(choice, path)
        finally:
            if was_playing:
                window.stepper.play()

    def _export(self, choice: ExportChoice, path: Path) -> bool:
        window = self.window_
        try:
            if choice.target == "dataset":
                export_dataset_csv(window.model.dataset, path)
                done = True
            elif choice.target == "animation":
                done = self._export_animation(choice, path)
            else:
                width, height = choice.size if choice.size is not None else (None, None)
                QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                try:
                    done = export(
                        window,
                        choice.view_key,
                        path,
                        width,
                        height,
                        transparent=choice.transparent,
                        decorations=choice.decorations,
                    )
                finally:
                    QApplication.restoreOverrideCursor()
        except (ExportError, OSError, ValueError) as e:
            QMessageBox.warning(self, "Export failed", f"Could not export “{path.name}”: {e}")
            return False
        self.last_path = path
        if done:
            window.statusBar().showMessage(f"Exported {path}", 8000)
        else:
            window.statusBar().showMessage("Export cancelled: nothing was written", 8000)
        return done

    def _export_animation(self, choice: ExportChoice, path: Path) -> bool:
        frames = max(1, round(choice.fps * choice.seconds))
        progress = QProgressDialog("Rendering the animation…", "Cancel", 0, frames, self)
        progress.setObjectName("exportProgress")
        progress.setWindowTitle("Export")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setValue(0)

        def on_progress(done: int, total: int) -> bool:
            progress.setValue(done)
            progress.setLabelText(f"Rendering frame {done} of {total}…")
            QApplication.processEvents()
            return not progress.wasCanceled()

        width, height = choice.size if choice.size is not None else (None, None)
        try:
            return export(
                self.window_,
                choice.view,
                path,
                width,
                height,
                fps=choice.fps,
                seconds=choice.seconds,
                steps=choice.steps,
                progress=on_progress,
                decorations=choice.decorations,
            )
        finally:
            progress.close()
            progress.deleteLater()


def export_dialog_of(window: QWidget) -> ExportDialog | None:
    """The window's export dialog once File ▸ Export… has opened it."""
    return window.findChild(ExportDialog, "exportDialog")
