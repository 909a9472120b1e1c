"""The points as a table: a virtual, editable model over the dataset and a view synced with
the selection. Edits go through the undo stack."""

from __future__ import annotations

from functools import cache

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ...core.data import MAX_ABS
from ...theme import BACKGROUND, CLASS_COLORS
from ..commands import MovePoint, SetLabel
from ..model import StudioModel
from .format import MINUS
from .selection import DataSelection, unique_indices
from .turns import TURNS

# Selecting more separate runs of rows than this in the table would make it crawl.
MAX_SYNCED_RUNS = 5_000

Index = QModelIndex | QPersistentModelIndex


@cache
def class_icon(label: int) -> QIcon:
    """A small marker in the class's colour: square for class 0, disc for class 1."""
    pix = QPixmap(14, 14)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(CLASS_COLORS[label]))
    p.setPen(QColor(BACKGROUND))
    if label:
        p.drawEllipse(1, 1, 12, 12)
    else:
        p.drawRect(2, 2, 10, 10)
    p.end()
    return QIcon(pix)


def parse_number(text: str) -> float | None:
    """A float from user text (accepts a real minus sign), or None."""
    try:
        return float(str(text).strip().replace(MINUS, "-"))
    except ValueError:
        return None


class PointsTableModel(QAbstractTableModel):
    """Rows are points; columns x, y (or x, class for logistic regression)."""

    def __init__(self, model: StudioModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._shape = (self._live_rows(), self.columns)  # what the views were told

    @property
    def columns(self) -> tuple[str, str]:
        """Column titles for the current loss."""
        return ("x", "class") if self.model.loss == "bce" else ("x", "y")

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per point (none on analytic landscapes), as of the last refresh."""
        return 0 if parent.isValid() else self._shape[0]

    def _live_rows(self) -> int:
        return len(self.model.dataset) if self.model.is_data else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """x and y (or class)."""
        return 0 if parent.isValid() else 2

    def _value(self, row: int, col: int) -> float:
        ds = self.model.dataset
        if col == 0:
            return float(ds.x[row])
        return float(ds.label[row] if self.model.loss == "bce" else ds.y[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Numbers as text; editing shows the exact value."""
        if not index.isValid() or index.row() >= len(self.model.dataset):
            return None
        row, col = index.row(), index.column()
        is_class = col == 1 and self.model.loss == "bce"
        if role == Qt.ItemDataRole.DisplayRole:
            v = self._value(row, col)
            return str(int(v)) if is_class else f"{v:.6g}".replace("-", MINUS)
        if role == Qt.ItemDataRole.EditRole:
            v = self._value(row, col)
            return str(int(v)) if is_class else repr(v)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole and is_class:
            return class_icon(int(self._value(row, col)))
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                "Class 0 or 1: double-click to change"
                if is_class
                else "Double-click to type a new value (Ctrl+Z undoes it)"
            )
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles; rows numbered from 1."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if 0 <= section < 2 else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Every cell is editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Push the edit as an undoable command; refuse a non-number, |v| > MAX_ABS, a bad class."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        v = parse_number(str(value))
        if v is None or not abs(v) <= MAX_ABS:  # NaN and inf fail too
            return False
        row, col = index.row(), index.column()
        ds, stack = self.model.dataset, self.model.undo_stack
        if col == 1 and self.model.loss == "bce":
            if v not in (0.0, 1.0):
                return False
            if v != ds.label[row]:
                stack.push(SetLabel(self.model, row, int(v)))
            return True
        x, y = float(ds.x[row]), float(ds.y[row])
        x, y = (v, y) if col == 0 else (x, v)
        if (x, y) != (ds.x[row], ds.y[row]):
            stack.push(MovePoint(self.model, row, x, y))
        return True

    def refresh(self) -> bool:
        """The dataset changed: rows added or taken off at the end, or a reset when the columns
        changed; every row repainted. Returns True when the rows changed."""
        (old_rows, old_columns), shape = self._shape, (self._live_rows(), self.columns)
        rows = shape[0]
        if old_columns != shape[1]:
            self._shape = shape
            self.beginResetModel()
            self.endResetModel()
            return True
        # Rows change at the end only: the rows before keep their place (and the view its
        # layout), which a reset would rebuild for every row.
        if rows > old_rows:
            self.beginInsertRows(QModelIndex(), old_rows, rows - 1)
            self._shape = shape
            self.endInsertRows()
        elif rows < old_rows:
            self.beginRemoveRows(QModelIndex(), rows, old_rows - 1)
            self._shape = shape
            self.endRemoveRows()
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, 1))
        return rows != old_rows


