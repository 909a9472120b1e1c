"""PlotCanvas: the loss plots' widget, painted with QPainter (no scene graph).

What changes rarely (background, legend, axes and the settled stretch of every curve) lives
in one picture, rendered whole when a range, the size or the legend changes and, when the
settled curves grow, only over the stretch they add. A paint copies the part of that picture
it repaints and strokes the curves' tails (their newest columns) and the marker labels over
it, so a racing frame repaints a few pixels around each tail's tip.

Exports paint the same things straight onto their painter (vector paths and text in an SVG),
laid out at the picture's size, the curves binned afresh for its width.
"""

from __future__ import annotations

import math
from typing import Protocol

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ... import theme
from .plot_axes import Axis, step_axis_height, title_height
from .plot_curves import Plot
from .plot_items import (
    Trace,
    draw_marker,
    draw_polylines,
    draw_traces,
    marker_rect,
    view_transform,
)
from .plot_legend import Legend
from .plot_ranges import EMPTY_LOG, EMPTY_STEPS

AXIS_WIDTH = 46  # the value axes' ticks and labels
MARGINS = (4, 4, 16, 4)  # left, top, right (room for the last step label), bottom
PLOT_GAP = 12  # between the stacked plots (their end labels reach 2 px past them)
LEGEND_GAP = 6
WEIGHTS = (3, 2)  # the plots' shares of the height, top to bottom
PAD = 3.0  # pixels around a changed stretch repainted too (the pen and antialiasing)


class PictureSource(Protocol):
    """What the canvas paints: the panel's plots and legend."""

    plots: list[Plot]
    legend: Legend

    def before_paint(self) -> None:
        """Bring the plots up to date (a paint came before the frame's redraw)."""

    def laid_out(self) -> None:
        """The plots were laid out anew (their curves are to be binned for it)."""

    def picture_traces(self, plot: Plot, columns: int, scale: float) -> list[Trace]:
        """Every curve of `plot` binned afresh for `columns` pixel columns (an export)."""


def lay_out(width: float, height: float, legend: Legend, count: int) -> tuple[QRectF, list[QRectF]]:
    """(legend box, each plot's view) for a canvas of width × height, in whole pixels."""
    left, top, right, bottom = MARGINS
    axis_left = left + math.ceil(title_height()) + AXIS_WIDTH
    legend.indent = axis_left - left
    legend_h = math.ceil(legend.height_for(width - left - right))
    box = QRectF(left, top, max(width - left - right, 1.0), legend_h)
    y = top + legend_h + (LEGEND_GAP if legend_h else 2)
    avail = height - y - bottom - math.ceil(step_axis_height()) - PLOT_GAP * (count - 1)
    weights = WEIGHTS[:count] if count <= len(WEIGHTS) else (1,) * count
    total = sum(weights)
    view_w = max(int(width - axis_left - right), 1)
    views = []
    for k, w in enumerate(weights):
        h = max(int(avail * w / total), 1)
        views.append(QRectF(axis_left, y, view_w, h))
        y += h + (PLOT_GAP if k < count - 1 else 0)
    return box, views


def paint_frame(p: QPainter, box: QRectF, plots: list[tuple[Plot, Axis, Axis | None]]) -> None:
    """The axes (as laid out) and their titles of each (plot, left axis, step axis)."""
    for plot, left, bottom in plots:
        (x0, x1), (y0, y1) = plot.shown or (EMPTY_STEPS, EMPTY_LOG)
        view = plot.view
        left.paint(p, y0, y1, view)
        left.paint_title(p, view, box.left() + title_height())
        if bottom is not None:
            bottom.paint(p, x0, x1, view)
            edge = max((r.bottom() for _, r in bottom.shown), default=view.bottom()) + 4.0
            bottom.paint_title(p, view, edge)


def settled_traces(plot: Plot) -> list[Trace]:
    """The settled points of each curve of `plot` (view units)."""
    return [(c.pen, c.trail.x, c.trail.y) for c in plot.curves if c.trail.n > 1]


