"""The graphics items of the loss plots: a tick axis whose labels never pile up, polylines drawn
in one paint, and a compact legend above the plots.

Each item caches its picture as a pixmap (Qt's DeviceCoordinateCache) and is only re-rendered
when what it shows changes, so a frame of a race repaints the newest stretch of each curve and
blits the rest. The exporters turn the caches off and pass a resolution scale, which the
items honour (wider pens, text that scales with the picture).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneResizeEvent,
    QStyleOptionGraphicsItem,
)

from ... import theme
from .plot_ticks import linear_ticks, log_axis, step_labels, value_labels

CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache
LABEL_GAP = 2.2  # tick labels at least this many text heights apart (vertical axes)


def export_scale(item: pg.GraphicsObject | pg.GraphicsWidget) -> float:
    """The resolution scale an exporter is drawing `item` at (1 on screen)."""
    opts = getattr(item, "_exportOpts", False)
    return float(opts.get("resolutionScale", 1.0)) if isinstance(opts, dict) else 1.0


class TickAxis(pg.AxisItem):  # type: ignore[misc]  # pyqtgraph ships no type information
    """An axis of round ticks spaced for their labels: steps (0, 500, 20k, 1.2M), or values,
    linear or log10 (0.01 … 10, or 10⁻⁸ … 10⁴ across many decades)."""

    def __init__(self, orientation: str, steps: bool = False) -> None:
        super().__init__(orientation)
        # the step axis's end labels may reach past its ends; a value axis's stay inside, off
        # the neighbouring plot's labels. Only the first tick level has labels: pyqtgraph
        # need not measure the minor ticks' empty ones each time the range moves.
        self.setStyle(hideOverlappingLabels=16 if steps else 2, maxTextLevel=0)
        self.steps = steps
        self.log = False
        self._labels: dict[float, str] = {}
        self.shown: list[tuple[str, QRectF]] = []
        self._bounds_key: tuple[object, ...] | None = None
        self._bounds = QRectF()
        self.enableAutoSIPrefix(False)
        self.setCacheMode(CACHED)

    def set_log(self, log: bool) -> None:
        """Label the axis's values as log10 of what they show."""
        if log != self.log:
            self.log = log
            self.picture = None
            self.update()

    def _font(self) -> QFont:
        font: QFont | None = self.style["tickFont"]
        return font if font is not None else QFont()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:  # noqa: N802
        """Labelled ticks first, then unlabelled minor ticks (pyqtgraph's tick levels)."""
        lo, hi = sorted((minVal, maxVal))
        metrics = QFontMetricsF(self._font())
        if self.steps:
            major, minor = linear_ticks(lo, hi, size, lambda v: self._widest(metrics, v) + 16.0)
            texts = step_labels(major)
        elif self.log:
            major, minor, texts = log_axis(lo, hi, size, LABEL_GAP * metrics.height())
        else:
            major, minor = linear_ticks(lo, hi, size, LABEL_GAP * metrics.height())
            texts = value_labels(major)
        self._labels = dict(zip(major, texts, strict=True))
        spacing = (hi - lo) / max(len(major), 1)
        return [(spacing, major), (spacing / 5.0, minor)]

    @staticmethod
    def _widest(metrics: QFontMetricsF, values: list[float]) -> float:
        return max((metrics.horizontalAdvance(t) for t in step_labels(values)), default=0.0)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        """The label of each labelled tick; minor ticks have none."""
        return [self._labels.get(v, "") for v in values]

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        """pyqtgraph's rectangle, computed once per geometry (Qt asks on every paint)."""
        key = (self.geometry(), self.style["tickLength"], self.grid)
        if key != self._bounds_key:
            self._bounds_key = key
            self._bounds = super().boundingRect()
        return QRectF(self._bounds)

    def drawPicture(self, p: QPainter, axisSpec: Any, tickSpecs: Any, textSpecs: Any) -> None:  # noqa: N802
        """Draw, and remember the labels shown (text, rectangle in the axis's coordinates)."""
        self.shown = [(text, QRectF(rect)) for rect, _, text in textSpecs if text]
        super().drawPicture(p, axisSpec, tickSpecs, textSpecs)


