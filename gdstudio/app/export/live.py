"""Making the window's views live for an export: "shown" off the desktop, the contour page
current, the window laid out at the picture's size."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt

if TYPE_CHECKING:
    from .sources import ExportWindow


@contextlib.contextmanager
def showing(window: ExportWindow, view: str) -> Iterator[None]:
    """Make `view` live for rendering: the window "shown" off the desktop if it is hidden,
    and the contour page current while the contour view is exported from 3D mode."""
    widget = window.window()
    offscreen = not widget.isVisible()
    if offscreen:
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.show()
    page = window.stack.currentWidget()
    assert page is not None  # the stack always holds the 3D and contour pages
    if view == "contour" and page is not window.contour:
        window.stack.setCurrentWidget(window.contour)
    try:
        yield
    finally:
        if window.stack.currentWidget() is not page:
            window.stack.setCurrentWidget(page)
        if offscreen:
            widget.hide()
            widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)


@contextlib.contextmanager
def window_size(window: ExportWindow, width: int | None, height: int | None) -> Iterator[None]:
    """Lay the window out at width×height (logical pixels) for the duration."""
    if width is None or height is None:
        yield
        return
    widget = window.window()
    old = widget.size()
    widget.resize(width, height)
    _settle()
    try:
        yield
    finally:
        widget.resize(old)
        _settle()


def _settle() -> None:
    """Apply the layout requests a resize posted, now rather than at the next event loop pass.

    A layout can post more (a scroll bar appearing re-lays its area out): a few rounds let
    the window come to rest, so two exports at one size give the same picture.
    """
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.Resize)
