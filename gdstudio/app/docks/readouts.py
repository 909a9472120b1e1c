"""ReadoutsPanel: a table of each enabled racer's rank, parameters, loss, |∇L|, steps and status.

The rank column is a live leaderboard (see `finish_order`). A landscape of more than
MAX_PARAM_COLUMNS parameters (a network's weights) shows one column instead, the norm ‖θ‖ of
the racer's parameter vector, headed with how many there are.

While the race plays the numbers refresh at a readable rate (READ_EVERY_MS), not on every
tick; paused, every change shows at once. A hidden panel refreshes when shown again.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.run import Run
from ...core.run_base import CONVERGED, DIVERGED
from ...theme import STATUS_COLORS
from ..model import RunConfig, StudioModel

MISSING = "—"
_NUMBER_ALIGN = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_WIDEST_NUMBER = "-8.888e-88"
READ_EVERY_MS = 100  # while playing, the numbers change at most this often (10 a second)
MAX_PARAM_COLUMNS = 4  # more parameters than this: one ‖θ‖ column


def param_headers(names: tuple[str, ...] | list[str]) -> list[str]:
    """The parameter columns' headers: one per parameter, or one ‖θ‖ column for many."""
    if len(names) > MAX_PARAM_COLUMNS:
        return [f"‖θ‖ ({len(names)} weights)"]
    return list(names)


def format_number(x: float | None) -> str:
    """Four significant digits, scientific (short exponent) when tiny or huge; '—' if not finite."""
    if x is None or not math.isfinite(x):
        return MISSING
    if x == 0.0:
        return "0"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.4g}"
    mantissa, exponent = f"{x:.3e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


def _finish_key(run: Run) -> tuple[int, float]:
    """Converged first (fewest steps first), then by loss (lower first), diverged last."""
    if run.status == CONVERGED:
        return 0, float(run.status_step or 0)
    if run.status == DIVERGED:
        return 2, -float(run.status_step or 0)  # lasting longer before blowing up ranks higher
    loss = float(run.loss)
    return 1, loss if math.isfinite(loss) else math.inf


def finish_order(runs: list[Run]) -> list[int]:
    """Each run's rank (1 is best): by steps to tolerance, then final loss; ties share a rank."""
    keys = [_finish_key(run) for run in runs]
    return [1 + sum(other < key for other in keys) for key in keys]


