"""PlotsPanel: live loss and |∇L| against step, one curve per enabled racer."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from ... import theme
from ..model import RunConfig, StudioModel

LABEL_STYLE = {"color": theme.LABEL_COLOR, "font-size": "10pt"}
CURVE_WIDTH = 1.0
# (history column, y-axis label) of the stacked plots, top to bottom.
SERIES: tuple[tuple[str, str], ...] = (("loss", "loss"), ("grad_norm", "|∇L|"))


def curve_data(cfg: RunConfig, column: str, log_y: bool) -> tuple[np.ndarray, np.ndarray]:
    """(step, value) of one history column; non-positive values dropped on a log scale."""
    cols = cfg.live_run.history.columns()
    x, y = cols["step"], cols[column]
    if log_y:
        keep = y > 0.0
        x, y = x[keep], y[keep]
    return x, y


class PlotsPanel(QWidget):
    """Loss and |∇L| against step (shared x axis), a legend of run titles and a log-y toggle."""

    def __init__(self, model: StudioModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._curves: list[tuple[RunConfig, list[pg.PlotDataItem]]] = []
        self._layout: list[tuple[object, ...]] = []

        self.log_y_check = QCheckBox("Log y")
        self.log_y_check.setObjectName("logYCheck")
        self.log_y_check.setToolTip("Logarithmic y axis on both plots")
        self.log_y_check.setChecked(True)
        self.log_y_check.toggled.connect(self._on_log_y_changed)

        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.BACKGROUND)
        self.plots: list[pg.PlotItem] = []
        for row, (_, label) in enumerate(SERIES):
            plot = self.graphics.addPlot(row=row, col=0)
            plot.setLabel("left", label, **LABEL_STYLE)
            plot.showGrid(x=False, y=False)
            plot.setMenuEnabled(False)
            plot.setLogMode(x=False, y=True)
            plot.getAxis("left").setWidth(56)
            plot.getAxis("left").enableAutoSIPrefix(False)  # no "(x0.001)" beside the label
            self.plots.append(plot)
        self.plots[-1].setLabel("bottom", "step", **LABEL_STYLE)
        self.plots[0].hideAxis("bottom")
        self.plots[1].setXLink(self.plots[0])
        self.legend = self.plots[0].addLegend(
            offset=(-8, 8),
            labelTextSize="9pt",
            labelTextColor=theme.TEXT_COLOR,
            brush=pg.mkBrush(*theme.BACKGROUND_RGB, 210),
            pen=pg.mkPen(theme.FRAME_COLOR),
        )

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addStretch(1)
        bar.addWidget(self.log_y_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)

        model.runsChanged.connect(self._on_runs_changed)
        model.runsReset.connect(self._on_runs_changed)
        model.landscapeChanged.connect(self._on_runs_changed)
        model.stepped.connect(self._on_stepped)
        self._on_runs_changed()

    @property
    def log_y(self) -> bool:
        """True while both y axes are logarithmic."""
        return self.log_y_check.isChecked()

    def curves(self) -> dict[str, pg.PlotDataItem]:
        """Loss curve of each enabled run, by run title."""
        return {cfg.title: items[0] for cfg, items in self._curves}

    def grad_curves(self) -> dict[str, pg.PlotDataItem]:
        """|∇L| curve of each enabled run, by run title."""
        return {cfg.title: items[1] for cfg, items in self._curves}

    def _on_runs_changed(self) -> None:
        active = [cfg for _, cfg in self.model.active_runs()]
        if [(c, c.run, c.title, c.color) for c in active] != self._layout:
            self._build_curves(active)
        self._on_stepped()
        for plot in self.plots:
            plot.enableAutoRange()

    def _build_curves(self, active: list[RunConfig]) -> None:
        for plot in self.plots:
            plot.clear()
        self._curves = []
        self._layout = [(c, c.run, c.title, c.color) for c in active]
        for cfg in active:
            pen = pg.mkPen(cfg.color, width=CURVE_WIDTH)
            items = []
            for plot in self.plots:
                item = pg.PlotDataItem(pen=pen, name=cfg.title if plot is self.plots[0] else None)
                item.setClipToView(True)
                item.setDownsampling(auto=True, method="peak")
                item.setSkipFiniteCheck(True)
                plot.addItem(item)
                items.append(item)
            self._curves.append((cfg, items))

    def _on_stepped(self) -> None:
        log_y = self.log_y
        for cfg, items in self._curves:
            for item, (column, _) in zip(items, SERIES, strict=True):
                item.setData(*curve_data(cfg, column, log_y))

    def _on_log_y_changed(self, checked: bool) -> None:
        for plot in self.plots:
            plot.setLogMode(x=False, y=checked)
        self._on_stepped()
        for plot in self.plots:
            plot.enableAutoRange()
