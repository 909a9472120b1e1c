"""DataPanel: the Data dock — scatter editor, table, data actions and the fit's loss settings."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.data import Dataset, DataWarning, load_csv
from ...io.atomic import write_text_atomic
from ..commands import ReplaceDataset
from ..model import StudioModel
from ..widgets import blocked
from .dialogs import GenerateDialog, GenerateSpec
from .fit_bar import build_fit_widgets
from .flow import FlowLayout
from .plot import DataPlot
from .selection import DataSelection
from .table import PointsTable

TABLE_WIDTH = 250  # pixels beside the plot: row numbers up to 1,000,000 and two numbers
CSV_FILTER = "CSV files (*.csv);;All files (*)"
ANALYTIC_HINT = "Pick a line-fit landscape or the Linear regression lesson to edit data"


class DataPanel(QWidget):
    """The Data dock: edit the points of a line (or logistic) fit and choose its loss."""

    # The fit's controls (built by fit_bar.build_fit_widgets)
    loss_combo: QComboBox
    delta_spin: QDoubleSpinBox
    class_group: QButtonGroup
    class_buttons: dict[int, QToolButton]
    classes_row: QWidget
    normalize_check: QCheckBox
    restart_check: QCheckBox

    def __init__(self, model: StudioModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.selection = DataSelection(self)
        self._dataset = model.dataset
        self._last_dir = ""
        self.generate_dialog = GenerateDialog(self)

        self.plot = DataPlot(model, self.selection)
        self.plot.setObjectName("dataPlot")
        self.table = PointsTable(model, self.selection)
        self.table.setObjectName("pointsTable")
        self.table.setAccessibleName("Data points")
        self.table.setAccessibleDescription("One row per point: x, y (and the class); editable")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.plot)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.table.setMinimumWidth(150)
        self._laid_out = False

        self._build_actions()
        editor = QWidget()
        lay = QVBoxLayout(editor)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self._build_bar())
        lay.addWidget(self.splitter, 1)
        self.hint = QLabel(ANALYTIC_HINT)
        self.hint.setObjectName("dataHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setMargin(24)
        self.hint.setStyleSheet("color: palette(placeholder-text); font-size: 11pt;")
        self.stack = QStackedWidget()
        self.stack.addWidget(editor)
        self.stack.addWidget(self.hint)
        self.editor = editor
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

        self.selection.changed.connect(self._on_selection_changed)
        model.landscapeChanged.connect(self._on_landscape_changed)
        model.dataChanged.connect(self._on_data_changed)
        model.settingsChanged.connect(self._sync_controls)
        model.sceneChanged.connect(self._sync_controls)
        self._on_landscape_changed()
        self._on_selection_changed(None)

    # --- construction ----------------------------------------------------------------------

    def _action(self, text: str, tip: str, slot: Callable[[], object]) -> QAction:
        a = QAction(text, self)
        a.setToolTip(tip)
        a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        return a

    def _build_actions(self) -> None:
        self.generate_action = self._action(
            "Generate…",
            "Replace the points with n new ones on a noisy line (seeded)",
            self.generate_with_dialog,
        )
        self.clear_action = self._action(
            "Clear", "Remove every point (Ctrl+Z brings them back)", self.clear_data
        )
        self.import_action = self._action(
            "Import CSV…",
            "Load points from a CSV file with columns x,y (and label for logistic regression)",
            self.import_csv,
        )
        self.export_action = self._action(
            "Export CSV…", "Save the points as a CSV file", self.export_csv
        )
        # Short names on the buttons; the menus and tooltips keep the long ones.
        self.import_action.setIconText("Import")
        self.export_action.setIconText("Export")
        self.fit_view_action = self._action("Fit view", "Frame all the points", self.plot.fit_view)
        self.delete_action = self._action(
            "Delete points",
            "Remove the selected points (Delete or Backspace)",
            self.delete_selected,
        )
        self.delete_action.setShortcuts(
            [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)]
        )
        # Active while the focus is anywhere in the panel; text fields keep their own keys.
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.delete_action)

    def _build_bar(self) -> QWidget:
        """The data actions and the fit's settings, in rows that wrap to the dock's width:
        every one stays in sight (a tool bar hides what does not fit behind »)."""
        bar = QWidget()
        bar.setObjectName("dataBar")
        flow = FlowLayout(bar)
        self._buttons: dict[QAction, QToolButton] = {}
        for a in (
            self.generate_action,
            self.import_action,
            self.export_action,
            self.clear_action,
            self.fit_view_action,
            self.delete_action,
        ):
            button = QToolButton()
            button.setDefaultAction(a)
            button.setAutoRaise(True)
            self._buttons[a] = button
            flow.add(button)
        for widget in self._fit_widgets():
            flow.add(widget)
        return bar

    def button_for(self, action: QAction) -> QToolButton:
        """The button in the panel's bar that triggers `action`."""
        return self._buttons[action]

    def _fit_widgets(self) -> list[QWidget]:
        """The loss and its settings (built by fit_bar), for the panel's bar."""
        widgets = build_fit_widgets(self)
        self.loss_combo.currentIndexChanged.connect(self._on_loss_picked)
        self.class_group.idToggled.connect(self._on_class_toggled)
        return widgets

    # --- public actions ----------------------------------------------------------------------

    @property
    def classes(self) -> bool:
        """True while the data are classes for logistic regression."""
        return self.model.loss == "bce"

    def generate_with_dialog(self) -> None:
        """Ask for n, slope, intercept, noise and seed, then generate."""
        self.generate_dialog.set_classes(self.classes)
        if self.generate_dialog.exec() == QDialog.DialogCode.Accepted:
            self.generate(self.generate_dialog.spec())

    def generate(self, spec: GenerateSpec) -> None:
        """Replace the points with generated ones (one undo step)."""
        self.model.undo_stack.push(
            ReplaceDataset(
                self.model, spec.dataset(classes=self.classes), f"Generate {spec.n:,} points"
            )
        )
        self.plot.fit_view()

    def clear_data(self) -> None:
        """Remove every point (one undo step)."""
        if len(self.model.dataset):
            empty = Dataset([], [], [] if self.classes else None)
            self.model.undo_stack.push(ReplaceDataset(self.model, empty, "Clear data"))

    def delete_selected(self) -> None:
        """Remove the selected points (one undo step)."""
        self.plot.remove_points(self.selection.indices)

    def import_csv(self, path: str | None = None) -> bool:
        """Load points from CSV (asks for the file without `path`); a bad file changes nothing.

        A refusal names the line and column; what was read past (an unused column) is told
        after the points are in.
        """
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import points", self._last_dir, CSV_FILTER)
            if not path:
                return False
        self._last_dir = str(Path(path).parent)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", DataWarning)
                ds = load_csv(path, require_label=self.classes)
        except ValueError as e:  # DataError names the line and column
            QMessageBox.warning(
                self,
                "Import CSV",
                f"The points were not imported:\n\n{e}\n\nThe data is unchanged.",
            )
            return False
        name = Path(path).name
        self.model.undo_stack.push(ReplaceDataset(self.model, ds, f"Import {name}"))
        self.plot.fit_view()
        notes = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
        if notes:
            QMessageBox.information(
                self,
                "Import CSV",
                f"Imported {len(ds):,} points from {name}.\n\n" + "\n".join(notes),
            )
        return True

    def export_csv(self, path: str | None = None) -> bool:
        """Save the points as CSV, atomically (asks for the file without `path`)."""
        if path is None:
            start = str(Path(self._last_dir) / "points.csv") if self._last_dir else "points.csv"
            path, _ = QFileDialog.getSaveFileName(self, "Export points", start, CSV_FILTER)
            if not path:
                return False
            if not Path(path).suffix:
                path += ".csv"
        self._last_dir = str(Path(path).parent)
        try:
            write_text_atomic(path, self.model.dataset.to_csv())
        except OSError as e:
            QMessageBox.warning(self, "Export CSV", f"Could not write {path}:\n{e.strerror or e}")
            return False
        return True

    # --- model → widgets ---------------------------------------------------------------------

    def _on_landscape_changed(self) -> None:
        # The table follows dataChanged, which the model emits after every landscapeChanged.
        self.stack.setCurrentWidget(self.editor if self.model.is_data else self.hint)
        self._sync_controls()

    def _on_data_changed(self) -> None:
        if self.model.dataset is not self._dataset:
            self._dataset = self.model.dataset
            self.selection.clear()
        self.table.refresh()

    def _sync_controls(self, *_: object) -> None:
        m = self.model
        loss = m.loss
        with blocked(self.loss_combo):
            if loss is not None:
                self.loss_combo.setCurrentIndex(self.loss_combo.findData(loss))
        self.delta_spin.setVisible(loss == "huber")
        self.classes_row.setVisible(loss == "bce")

    def _on_selection_changed(self, _source: object) -> None:
        self.delete_action.setEnabled(len(self.selection) > 0)

    # --- widgets → model ---------------------------------------------------------------------

    def _on_loss_picked(self, index: int) -> None:
        self.model.set_loss(self.loss_combo.itemData(index))

    def _on_class_toggled(self, label: int, checked: bool) -> None:
        if checked:
            self.plot.default_class = label

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Table beside the plot in a wide dock, below it in a tall one."""
        super().resizeEvent(event)
        size = event.size()
        orientation = (
            Qt.Orientation.Horizontal
            if size.width() > 1.2 * size.height()
            else Qt.Orientation.Vertical
        )
        if orientation != self.splitter.orientation() or not self._laid_out:
            self._laid_out = True
            self.splitter.setOrientation(orientation)
            wide = orientation == Qt.Orientation.Horizontal
            length = size.width() if wide else size.height()
            table = max(TABLE_WIDTH, length // 4) if wide else length // 3
            self.splitter.setSizes([length - table, table])
