"""Playback as a user sees it: the race plays at the speed asked, by the clock, not by frames.

The stepper reads an injected clock here, so the steps a tick owes are exact; one test reads
the real clock and compares the steps with what the stepper's own clock says passed.
"""

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from gdstudio.app.main_window import MainWindow
from gdstudio.app.model import StudioModel
from gdstudio.app.pacing import (
    BUDGET_S,
    MAX_BUDGET_S,
    MAX_GAP_S,
    STEP_SHARE,
    Pacer,
    RateMeter,
)
from gdstudio.app.rate import RateLabel


class FakeClock:
    """A clock that moves only when told (seconds)."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def window(qtbot, clock):
    """The race scene at 1,000 steps/s, its stepper on the fake clock, its rate shown."""
    model = StudioModel()
    model.load_scene("race")
    model.set_speed(1000)
    w = MainWindow(model, autosave=False)
    qtbot.addWidget(w)
    w.stepper.clock = clock
    w.stepper.work_clock = None  # the budget on the fake clock too: the machine's load is no part
    if w.statusBar().findChild(RateLabel) is None:  # until the window shows it itself
        w.statusBar().addPermanentWidget(RateLabel(w.stepper))
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.view3d.setFocus()
    return w


def steps(window) -> int:
    return window.model.runs[0].run.steps


def advance(qtbot, window, clock, seconds: float) -> None:
    """Let `seconds` pass on the stepper's clock and wait for the tick that steps for them."""
    with qtbot.waitSignal(window.model.stepped, timeout=5000):
        clock.t += seconds


