"""DensityLayer: a million points drawn as a shaded 2D histogram of all of them over the view.

The counts are binned over the view at a few pixels a bin and shaded on a log scale, so a lone
point shows as well as the thick of the cloud. Edits update the counts of the points that
changed (found by comparing with the copy binned last); a zoom or pan stretches the picture
at once and re-bins it for the new view shortly after the view stops changing.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer

from ... import theme

BIN_PIXELS = 2  # screen pixels per histogram bin
MAX_BINS = 1024  # bins along either axis, whatever the screen
REBIN_MS = 60  # after the last change of the view, the histogram is re-binned for it
CLASS_BAND = 0.035  # half the height of a class's strip, in class units (classes sit at 0 and 1)
_ALPHA_FLOOR = 55  # the faintest bin with a point in it stays visible


def density_lut(color: str = theme.TEXT_COLOR) -> np.ndarray:
    """256 RGBA colours: transparent for no points, then `color` ever more opaque."""
    rgb = pg.mkColor(color).getRgb()[:3]
    lut = np.zeros((256, 4), dtype=np.uint8)
    lut[:, :3] = rgb
    # Opacity rises slowly first, so the thick of the cloud stands out from its fringe.
    ramp = np.linspace(0.0, 1.0, 255) ** 1.6
    lut[1:, 3] = (_ALPHA_FLOOR + (240 - _ALPHA_FLOOR) * ramp).astype(np.uint8)
    return lut


def bin_points(
    x: np.ndarray, y: np.ndarray, rect: tuple[float, float, float, float], shape: tuple[int, int]
) -> np.ndarray:
    """Flat bin of each point on a (rows, cols) grid over rect (x0, y0, x1, y1); −1 outside."""
    x0, y0, x1, y1 = rect
    rows, cols = shape
    with np.errstate(invalid="ignore", over="ignore"):
        fx = np.subtract(x, x0)
        fx *= cols / (x1 - x0)
        fy = np.subtract(y, y0)
        fy *= rows / (y1 - y0)
        outside = (fx < 0) | (fx >= cols) | (fy < 0) | (fy >= rows)
    flat: np.ndarray = fy.astype(np.int64)
    flat *= cols
    flat += fx.astype(np.int64)
    flat[outside] = -1
    return flat


def shade(counts: np.ndarray) -> np.ndarray:
    """Counts to LUT levels 0–255: 0 for empty bins, log-scaled up to the fullest one."""
    top = int(counts.max()) if counts.size else 0
    if top == 0:
        return np.zeros(counts.shape, dtype=np.uint8)
    levels = np.log1p(counts.astype(np.float32)) * (254.0 / math.log1p(top))
    levels += 1.0
    levels[counts == 0] = 0.0
    return levels.astype(np.uint8)


class DensityLayer:
    """The shaded histogram of every point, under the lines; hidden when not in use.

    With `row` set, every point lies at y = row (a class): one strip binned along x only.
    """

    def __init__(self, vb: pg.ViewBox, color: str = theme.TEXT_COLOR, row: float | None = None):
        self.vb = vb
        self.row = row
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(density_lut(color))
        self.image.setZValue(0.4)
        self.image.hide()
        vb.addItem(self.image, ignoreBounds=True)
        # The points binned last and each one's bin, in buffers that grow by a quarter: an
        # added point is written in place, not a copy of a million made.
        self._points = np.empty((2, 0))
        self._bin_of = np.empty(0, dtype=np.int64)
        self._m = 0
        self._counts: np.ndarray = np.zeros((1, 1), dtype=np.int64)
        self._rect = (0.0, 0.0, 1.0, 1.0)
        self._timer = QTimer(vb)  # goes with the plot
        self._timer.setSingleShot(True)
        self._timer.setInterval(REBIN_MS)
        self._timer.timeout.connect(self._rebin)

    @property
    def active(self) -> bool:
        """True while the points are drawn as a density."""
        return bool(self.image.isVisible())

    def counts(self) -> np.ndarray:
        """Points per bin, (rows, cols), row 0 at the bottom of the binned rectangle."""
        return self._counts

    def binned_rect(self) -> tuple[float, float, float, float]:
        """The data rectangle (x0, y0, x1, y1) the bins cover."""
        return self._rect

    def hide(self) -> None:
        """Stop drawing the density and forget the points."""
        self._timer.stop()
        self.image.hide()
        self._m = 0

    def show(self, x: np.ndarray, y: np.ndarray) -> None:
        """Draw the points (x, y): the changes since the last call, or all for new points."""
        n, m = len(x), self._m
        if not self.active or n < m or m == 0:
            self._bin_all(x, y, self._view_rect())
            return
        px, py = self._points[0, :m], self._points[1, :m]
        changed = np.flatnonzero((x[:m] != px) | (y[:m] != py))
        if len(changed) + (n - m) > n // 8:  # mostly new points: binning all is quicker
            self._bin_all(x, y, self._rect)
            return
        old = self._bin_of[changed]
        new_bins = bin_points(x[changed], y[changed], self._rect, self._counts.shape)
        added = bin_points(x[m:], y[m:], self._rect, self._counts.shape)
        px[changed], py[changed] = x[changed], y[changed]
        self._bin_of[changed] = new_bins
        self._keep(x[m:], y[m:], added, m)
        flat = self._counts.reshape(-1)
        np.subtract.at(flat, old[old >= 0], 1)
        for b in (new_bins, added):
            np.add.at(flat, b[b >= 0], 1)
        self._paint()

    def view_changed(self) -> None:
        """The view moved, zoomed or resized: the picture follows now, re-binned soon."""
        if self.active and (self._view_rect(), self._shape()) != (self._rect, self._counts.shape):
            self._timer.start()

    def _view_rect(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.vb.viewRange()
        if self.row is not None:
            y0, y1 = self.row - CLASS_BAND, self.row + CLASS_BAND
        return float(x0), float(y0), float(x1), float(y1)

    def _shape(self) -> tuple[int, int]:
        size = self.vb.rect()
        cols = int(np.clip(math.ceil(size.width() / BIN_PIXELS), 1, MAX_BINS))
        rows = int(np.clip(math.ceil(size.height() / BIN_PIXELS), 1, MAX_BINS))
        return (1 if self.row is not None else rows), cols

    def _rebin(self) -> None:
        if self.active:
            m = self._m
            self._bin_all(self._points[0, :m], self._points[1, :m], self._view_rect())

    def _bin_all(
        self, x: np.ndarray, y: np.ndarray, rect: tuple[float, float, float, float]
    ) -> None:
        self._timer.stop()
        shape = self._shape()
        x0, y0, x1, y1 = rect
        if not (x1 > x0 and y1 > y0):
            rect = (x0, y0, x0 + 1.0, y0 + 1.0)
        self._rect = rect
        bins = bin_points(x, y, rect, shape)
        self._keep(x, y, bins, 0)
        # Bin −1 (outside) counted first and dropped: no pass to pick the points inside.
        counts = np.bincount(bins + 1, minlength=shape[0] * shape[1] + 1)[1:]
        self._counts = counts.astype(np.int64).reshape(shape)
        self._paint()

    def _keep(self, x: np.ndarray, y: np.ndarray, bins: np.ndarray, at: int) -> None:
        """Remember points (and their bins) from index `at` on, growing the buffers if needed."""
        n = at + len(x)
        if n > self._points.shape[1]:
            cap = n + n // 4 + 16
            points, bin_of = np.empty((2, cap)), np.empty(cap, dtype=np.int64)
            points[:, :at], bin_of[:at] = self._points[:, :at], self._bin_of[:at]
            self._points, self._bin_of = points, bin_of
        self._points[0, at:n], self._points[1, at:n], self._bin_of[at:n] = x, y, bins
        self._m = n

    def _paint(self) -> None:
        x0, y0, x1, y1 = self._rect
        self.image.setImage(shade(self._counts), autoLevels=False, levels=(0, 255))
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.image.show()


class CloudDensity:
    """The density of the whole cloud: one layer of every point, or one strip per class."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self.main = DensityLayer(vb)
        self.classes = tuple(
            DensityLayer(vb, theme.CLASS_COLORS[label], row=float(label)) for label in (0, 1)
        )

    @property
    def active(self) -> bool:
        """True while the points are drawn as a density."""
        return self.main.active or any(layer.active for layer in self.classes)

    def counts(self) -> np.ndarray:
        """Points per bin of the layer of every point (see DensityLayer.counts)."""
        return self.main.counts()

    def binned_rect(self) -> tuple[float, float, float, float]:
        """The rectangle the layer of every point covers."""
        return self.main.binned_rect()

    def show(self, x: np.ndarray, t: np.ndarray, label: np.ndarray, bce: bool) -> None:
        """Shade the points (x, t): by class for logistic regression."""
        if not bce:
            self.main.show(x, t)
            for layer in self.classes:
                layer.hide()
            return
        self.main.hide()
        for value, layer in enumerate(self.classes):
            mine = label == value
            layer.show(x[mine], t[mine])

    def hide(self) -> None:
        """Draw no density."""
        for layer in (self.main, *self.classes):
            layer.hide()

    def view_changed(self) -> None:
        """The view moved or zoomed."""
        for layer in (self.main, *self.classes):
            layer.view_changed()