def _swatch(color: str, size: int = 12) -> QIcon:
    """A square of the run's colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class ReadoutsPanel(QWidget):
    """One table row per enabled run; numbers refresh after steps, rows on run changes."""

    def __init__(self, model: StudioModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._rows: list[tuple[RunConfig, list[QTableWidgetItem]]] = []
        self._layout: list[object] = []
        self._stale = False  # steps not shown yet
        self._pace = QTimer(self)
        self._pace.setSingleShot(True)
        self._pace.setInterval(READ_EVERY_MS)
        self._pace.timeout.connect(self._refresh)

        self.table = QTableWidget(0, 0)
        self.table.setObjectName("readoutsTable")
        self.table.setAccessibleName("Readouts")
        self.table.setAccessibleDescription(
            "One row per racer: rank, parameters, loss, |∇L|, steps, lr and status"
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # Reached by Tab and F6 (keyboard and screen-reader users read it cell by cell); a
        # click leaves the keys where they were, so Space and → still run the race.
        self.table.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

        model.runsChanged.connect(self._on_runs_changed)
        model.runsReset.connect(self._on_runs_changed)
        model.landscapeChanged.connect(self._on_runs_changed)
        model.runChanged.connect(self._on_run_changed)
        model.stepped.connect(self._on_stepped)
        model.playingChanged.connect(self._on_run_changed)
        model.settingsChanged.connect(self._on_run_changed)  # max steps, tol: a new status
        self._on_runs_changed()

    def columns(self) -> list[str]:
        """Header labels, left to right."""
        names = param_headers(self.model.landscape.param_names)
        return ["run", "rank", *names, "loss", "|∇L|", "steps", "lr", "epoch", "status"]

    def row_texts(self, row: int) -> dict[str, str]:
        """The text of one row, by column header (what a refresh due now shows)."""
        if self._stale:
            self._update_cells()
        items = self._rows[row][1]
        return {h: item.text() for h, item in zip(self.columns(), items, strict=True)}

    def _values(self, cfg: RunConfig, rank: int) -> list[str]:
        run = cfg.live_run
        epoch = run.epoch
        params = run.params
        if len(params) > MAX_PARAM_COLUMNS:
            params = np.array([np.linalg.norm(params)])
        return [
            cfg.title,
            str(rank),
            *(format_number(float(p)) for p in params),
            format_number(run.loss),
            format_number(run.grad_norm),
            str(run.steps),
            format_number(run.lr if not run.running else run.next_lr),
            "" if epoch is None else f"{epoch:.2f}",
            run.status_text(self.model.playing),
        ]

    def _on_runs_changed(self) -> None:
        active = [cfg for _, cfg in self.model.active_runs()]
        layout: list[object] = [
            self.model.landscape.param_names,
            *((c, c.run, c.title, c.color) for c in active),
        ]
        if layout != self._layout:
            self._layout = layout
            self._build_rows(active)
        self._refresh()

    def _build_rows(self, active: list[RunConfig]) -> None:
        headers = self.columns()
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(active))
        self._rows = []
        ranks = finish_order([cfg.live_run for cfg in active])
        for row, cfg in enumerate(active):
            items = []
            for col, text in enumerate(self._values(cfg, ranks[row])):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setIcon(_swatch(cfg.color))
                elif col < len(headers) - 1:
                    item.setTextAlignment(_NUMBER_ALIGN)
                self.table.setItem(row, col, item)
                items.append(item)
            self._rows.append((cfg, items))
            self._style_status(cfg, items[-1])
        self._size_columns()

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.resizeColumnToContents(0)
        number = self.table.fontMetrics().horizontalAdvance(_WIDEST_NUMBER) + 12
        for col in range(2, self.table.columnCount() - 1):
            self.table.setColumnWidth(col, number)
        if len(self.model.landscape.param_names) > MAX_PARAM_COLUMNS:
            self.table.resizeColumnToContents(2)  # "‖θ‖ (105 weights)" is wider than a number
        self.table.resizeColumnToContents(1)
        stochastic = any(cfg.live_run.batch_size is not None for cfg, _ in self._rows)
        self.table.setColumnHidden(self.table.columnCount() - 2, not stochastic)

    def _on_run_changed(self, *_: object) -> None:
        self._refresh()

    def _on_stepped(self) -> None:
        """Steps were taken: show them now, or while playing at the next readable moment."""
        self._stale = True
        if not self.model.playing:
            self._refresh()
        elif not self._pace.isActive():
            self._pace.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Show what changed while hidden."""
        super().showEvent(event)
        if self._stale:
            self._refresh()

    def _refresh(self) -> None:
        """Bring the changed cells up to date (a hidden panel waits until it is shown)."""
        if self.isVisible():
            self._update_cells()
        else:
            self._stale = True

    def _update_cells(self) -> None:
        self._stale = False
        ranks = finish_order([cfg.live_run for cfg, _ in self._rows])
        for (cfg, items), rank in zip(self._rows, ranks, strict=True):
            for item, text in zip(items, self._values(cfg, rank), strict=True):
                if item.text() != text:
                    item.setText(text)
            self._style_status(cfg, items[-1])

    @staticmethod
    def _style_status(cfg: RunConfig, item: QTableWidgetItem) -> None:
        run = cfg.live_run
        color = STATUS_COLORS.get(run.status)
        brush = QBrush(QColor(color)) if color else QBrush()
        if item.foreground() != brush:
            item.setForeground(brush)
        if item.toolTip() != run.status_reason:
            item.setToolTip(run.status_reason)