def press_play(qtbot, window) -> None:
    """Click the toolbar's Run button."""
    button = window.toolbar.widgetForAction(window.actions_by_name["play"])
    assert isinstance(button, QToolButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.stepper.playing


# --- the pacing itself -----------------------------------------------------------------------


def test_ticks_owe_speed_times_the_time_passed_with_fractions_carried(clock):
    pacer = Pacer(clock)
    pacer.start()
    owed = []
    for dt in (0.016, 0.0331, 0.0049, 0.1, 0.016, 0.03):  # late and early frames
        clock.t += dt
        owed.append(pacer.owed(250.0)[0])
    assert sum(owed) == int(250.0 * clock.t + 1e-9) == 50
    assert owed[3] == 25  # a late frame catches up by itself


def test_a_tick_over_budget_drops_the_rest_instead_of_lagging(clock):
    pacer = Pacer(clock)
    pacer.start()

    def slow_step(n: int) -> int:  # every step costs 1 ms of the clock
        clock.t += 0.001 * n
        return n

    clock.t += 0.016  # a frame at the display's rate: the budget is BUDGET_S
    owed, _, _ = pacer.owed(10_000.0)
    start = clock.t
    taken = pacer.take(owed, slow_step)
    assert owed == 160
    assert BUDGET_S * 1000 <= taken <= BUDGET_S * 1000 + 1  # stopped at the budget
    assert clock.t - start <= BUDGET_S + 0.001 + 1e-12
    assert pacer.dropped == pytest.approx(160 - taken)
    clock.t += 0.016
    following = pacer.owed(1000.0)[0]  # the time stepping took, and the next frame's
    assert abs(following - (taken + 16)) <= 1  # not the dropped 150-odd steps too


def test_slow_frames_give_stepping_its_share_of_the_time_up_to_a_bound(clock):
    pacer = Pacer(clock)
    pacer.start()

    def slow_step(n: int) -> int:  # every step costs 1 ms of the clock
        clock.t += 0.001 * n
        return n

    budgets = {}
    for gap in (0.016, 0.06, 0.2):  # frames 16, 60 and 200 ms apart
        pacer.start()
        clock.t += gap
        owed, _, _ = pacer.owed(10_000.0)
        start = clock.t
        taken = pacer.take(owed, slow_step)
        budgets[gap] = clock.t - start
        assert taken < owed and pacer.dropped > 0
    assert budgets[0.016] == pytest.approx(BUDGET_S, abs=0.0011)
    assert budgets[0.06] == pytest.approx(STEP_SHARE * 0.06, abs=0.0011)
    assert budgets[0.2] == pytest.approx(MAX_BUDGET_S, abs=0.0011)  # never more than this


def test_the_budget_counts_the_threads_work_not_time_given_to_other_processes(clock):
    work = FakeClock()
    pacer = Pacer(clock, work_clock=work)

    def step_on_a_busy_machine(n: int) -> int:  # 0.01 ms of work a step, 20 ms of wall
        clock.t += 0.020
        work.t += 0.00001 * n
        return n

    pacer.start()
    clock.t += 0.2
    owed, _, _ = pacer.owed(1000.0)
    assert pacer.take(owed, step_on_a_busy_machine) == owed == 200  # nothing dropped
    assert pacer.dropped == 0

    def costly(n: int) -> int:  # 1 ms of work a step
        work.t += 0.001 * n
        return n

    pacer = Pacer(clock, work_clock=work)
    pacer.start()
    clock.t += 0.2
    owed, _, _ = pacer.owed(1000.0)
    start = work.t
    assert pacer.take(owed, costly) < owed  # the work, not the wall, ran out of budget
    assert pacer.dropped > 0 and work.t - start <= pacer.tick_budget + 0.001 + 1e-12


def test_a_gap_longer_than_the_limit_is_dropped(clock):
    pacer = Pacer(clock)
    pacer.start()
    clock.t += 2.0
    owed, asked, _ = pacer.owed(100.0)
    assert owed == int(100 * MAX_GAP_S)
    assert asked == pytest.approx(200.0)
    assert pacer.dropped == pytest.approx(200.0 - owed)


def test_the_rate_meter_reads_the_last_second(clock):
    meter = RateMeter()
    meter.start(0.0)
    for i in range(1, 41):  # 2 s at 0.05 s a tick: 10 steps a tick (200 steps/s) ...
        meter.add(i * 0.05, 10, 10.0)
    assert meter.actual == pytest.approx(200.0) and meter.keeping_up
    for i in range(41, 61):  # ... then a second of 5 steps made of 10 asked
        meter.add(i * 0.05, 5, 10.0)
    assert meter.actual == pytest.approx(100.0) and not meter.keeping_up


# --- the window, as a user plays it ------------------------------------------------------------


def test_play_steps_speed_times_the_time_on_the_clock(qtbot, window, clock):
    press_play(qtbot, window)
    for _ in range(8):
        advance(qtbot, window, clock, 0.0625)
    assert steps(window) == 500  # 1,000 steps/s × 0.5 s, however many frames were painted


def test_a_slow_frame_catches_up_in_one_tick(qtbot, window, clock):
    heard = []
    window.model.stepped.connect(lambda: heard.append(steps(window)))
    press_play(qtbot, window)
    advance(qtbot, window, clock, 0.2)  # the event loop was blocked for 200 ms
    assert heard == [200]  # all of it, in one tick, announced once
    advance(qtbot, window, clock, 0.016)
    assert heard == [200, 216]


def test_steps_follow_the_real_clock_the_stepper_reads(qtbot, window):
    readings: list[float] = []

    def recording_clock() -> float:
        readings.append(time.perf_counter())
        return readings[-1]

    window.stepper.clock = recording_clock
    window.model.set_speed(200)
    press_play(qtbot, window)
    qtbot.waitUntil(lambda: steps(window) >= 100, timeout=20000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.stepper.playing
    elapsed = readings[-1] - readings[0]
    made = steps(window) + window.stepper.pacer.dropped
    assert made <= 200 * elapsed + 1  # never ahead of the clock
    assert made >= 0.8 * 200 * elapsed - 1  # nor behind it (steps the budget dropped count)


def test_the_paused_time_is_not_caught_up(qtbot, window, clock):
    press_play(qtbot, window)
    advance(qtbot, window, clock, 0.0625)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.stepper.playing
    before = steps(window)
    clock.t += 3.0  # paused for 3 s
    qtbot.keyClick(window, Qt.Key.Key_Space)
    advance(qtbot, window, clock, 0.0625)
    assert steps(window) - before in (62, 63)


def test_step_while_playing_pauses_and_takes_one_step(qtbot, window, clock):
    press_play(qtbot, window)
    advance(qtbot, window, clock, 0.0625)
    before = steps(window)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert not window.stepper.playing
    clock.t += 1.0
    assert steps(window) == before + 1


def test_a_new_speed_applies_from_the_next_tick(qtbot, user, window, clock):
    press_play(qtbot, window)
    advance(qtbot, window, clock, 0.0625)
    user.type_into(window.controls.findChild(object, "speedSlider").spin, "160")
    assert window.model.speed == 160
    before = steps(window)
    advance(qtbot, window, clock, 0.25)
    assert steps(window) - before == 40


def test_reset_while_playing_pauses_at_the_start(qtbot, window, clock):
    press_play(qtbot, window)
    advance(qtbot, window, clock, 0.0625)
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert not window.stepper.playing and steps(window) == 0


def test_the_status_bar_shows_the_real_rate(qtbot, window, clock):
    label = window.statusBar().findChild(RateLabel)
    press_play(qtbot, window)
    for _ in range(20):
        advance(qtbot, window, clock, 0.0625)
    qtbot.waitUntil(lambda: label.text() == "1,000 steps/s")
    assert label.isVisible()
    for _ in range(4):  # frames 0.5 s apart: a tick owes at most MAX_GAP_S of steps
        advance(qtbot, window, clock, 0.5)
    qtbot.waitUntil(lambda: label.text() == "500 of 1,000 steps/s — the machine cannot keep up")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert label.text() == ""


# --- ticks follow the painted frames -----------------------------------------------------------


def test_one_tick_per_painted_frame_while_the_3d_view_shows(qtbot, window):
    window.stepper.clock = time.perf_counter
    window.stepper.frame_wait_ms = 60_000  # no tick without its frame, however slow
    seen: list[str] = []
    window.model.stepped.connect(lambda: seen.append("tick"))
    window.view3d.frameSwapped.connect(lambda: seen.append("frame"))
    press_play(qtbot, window)
    qtbot.waitUntil(lambda: seen.count("tick") >= 12, timeout=30000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    ticks = [i for i, what in enumerate(seen) if what == "tick"]
    between = [seen[a + 1 : b] for a, b in zip(ticks, ticks[1:], strict=False)]
    assert all("frame" in frames for frames in between), seen


def test_ticks_go_on_without_frames_while_the_3d_view_is_hidden(qtbot, window):
    window.stepper.clock = time.perf_counter
    window.stepper.frame_wait_ms = 60_000
    qtbot.keyClick(window, Qt.Key.Key_T)  # the contour view instead of the 3D view
    qtbot.waitUntil(lambda: not window.view3d.isVisible())
    press_play(qtbot, window)
    qtbot.waitUntil(lambda: steps(window) >= 100, timeout=30000)  # never waiting for 3D frames
