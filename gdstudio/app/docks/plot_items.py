"""Drawing the loss plots' curves with QPainter: numpy points into one QPolygonF per curve (no
Python loop over the points), stroked through the view's range → pixel transform, and the
labels that mark a curve that left the plot.

The curves are held in view units (steps, and log10 of the values on a log axis); the
painter maps them to pixels, so a range change redraws them without recomputing a point.
"""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF, QTransform

CURVE_WIDTH = 1.0
SLICE_PX = 4.0  # a partial redraw strokes the points within this many pixels of its part too
Shown = tuple[tuple[float, float], tuple[float, float]]  # (x range, y range) in view units


def polyline(x: np.ndarray, y: np.ndarray) -> QPolygonF:
    """A QPolygonF of these points, filled from numpy through the polygon's own buffer."""
    n = len(x)
    poly = QPolygonF()
    if not n:
        return poly
    poly.resize(n)
    buffer = shiboken6.VoidPtr(poly.data(), 16 * n, True)  # type: ignore[call-arg, arg-type]
    coords = np.frombuffer(buffer, np.float64).reshape(n, 2)  # type: ignore[call-overload]
    coords[:, 0] = x
    coords[:, 1] = y
    return poly


class Polyline:
    """Points that grow at their end, held in a QPolygonF that is drawn as it is: a tail
    updated in place every frame is stroked without building a polygon first.

    The points are written through a numpy view of the polygon's storage, which has room to
    grow (cutting points off keeps it), so the view stays valid until the room runs out.
    """

    __slots__ = ("poly", "_flat", "_view", "_room")

    def __init__(self) -> None:
        self.poly = QPolygonF()
        self._flat = np.empty(0)
        self._view = self._flat.reshape(0, 2)
        self._room = 0

    @property
    def n(self) -> int:
        """How many points."""
        return int(self.poly.size())

    @n.setter
    def n(self, count: int) -> None:
        self.poly.resize(count)  # shrinking keeps the polygon's room

    @property
    def x(self) -> np.ndarray:
        """The points' x (a view: valid until the points next change)."""
        return self._view[: self.n, 0]

    @property
    def y(self) -> np.ndarray:
        """The points' y (a view, as x)."""
        return self._view[: self.n, 1]

    def extend(self, x: np.ndarray | list[float], y: np.ndarray | list[float]) -> None:
        """Append these points."""
        k = len(x)
        if not k:
            return
        n = int(self.poly.size())
        end = n + k
        if end > self._room:
            self.poly.reserve(max(2 * self._room, end, 64))
            self.poly.resize(end)
            self._room = int(self.poly.capacity())
            buffer = shiboken6.VoidPtr(self.poly.data(), 16 * self._room, True)  # type: ignore[call-arg, arg-type]
            self._flat = np.frombuffer(buffer, np.float64)  # type: ignore[call-overload]
            self._view = self._flat.reshape(self._room, 2)
        else:
            self.poly.resize(end)
        flat = self._flat  # strided writes into the flat view beat the 2-D view's
        flat[2 * n : 2 * end : 2] = x
        flat[2 * n + 1 : 2 * end : 2] = y


def curve_pen(color: str, scale: float = 1.0) -> QPen:
    """A curve's pen: CURVE_WIDTH pixels (times an export's scale) whatever the range."""
    pen = QPen(QColor(color), CURVE_WIDTH * scale)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def view_transform(view: QRectF, shown: Shown) -> QTransform:
    """View units (step, value) → pixels of `view`, y up."""
    (x0, x1), (y0, y1) = shown
    sx = view.width() / (x1 - x0 if x1 != x0 else 1.0)
    sy = view.height() / (y1 - y0 if y1 != y0 else 1.0)
    return QTransform(sx, 0.0, 0.0, -sy, view.left() - x0 * sx, view.bottom() + y0 * sy)


Trace = tuple[QPen, np.ndarray, np.ndarray]  # pen, x and y in view units (x non-decreasing)


def draw_traces(
    p: QPainter,
    transform: QTransform,
    clip: QRectF,
    traces: list[Trace],
    part: tuple[float, float] | None = None,
) -> None:
    """Stroke each trace through `transform`, clipped to `clip` (pixels); with `part`, a
    (left, right) span of pixels, only the points near it. On a high-density picture the
    (cosmetic) pens widen with its pixel ratio, so a curve keeps its width on screen."""
    ratio = p.device().devicePixelRatioF()
    p.save()
    p.setClipRect(clip, Qt.ClipOperation.IntersectClip)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setTransform(transform, True)
    bounds = None
    if part is not None:
        bounds = _view_bounds(transform, QRectF(part[0], 0.0, part[1] - part[0], 1.0))
    for pen, x, y in traces:
        if bounds is not None:
            lo, hi = x.searchsorted(bounds).tolist()
            lo, hi = max(lo - 2, 0), hi + 2
            x, y = x[lo:hi], y[lo:hi]
        if len(x) > 1:
            _stroke(p, pen, ratio, polyline(x, y))
    p.restore()


def draw_polylines(
    p: QPainter, transform: QTransform, clip: QRectF, lines: list[tuple[QPen, Polyline]]
) -> None:
    """draw_traces() of points held as Polylines (drawn with no copy)."""
    ratio = p.device().devicePixelRatioF()
    p.save()
    p.setClipRect(clip, Qt.ClipOperation.IntersectClip)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setTransform(transform, True)
    for pen, line in lines:
        if line.poly.size() > 1:
            _stroke(p, pen, ratio, line.poly)
    p.restore()


def _stroke(p: QPainter, pen: QPen, ratio: float, poly: QPolygonF) -> None:
    """Stroke `poly` with `pen`, widened by a high-density picture's pixel `ratio`."""
    if ratio != 1.0:
        pen = QPen(pen)
        pen.setWidthF(pen.widthF() * ratio)
    p.setPen(pen)
    p.drawPolyline(poly)


def _view_bounds(transform: QTransform, clip: QRectF) -> np.ndarray:
    """The view x range (a little wider) that `transform` maps onto the clip's columns."""
    inverse = transform.inverted()[0]
    margin = SLICE_PX / max(abs(transform.m11()), 1e-300)
    a = inverse.map(QPointF(clip.left(), 0.0)).x() - margin
    b = inverse.map(QPointF(clip.right(), 0.0)).x() + margin
    return np.array([a, b])


def marker_font() -> QFont:
    """The font of the labels marking curves."""
    font = QFont()
    font.setPointSizeF(8.0)
    return font


MARKER_PAD = 2.0


def marker_rect(
    text: str, x: float, y: float, anchor: tuple[float, float], transform: QTransform
) -> QRectF:
    """Where a label anchored at (x, y) in view units sits, in pixels: `anchor` (0..1, 0..1)
    is the point of its box that lies there ((0, 0) its top left)."""
    metrics = QFontMetricsF(marker_font())
    width = metrics.horizontalAdvance(text) + 2 * MARKER_PAD
    height = metrics.height() + 2 * MARKER_PAD
    at = transform.map(QPointF(x, y))
    return QRectF(at.x() - anchor[0] * width, at.y() - anchor[1] * height, width, height)


def draw_marker(p: QPainter, text: str, color: str, rect: QRectF) -> None:
    """A label in a racer's colour in `rect`."""
    p.setFont(marker_font())
    p.setPen(QColor(color))
    p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
