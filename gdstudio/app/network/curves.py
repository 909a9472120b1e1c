"""TrainValidationView: training and validation loss and accuracy against step, per racer.

Each racer draws in its colour: training solid, validation dashed, so a validation loss that
turns up while the training loss goes on down (memorizing) shows as two curves parting. The
racers' names, in their colours, head the plots (a legend inside the small loss plot hid
curves and showed only the first names).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ... import theme
from ...core.nn_landscape import NetworkLandscape
from ...core.nn_view_metrics import MetricsTrack
from ...core.run import Run

BUDGET = 4  # rows evaluated per racer per refresh (5 a second): ~0.3 ms each
LABEL_STYLE = {"color": theme.LABEL_COLOR, "font-size": "10pt"}
MIN_STEPS = 10  # the step axis spans at least this many
KEY = "(solid: training, dashed: validation)"


@dataclass
class _Racer:
    title: str
    color: str
    track: MetricsTrack
    curves: dict[str, pg.PlotCurveItem]


class TrainValidationView(QWidget):
    """Two plots, loss and accuracy against step, a solid and a dashed curve per racer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Training and validation curves")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.BACKGROUND)
        self.loss_plot = self.graphics.addPlot(row=0, col=0)
        self.acc_plot = self.graphics.addPlot(row=1, col=0)
        self.acc_plot.setXLink(self.loss_plot)
        for plot, name in ((self.loss_plot, "loss"), (self.acc_plot, "accuracy")):
            plot.setLabel("left", name, **LABEL_STYLE)
            plot.setLabel("bottom", "step", **LABEL_STYLE)
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setMenuEnabled(False)
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.getAxis("bottom").enableAutoSIPrefix(False)
            # Steps start at 0 and span at least MIN_STEPS: before the race (one point, step
            # 0) the axis read "-400…400 (×0.001)".
            plot.setLimits(xMin=0, minXRange=MIN_STEPS)
        self.acc_plot.setYRange(0.0, 1.0, padding=0.02)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.names = QLabel(KEY)  # the racers' names in their colours, then the key
        self.names.setObjectName("curveNames")
        self.names.setWordWrap(True)
        self.names.setAlignment(Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.names)
        layout.addWidget(self.graphics, 1)
        self._racers: list[_Racer] = []

    def set_racers(self, land: NetworkLandscape | None, racers: list[tuple[str, str, Run]]) -> None:
        """Follow these (title, colour, run) on this network (None: show nothing)."""
        for racer in self._racers:
            for name, item in racer.curves.items():
                (self.loss_plot if name.endswith("loss") else self.acc_plot).removeItem(item)
        self._racers = []
        names = [
            f"<span style='color:{color}'>━</span> {html.escape(title)}"
            for title, color, _ in (racers if land is not None else [])
        ]
        self.names.setText(" &nbsp; ".join([*names, KEY]))
        if land is None:
            return
        for title, color, run in racers:
            solid = pg.mkPen(color, width=2)
            dashed = pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine)
            curves = {
                "train_loss": pg.PlotCurveItem(pen=solid),
                "val_loss": pg.PlotCurveItem(pen=dashed),
                "train_acc": pg.PlotCurveItem(pen=solid),
                "val_acc": pg.PlotCurveItem(pen=dashed),
            }
            for name, item in curves.items():
                (self.loss_plot if name.endswith("loss") else self.acc_plot).addItem(item)
            self._racers.append(
                _Racer(title, color, MetricsTrack(land, run.history, BUDGET), curves)
            )
        self.refresh()

    def refresh(self) -> None:
        """Evaluate each racer's new steps and redraw its curves."""
        for racer in self._racers:
            racer.track.update()
            cols = racer.track.columns()
            for name, item in racer.curves.items():
                item.setData(cols["step"], cols[name])

    def columns(self, title: str) -> dict[str, NDArray[np.float64]]:
        """The metrics of the racer with this title, as its curves draw them."""
        return self._racer(title).track.columns()

    def curve(self, title: str, name: str) -> pg.PlotCurveItem:
        """The racer's curve of `name` (train_loss, val_loss, train_acc, val_acc)."""
        return self._racer(title).curves[name]

    def _racer(self, title: str) -> _Racer:
        for racer in self._racers:
            if racer.title == title:
                return racer
        raise KeyError(title)
