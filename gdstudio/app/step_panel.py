"""View ▸ Step by Step: the last step of one racer written out with the engine's own numbers.

Each press of → (Run ▸ Step) takes one step; this panel then shows that step for the racer
chosen at its top — its rule's formulas and every term (for Adam g, m, v, m̂, v̂, lr and Δθ)
per axis, in full precision — so a student can check the update by hand. The numbers come
from the step the engine took (core/explain.py's StepRecorder), never recomputed here. A step
of more than MANY_AXES parameters (a network's weights) shows each vector term by its norm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.explain import StepRecorder, StepWrittenOut
from .widgets import view_dock

if TYPE_CHECKING:
    from ..core.run import Run
    from .main_window import MainWindow
    from .model import StudioModel

_REFRESH_MS = 100  # while racing, at most ten updates a second: numbers a person reads
MANY_AXES = 4  # more parameters than this: a vector term is shown by its norm


def exact(value: float) -> str:
    """A number in full precision, readable: 0.001, 1.2345678901234567e-08."""
    if value == 0 or 1e-4 <= abs(value) < 1e7:
        return repr(float(value))
    return f"{value:.17g}"


class StepPanel(QWidget):
    """The chosen racer's last step: formulas above, a table of terms below."""

    def __init__(self, model: StudioModel, names: tuple[str, ...] = ("w", "b")) -> None:
        super().__init__()
        self.setObjectName("stepPanel")
        self.model = model
        self.recorder = StepRecorder()
        self.racer = QComboBox()
        self.racer.setObjectName("stepRacer")
        self.racer.setToolTip("The racer whose steps are written out")
        self.heading = QLabel()
        self.heading.setObjectName("stepHeading")
        self.formulas = QLabel()
        self.formulas.setObjectName("stepFormulas")
        self.formulas.setWordWrap(True)
        self.formulas.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("stepTerms")
        self.table.setAccessibleName("The step's terms")
        self.table.setAccessibleDescription("Each term of the step: its name and value per axis")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        racer_label = QLabel("&Racer")
        racer_label.setBuddy(self.racer)  # Alt+R, and the combo's name for screen readers
        top.addWidget(racer_label)
        top.addWidget(self.racer, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heading)
        layout.addWidget(self.formulas)
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(_REFRESH_MS)
        self._timer.timeout.connect(self.show_last)
        self.racer.currentIndexChanged.connect(self._attach)
        for signal in (model.runsChanged, model.runsReset, model.landscapeChanged):
            signal.connect(self._refill)
        model.runChanged.connect(lambda _i: self._attach())
        model.stepped.connect(self._soon)
        self._refill()

    # --- which racer ----------------------------------------------------------------------

    def _refill(self) -> None:
        """The racer list from the model; keep the chosen racer if it is still there."""
        chosen = self.racer.currentData()
        self.racer.blockSignals(True)
        self.racer.clear()
        for index, cfg in self.model.active_runs():
            self.racer.addItem(cfg.title, index)
        at = self.racer.findData(chosen)
        self.racer.setCurrentIndex(at if at >= 0 else 0)
        self.racer.blockSignals(False)
        self._attach()

    def _attach(self) -> None:
        """Record the chosen racer's run (the model may have built it anew)."""
        index = self.racer.currentData()
        runs = self.model.runs
        run: Run | None = runs[index].run if index is not None and index < len(runs) else None
        if run is None or not self.isVisible():  # hidden, it slows no racer down
            self.recorder.detach()
        elif self.recorder.run is not run or run.optimizer.observer is None:
            self.recorder.attach(run)
        self.show_last()

    def hideEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Hidden, it records nothing: the run gets its fast path back."""
        self.recorder.detach()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Shown, it records the chosen racer again."""
        self._attach()

    # --- what it shows --------------------------------------------------------------------

    def _soon(self) -> None:
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

    def show_last(self) -> None:
        """Show the last recorded step (or how to take one)."""
        step = self.recorder.last
        run = self.recorder.run
        if step is None or run is None:
            self.heading.setText("Press → (Run ▸ Step) to take one step and see it written out.")
            self.formulas.setText("")
            self.table.setRowCount(0)
            return
        self.heading.setText(f"<b>{self.racer.currentText()}: step {step.step}</b>")
        self.formulas.setText("<br>".join(step.formulas))
        self._fill(step, tuple(run.landscape.param_names))

    def _fill(self, step: StepWrittenOut, names: tuple[str, ...]) -> None:
        rows: list[tuple[str, str, str]] = []
        for term in step.terms:
            if isinstance(term.value, tuple) and len(term.value) > MANY_AXES:
                norm = float(np.linalg.norm(np.asarray(term.value, dtype=np.float64)))
                shown = f"‖·‖ {exact(norm)}  ({len(term.value)} weights)"
            elif isinstance(term.value, tuple):
                shown = ",  ".join(
                    f"{n} {exact(v)}" for n, v in zip(names, term.value, strict=False)
                )
            else:
                shown = exact(term.value)
            rows.append((term.symbol, term.meaning, shown))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(["", "term", "value"])
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = self.table.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(r, c, item)
                item.setText(text)


def install_step_panel(window: MainWindow) -> QDockWidget:
    """The Step by Step dock, hidden until View ▸ Step by Step shows it."""
    return view_dock(
        window,
        "Step by Step",
        "stepDock",
        StepPanel(window.model),
        "Step by St&ep",
        "Each step of one racer written out with the engine's numbers",
    )
