"""call_later: a one-shot timer that dies with its owner (the view an item draws into)."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QTimer


def call_later(ms: int, owner: QObject | None, function: Callable[[], object]) -> bool:
    """Call `function` after `ms` (a turn of the event loop at least), never once `owner` is
    deleted (with no owner, in any case); False, scheduling nothing, if it is deleted already."""
    if owner is None:
        QTimer.singleShot(ms, function)
        return True
    if not shiboken6.isValid(owner):
        return False
    QTimer.singleShot(ms, owner, function)
    return True
