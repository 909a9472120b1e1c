"""What an exported picture carries around the view: a title, a legend of the racers in
their colours and, on an animation's frames, a step counter.

They are drawn in a band above the view, never over it, so they cover none of the view's
own axes, ticks or labels. The band's text scales with the picture; on an SVG it stays text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from ..theme import BACKGROUND, MUTED_TEXT_COLOR, TEXT_COLOR

MIN_TITLE_PX = 12
MAX_TITLE_PX = 64


@dataclass(frozen=True)
class Decor:
    """The title (and a muted subtitle after it), the legend entries (name, #rrggbb) and
    whether frames show a step counter. An empty Decor leaves the picture as the view."""

    title: str = ""
    subtitle: str = ""
    legend: tuple[tuple[str, str], ...] = ()
    step_counter: bool = False

    @property
    def empty(self) -> bool:
        """True when nothing is drawn around the view."""
        return not (self.title or self.subtitle or self.legend or self.step_counter)


@dataclass(frozen=True)
class LegendSlot:
    """Where one legend entry is drawn: its colour swatch and its name's baseline start."""

    name: str
    color: str
    swatch: QRectF
    text_at: QPointF


@dataclass(frozen=True)
class DecorLayout:
    """Where everything goes in a width×height picture; `content` is the view's rectangle."""

    width: int
    height: int
    content: QRect
    band: QRect = field(default_factory=QRect)
    title_px: int = MIN_TITLE_PX
    legend_px: int = MIN_TITLE_PX
    title_at: QPointF = field(default_factory=QPointF)
    title_width: float = 0.0
    counter_width: float = 0.0
    slots: tuple[LegendSlot, ...] = ()


def title_px(width: int, height: int) -> int:
    """The title's pixel size for a width×height picture (about 2.5% of its height)."""
    return max(MIN_TITLE_PX, min(MAX_TITLE_PX, round(min(height * 0.026, width * 0.024))))


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def counter_text(step: int) -> str:
    """The step counter's text."""
    return f"step {step:,}"


def decor_layout(decor: Decor, width: int, height: int, max_step: int = 0) -> DecorLayout:
    """Lay the decor out in a width×height picture: the band on top, the view below.

    The step counter gets room for `max_step`, so the title need not move as it counts.
    """
    full = QRect(0, 0, width, height)
    if decor.empty:
        return DecorLayout(width, height, full)
    tpx = title_px(width, height)
    lpx = max(10, round(tpx * 0.78))
    pad = max(4.0, tpx * 0.45)
    y = pad
    title_at = QPointF(pad, y)
    if decor.title or decor.subtitle or decor.step_counter:
        metrics = QFontMetricsF(_font(tpx, bold=True))
        title_at = QPointF(pad, y + metrics.ascent())
        y += metrics.height()
    slots = _legend_slots(decor.legend, lpx, pad, y + (pad * 0.5 if y > pad else 0), width)
    if slots:
        line = QFontMetricsF(_font(lpx)).height()
        y = max(s.swatch.bottom() for s in slots) + (line - lpx * 0.8) / 2
    band_h = min(height - 1, round(y + pad * 0.6))
    counter = 0.0
    if decor.step_counter:
        sample = counter_text(max_step).translate(str.maketrans("0123456789", "8888888888"))
        counter = QFontMetricsF(_font(tpx)).horizontalAdvance(sample)
    return DecorLayout(
        width,
        height,
        QRect(0, band_h, width, height - band_h),
        QRect(0, 0, width, band_h),
        tpx,
        lpx,
        title_at,
        width - 2 * pad,
        counter,
        tuple(slots),
    )


def _legend_slots(
    entries: tuple[tuple[str, str], ...], px: int, pad: float, top: float, width: int
) -> list[LegendSlot]:
    """The entries flowed left to right in rows, wrapping at the picture's width."""
    metrics = QFontMetricsF(_font(px))
    line = metrics.height()
    side = px * 0.8
    gap = px * 1.2
    x, row_top = pad, top
    slots = []
    for name, color in entries:
        shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, width - 2 * pad - 2 * side)
        w = side + px * 0.4 + metrics.horizontalAdvance(shown)
        if x > pad and x + w > width - pad:
            x, row_top = pad, row_top + line
        swatch = QRectF(x, row_top + (line - side) / 2, side, side)
        slots.append(
            LegendSlot(
                shown, color, swatch, QPointF(x + side + px * 0.4, row_top + metrics.ascent())
            )
        )
        x += w + gap
    return slots