class PlotCanvas(QWidget):
    """The stacked plots and their legend, painted from `source`'s plots."""

    def __init__(self, source: PictureSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.legend_box = QRectF()
        self._image = QImage()  # background, legend, axes and settled curves
        self._frame = QImage()  # a paint's picture: the part of _image, the tails over it
        self._stale = True  # the whole picture is to be rendered again
        self._grown: dict[int, float] = {}  # plot → from which pixel its settled curves grew
        self._laid: tuple[object, ...] | None = None
        self._touched = QRect()  # the strips touched and not yet asked to be repainted
        self.renders = 0  # pictures rendered whole or in part (tests count them)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """A dock's worth."""
        return QSize(420, 600)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Small enough to share a small window (the plots then squeeze)."""
        return QSize(80, 60)

    def background(self) -> QColor:
        """The plots' background colour (an export fills its picture with it)."""
        return QColor(theme.BACKGROUND)

    # --- layout ---------------------------------------------------------------------------

    def lay_out(self) -> bool:
        """Place the legend and the plots for the current size; True if anything moved."""
        plots = self.source.plots
        key = (self.width(), self.height(), len(plots), tuple(self.source.legend.entries()))
        if key == self._laid:
            return False
        self._laid = key
        self.legend_box, views = lay_out(
            self.width(), self.height(), self.source.legend, len(plots)
        )
        for plot, view in zip(plots, views, strict=True):
            plot.view = view
        self.restale()
        self.source.laid_out()
        return True

    def restale(self) -> None:
        """Render the whole picture again at the next paint."""
        self._stale = True
        self._grown.clear()
        self.update()

    def grow(self, index: int, x: float) -> None:
        """Plot `index`'s settled curves changed from view x `x` on (to its right end)."""
        plot = self.source.plots[index]
        if self._stale or plot.shown is None:
            return
        left = max(
            view_transform(plot.view, plot.shown).map(QPointF(x, 0.0)).x() - PAD, plot.view.left()
        )
        self._grown[index] = min(self._grown.get(index, math.inf), math.floor(left))
        self.update(self._part(index).toAlignedRect())

    def touch(self, index: int, x0: float, x1: float) -> None:
        """Repaint plot `index` from step x0 to x1 (view units), a few pixels either side,
        all its height (at repaint_touched)."""
        plot = self.source.plots[index]
        if plot.shown is None:
            return
        (lo, hi), _ = plot.shown  # view_transform's x, in plain arithmetic (every frame)
        view = plot.view
        scale = view.width() / (hi - lo if hi != lo else 1.0)
        left = max(math.floor(view.left() + (x0 - lo) * scale - PAD), int(view.left()))
        right = min(math.ceil(view.left() + (x1 - lo) * scale + PAD), int(view.right()))
        if right > left:
            strip = QRect(left, int(view.top()), right - left, int(view.height()))
            self._touched = self._touched.united(strip)

    def repaint_touched(self) -> None:
        """Ask for one repaint of the stretches touched since the last call (every plot's
        strips in one rectangle: the paint covers their bounding box either way)."""
        if not self._touched.isEmpty():
            self.update(self._touched)
            self._touched = QRect()

    def _part(self, index: int) -> QRectF:
        view = self.source.plots[index].view
        left = self._grown[index]
        return QRectF(left, view.top(), view.right() - left, view.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Lay the plots out again."""
        super().resizeEvent(event)
        self.lay_out()

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Copy the picture's part, with the tails and labels stroked over it."""
        self.source.before_paint()
        self.lay_out()
        self._render()
        rect = event.rect()
        clip = QRectF(rect)
        # composed offscreen: stroking onto the window's own buffer costs several times more
        q = QPainter(self._frame)
        q.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        q.drawImage(clip, self._image, self._pixels(clip))
        q.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        for plot in self.source.plots:
            if plot.shown is None or not plot.view.intersects(clip):
                continue
            transform = view_transform(plot.view, plot.shown)
            tails = [(c.pen, c.tail) for c in plot.curves]
            draw_polylines(q, transform, plot.view.intersected(clip), tails)
            if plot.markers:
                q.setClipRect(clip)
                self._paint_markers(q, plot)
                q.setClipping(False)
        q.end()
        p = QPainter(self)
        p.drawImage(clip, self._frame, self._pixels(clip))
        p.end()

    def _pixels(self, rect: QRectF) -> QRectF:
        """`rect` (logical pixels) in the pictures' device pixels."""
        ratio = self._image.devicePixelRatio()
        return QRectF(
            rect.x() * ratio, rect.y() * ratio, rect.width() * ratio, rect.height() * ratio
        )

    def _paint_markers(self, p: QPainter, plot: Plot) -> None:
        if not plot.markers or plot.shown is None:
            return
        transform = view_transform(plot.view, plot.shown)
        for marker, _ in plot.markers.values():
            rect = marker_rect(marker.text, marker.x, marker.y, marker.anchor, transform)
            draw_marker(p, marker.text, marker.color, rect)

    def marker_rects(self, plot: Plot) -> dict[str, QRectF]:
        """Where each marker label of `plot` is drawn (pixels), by racer title."""
        if plot.shown is None:
            return {}
        transform = view_transform(plot.view, plot.shown)
        return {
            title: marker_rect(m.text, m.x, m.y, m.anchor, transform)
            for title, (m, _) in plot.markers.items()
        }

    def _render(self) -> None:
        """Bring the picture up to date: whole, or the stretches the settled curves grew."""
        ratio = self.devicePixelRatioF()
        size = QSize(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
        if self._image.size() != size or self._image.devicePixelRatio() != ratio:
            self._image = QImage(size, QImage.Format.Format_RGB32)
            self._image.setDevicePixelRatio(ratio)
            self._frame = QImage(size, QImage.Format.Format_RGB32)
            self._frame.setDevicePixelRatio(ratio)
            self._stale = True
        if not self._stale and not self._grown:
            return
        self.renders += 1
        p = QPainter(self._image)
        if self._stale:
            self._render_whole(p)
        else:
            for index in self._grown:
                plot = self.source.plots[index]
                if plot.shown is None:
                    continue
                part = self._part(index).intersected(plot.view)
                p.fillRect(part, self.background())
                transform = view_transform(plot.view, plot.shown)
                draw_traces(p, transform, part, settled_traces(plot), (part.left(), part.right()))
        p.end()
        self._stale = False
        self._grown.clear()

    def _render_whole(self, p: QPainter) -> None:
        p.fillRect(QRectF(0, 0, self.width(), self.height()), self.background())
        self.source.legend.paint(p, self.legend_box)
        plots = self.source.plots
        for plot in plots:
            (x0, x1), (y0, y1) = plot.shown or (EMPTY_STEPS, EMPTY_LOG)
            plot.left.lay_out(y0, y1, plot.view, self.legend_box.left() + title_height())
            if plot.bottom is not None:
                plot.bottom.lay_out(x0, x1, plot.view)
        paint_frame(p, self.legend_box, [(plot, plot.left, plot.bottom) for plot in plots])
        for plot in plots:
            if plot.shown is not None:
                transform = view_transform(plot.view, plot.shown)
                draw_traces(p, transform, plot.view, settled_traces(plot))

    # --- exports ----------------------------------------------------------------------------

    def paint_picture(self, p: QPainter, target: QRectF, scale: float) -> None:
        """Paint the plots into `target`, laid out at target ÷ scale logical pixels (text
        and lines `scale` times their size on screen), the curves binned for that width."""
        width, height = target.width() / scale, target.height() / scale
        plots = self.source.plots
        legend = self.source.legend
        box, views = lay_out(width, height, legend, len(plots))
        laid: list[tuple[Plot, Axis, Axis | None]] = []
        saved = [plot.view for plot in plots]
        p.save()
        try:
            p.translate(target.topLeft())
            p.scale(scale, scale)
            p.setClipRect(QRectF(0, 0, width, height))
            p.fillRect(QRectF(0, 0, width, height), self.background())
            legend.paint(p, box)
            for plot, view in zip(plots, views, strict=True):
                plot.view = view
                (x0, x1), (y0, y1) = plot.shown or (EMPTY_STEPS, EMPTY_LOG)
                left = Axis("left", plot.left.title, plot.left.log)
                left.lay_out(y0, y1, view, box.left() + title_height())
                bottom = None
                if plot.bottom is not None:
                    bottom = Axis("bottom", plot.bottom.title)
                    bottom.lay_out(x0, x1, view)
                laid.append((plot, left, bottom))
            paint_frame(p, box, laid)
            for plot in plots:
                if plot.shown is None:
                    continue
                transform = view_transform(plot.view, plot.shown)
                traces = self.source.picture_traces(plot, int(plot.view.width()), scale)
                draw_traces(p, transform, plot.view, traces)
                self._paint_markers(p, plot)
        finally:
            p.restore()
            for plot, view in zip(plots, saved, strict=True):
                plot.view = view