class CurveLayer(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph ships no type information
    """Polylines in view coordinates, one pen each, all drawn in one paint (the curves' tails,
    redrawn every frame where they changed)."""

    def __init__(self) -> None:
        super().__init__()
        self._lines: list[tuple[QPen, QPolygonF]] = []  # changed in place: setting an
        self._rect = QRectF()  # attribute of a Qt object costs more than reading it

    def set_lines(self, lines: list[tuple[QPen, QPolygonF]], dirty: QRectF | None = None) -> None:
        """Draw these (pen, polyline) pairs from the next paint on; `dirty`, if given, is all
        that changed (item coordinates), and all that is repainted."""
        self._lines[:] = lines
        if dirty is None:
            self.update()
        elif not dirty.isEmpty():
            self.update(dirty)

    def set_rect(self, rect: QRectF) -> None:
        """The view rectangle the lines are drawn in (what the item covers)."""
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = QRectF(rect)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        """The view rectangle."""
        return self._rect

    def paint(self, p: QPainter, *args: Any) -> None:
        """Each polyline with its pen (widened by an exporter's resolution scale)."""
        scale = export_scale(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for pen, line in self._lines:
            p.setPen(_scaled(pen, scale))
            p.drawPolyline(line)


class TraceLayer(CurveLayer):
    """The settled stretch of every curve, as (pen, steps, values) arrays in view units, drawn
    into a cached pixmap. Points appended to the curves repaint only the stretch they add:
    Qt re-renders just that part of the pixmap, and this item strokes just the points near it
    (the strokes there come out as a full paint's)."""

    def __init__(self) -> None:
        super().__init__()
        self._traces: list[tuple[QPen, np.ndarray, np.ndarray]] = []
        self._scratch = QImage()
        self.setCacheMode(CACHED)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def set_traces(
        self, traces: list[tuple[QPen, np.ndarray, np.ndarray]], dirty: QRectF | None = None
    ) -> None:
        """Draw these (pen, x, y) traces (x non-decreasing) from the next paint on; `dirty`,
        if given, is the only part that changed (item coordinates)."""
        self._traces = traces
        if dirty is None:
            self.update()
        elif not dirty.isEmpty():
            self.update(dirty)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, *args: Any) -> None:
        """Each trace with its pen; of a partly exposed cache, only the points near the part."""
        scale = export_scale(self)
        exposed = option.exposedRect
        if scale != 1.0 or (
            exposed.left() <= self._rect.left() and exposed.right() >= self._rect.right()
        ):
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            for pen, x, y in self._traces:
                if len(x) > 1:
                    p.setPen(_scaled(pen, scale))
                    p.drawPolyline(polyline(x, y))
            return
        self._paint_part(p, exposed)

    def _paint_part(self, p: QPainter, exposed: QRectF) -> None:
        """Stroke the points near `exposed` on a scratch image that holds the whole layer,
        then copy the part Qt repaints. Qt repaints it on a pixmap just that size, and its
        strokes round differently where that pixmap cuts them; on the scratch no stroke of
        the curves is cut, as in a full paint, so the pixels come out as a full paint's."""
        to_part = p.worldTransform()  # item → the pixmap Qt repaints the part on
        whole = to_part.mapRect(self._rect)
        dx, dy = 2 - math.floor(whole.left()), 2 - math.floor(whole.top())
        size = QSize(math.ceil(whole.width()) + 5, math.ceil(whole.height()) + 5)
        if self._scratch.width() < size.width() or self._scratch.height() < size.height():
            self._scratch = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        device = p.device()
        part = QRect(dx, dy, device.width(), device.height())
        margin = SLICE_PX / max(abs(to_part.m11()), 1e-300)
        bounds = np.array([exposed.left() - margin, exposed.right() + margin])
        q = QPainter(self._scratch)
        q.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        q.fillRect(part, Qt.GlobalColor.transparent)
        q.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        q.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        q.setTransform(to_part * QTransform.fromTranslate(dx, dy))
        for pen, x, y in self._traces:
            a, b = x.searchsorted(bounds).tolist()
            a, b = max(a - 2, 0), b + 3
            if b - a > 1:
                q.setPen(pen)
                q.drawPolyline(polyline(x[a:b], y[a:b]))
        q.end()
        p.save()
        p.resetTransform()
        p.drawImage(QRect(0, 0, part.width(), part.height()), self._scratch, part)
        p.restore()


SLICE_PX = 4.0  # a partial paint strokes the points within this many pixels of the part too


def polyline(x: np.ndarray, y: np.ndarray) -> QPolygonF:
    """A QPolygonF of these points, filled from numpy without a Python loop."""
    if not len(x):
        return QPolygonF()
    poly = fn.create_qpolygonf(len(x))
    coords = fn.ndarray_from_qpolygonf(poly)
    coords[:, 0] = x
    coords[:, 1] = y
    out: QPolygonF = poly
    return out


def _scaled(pen: QPen, scale: float) -> QPen:
    """The pen widened by an exporter's resolution scale."""
    if scale == 1.0:
        return pen
    wide = QPen(pen)
    wide.setWidthF(pen.widthF() * scale)
    return wide


class LegendBar(pg.GraphicsWidget):  # type: ignore[misc]  # pyqtgraph ships no type information
    """The racers' names beside a stroke of their colour, in as many columns as fit, above
    the plots (so it never covers a curve); as tall as its rows."""

    SWATCH = 18.0
    PAD = 4.0
    GAP = 14.0

    def __init__(self, indent: float = 0.0) -> None:
        super().__init__()
        self.indent = indent
        self._entries: list[tuple[str, str]] = []
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self.setCacheMode(CACHED)
        self.relayout = False
        self._fit()

    def set_entries(self, entries: list[tuple[str, str]]) -> None:
        """Show these (title, colour) entries."""
        if entries != self._entries:
            self._entries = list(entries)
            self._fit()
            self.update()

    def entries(self) -> list[tuple[str, str]]:
        """(title, colour) of each entry, in order."""
        return list(self._entries)

    def _cell(self) -> tuple[float, float]:
        metrics = QFontMetricsF(self.font)
        widest = max((metrics.horizontalAdvance(t) for t, _ in self._entries), default=0.0)
        return self.SWATCH + 6.0 + widest + self.GAP, metrics.height() + 2.0

    def _grid(self, width: float) -> tuple[int, int]:
        """(columns, rows) at this width: as few rows as fit, the columns balanced."""
        n = len(self._entries)
        if not n:
            return 1, 0
        cell_w, _ = self._cell()
        fit = max(1, int((width - self.indent - self.PAD + self.GAP) // cell_w))
        rows = math.ceil(n / fit)
        return math.ceil(n / rows), rows

    def height_for(self, width: float) -> float:
        """The height the entries need at this width (0 without entries)."""
        _, rows = self._grid(width)
        return rows * self._cell()[1] + 2 * self.PAD if rows else 0.0

    def _fit(self) -> None:
        """Take the height the entries need at the current width."""
        height = self.height_for(self.size().width())
        if self.minimumHeight() != height:
            self.setMinimumHeight(height)
            self.setMaximumHeight(height)
            self.updateGeometry()
            self.relayout = True  # set while the layout lays out: the owner lays out again

    def resizeEvent(self, event: QGraphicsSceneResizeEvent) -> None:  # noqa: N802 - Qt override
        """Re-flow the entries into the columns that fit."""
        super().resizeEvent(event)
        self._fit()

    def entry_rects(self) -> list[QRectF]:
        """Each entry's rectangle (swatch and text), in the legend's coordinates."""
        cell_w, cell_h = self._cell()
        cols, _ = self._grid(self.size().width())
        return [
            QRectF(
                self.indent + (i % cols) * cell_w,
                self.PAD + (i // cols) * cell_h,
                cell_w - self.GAP,
                cell_h,
            )
            for i in range(len(self._entries))
        ]

    def paint(self, p: QPainter, *args: Any) -> None:
        """The swatches and names."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setFont(self.font)
        for rect, (title, color) in zip(self.entry_rects(), self._entries, strict=True):
            mid = rect.center().y()
            p.setPen(pg.mkPen(color, width=2.5))
            p.drawLine(QPointF(rect.left(), mid), QPointF(rect.left() + self.SWATCH, mid))
            p.setPen(QColor(theme.TEXT_COLOR))
            text = QRectF(rect.left() + self.SWATCH + 6.0, rect.top(), rect.width(), rect.height())
            p.drawText(text, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)


def marker(text: str, color: str) -> pg.TextItem:
    """A small label in a racer's colour, for a curve that leaves the plot."""
    item = pg.TextItem(text, color=color, anchor=(0.0, 0.0))
    font = QFont()
    font.setPointSizeF(8.0)
    item.setFont(font)
    return item
