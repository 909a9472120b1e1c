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
        fx = (x - x0) * (cols / (x1 - x0))
        fy = (y - y0) * (rows / (y1 - y0))
        inside = (fx >= 0) & (fx < cols) & (fy >= 0) & (fy < rows)
    out = np.full(len(x), -1, dtype=np.int64)
    out[inside] = fy[inside].astype(np.int64) * cols + fx[inside].astype(np.int64)
    return out


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
    """The shaded histogram of every point, under the lines; hidden when not in use."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self.vb = vb
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(density_lut())
        self.image.setZValue(0.4)
        self.image.hide()
        vb.addItem(self.image, ignoreBounds=True)
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._bins = np.empty(0, dtype=np.int64)
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
        self._x, self._y = np.empty(0), np.empty(0)
        self._bins = np.empty(0, dtype=np.int64)

    def show(self, x: np.ndarray, y: np.ndarray) -> None:
        """Draw the points (x, y): the changes since the last call, or all for new points."""
        n, m = len(x), len(self._x)
        if not self.active or n < m or m == 0:
            self._bin_all(x, y, self._view_rect())
            return
        changed = np.flatnonzero((x[:m] != self._x) | (y[:m] != self._y))
        if len(changed) + (n - m) > n // 8:  # mostly new points: binning all is quicker
            self._bin_all(x, y, self._rect)
            return
        old = self._bins[changed]
        self._x, self._y = x.copy(), y.copy()
        new_bins = bin_points(x[changed], y[changed], self._rect, self._counts.shape)
        added = bin_points(x[m:], y[m:], self._rect, self._counts.shape)
        self._bins[changed] = new_bins
        self._bins = np.concatenate([self._bins, added])
        flat = self._counts.reshape(-1)
        np.subtract.at(flat, old[old >= 0], 1)
        for b in (new_bins, added):
            np.add.at(flat, b[b >= 0], 1)
        self._paint()

    def view_changed(self) -> None:
        """The view moved or zoomed: the picture follows now, re-binned for it soon."""
        if self.active and self._view_rect() != self._rect:
            self._timer.start()

    def _view_rect(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self.vb.viewRange()
        return float(x0), float(y0), float(x1), float(y1)

    def _shape(self) -> tuple[int, int]:
        size = self.vb.rect()
        cols = int(np.clip(math.ceil(size.width() / BIN_PIXELS), 1, MAX_BINS))
        rows = int(np.clip(math.ceil(size.height() / BIN_PIXELS), 1, MAX_BINS))
        return rows, cols

    def _rebin(self) -> None:
        if self.active:
            self._bin_all(self._x, self._y, self._view_rect())

    def _bin_all(
        self, x: np.ndarray, y: np.ndarray, rect: tuple[float, float, float, float]
    ) -> None:
        self._timer.stop()
        shape = self._shape()
        x0, y0, x1, y1 = rect
        if not (x1 > x0 and y1 > y0):
            rect = (x0, y0, x0 + 1.0, y0 + 1.0)
        self._rect = rect
        self._x, self._y = x.copy(), y.copy()
        self._bins = bin_points(x, y, rect, shape)
        inside = self._bins[self._bins >= 0]
        counts = np.bincount(inside, minlength=shape[0] * shape[1])
        self._counts = counts.astype(np.int64).reshape(shape)
        self._paint()

    def _paint(self) -> None:
        x0, y0, x1, y1 = self._rect
        self.image.setImage(shade(self._counts), autoLevels=False, levels=(0, 255))
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.image.show()
