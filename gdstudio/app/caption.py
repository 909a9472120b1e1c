"""CaptionBar: the lesson's caption above the landscape view, a few lines at most.

In a narrow window the caption wraps onto many lines; past a share of the window's height
(MIN_LINES to MAX_LINES lines) it scrolls instead of pushing the view out of the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QWidget

MIN_LINES, MAX_LINES = 3, 6
WINDOW_SHARE = 0.12  # of the window's height, between MIN_LINES and MAX_LINES lines
_MARGIN = 8


class CaptionBar(QScrollArea):
    """A word-wrapped caption as tall as its text, up to MAX_LINES lines; it scrolls beyond."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caption")
        self.label = QLabel()
        self.label.setObjectName("captionText")
        self.label.setWordWrap(True)
        self.label.setMargin(_MARGIN)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet("background: palette(alternate-base);")
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        """The caption's text (rich text)."""
        return self.label.text()

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name
        """Show `text`; the bar takes the height it needs, up to MAX_LINES lines."""
        self.label.setText(text)
        self.updateGeometry()

    def lines_shown(self) -> int:
        """How many lines the bar shows before it scrolls, for the window's height now."""
        line = self.label.fontMetrics().lineSpacing()
        share = int(WINDOW_SHARE * self.window().height() / line)
        return max(MIN_LINES, min(MAX_LINES, share))

    def _height_for(self, width: int) -> int:
        cap = self.lines_shown() * self.label.fontMetrics().lineSpacing() + 2 * _MARGIN
        needed = self.label.heightForWidth(max(1, width))
        if needed > cap:  # then the scroll bar takes part of the width
            needed = self.label.heightForWidth(
                max(1, width - self.verticalScrollBar().sizeHint().width())
            )
        return min(needed, cap)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As wide as the view, as tall as the wrapped text (at most MAX_LINES lines)."""
        return QSize(super().sizeHint().width(), self._height_for(self.width()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """The same height: the caption is never cut, it scrolls."""
        return QSize(0, self._height_for(self.width()))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.window().installEventFilter(self)  # a taller window shows more lines
        self.updateGeometry()  # for the height the window has now

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and watched is self.window():
            self.updateGeometry()
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # another width wraps to another height
