"""Render a pyqtgraph view (contour view, plots) to a PNG-ready QImage or to vector SVG.

The view is laid out at the picture's aspect ratio for the duration of the render, and the
scene is painted through a scaled QPainter, so text, symbols and curves keep their size
relative to the picture at any resolution. SVG goes through QSvgGenerator (pyqtgraph's own
SVG exporter breaks with recent PySide6), so curves come out as real `<path>` elements.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPaintDevice, QPainter, QResizeEvent
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from ..theme import BACKGROUND
from .export_files import check_writable, write_bytes_atomic
from .export_formats import ExportError, check_size


def layout_scale(view_size: QSize, width: int, height: int) -> float:
    """How much a width×height picture magnifies the view: it fits the view's size on screen
    into the picture (never below 1: a small picture is laid out at its own size)."""
    w, h = max(view_size.width(), 1), max(view_size.height(), 1)
    return max(1.0, min(width / w, height / h))


def render_graphics_image(view: QGraphicsView, width: int, height: int) -> QImage:
    """The view's scene as a width×height RGB image, laid out at that aspect ratio."""
    check_size(width, height)
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(_background(view))
    _paint_view(view, image, width, height)
    return image.convertToFormat(QImage.Format.Format_RGB32)


def render_graphics_svg(view: QGraphicsView, width: int, height: int, title: str = "") -> bytes:
    """The view's scene as SVG text (vector paths; images embedded), width×height pixels."""
    check_size(width, height)
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
    _paint_view(view, generator, width, height, fill=_background(view))
    buffer.close()
    return bytes(data.data())


def _background(view: QGraphicsView) -> QColor:
    """The view's background colour; the studio's (theme.BACKGROUND) if it sets none."""
    brush = view.backgroundBrush()
    if brush.style() == Qt.BrushStyle.NoBrush:
        return QColor(BACKGROUND)
    return brush.color()


def _paint_view(
    view: QGraphicsView, device: QPaintDevice, width: int, height: int, fill: QColor | None = None
) -> None:
    scale = layout_scale(view.size(), width, height)
    logical = QSize(max(1, round(width / scale)), max(1, round(height / scale)))
    with _laid_out(view, logical):
        scene = view.scene()
        source = view.viewportTransform().inverted()[0].mapRect(QRectF(view.viewport().rect()))
        painter = QPainter(device)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            if fill is not None:
                painter.fillRect(QRectF(0, 0, width, height), fill)
            with _export_mode(scene, painter, scale):
                scene.render(
                    painter,
                    QRectF(0, 0, width, height),
                    source,
                    Qt.AspectRatioMode.IgnoreAspectRatio,
                )
        finally:
            painter.end()


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