class RowNumbers(QHeaderView):
    """The row numbers, fixed height: as wide as the first and last numbers need.

    Qt's own size hint measures the first and last 100 rows, asking the model for each of
    them several times, after every added or removed point.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def sizeHint(self) -> QSize:
        """The first and last rows' sizes, expanded to each other (the numbers only grow)."""
        n = self.count()
        if n == 0:
            return super().sizeHint()
        return self.sectionSizeFromContents(0).expandedTo(self.sectionSizeFromContents(n - 1))


class PointsTable(QTableView):
    """A table of the points whose row selection mirrors the shared DataSelection."""

    def __init__(
        self, model: StudioModel, selection: DataSelection, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.points = PointsTableModel(model, self)
        self.selection = selection
        self.setModel(self.points)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows = RowNumbers(self)
        self.setVerticalHeader(rows)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.setToolTip(
            "The points: select rows to select points in the plot, double-click a "
            "cell to edit it; Delete removes the selected points"
        )
        self._syncing = False
        self._stale = False  # the data changed while hidden: refreshed when shown
        self._due: set[str] = set()  # what the next sync shows: "rows", "selection"
        self._sync_posted = False
        self.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        selection.changed.connect(self._on_selection_changed)

    def refresh(self) -> None:
        """Show the current dataset, keeping the shared selection, soon: in a turn of the
        event loop of its own (an edit's click returns at once); when shown next, if hidden."""
        if not self.isVisible():
            self._stale = True
            return
        self._due.add("rows")
        self._sync_soon()

    @property
    def settled(self) -> bool:
        """Whether the table shows the data and the selection as they are (nothing due)."""
        return not self._due

    def _sync_soon(self) -> None:
        if not self._sync_posted:
            self._sync_posted = True
            TURNS.soon(self, "sync", self._sync)

    def _sync(self) -> None:
        self._sync_posted = False
        due, self._due = self._due, set()
        if not self.isVisible():
            self._stale = self._stale or bool(due)
            return
        if "rows" in due:
            self._refresh_rows()
        if "selection" in due:
            self._show_selection(scroll=True)

    def _refresh_rows(self) -> None:
        self._stale = False
        self._syncing = True
        try:
            rows_changed = self.points.refresh()
        finally:
            self._syncing = False
        if rows_changed:
            self.updateGeometries()  # the scroll range now, for a scroll to a new row
            self._show_selection()

    def selected_rows(self) -> np.ndarray:
        """Rows selected in the table view, ascending."""
        sel = self.selectionModel().selection()
        ranges = (sel.at(i) for i in range(sel.count()))
        parts = [np.arange(r.top(), r.bottom() + 1) for r in ranges]
        return unique_indices(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)

    def _on_table_selection_changed(self, *_: object) -> None:
        if not self._syncing:
            self.selection.set(self.selected_rows(), source=self)

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with the edits made while hidden."""
        super().showEvent(event)
        if self._stale:
            self._refresh_rows()
            self._show_selection()

    def _on_selection_changed(self, source: object) -> None:
        if not self.isVisible():
            self._stale = True
        elif source is not self:
            self._due.add("selection")
            self._sync_soon()

    def _show_selection(self, scroll: bool = False) -> None:
        """Select the shared selection's rows (contiguous runs as ranges)."""
        idx = self.selection.indices
        idx = idx[idx < self.points.rowCount()]
        sel = QItemSelection()
        if len(idx):
            breaks = np.flatnonzero(np.diff(idx) != 1)
            starts = np.concatenate([[idx[0]], idx[breaks + 1]])
            ends = np.concatenate([idx[breaks], [idx[-1]]])
            if len(starts) <= MAX_SYNCED_RUNS:
                for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                    sel.select(self.points.index(a, 0), self.points.index(b, 1))
        self._syncing = True
        try:
            self.selectionModel().select(
                sel,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._syncing = False
        if scroll and len(idx) and not self._row_shown(int(idx[0])):
            self.scrollTo(self.points.index(int(idx[0]), 0))

    def _row_shown(self, row: int) -> bool:
        """True when the whole row is in the viewport already (no scroll needed)."""
        top = self.rowViewportPosition(row)
        return top >= 0 and top + self.rowHeight(row) <= self.viewport().height()
