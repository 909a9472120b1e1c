"""Widgets built on first need: a light placeholder holds the place until then.

The window shows its first frame with placeholders where the pyqtgraph views go (the plots,
the contour view, the data panel); once that frame is on screen the window arms each part,
which builds the ones that are visible, and any other part is built the moment it is first
shown (a dock opened from the View menu, the contour page turned to) or first asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QShowEvent
from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


class Placeholder(QWidget):
    """An empty page of the real widget's colour and sizes; says when it is shown."""

    shown = Signal()

    def __init__(self, name: str, sizes: tuple[QSize, QSize], color: str | None = None) -> None:
        super().__init__()
        self.setObjectName(name)
        self._minimum, self._hint = sizes
        self.setMinimumSize(self._minimum)
        if color is not None:
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window, QColor(color))
            self.setPalette(palette)
            self.setAutoFillBackground(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """The real widget's size hint, so the layout is the same before and after it is built."""
        return self._hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """The real widget's minimum size."""
        return self._minimum

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.shown.emit()


class LazyWidget(QObject, Generic[W]):
    """A widget made by `build` when first needed; `install` puts it where the placeholder is.

    A placeholder shown once the part is armed (a dock opened) has the real widget built
    right after, before the next paint (a queued call runs ahead of the low-priority repaint).
    """

    def __init__(
        self,
        placeholder: Placeholder,
        build: Callable[[], W],
        install: Callable[[Placeholder, W], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.placeholder = placeholder
        self._build = build
        self._install = install
        self._widget: W | None = None
        self._armed = False
        placeholder.shown.connect(self._on_shown, Qt.ConnectionType.QueuedConnection)

    @property
    def built(self) -> bool:
        """True once the real widget exists."""
        return self._widget is not None

    def get(self) -> W:
        """The real widget, built (and put in the placeholder's place) now if not yet."""
        if self._widget is None:
            self._widget = widget = self._build()
            self._install(self.placeholder, widget)
            self.placeholder.deleteLater()
        return self._widget

    def arm(self) -> None:
        """From now on, build when shown; build now if the placeholder is on screen."""
        self._armed = True
        if self._widget is None and self.placeholder.isVisible():
            self.get()

    def _on_shown(self) -> None:
        if self._armed and self._widget is None:
            self.get()
