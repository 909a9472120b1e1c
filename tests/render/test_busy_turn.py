"""Costly pieces of UI work (a 3D frame, a surface drawn ahead, a redraw of a dock) take a
turn of the event loop each: whatever falls due with them waits for a later turn, and other
timers (input, a race's tick) get theirs in between."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer

from gdstudio.render.busy_turn import busy_turn


def _ticking(qtbot) -> tuple[QTimer, list[float]]:
    """A 1 ms timer stamping every turn of the loop it gets (as a race's tick would)."""
    ticks: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    return timer, ticks


def _piece(name: str, ran: list[tuple[str, float, float]], cost_s: float = 0.004):
    """A costly piece of work that takes the turn, or puts itself off to a later one."""

    def run() -> None:
        turn = busy_turn()
        if not turn.take():
            QTimer.singleShot(1, run)
            return
        try:
            start = time.perf_counter()
            while time.perf_counter() - start < cost_s:
                pass
            ran.append((name, start, time.perf_counter()))
        finally:
            turn.done()

    return run


def test_a_turn_taken_is_free_again_once_the_loop_has_turned(qtbot):
    turn = busy_turn()
    qtbot.waitUntil(lambda: not turn.taken)
    assert turn.take()
    assert not turn.take()  # the same turn: taken
    turn.done()
    assert turn.taken
    qtbot.waitUntil(lambda: not turn.taken, timeout=1000)
    assert turn.take()
    turn.done()


def test_costly_pieces_due_together_run_in_turns_of_their_own(qtbot):
    timer, ticks = _ticking(qtbot)
    ran: list[tuple[str, float, float]] = []
    try:
        qtbot.waitUntil(lambda: len(ticks) > 3)
        for name in "abcd":
            QTimer.singleShot(0, _piece(name, ran))  # all four due in the same turn
        qtbot.waitUntil(lambda: len(ran) == 4, timeout=2000)
        qtbot.wait(5)
    finally:
        timer.stop()
    assert sorted(name for name, *_ in ran) == list("abcd")
    ran.sort(key=lambda r: r[1])
    for (_, _, end), (_, start, _) in zip(ran, ran[1:], strict=False):
        # another timer had its turn between each piece and the next
        assert any(end <= t <= start for t in ticks), (end, start)
