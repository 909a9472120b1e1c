"""The Data dock's deferred drawing: one job per turn of the event loop, in order, once."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer

from gdstudio.app.data.turns import Turns


def test_jobs_run_one_per_turn_in_order_and_once_however_often_asked(qtbot):
    turns, owner, ran, ticks = Turns(), QObject(), [], []
    timer = QTimer()  # another timer of the loop: it gets a turn between the jobs
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.append(len(ran)))
    timer.start()
    for name in ("rows", "redraw", "rows", "redraw"):
        turns.soon(owner, name, lambda name=name: ran.append(name))
    assert turns.due(owner) and ran == []  # nothing runs in the asking turn
    qtbot.waitUntil(lambda: not turns.due(owner))
    timer.stop()
    assert ran == ["rows", "redraw"]
    assert 1 in ticks  # the loop turned between the two jobs


def test_a_job_of_a_deleted_owner_is_dropped(qtbot):
    turns, ran = Turns(), []
    gone, kept = QObject(), QObject()
    turns.soon(gone, "redraw", lambda: ran.append("gone"))
    turns.soon(kept, "redraw", lambda: ran.append("kept"))
    shiboken6.delete(gone)
    qtbot.waitUntil(lambda: not turns.due(kept))
    assert ran == ["kept"]
