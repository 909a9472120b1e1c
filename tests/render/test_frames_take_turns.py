"""The 3D view's frame is a costly piece of UI work: one that falls due with another costly
piece in a turn of the event loop is drawn in a later turn, with other timers served between
(each alone fits a frame: together they did not); a frame asked for now is drawn now."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer

from gdstudio.render.busy_turn import busy_turn


def _busy(seconds: float) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        pass


def test_a_frame_due_with_other_costly_work_is_drawn_a_turn_later(view, qtbot, monkeypatch):
    painted: list[float] = []
    paint = view.paintGL

    def spy():
        painted.append(time.perf_counter())
        paint()

    monkeypatch.setattr(view, "paintGL", spy)  # (the surface looks it up at each frame)
    ticks: list[float] = []
    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(1)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    other: list[tuple[float, float]] = []

    def costly() -> None:  # a dock's redraw, due just before the frame in the same turn
        turn = busy_turn()
        if not turn.take():
            QTimer.singleShot(1, costly)
            return
        try:
            start = time.perf_counter()
            _busy(0.005)
            other.append((start, time.perf_counter()))
        finally:
            turn.done()

    def ask() -> None:
        view.orbit(10.0, 0.0)  # a frame asked for (due in ~5 ms)
        QTimer.singleShot(4, costly)
        _busy(0.008)  # both fall due before the loop turns again

    qtbot.waitUntil(lambda: not busy_turn().taken)
    qtbot.wait(30)
    ticker.start()
    painted.clear()
    try:
        QTimer.singleShot(0, ask)
        qtbot.waitUntil(lambda: bool(other and painted and painted[-1] > other[0][0]), timeout=3000)
        qtbot.wait(5)
    finally:
        ticker.stop()
    (_, end), frame = other[0], next(t for t in painted if t > other[0][0])
    assert frame >= end  # the frame after the other piece...
    assert any(end <= t <= frame for t in ticks)  # ...with another timer's turn between


def test_a_frame_asked_for_now_is_drawn_now_in_a_taken_turn(view, qtbot, monkeypatch):
    painted: list[bool] = []
    paint = view.paintGL
    monkeypatch.setattr(view, "paintGL", lambda: (painted.append(True), paint()))
    turn = busy_turn()
    qtbot.waitUntil(lambda: not turn.taken)
    assert turn.take()
    try:
        view.orbit(25.0, 0.0)
        view.repaint()  # paint_now: not put off
        assert painted
    finally:
        turn.done()
