"""File ▸ Export…: pictures of the views, an animation of the race, trajectories, the data."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...io.export import export_dataset_csv
from ...io.export_formats import (
    ANIMATION_FORMATS,
    DATA_FORMATS,
    MAX_SIDE,
    PICTURE_FORMATS,
    VIEW_TITLES,
    VIEWS,
    ExportError,
)
from ..widgets import blocked
from .sources import ExportWindow, default_size, export

# (key, title, formats) of each thing the dialog exports.
TARGETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    *((view, VIEW_TITLES[view], PICTURE_FORMATS[view]) for view in VIEWS),
    ("animation", "Animation of the race", ANIMATION_FORMATS),
    ("trajectories", "Trajectories", DATA_FORMATS),
    ("dataset", "Dataset", ("csv",)),
)
FORMAT_TITLES = {
    "png": "PNG picture",
    "svg": "SVG vector drawing",
    "gif": "GIF animation",
    "mp4": "MP4 video (H.264)",
    "csv": "CSV table",
    "json": "JSON",
}
SIZE_PRESETS = ((1280, 720), (1920, 1080), (2560, 1440), (3840, 2160))
VIEW_SCALES = (2.0, 1.0)
CUSTOM = "custom"


@dataclass(frozen=True)
class ExportChoice:
    """What the dialog is set to export, and how."""

    target: str
    fmt: str
    size: tuple[int, int] | None
    transparent: bool = False
    view: str = "3d"
    fps: float = 20.0
    seconds: float = 5.0
    steps: int | None = None

    @property
    def view_key(self) -> str | None:
        """The view drawn (None for data)."""
        if self.target == "animation":
            return self.view
        return self.target if self.target in VIEW_TITLES else None


class ExportDialog(QDialog):
    """Choose what to export, its format, size and options; then a file name."""

    def __init__(self, window: ExportWindow) -> None:
        super().__init__(window.window())
        self.window_ = window
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.last_path: Path | None = None

        self.target_combo = QComboBox()
        self.target_combo.setObjectName("exportTarget")
        for key, title, _ in TARGETS:
            self.target_combo.addItem(title, key)
        # wide enough for the size row, so the dialog keeps its width as rows come and go
        self.target_combo.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 60)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormat")
        self.size_combo = QComboBox()
        self.size_combo.setObjectName("exportSize")
        self.width_spin, self.height_spin = QSpinBox(), QSpinBox()
        for spin, name in ((self.width_spin, "exportWidth"), (self.height_spin, "exportHeight")):
            spin.setObjectName(name)
            spin.setRange(16, MAX_SIDE)
            spin.setSuffix(" px")
        size_row = QHBoxLayout()
        size_row.addWidget(self.size_combo, 1)
        size_row.addWidget(self.width_spin)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_spin)
        self.transparent_check = QCheckBox("Transparent background")
        self.transparent_check.setObjectName("exportTransparent")
        self.transparent_check.setToolTip("Only the surface, paths and balls are opaque")

        form = self._form = QFormLayout()
        form.addRow("Export", self.target_combo)
        form.addRow("Format", self.format_combo)
        form.addRow("Size", size_row)
        form.addRow("", self.transparent_check)
        self._size_row = size_row

        self.animation_box = QGroupBox("Animation")
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("exportView")
        for key in VIEWS:
            self.view_combo.addItem(VIEW_TITLES[key], key)
        self.fps_spin = QSpinBox()
        self.fps_spin.setObjectName("exportFps")
        self.fps_spin.setRange(1, 60)
        self.fps_spin.setValue(20)
        self.fps_spin.setSuffix(" frames/s")
        self.seconds_spin = QDoubleSpinBox()
        self.seconds_spin.setObjectName("exportSeconds")
        self.seconds_spin.setRange(0.5, 120.0)
        self.seconds_spin.setDecimals(1)
        self.seconds_spin.setValue(5.0)
        self.seconds_spin.setSuffix(" s")
        self.steps_spin = QSpinBox()
        self.steps_spin.setObjectName("exportSteps")
        self.steps_spin.setRange(0, 10_000_000)
        self.steps_spin.setSpecialValueText("the whole race")
        self.steps_spin.setToolTip(
            "Steps the animation spans, from the start; the whole race "
            "runs until every optimizer stops"
        )
        anim = QFormLayout(self.animation_box)
        anim.addRow("View", self.view_combo)
        anim.addRow("Frame rate", self.fps_spin)
        anim.addRow("Length", self.seconds_spin)
        anim.addRow("Steps", self.steps_spin)
        self.frames_label = QLabel()
        self.frames_label.setObjectName("exportFrames")
        anim.addRow("", self.frames_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export…")
        self.buttons.accepted.connect(self._on_export_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)  # fits what is shown
        layout.addLayout(form)
        layout.addWidget(self.animation_box)
        layout.addWidget(self.buttons)

        self.target_combo.currentIndexChanged.connect(self._on_target_changed)
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self.view_combo.currentIndexChanged.connect(self._on_view_changed)
        self.size_combo.currentIndexChanged.connect(self._on_size_preset_changed)
        self.fps_spin.valueChanged.connect(self._update_frames_label)
        self.seconds_spin.valueChanged.connect(self._update_frames_label)
        self._on_target_changed()

    # --- state -----------------------------------------------------------------------------

    def choice(self) -> ExportChoice:
        """What the controls are set to."""
        target = self.target_combo.currentData()
        fmt = self.format_combo.currentData()
        sized = self.size_combo.isEnabled()
        steps = self.steps_spin.value()
        return ExportChoice(
            target,
            fmt,
            (self.width_spin.value(), self.height_spin.value()) if sized else None,
            transparent=self.transparent_check.isEnabled() and self.transparent_check.isChecked(),
            view=self.view_combo.currentData(),
            fps=float(self.fps_spin.value()),
            seconds=self.seconds_spin.value(),
            steps=steps if steps > 0 else None,
        )

    def select(self, target: str, fmt: str | None = None) -> None:
        """Choose what to export (and its format)."""
        self.target_combo.setCurrentIndex(self.target_combo.findData(target))
        if fmt is not None:
            self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))

    def set_size(self, width: int, height: int) -> None:
        """A custom picture size."""
        self.size_combo.setCurrentIndex(self.size_combo.findData(CUSTOM))
        self.width_spin.setValue(width)
        self.height_spin.setValue(height)

    # --- reacting to the controls ----------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Sizes and availability follow the window as it is now."""
        super().showEvent(event)
        self._refresh_availability()
        self._refresh_sizes()

    def _refresh_availability(self) -> None:
        model = self.window_.model
        has_3d = model.landscape.dim == 2
        for combo in (self.target_combo, self.view_combo):
            item = _items(combo).item(combo.findData("3d"))
            item.setEnabled(has_3d)
            if not has_3d and combo.currentData() == "3d":
                combo.setCurrentIndex(combo.findData("contour"))
        data_item = _items(self.target_combo).item(self.target_combo.findData("dataset"))
        data_item.setEnabled(model.is_data)
        if not model.is_data and self.target_combo.currentData() == "dataset":
            self.target_combo.setCurrentIndex(self.target_combo.findData("trajectories"))

    def _on_target_changed(self) -> None:
        target = self.target_combo.currentData()
        formats = next(f for key, _, f in TARGETS if key == target)
        with blocked(self.format_combo):
            self.format_combo.clear()
            for fmt in formats:
                self.format_combo.addItem(FORMAT_TITLES[fmt], fmt)
        self.animation_box.setVisible(target == "animation")
        self._on_format_changed()
        self._refresh_sizes()
        self._update_frames_label()

    def _on_format_changed(self) -> None:
        is_3d = self.target_combo.currentData() == "3d"
        self._form.setRowVisible(self.transparent_check, is_3d)
        self.transparent_check.setEnabled(is_3d and self.format_combo.currentData() == "png")

    def _on_view_changed(self) -> None:
        self._refresh_sizes()

    def _drawn_view(self) -> str | None:
        target = self.target_combo.currentData()
        view: str | None = (
            self.view_combo.currentData()
            if target == "animation"
            else (target if target in VIEW_TITLES else None)
        )
        return view

    def _refresh_sizes(self) -> None:
        """Presets: 2× and 1× the view's size, common screen sizes up to 4K, custom."""
        view = self._drawn_view()
        sized = view is not None and view != "window"
        for widget in (self.size_combo, self.width_spin, self.height_spin):
            widget.setEnabled(sized)
        self._form.setRowVisible(self._size_row, view is not None)
        if view is None:
            return
        window = self.window_
        previous = self.size_combo.currentData()
        with blocked(self.size_combo):
            self.size_combo.clear()
            if view == "window":
                w, h = default_size(window, "window")
                self.size_combo.addItem(f"The window's size ({w}×{h})", (w, h))
            else:
                for scale in VIEW_SCALES:
                    w, h = default_size(window, view, scale)
                    self.size_combo.addItem(f"{scale:g}× the view ({w}×{h})", (w, h))
                for w, h in SIZE_PRESETS:
                    self.size_combo.addItem(f"{w}×{h}", (w, h))
                self.size_combo.addItem("Custom", CUSTOM)
            animated = self.target_combo.currentData() == "animation"
            index = 1 if animated and view != "window" else 0
            if previous == CUSTOM:
                index = self.size_combo.findData(CUSTOM)
            self.size_combo.setCurrentIndex(index)
        self._on_size_preset_changed()

    def _on_size_preset_changed(self) -> None:
        data = self.size_combo.currentData()
        custom = data == CUSTOM
        self.width_spin.setReadOnly(not custom)
        self.height_spin.setReadOnly(not custom)
        if not custom and data is not None:
            self.width_spin.setValue(data[0])
            self.height_spin.setValue(data[1])

    def _update_frames_label(self) -> None:
        frames = max(1, round(self.fps_spin.value() * self.seconds_spin.value()))
        self.frames_label.setText(f"{frames} frames")

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
        window.stepper.pause()
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
                        window, choice.view_key, path, width, height, transparent=choice.transparent
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
            )
        finally:
            progress.close()
            progress.deleteLater()


