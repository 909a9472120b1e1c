"""Stepper: the one timer that advances the race while playing, at the speed asked.

Each tick takes speed × the real time since the last tick (app/pacing.py), within a
stepping budget, and announces the tick's steps once. Ticks follow the display: with a
view to follow (`follow_frames`), a tick that stepped waits for the frame it asked for before
the next one, so the views' per-tick work (plots, paths, readouts) is done once per painted
frame, never twice; without frames to wait for (the view hidden, or no view), ticks come
every TICK_MS. The real rate over the last second is reported (`rateChanged`) so the window
can say when the machine cannot keep up.
"""

from __future__ import annotations

import time
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal, SignalInstance

from .model import StudioModel
from .pacing import BUDGET_S, Clock, Pacer, RateMeter, rate_text

TICK_MS = 16  # ≈ 60 Hz: the shortest time between two ticks
FRAME_WAIT_MS = 100  # the longest a tick waits for the frame it asked for
RATE_EVERY_S = 0.25  # rateChanged at most this often while playing


class FrameSource(Protocol):
    """A view whose painted frames the ticks follow (the 3D view)."""

    @property
    def frameSwapped(self) -> SignalInstance: ...  # noqa: N802 - Qt's name

    def isVisible(self) -> bool: ...  # noqa: N802 - Qt's name


class Stepper(QObject):
    """Plays the model: speed × elapsed wall time per tick, stepped within the pacer's budget."""

    playingChanged = Signal(bool)
    rateChanged = Signal(float, float)  # steps/s really made over the last second, and asked

    def __init__(
        self,
        model: StudioModel,
        parent: QObject | None = None,
        clock: Clock = time.perf_counter,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.pacer = Pacer(clock, BUDGET_S, work_clock=time.thread_time)
        self.meter = RateMeter()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._playing = False
        self._frames: FrameSource | None = None
        self.frame_wait_ms = FRAME_WAIT_MS  # how long a tick waits for its frame at most
        self._awaiting_frame = False  # the last tick stepped; its frame is not painted yet
        self._ticked_at = 0.0  # time.monotonic() of the last tick (the timer's time)
        self._reported = 0.0
        model.landscapeChanged.connect(self._on_model_restarted)
        model.sceneChanged.connect(self._on_model_restarted)

    def follow_frames(self, view: FrameSource) -> None:
        """Tick once per frame `view` paints while it is visible (at most every TICK_MS).

        Without a call, a stepper whose parent has a `view3d` (the main window) follows it
        from its first play.
        """
        if self._frames is not None:
            self._frames.frameSwapped.disconnect(self._on_frame)
        self._frames = view
        view.frameSwapped.connect(self._on_frame)

    @property
    def clock(self) -> Clock:
        """The monotonic clock playback reads (seconds); tests and benchmarks may set it."""
        return self.pacer.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.pacer.clock = clock

    @property
    def work_clock(self) -> Clock | None:
        """What a tick's budget is counted on (the thread's CPU time; None: `clock` itself)."""
        return self.pacer.work_clock

    @work_clock.setter
    def work_clock(self, clock: Clock | None) -> None:
        self.pacer.work_clock = clock

    @property
    def playing(self) -> bool:
        """True while playing."""
        return self._playing

    def play(self) -> None:
        """Start stepping (restarts finished runs first)."""
        if self._playing:
            return
        if not self.model.can_step:
            self.model.reset()
        if not self.model.can_step:
            return
        if self._frames is None:  # a window's stepper follows the window's 3D view
            view = getattr(self.parent(), "view3d", None)
            if view is not None:
                self.follow_frames(view)
        now = self.pacer.start()
        self.meter.start(now)
        self._reported = now
        self._playing = True
        self._awaiting_frame = False
        self._ticked_at = time.monotonic()
        self._timer.start(TICK_MS)
        self.model.set_playing(True)
        self.playingChanged.emit(True)

    def pause(self) -> None:
        """Stop stepping."""
        if self._playing:
            self._playing = False
            self._timer.stop()
            self.model.set_playing(False)
            self.playingChanged.emit(False)

    def toggle(self) -> None:
        """Play if paused, pause if playing."""
        self.pause() if self._playing else self.play()

    def step_once(self) -> None:
        """One step of every running run (pauses first)."""
        self.pause()
        self.model.step(1)

    def rate(self) -> tuple[float, float]:
        """Steps per second really made over the last second, and the speed asked."""
        return self.meter.actual, self.model.speed

    def status_text(self) -> str:
        """'1,000 steps/s' or '412 of 1,000 steps/s — the machine cannot keep up' ('' paused)."""
        if not self._playing or self.meter.span <= 0:
            return ""
        actual, asked = self.rate()
        return rate_text(actual, asked, self.meter.keeping_up)

    # --- ticks -----------------------------------------------------------------------------------

    def _following(self) -> bool:
        """True when the next frame of the followed view can be waited for."""
        return self._frames is not None and self._frames.isVisible()

    def _on_timeout(self) -> None:
        if not self._playing:
            return
        waited_ms = 1000.0 * (time.monotonic() - self._ticked_at)
        wait_ms = self.frame_wait_ms
        if self._awaiting_frame and self._following() and waited_ms < wait_ms:
            self._timer.start(max(1, int(wait_ms - waited_ms)))  # the frame is late
            return
        self._tick_and_rearm()

    def _on_frame(self) -> None:
        """The followed view painted: the next tick is due (no sooner than TICK_MS)."""
        if not (self._playing and self._awaiting_frame):
            return
        self._awaiting_frame = False
        waited_ms = 1000.0 * (time.monotonic() - self._ticked_at)
        self._timer.start(max(0, int(TICK_MS - waited_ms)))

    def _tick_and_rearm(self) -> None:
        self._ticked_at = time.monotonic()
        stepped = self._on_tick()
        if not self._playing:
            return
        self._awaiting_frame = stepped and self._following()
        if self._awaiting_frame:
            self._timer.start(self.frame_wait_ms)
        else:  # ticks TICK_MS apart, start to start, as a periodic timer's
            spent_ms = 1000.0 * (time.monotonic() - self._ticked_at)
            self._timer.start(max(0, int(TICK_MS - spent_ms)))

    def _on_tick(self) -> bool:
        """One tick: the steps the clock owes, announced once; True if any was taken."""
        owed, asked, now = self.pacer.owed(self.model.speed)
        with self.model.stepping() as step:
            taken = self.pacer.take(owed, step)
        if not self.model.can_step:
            self.pause()
            return taken > 0
        self.meter.add(now, taken, asked)
        if now - self._reported >= RATE_EVERY_S:
            self._reported = now
            self.rateChanged.emit(*self.rate())
        return taken > 0

    def _on_model_restarted(self, *_: object) -> None:
        self.pause()
