"""View ▸ Sweep: every racer's outcome against its learning rate, and Tune for a fair race.

For each enabled racer the sweep runs its optimizer (its own hyperparameters, batch, and the
window's schedule, clipping, tolerance) from the current start on the current landscape at
COUNT learning rates spaced in log between two bounds, for N steps, off the UI thread; the plot
shows the final loss (or the steps to the tolerance) against the rate, on log axes, with the
rates that diverged marked along the top and the edge where divergence begins drawn as a
dashed line. Clicking a point sets that racer's learning rate; Tune gives every racer its best
rate and resets the race, so no method gets a hand-picked advantage. The sweep's steps follow
the race's own max steps (the budget the racers are tuned for) until the user sets them, and
the criterion is shown: lowest loss after N steps, where every run that reaches the tolerance
ties and the fewer steps win; a run that does not is judged by its highest loss over the last
tenth of the steps, so a rate hopping across the valley does not win by where it last landed.
The legend sits above the plot, never over the curves.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .sweep_jobs import RacerSweep, run_jobs, sweep_jobs
from .widgets import NumberField

if TYPE_CHECKING:
    from .model import StudioModel

CRITERIA = ("final loss", "steps to tolerance")
TUNE_RULE = (
    "lowest loss after the sweep's steps; runs that reach the tolerance tie and the fewer "
    "steps win, the others count their highest loss over the last tenth of the steps"
)


class _Relay(QObject):
    """Carries a finished sweep from the worker thread to the UI thread (queued)."""

    done = Signal(int, object)
    failed = Signal(int, str)


class SweepPanel(QWidget):
    """The sweep's settings, its plot and the Tune button."""

    sweepDone = Signal()

    def __init__(self, model: StudioModel) -> None:
        super().__init__()
        self.setObjectName("sweepPanel")
        self.model = model
        self.results: list[RacerSweep] = []
        self._generation = 0
        self._relay = _Relay()
        self._relay.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._build()
        model.landscapeChanged.connect(self._stale)
        model.runsChanged.connect(self._stale)
        model.sceneChanged.connect(self._follow_race)
        self._follow_race()

    def _build(self) -> None:
        import pyqtgraph as pg

        form = QFormLayout()
        self.low = NumberField(6)
        self.low.setObjectName("sweepLow")
        self.low.setRange(1e-12, 1e6)
        self.low.setValue(1e-5)
        self.low.setToolTip("The smallest learning rate tried")
        self.high = NumberField(6)
        self.high.setObjectName("sweepHigh")
        self.high.setRange(1e-12, 1e6)
        self.high.setValue(10.0)
        self.high.setToolTip("The largest learning rate tried")
        self.count = QSpinBox()
        self.count.setObjectName("sweepCount")
        self.count.setRange(2, 256)
        self.count.setValue(64)
        self.count.setToolTip("How many rates, spaced evenly in log between the two")
        self.steps = QSpinBox()
        self.steps.setObjectName("sweepSteps")
        self.steps.setRange(1, 100_000)
        self.steps.setValue(1000)
        self.steps.setToolTip("Updates per run: the race's max steps unless you set them")
        self.criterion = QComboBox()
        self.criterion.setObjectName("sweepCriterion")
        self.criterion.addItems([c.capitalize() for c in CRITERIA])
        self.criterion.setToolTip("What the plot shows against the rate")
        rates = QHBoxLayout()
        for w, text, name in (
            (self.low, "from", "Lowest learning rate"),
            (self.high, "to", "Highest learning rate"),
            (self.count, "rates", "Number of learning rates"),
        ):
            label = QLabel(text)
            label.setBuddy(w)
            w.setAccessibleName(name)  # "from" alone says nothing to a screen reader
            rates.addWidget(label)
            rates.addWidget(w)
        form.addRow("Learning rates", rates)
        steps_row = QHBoxLayout()  # one row: the plot keeps its height in a small dock
        steps_row.addWidget(self.steps, 1)
        show = QLabel("show")
        show.setBuddy(self.criterion)
        self.steps.setAccessibleName("Steps per run")
        steps_row.addWidget(show)
        steps_row.addWidget(self.criterion, 1)
        form.addRow("Steps", steps_row)
        self.run_button = QPushButton("&Sweep")
        self.run_button.setObjectName("sweepButton")
        self.run_button.setToolTip("Run every racer at every rate (off the UI thread)")
        self.tune_button = QPushButton("&Tune Learning Rates")
        self.tune_button.setObjectName("tuneButton")
        self.tune_button.setToolTip(
            f"Give every racer its best rate from the sweep ({TUNE_RULE}) and reset the race"
        )
        self.tune_button.setEnabled(False)
        self.status = QLabel("Sweep to see each racer's outcome against its learning rate.")
        self.status.setObjectName("sweepStatus")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.tune_button)
        buttons.addStretch(1)
        self.legend = QLabel()  # beside the plot, not over it: it never hides a curve
        self.legend.setObjectName("sweepLegend")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.hide()
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("sweepPlot")
        self.plot.setBackground("w")
        self.plot.setLogMode(x=True, y=True)
        self.plot.setLabel("bottom", "learning rate")
        self.plot.setLabel("left", "final loss")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setMinimumHeight(160)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)  # log axes read 10⁻³, not ×1e9
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        self.run_button.clicked.connect(self.start)
        self.tune_button.clicked.connect(self.tune)
        self.criterion.currentIndexChanged.connect(self._draw)
        self.plot.scene().sigMouseClicked.connect(self._on_click)

    # --- running ----------------------------------------------------------------------------

    def _follow_race(self) -> None:
        """Sweep as many steps as the race runs (its max steps), the budget Tune tunes for."""
        limit = self.model.settings.max_steps
        if limit:
            self.steps.setValue(min(int(limit), self.steps.maximum()))

    def rates(self) -> np.ndarray:
        """The rates of the settings, low to high."""
        from ..core.sweep import log_rates

        low, high = sorted((self.low.value(), self.high.value()))
        return log_rates(low, high, self.count.value())

    def start(self) -> None:
        """Sweep every enabled racer in a worker thread; the plot fills in when it is done."""
        if not self.model.active_runs():
            self.status.setText("No racer is enabled: add or enable one first.")
            return
        self._generation += 1
        generation, rates, steps = self._generation, self.rates(), self.steps.value()
        self.run_button.setEnabled(False)
        self.tune_button.setEnabled(False)
        count = len(self.model.active_runs()) * len(rates)
        self.status.setText(f"Sweeping {count} runs of {steps} steps…")
        jobs, relay = sweep_jobs(self.model), self._relay

        def work() -> None:
            try:
                relay.done.emit(generation, run_jobs(jobs, rates, steps))
            except Exception as exc:  # noqa: BLE001 - a failed sweep is reported, not raised
                relay.failed.emit(generation, f"{type(exc).__name__}: {exc}")

        threading.Thread(target=work, name="gdstudio-sweep", daemon=True).start()

    def _on_done(self, generation: int, results: list[RacerSweep]) -> None:
        if generation != self._generation:
            return  # the settings changed while it ran
        self.results = results
        self.run_button.setEnabled(True)
        self.tune_button.setEnabled(bool(results))
        runs = sum(len(r.rows) for r in results)
        self.status.setText(f"{runs} runs. Click a point to use that rate.")
        self._draw()
        self.sweepDone.emit()

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.run_button.setEnabled(True)
            self.status.setText(f"The sweep failed: {message}")

    def _stale(self) -> None:
        """Racers or landscape changed: the plotted sweep no longer describes them."""
        if self.results:
            self._generation += 1
            self.results = []
            self.run_button.setEnabled(True)
            self.tune_button.setEnabled(False)
            self.status.setText("The racers or the landscape changed: sweep again.")
            self._draw()

    # --- drawing ----------------------------------------------------------------------------

    def _values(self, result: RacerSweep) -> tuple[np.ndarray, np.ndarray]:
        """Rates and the plotted figure of the finite, non-diverged rows."""
        by_steps = self.criterion.currentIndex() == 1
        xs, ys = [], []
        for r in result.rows:
            if r.status == "diverged":
                continue
            y = float(r.steps_to_tol) if by_steps and r.steps_to_tol is not None else None
            if not by_steps:
                y = r.final_loss if math.isfinite(r.final_loss) and r.final_loss > 0 else None
            if y is not None:
                xs.append(r.lr)
                ys.append(max(y, 1e-300))
        return np.array(xs), np.array(ys)

    def _draw(self) -> None:
        import pyqtgraph as pg

        plot = self.plot.getPlotItem()
        plot.clear()
        by_steps = self.criterion.currentIndex() == 1
        plot.setLabel("left", "steps to tolerance" if by_steps else "final loss")
        plot.setLogMode(x=True, y=True)
        top = 1.0
        for result in self.results:
            xs, ys = self._values(result)
            if len(ys):
                top = max(top, float(ys.max()))
        for result in self.results:
            xs, ys = self._values(result)
            pen = pg.mkPen(result.color, width=2)
            plot.plot(
                xs, ys, pen=pen, symbol="o", symbolSize=5, symbolBrush=result.color,
                symbolPen=None,
            )  # fmt: skip
            diverged = [r.lr for r in result.rows if r.status == "diverged"]
            if diverged:  # along the top, where the plotted figures end
                plot.plot(
                    np.array(diverged), np.full(len(diverged), top * 3), pen=None, symbol="x",
                    symbolSize=9, symbolPen=pg.mkPen(result.color, width=2), symbolBrush=None,
                )  # fmt: skip
                edge = pg.InfiniteLine(
                    math.log10(min(diverged)), angle=90,
                    pen=pg.mkPen(result.color, width=1, style=Qt.PenStyle.DashLine),
                )  # fmt: skip
                plot.addItem(edge)
        self._draw_legend()

    def _draw_legend(self) -> None:
        """Each racer's colour and name, and what the marks mean, in a line above the plot."""
        entries = [
            f'<span style="color:{r.color}; font-size:large">&#9632;</span>&nbsp;{r.title}'
            for r in self.results
        ]
        if any(r.divergence_edge() is not None for r in self.results):
            entries.append("&#215;&nbsp;diverged (dashed:&nbsp;from&nbsp;here)")
        self.legend.setText(" &nbsp; ".join(entries))
        self.legend.setVisible(bool(entries))

    # --- using the result ---------------------------------------------------------------------

    def _on_click(self, event: Any) -> None:
        """A click near a point sets that racer's learning rate to the point's rate."""
        if not self.results or event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        best: tuple[float, RacerSweep, float] | None = None
        for result in self.results:
            xs, ys = self._values(result)
            for x, y in zip(xs, ys, strict=True):
                at = vb.mapViewToScene(QPointF(math.log10(x), math.log10(y)))
                d = (at - event.scenePos()).manhattanLength()
                if best is None or d < best[0]:
                    best = (d, result, float(x))
        if best is None or best[0] > 12:
            return
        _, result, rate = best
        self.model.set_run_hyper(result.index, "lr", rate)
        self.model.reset()
        self.status.setText(f"{result.title}: learning rate {rate:.4g}. Press Space to race.")

    def tune(self) -> None:
        """Give every swept racer its best rate, then reset the race."""
        chosen = []
        for result in self.results:
            best = result.best()
            if best.status == "diverged":
                continue
            self.model.set_run_hyper(result.index, "lr", best.lr)
            chosen.append(f"{result.title} {best.lr:.3g}")
        self.model.reset()
        self.status.setText(
            f"Tuned (lowest loss after {self.steps.value()} steps; ties: fewer steps): "
            f"{', '.join(chosen)}."
        )
