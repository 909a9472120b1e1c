"""Render a pyqtgraph view (the contour view) or a view that paints itself (the loss plots)
to a PNG-ready QImage or to vector SVG.

The view is laid out at the picture's aspect ratio for the duration of the render, and the
scene is painted through a scaled QPainter, so text, symbols and curves keep their size
relative to the picture at any resolution; a decor band (export_decor) can sit above it. SVG
goes through QSvgGenerator (pyqtgraph's own SVG exporter breaks with recent PySide6), so
curves come out as real `<path>` elements, in the picture's pixels (svg_geometry).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from typing import Protocol

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QResizeEvent
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from ..theme import BACKGROUND
from .export_decor import Decor, decor_layout, paint_decor
from .export_files import check_writable, write_bytes_atomic
from .export_formats import ExportError, check_size
from .svg_geometry import flatten_svg, view_box


class PaintedView(Protocol):
    """A view that paints its own picture at any size (the loss plots' canvas)."""

    def size(self) -> QSize:
        """Its size on screen."""

    def background(self) -> QColor:
        """The colour its picture is filled with."""

    def paint_picture(self, painter: QPainter, target: QRectF, scale: float) -> None:
        """Paint itself into `target`, laid out at target ÷ scale logical pixels."""


View = QGraphicsView | PaintedView
"""What the exporters draw: a pyqtgraph scene's view, or a view that paints itself."""


def layout_scale(view_size: QSize, width: int, height: int) -> float:
    """How much a width×height picture magnifies the view: it fits the view's size on screen
    into the picture (never below 1: a small picture is laid out at its own size)."""
    w, h = max(view_size.width(), 1), max(view_size.height(), 1)
    return max(1.0, min(width / w, height / h))


def render_graphics_image(
    view: View, width: int, height: int, decor: Decor | None = None
) -> QImage:
    """The view's scene as a width×height RGB image, laid out at that aspect ratio, below
    the decor's band (title, legend) if one is given."""
    check_size(width, height)
    decor = decor or Decor()
    layout = decor_layout(decor, width, height)
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(_background(view))
    painter = QPainter(image)
    try:
        paint_decor(painter, decor, layout)
        _paint_view(view, painter, QRectF(layout.content))
    finally:
        painter.end()
    return image.convertToFormat(QImage.Format.Format_RGB32)


def render_graphics_svg(
    view: View, width: int, height: int, title: str = "", decor: Decor | None = None
) -> bytes:
    """The view's scene as SVG text (vector paths and text; images embedded), width×height
    pixels, below the decor's band. Lines are in the picture's pixels, clipped to it."""
    check_size(width, height)
    decor = decor or Decor()
    layout = decor_layout(decor, width, height)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setResolution(96)
    if title:
        generator.setTitle(title)
    generator.setDescription("Exported from Gradient Descent Studio")
    painter = QPainter(generator)
    try:
        painter.fillRect(QRectF(0, 0, width, height), _background(view))
        paint_decor(painter, decor, layout)
        _paint_view(view, painter, QRectF(layout.content))
    finally:
        painter.end()
    buffer.close()
    svg = bytes(data.data()).decode("utf-8")
    return flatten_svg(svg, view_box(width, height)).encode("utf-8")


def _background(view: View) -> QColor:
    """The view's background colour; the studio's (theme.BACKGROUND) if it sets none."""
    if not isinstance(view, QGraphicsView):
        return view.background()
    brush = view.backgroundBrush()
    if brush.style() == Qt.BrushStyle.NoBrush:
        return QColor(BACKGROUND)
    return brush.color()


def _paint_view(view: View, painter: QPainter, target: QRectF) -> None:
    """Paint the view's scene into `target`, laid out at its aspect ratio.

    Axis labels pyqtgraph places partly outside the view (the bottom one by a few pixels)
    are brought inside: the plots are laid out that much smaller and the labels drawn too.
    """
    width, height = target.width(), target.height()
    scale = layout_scale(view.size(), round(width), round(height))
    if not isinstance(view, QGraphicsView):
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setClipRect(target)
        try:
            view.paint_picture(painter, target, scale)
        finally:
            painter.restore()
        return
    logical = QSize(max(1, round(width / scale)), max(1, round(height / scale)))
    with _laid_out(view, logical):
        left, top, right, bottom = _label_overflow(view)
        inner = QSize(
            max(1, logical.width() - left - right), max(1, logical.height() - top - bottom)
        )
        with _laid_out(view, inner):
            source = _source_rect(view).adjusted(-left, -top, right, bottom)
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.setClipRect(target)
            try:
                with _export_mode(view.scene(), painter, scale):
                    view.scene().render(
                        painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio
                    )
            finally:
                painter.restore()


def _source_rect(view: QGraphicsView) -> QRectF:
    """The part of the scene the view shows."""
    return view.viewportTransform().inverted()[0].mapRect(QRectF(view.viewport().rect()))


def _label_overflow(view: QGraphicsView) -> tuple[int, int, int, int]:
    """How far (left, top, right, bottom, in view pixels) axis labels reach out of the view."""
    source = _source_rect(view)
    reach = QRectF(source)
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem) and item.isVisible() and item.label.isVisible():
            reach = reach.united(item.label.sceneBoundingRect())
    return (
        math.ceil(source.left() - reach.left()),
        math.ceil(source.top() - reach.top()),
        math.ceil(reach.right() - source.right()),
        math.ceil(reach.bottom() - source.bottom()),
    )


