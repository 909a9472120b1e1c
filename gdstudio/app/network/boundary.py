"""DecisionBoundaryView: a network's probability of class 1 as a heat map under its points.

TensorFlow Playground's view: the data points (training filled, validation hollow) over the
network's σ(z) on a grid, with the p = ½ contour drawn as the boundary. Redraws follow the
weights live, at most MAX_RATE_HZ times a second: weights that arrive sooner wait for a timer,
and only the newest is drawn.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ... import theme
from ...core.nn_landscape import NetworkLandscape
from ...core.nn_slice import logit_batches
from ...render.contours import isoline_segments
from .rate import RateLimit

GRID = 96
MAX_RATE_HZ = 10.0
MARGIN = 0.15  # of the points' span, around them
LABEL_STYLE = {"color": theme.LABEL_COLOR, "font-size": "10pt"}
MIN_PLOT_HEIGHT = 150  # px: the points stay readable however crowded the column


def _key_html() -> str:
    """The points' key: filled training, hollow validation, in each class's colour."""
    zero, one = theme.CLASS_COLORS
    return (
        f"<span style='color:{zero}'>●</span><span style='color:{one}'>●</span> training "
        f"points &nbsp; <span style='color:{zero}'>○</span><span style='color:{one}'>○</span> "
        "validation points &nbsp; — p = ½ (the boundary)"
    )


def probability_colormap() -> pg.ColorMap:
    """Class 0's colour at p = 0, the background at ½, class 1's colour at p = 1 (dimmed)."""
    zero, one = (pg.mkColor(c) for c in theme.CLASS_COLORS)
    mid = pg.mkColor(theme.BACKGROUND)
    dim = [
        pg.mkColor(int(c.red() * 0.7), int(c.green() * 0.7), int(c.blue() * 0.7))
        for c in (zero, one)
    ]
    return pg.ColorMap([0.0, 0.5, 1.0], [dim[0], mid, dim[1]])


class DecisionBoundaryView(QWidget):
    """The points over the network's probability of class 1, for one set of weights."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Decision boundary")
        self.land: NetworkLandscape | None = None
        self.weights: NDArray[np.float64] | None = None
        self.draws = 0  # how many heat maps were drawn (the rate limit's count)
        self._pending: NDArray[np.float64] | None = None
        self._caption = ""
        self._rate = RateLimit(self._draw_pending, MAX_RATE_HZ, self)
        # A new view range (a resize, a pan) redraws from a turn of its own, never from inside
        # the paint that laid the range out.
        self._range_timer = QTimer(self)
        self._range_timer.setSingleShot(True)
        self._range_timer.setInterval(0)
        self._range_timer.timeout.connect(self._rate.request)

        self.plot = pg.PlotWidget()
        self.plot.setBackground(theme.BACKGROUND)
        self.plot.setLabel("bottom", "x1", **LABEL_STYLE)
        self.plot.setLabel("left", "x2", **LABEL_STYLE)
        self.plot.setMenuEnabled(False)
        self.plot.getViewBox().setAspectLocked(True)
        self.plot.getViewBox().sigRangeChanged.connect(self._on_range_changed)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(probability_colormap())
        self.image.setZValue(-10)
        self.boundary = pg.PlotDataItem(pen=pg.mkPen(theme.OUTLINE_COLOR, width=1.5))
        self.train_points = pg.ScatterPlotItem(
            size=7, pen=pg.mkPen(theme.BACKGROUND), brush=pg.mkBrush(theme.CURVE_COLOR)
        )
        self.val_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen(theme.CURVE_COLOR), brush=None)
        for item in (self.image, self.boundary, self.train_points, self.val_points):
            self.plot.addItem(item)
        self.plot.setMinimumHeight(MIN_PLOT_HEIGHT)

        self.title = QLabel("Decision boundary")
        self.title.setWordWrap(True)
        self.show_points = QCheckBox("&Points")
        self.show_points.setChecked(True)
        self.show_points.setToolTip("Show the data points over the network's probabilities")
        self.show_points.toggled.connect(self._on_show_points_changed)
        # The key sits under the plot, outside the data area: an overlay legend hid points.
        self.key = QLabel(_key_html())
        self.key.setObjectName("boundaryKey")
        self.key.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.show_points)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.key)

    # --- public --------------------------------------------------------------------------------

    def set_landscape(self, land: NetworkLandscape | None) -> None:
        """Show this network's points (None: nothing); the heat map waits for weights."""
        self.land, self.weights, self._pending = land, None, None
        self._rate.cancel()
        self.image.clear()
        self.boundary.setData([], [])
        if land is None:
            self.train_points.setData([])
            self.val_points.setData([])
            return
        colors = [pg.mkBrush(c) for c in theme.CLASS_COLORS]
        pens = [pg.mkPen(c, width=1.5) for c in theme.CLASS_COLORS]
        tr, va = land.train, land.validation
        self.train_points.setData(
            pos=tr.inputs, brush=[colors[int(k)] for k in tr.labels], pen=pg.mkPen(theme.BACKGROUND)
        )
        self.val_points.setData(pos=va.inputs, pen=[pens[int(k)] for k in va.labels], brush=None)
        (x0, x1), (y0, y1) = self.extent()
        self.plot.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    def show_weights(self, weights: NDArray[np.float64], caption: str = "") -> None:
        """Draw the network at these weights now, or when the rate limit allows (newest wins)."""
        self._pending = np.array(weights, dtype=np.float64)
        self._caption = caption
        self._rate.request()

    def extent(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The region drawn: every point (training and validation) with a margin; an axis
        the points barely span (points on a line) gets half the other's span."""
        if self.land is None:
            return (-1.0, 1.0), (-1.0, 1.0)
        pts = np.vstack([self.land.train.inputs, self.land.validation.inputs])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        span = np.maximum(hi - lo, max(0.5 * float(np.max(hi - lo)), 1e-6))
        mid = (lo + hi) / 2
        lo, hi = mid - span / 2, mid + span / 2
        pad = MARGIN * span
        return (float(lo[0] - pad[0]), float(hi[0] + pad[0])), (
            float(lo[1] - pad[1]),
            float(hi[1] + pad[1]),
        )

    def region(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The part of the plane the heat map covers: what the plot shows."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        box = np.array([x0, x1, y0, y1], dtype=np.float64)
        if not (np.isfinite(box).all() and x1 - x0 > 1e-9 and y1 - y0 > 1e-9):
            return self.extent()  # not laid out yet
        return (float(x0), float(x1)), (float(y0), float(y1))

    def probabilities(self) -> NDArray[np.float64]:
        """The heat map drawn: p(class 1) on the GRID × GRID grid over region(), [row y, col x].

        Computed in float32 (a picture; four times cheaper on a big network than float64)."""
        if self.land is None or self.weights is None:
            return np.empty((0, 0))
        (x0, x1), (y0, y1) = self.region()
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        _, z = next(logit_batches(self.land.arch, self.weights[None, :], grid, np.float32))
        z64 = np.asarray(z[0], dtype=np.float64).reshape(GRID, GRID)
        return 0.5 * (1.0 + np.tanh(0.5 * z64))  # σ(z), without overflow

    # --- drawing -------------------------------------------------------------------------------

    def _draw_pending(self) -> None:
        if self._pending is None or self.land is None:
            return
        self.weights, self._pending = self._pending, None
        self.draws += 1
        prob = self.probabilities()
        (x0, x1), (y0, y1) = self.region()
        dx, dy = (x1 - x0) / (GRID - 1), (y1 - y0) / (GRID - 1)
        self.image.setImage(prob, levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        seg = isoline_segments(prob, np.array([0.5]), xs, ys)
        self.boundary.setData(seg[:, 0], seg[:, 1], connect="pairs")
        metrics = self.land.evaluate(self.weights)
        head = f"{self._caption}: " if self._caption else ""
        self.title.setText(
            f"{head}training accuracy {metrics.train_acc:.0%}"
            + ("" if np.isnan(metrics.val_acc) else f", validation {metrics.val_acc:.0%}")
        )

    def _on_range_changed(self, *_: object) -> None:
        if self.weights is not None and self._pending is None:
            self._pending = self.weights  # the same network over the newly shown region
            self._range_timer.start()

    def _on_show_points_changed(self, shown: bool) -> None:
        self.train_points.setVisible(shown)
        self.val_points.setVisible(shown)
