"""The loss plots' axes, painted with QPainter: round ticks spaced for their labels (steps
0, 500, 20k, 1.2M; values linear or log10, 0.01 … 10 or 10⁻⁸ … 10⁴), labels that never pile
up, and the axis titles.

An axis is laid out (its ticks and label rectangles worked out) only when its range or its
length changes, a few times a second at most while a race runs; painting it is a few lines
and texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from ... import theme
from .plot_ticks import linear_ticks, log_axis, step_labels, value_labels

LABEL_GAP = 2.2  # tick labels at least this many text heights apart (vertical axes)
TICK = 5.0  # major tick length (outside the plot), pixels
MINOR_TICK = 3.0
TEXT_OFFSET = (5.0, 2.0)  # labels this far from a tick's end (left axis, bottom axis)
OVERHANG = {False: 2.0, True: 16.0}  # a label may reach this far past its axis's ends
# (value axes stay off the neighbouring plot's labels; the step axis's end labels may reach
# into the margin kept for them)
AXIS_COLOR = QColor(150, 150, 150)
MINOR_COLOR = QColor(150, 150, 150, 150)
TITLE_POINTS = 10.0


def tick_font() -> QFont:
    """The tick labels' font (the application's)."""
    return QFont()


def title_font() -> QFont:
    """The axis titles' font."""
    font = QFont()
    font.setPointSizeF(TITLE_POINTS)
    return font


@dataclass
class Axis:
    """One axis of a plot: "left" (values, `log` for log10 units) or "bottom" (steps)."""

    side: str
    title: str
    log: bool = False
    key: tuple[object, ...] | None = None  # what the layout below was worked out for
    major: list[tuple[float, str]] = field(default_factory=list)  # labelled ticks
    minor: list[float] = field(default_factory=list)
    shown: list[tuple[str, QRectF]] = field(default_factory=list)  # labels drawn, widget px

    @property
    def steps(self) -> bool:
        """True for the step axis."""
        return self.side == "bottom"

    def lay_out(self, lo: float, hi: float, view: QRectF, edge: float = 0.0) -> None:
        """Work out the ticks and label rectangles for the range (lo, hi) along `view`'s
        edge (widget pixels), a value axis's title ending at x `edge`; nothing if none of
        that changed since."""
        key = (lo, hi, view.left(), view.top(), view.width(), view.height(), self.log, edge)
        if key == self.key:
            return
        self.key = key
        metrics = QFontMetricsF(tick_font())
        length = view.width() if self.steps else view.height()
        if self.steps:

            def widest(values: list[float]) -> float:
                texts = step_labels(values)
                return max((metrics.horizontalAdvance(t) for t in texts), default=0.0) + 16.0

            major, self.minor = linear_ticks(lo, hi, length, widest)
            texts = step_labels(major)
        elif self.log:
            major, self.minor, texts = log_axis(lo, hi, length, LABEL_GAP * metrics.height())
        else:
            major, self.minor = linear_ticks(lo, hi, length, LABEL_GAP * metrics.height())
            texts = value_labels(major)
        self.major = list(zip(major, texts, strict=True))
        title = QRectF() if self.steps else self.title_rect(view, edge)
        self.shown = self._labels(lo, hi, view, metrics, title)

    def _at(self, value: float, lo: float, hi: float, view: QRectF) -> float:
        """The pixel coordinate of a value along the axis."""
        span = hi - lo if hi != lo else 1.0
        if self.steps:
            return view.left() + (value - lo) / span * view.width()
        return view.bottom() - (value - lo) / span * view.height()

    def _labels(
        self, lo: float, hi: float, view: QRectF, metrics: QFontMetricsF, title: QRectF
    ) -> list[tuple[str, QRectF]]:
        """The labels that fit: inside the axis's ends (give or take OVERHANG), none over
        another or over the title (a wide label may reach into the title's column)."""
        out: list[tuple[str, QRectF]] = []
        reach = OVERHANG[self.steps]
        height = metrics.height()
        for value, text in self.major:
            at = self._at(value, lo, hi, view)
            width = metrics.horizontalAdvance(text)
            if self.steps:
                rect = QRectF(
                    at - width / 2.0, view.bottom() + TICK + TEXT_OFFSET[1], width, height
                )
                inside = view.left() - reach <= rect.left() and rect.right() <= view.right() + reach
            else:
                right = view.left() - TICK - TEXT_OFFSET[0]
                rect = QRectF(right - width, at - height / 2.0, width, height)
                inside = view.top() - reach <= rect.top() and rect.bottom() <= view.bottom() + reach
            clear = not rect.intersects(title) and not any(rect.intersects(r) for _, r in out)
            if inside and clear:
                out.append((text, rect))
        return out

    def paint(self, p: QPainter, lo: float, hi: float, view: QRectF) -> None:
        """The axis line, ticks and labels along `view`'s left or bottom edge (as laid out)."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        minor = [self._at(v, lo, hi, view) for v in self.minor]
        major = [self._at(v, lo, hi, view) for v, _ in self.major]
        if self.steps:
            y = view.bottom()
            line = QLineF(view.left(), y, view.right(), y)
            ticks = [QLineF(x, y, x, y + TICK) for x in major]
            small = [QLineF(x, y, x, y + MINOR_TICK) for x in minor]
        else:
            x = view.left()
            line = QLineF(x, view.top(), x, view.bottom())
            ticks = [QLineF(x - TICK, y, x, y) for y in major]
            small = [QLineF(x - MINOR_TICK, y, x, y) for y in minor]
        p.setPen(QPen(MINOR_COLOR, 0))
        p.drawLines(small)
        p.setPen(QPen(AXIS_COLOR, 0))
        p.drawLines([line, *ticks])
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setFont(tick_font())
        align = Qt.AlignmentFlag.AlignRight if not self.steps else Qt.AlignmentFlag.AlignHCenter
        for text, rect in self.shown:
            p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), text)

    def title_rect(self, view: QRectF, edge: float) -> QRectF:
        """Where a value axis's title, rotated, ends at x `edge` (its text's extent)."""
        metrics = QFontMetricsF(title_font())
        width, height = metrics.horizontalAdvance(self.title) + 4.0, metrics.height()
        return QRectF(edge - height, view.center().y() - width / 2.0, height, width)

    def paint_title(self, p: QPainter, view: QRectF, edge: float) -> None:
        """The axis's title: left of `edge` along the view's height (rotated), or below
        `edge` under the view's width."""
        p.setFont(title_font())
        p.setPen(QColor(theme.LABEL_COLOR))
        height = QFontMetricsF(title_font()).height()
        center = int(Qt.AlignmentFlag.AlignCenter)
        if self.steps:
            p.drawText(QRectF(view.left(), edge, view.width(), height), center, self.title)
            return
        p.save()
        p.translate(QPointF(edge - height, view.center().y()))
        p.rotate(-90.0)
        p.drawText(QRectF(-view.height() / 2.0, 0.0, view.height(), height), center, self.title)
        p.restore()


def title_height() -> float:
    """The height of an axis title's line."""
    return QFontMetricsF(title_font()).height()


def step_axis_height() -> float:
    """What the step axis takes below its plot: ticks, labels and its title."""
    return TICK + TEXT_OFFSET[1] + QFontMetricsF(tick_font()).height() + 4.0 + title_height()