def install_export_action(window: ExportWindow) -> QAction:
    """Add File ▸ Export… (Ctrl+E) before Quit; it opens the window's one ExportDialog."""
    existing = window.actions_by_name.get("export")
    if existing is not None:
        return existing
    action = QAction("&Export…", window.window())
    action.setObjectName("action_export")
    action.setShortcut(QKeySequence("Ctrl+E"))
    action.setStatusTip("Export a picture, an animation of the race, trajectories or the data")

    def open_dialog() -> None:
        dialog = export_dialog_of(window.window()) or ExportDialog(window)
        dialog.open()

    action.triggered.connect(open_dialog)
    window.window().addAction(action)
    menu = window.file_menu
    quit_action = window.actions_by_name.get("quit")
    before = quit_action if quit_action in menu.actions() else None
    if before is None:
        menu.addAction(action)
    else:
        menu.insertAction(before, action)
        menu.insertSeparator(before)
    window.actions_by_name["export"] = action
    return action


def _items(combo: QComboBox) -> QStandardItemModel:
    """A combo box's items (a QComboBox keeps them in a QStandardItemModel)."""
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    return model


def export_dialog_of(window: QWidget) -> ExportDialog | None:
    """The window's export dialog once File ▸ Export… has opened it."""
    return window.findChild(ExportDialog, "exportDialog")
