"""The loss plots' legend: the racers' names beside a stroke of their colour, in as many
columns as fit, above the plots (so it never covers a curve).

Its height depends only on its entries and the width it is given, never on a step, so a race
never lays the plots out again.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from ... import theme


class Legend:
    """(title, colour) entries laid out in balanced columns from `indent` on."""

    SWATCH = 18.0
    PAD = 4.0
    GAP = 14.0

    def __init__(self, indent: float = 0.0) -> None:
        self.indent = indent
        self._entries: list[tuple[str, str]] = []
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self._cell_size = (0.0, 0.0)
        self._measure()

    def set_entries(self, entries: list[tuple[str, str]]) -> bool:
        """Show these (title, colour) entries; True if they changed."""
        if entries == self._entries:
            return False
        self._entries = list(entries)
        self._measure()
        return True

    def entries(self) -> list[tuple[str, str]]:
        """(title, colour) of each entry, in order."""
        return list(self._entries)

    def _measure(self) -> None:
        metrics = QFontMetricsF(self.font)
        widest = max((metrics.horizontalAdvance(t) for t, _ in self._entries), default=0.0)
        self._cell_size = (self.SWATCH + 6.0 + widest + self.GAP, metrics.height() + 2.0)

    def _grid(self, width: float) -> tuple[int, int]:
        """(columns, rows) at this width: as few rows as fit, the columns balanced."""
        n = len(self._entries)
        if not n:
            return 1, 0
        cell_w = self._cell_size[0]
        fit = max(1, int((width - self.indent - self.PAD + self.GAP) // cell_w))
        rows = math.ceil(n / fit)
        return math.ceil(n / rows), rows

    def height_for(self, width: float) -> float:
        """The height the entries need at this width (0 without entries)."""
        _, rows = self._grid(width)
        return rows * self._cell_size[1] + 2 * self.PAD if rows else 0.0

    def entry_rects(self, box: QRectF) -> list[QRectF]:
        """Each entry's rectangle (swatch and text) in a legend laid out in `box`."""
        cell_w, cell_h = self._cell_size
        cols, _ = self._grid(box.width())
        return [
            QRectF(
                box.left() + self.indent + (i % cols) * cell_w,
                box.top() + self.PAD + (i // cols) * cell_h,
                cell_w - self.GAP,
                cell_h,
            )
            for i in range(len(self._entries))
        ]

    def paint(self, p: QPainter, box: QRectF) -> None:
        """The swatches and names, laid out in `box`."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setFont(self.font)
        text_pen = QPen(QColor(theme.TEXT_COLOR))
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for rect, (title, color) in zip(self.entry_rects(box), self._entries, strict=True):
            mid = rect.center().y()
            p.setPen(QPen(QColor(color), 2.5))
            p.drawLine(QPointF(rect.left(), mid), QPointF(rect.left() + self.SWATCH, mid))
            p.setPen(text_pen)
            text = QRectF(rect.left() + self.SWATCH + 6.0, rect.top(), rect.width(), rect.height())
            p.drawText(text, align, title)