@contextlib.contextmanager
def _laid_out(view: QGraphicsView, size: QSize) -> Iterator[None]:
    """Temporarily resize the view (and lay its plots out) to `size` logical pixels."""
    old = view.size()
    if size != old:
        _resize_now(view, size)
    try:
        yield
    finally:
        if size != old:
            _resize_now(view, old)


def _resize_now(view: QGraphicsView, size: QSize) -> None:
    old = view.size()
    view.resize(size)
    if not view.isVisible():
        # a hidden widget (a closed dock) only records its new size: lay it out right away
        view.viewport().resize(view.maximumViewportSize())
        view.resizeEvent(QResizeEvent(size, old))
        view.setAttribute(Qt.WidgetAttribute.WA_PendingResizeEvent, False)


@contextlib.contextmanager
def _export_mode(scene: pg.GraphicsScene, painter: QPainter, scale: float) -> Iterator[None]:
    """pyqtgraph's export mode, no item caches and curve pens widened by `scale`."""
    items = scene.items()
    opts = {"antialias": True, "painter": painter, "resolutionScale": scale}
    cached = [(i, i.cacheMode()) for i in items if i.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    curves = [i for i in items if isinstance(i, pg.PlotCurveItem)]
    pens = [c.opts["pen"] for c in curves]
    # legends keep a constant on-screen size; in a picture they scale with everything else
    legends = [
        i
        for i in items
        if isinstance(i, pg.LegendItem)
        and i.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
    ]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    for legend in legends:
        legend.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, False)
    for item in items:
        if hasattr(item, "setExportMode"):
            item.setExportMode(True, opts)
    if scale != 1.0:
        for curve, pen in zip(curves, pens, strict=True):
            wide = pg.mkPen(pen)
            wide.setWidthF(max(pen.widthF(), 1.0) * scale)
            curve.setPen(wide)
    try:
        yield
    finally:
        for curve, pen in zip(curves, pens, strict=True):
            curve.setPen(pen)
        for item in items:
            if hasattr(item, "setExportMode"):
                item.setExportMode(False)
        for item, mode in cached:
            item.setCacheMode(mode)
        for legend in legends:
            legend.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)


def write_image_atomic(path: str | os.PathLike[str], image: QImage, fmt: str = "PNG") -> None:
    """Encode a QImage in memory, then write it to `path` atomically."""
    p = check_writable(path)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, fmt)  # type: ignore[call-overload]  # the stub says bytes; str works
    buffer.close()
    if not ok:
        raise ExportError(f"cannot write {p}: the {fmt} encoder failed")
    write_bytes_atomic(p, bytes(data.data()))
