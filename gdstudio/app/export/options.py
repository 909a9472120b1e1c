"""The Export dialog's options form: what to export, its format, size and animation settings."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QShowEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSpinBox,
    QVBoxLayout,
)

from ...io.export_formats import (
    ANIMATION_FORMATS,
    DATA_FORMATS,
    MAX_SIDE,
    PICTURE_FORMATS,
    VIEW_TITLES,
    VIEWS,
)
from ..widgets import blocked
from .decor import ALL, Decorations, shows_legend, shows_title
from .sources import ExportWindow, default_size

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
    decorations: Decorations = ALL

    @property
    def view_key(self) -> str | None:
        """The view drawn (None for data)."""
        if self.target == "animation":
            return self.view
        return self.target if self.target in VIEW_TITLES else None


class ExportOptions(QDialog):
    """The options form (a dialog without buttons): the controls and how they follow each other."""

    def __init__(self, window: ExportWindow) -> None:
        super().__init__(window.window())
        self.window_ = window

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
        self.title_check = QCheckBox("Title")
        self.title_check.setObjectName("exportTitle")
        self.title_check.setToolTip("The lesson's (or the landscape's) title above the view")
        self.legend_check = QCheckBox("Legend")
        self.legend_check.setObjectName("exportLegend")
        for check in (self.title_check, self.legend_check):
            check.setChecked(True)
        decor_row = self._decor_row = QHBoxLayout()
        decor_row.addWidget(self.title_check)
        decor_row.addWidget(self.legend_check)
        decor_row.addStretch(1)

        form = self._form = QFormLayout()
        form.addRow("Export", self.target_combo)
        form.addRow("Format", self.format_combo)
        form.addRow("Size", size_row)
        form.addRow("", self.transparent_check)
        form.addRow("Show", decor_row)
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
        self.counter_check = QCheckBox("Step counter")
        self.counter_check.setObjectName("exportStepCounter")
        self.counter_check.setChecked(True)
        self.counter_check.setToolTip("The steps taken so far, at the top right of every frame")
        anim.addRow("", self.counter_check)
        self.frames_label = QLabel()
        self.frames_label.setObjectName("exportFrames")
        anim.addRow("", self.frames_label)

        layout = self._layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)  # fits what is shown
        layout.addLayout(form)
        layout.addWidget(self.animation_box)

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
            decorations=Decorations(
                title=self.title_check.isChecked(),
                legend=self.legend_check.isChecked(),
                step_counter=self.counter_check.isChecked(),
            ),
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
        self._refresh_decor()
        self._update_frames_label()

    def _on_format_changed(self) -> None:
        is_3d = self.target_combo.currentData() == "3d"
        self._form.setRowVisible(self.transparent_check, is_3d)
        self.transparent_check.setEnabled(is_3d and self.format_combo.currentData() == "png")

    def _on_view_changed(self) -> None:
        self._refresh_sizes()
        self._refresh_decor()

    def _refresh_decor(self) -> None:
        """Title and legend go with pictures; the plots and the window show their own legend."""
        view = self._drawn_view()
        self._form.setRowVisible(self._decor_row, view is not None and shows_title(view))
        own = view is not None and not shows_legend(view)
        self.legend_check.setEnabled(not own)
        self.legend_check.setToolTip(
            "The plots show their own legend"
            if own
            else "The racers' names in their colours, above the view"
        )

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


def _items(combo: QComboBox) -> QStandardItemModel:
    """A combo box's items (a QComboBox keeps them in a QStandardItemModel)."""
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    return model