def _text(painter: QPainter, at: QPointF, text: str, color: str, halo: bool) -> None:
    """Text at a baseline start; with a halo, outlined in the studio's background so it
    reads on a light slide as on a dark one (a transparent picture)."""
    if not halo:
        painter.setPen(QColor(color))
        painter.drawText(at, text)
        return
    path = QPainterPath()
    path.addText(at, painter.font(), text)
    width = max(1.5, painter.font().pixelSize() * 0.12)
    pen = QPen(QColor(BACKGROUND), width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.strokePath(path, pen)
    painter.fillPath(path, QColor(color))


def paint_decor(painter: QPainter, decor: Decor, layout: DecorLayout, halo: bool = False) -> None:
    """Paint the band's title and legend (the step counter is paint_counter's); `halo`
    outlines the text, for a transparent background."""
    if decor.empty:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    _paint_title(painter, decor, layout, halo)
    font = _font(layout.legend_px)
    painter.setFont(font)
    for slot in layout.slots:
        painter.setPen(QPen(QColor(TEXT_COLOR).darker(300), max(1.0, layout.legend_px / 14)))
        painter.setBrush(QColor(slot.color))
        painter.drawRoundedRect(slot.swatch, slot.swatch.width() * 0.2, slot.swatch.height() * 0.2)
        _text(painter, slot.text_at, slot.name, TEXT_COLOR, halo)
    painter.restore()


def paint_counter(painter: QPainter, layout: DecorLayout, step: int, halo: bool = False) -> None:
    """Paint the step counter, right-aligned at the end of the title's line."""
    plain = _font(layout.title_px)
    text = counter_text(step)
    right = layout.title_at.x() + layout.title_width
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setFont(plain)
    at = QPointF(right - QFontMetricsF(plain).horizontalAdvance(text), layout.title_at.y())
    _text(painter, at, text, TEXT_COLOR, halo)
    painter.restore()


def _paint_title(painter: QPainter, decor: Decor, layout: DecorLayout, halo: bool) -> None:
    bold = _font(layout.title_px, bold=True)
    plain = _font(layout.title_px)
    x, base = layout.title_at.x(), layout.title_at.y()
    right = x + layout.title_width
    if layout.counter_width:
        right -= layout.counter_width + layout.title_px
    room = max(0.0, right - x)
    if decor.title:
        metrics = QFontMetricsF(bold)
        shown = metrics.elidedText(decor.title, Qt.TextElideMode.ElideRight, room)
        painter.setFont(bold)
        _text(painter, QPointF(x, base), shown, TEXT_COLOR, halo)
        used = metrics.horizontalAdvance(shown) + layout.title_px * 0.6
        x, room = x + used, room - used
    if decor.subtitle and room > layout.title_px * 2:
        metrics = QFontMetricsF(plain)
        shown = metrics.elidedText(decor.subtitle, Qt.TextElideMode.ElideRight, room)
        painter.setFont(plain)
        _text(painter, QPointF(x, base), shown, MUTED_TEXT_COLOR, halo)


def decorated(
    decor: Decor,
    width: int,
    height: int,
    render: Callable[[int, int], QImage],
    background: QColor | None = None,
) -> QImage:
    """A width×height picture: `render(w, h)` of the view below the decor's band.

    `background` fills the band (None: the studio's background; a transparent colour keeps
    it transparent, the image then being ARGB32).
    """
    return DecorFrames(decor, width, height, background).frame(render)


class DecorFrames:
    """Pictures of one size with the same decor: the band is painted once, then each frame
    is a copy of it with the view (and the step counter) painted in."""

    def __init__(
        self,
        decor: Decor,
        width: int,
        height: int,
        background: QColor | None = None,
        max_step: int = 0,
    ) -> None:
        self.decor = decor
        self.layout = decor_layout(decor, width, height, max_step)
        fill = QColor(BACKGROUND) if background is None else background
        self._halo = fill.alpha() < 255  # text on a transparent band: outlined
        fmt = QImage.Format.Format_ARGB32 if self._halo else QImage.Format.Format_RGB32
        self._template = QImage(width, height, fmt)
        self._template.fill(fill)
        painter = QPainter(self._template)
        try:
            paint_decor(painter, decor, self.layout, self._halo)
        finally:
            painter.end()

    @property
    def content_size(self) -> tuple[int, int]:
        """The width and height the view is rendered at."""
        return self.layout.content.width(), self.layout.content.height()

    def frame(self, render: Callable[[int, int], QImage], step: int | None = None) -> QImage:
        """The band with `render(w, h)` of the view below it (and `step` on the counter)."""
        if self.decor.empty:
            return render(self.layout.width, self.layout.height)
        view = render(*self.content_size)  # before any painter is open: it may raise
        image = self._template.copy()
        painter = QPainter(image)
        try:
            if self.decor.step_counter and step is not None:
                paint_counter(painter, self.layout, step, self._halo)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.drawImage(self.layout.content.topLeft(), view)
        finally:
            painter.end()
        return image
