"""The ranges the loss plots show, from each curve's cached min and max (numpy-free arithmetic).

Ranges snap outwards to round values (1, 1.2, 1.5, 2 … × 10ⁿ steps, a quarter of a decade
on a log axis), so a growing race moves them, and re-lays the axes, only now and then. A curve that
runs away (a diverged racer at 1e50) is left out of the y range when others stay sane, so it
does not flatten them; the plot marks where it leaves.
"""

from __future__ import annotations

import math
from typing import NamedTuple

EMPTY_STEPS = (0.0, 100.0)
"""Steps shown before anything has run."""
EMPTY_LOG = (-1.25, 1.25)
"""log10 range shown with nothing to plot (0.1 to 10 labelled, inside its ends)."""
EMPTY_LINEAR = (0.0, 1.0)
"""Linear range shown with nothing to plot."""
STEP_MANTISSAS = (1.0, 1.2, 1.5, 1.8, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0)
"""Round step counts the x range ends at (× a power of ten)."""
RUNAWAY = 1e3
"""A curve that climbs this many times above the highest start has run away."""
GROWTH = 0.5
"""A live y range the data pass grows by this share of the data's span (a run converging by
decades a second moves the axis, and re-lays it, about once a second, not every few frames)."""
LOG_SNAP = 4  # log ranges snap to 1/LOG_SNAP decade
MIN_DECADES = 0.5


class Extent(NamedTuple):
    """What a range needs of one curve: its plotted min, max and first value (in data units);
    lo > hi for a curve with nothing plotted."""

    lo: float
    hi: float
    first: float


def step_range(last_step: float) -> tuple[float, float]:
    """0 to a round step count at or above `last_step`, at most 25% past it: the range
    grows in about ten steps per decade, however fast the race goes."""
    if last_step <= 10:
        return (0.0, 10.0)
    unit = 10.0 ** math.floor(math.log10(last_step))
    top = next(m * unit for m in STEP_MANTISSAS if m * unit >= last_step)
    return (0.0, top)


def live_step_range(
    last_step: float, shown: tuple[float, float] | None, ahead: float
) -> tuple[float, float]:
    """The step range while a race runs: the range shown while it still holds the last step
    (and is not far too wide, as after a restart), else step_range of `ahead` steps (at most
    `last_step`) past the last step, so a fast race moves the axis about once per `ahead`
    steps rather than every tenth of a decade."""
    fresh = step_range(last_step + min(max(ahead, 0.0), last_step))
    if shown is not None and last_step <= shown[1] <= 2.0 * fresh[1]:
        return shown
    return fresh


def runaway_limit(extents: list[Extent]) -> float:
    """|value| above which a curve has run away: RUNAWAY × the largest start (inf: no start)."""
    firsts = [abs(e.first) for e in extents if e.lo <= e.hi and math.isfinite(e.first)]
    ref = max(firsts, default=0.0)
    return RUNAWAY * ref if ref > 0.0 else math.inf


def runaways(extents: list[Extent], log: bool, limit: float | None = None) -> set[int]:
    """Indices of curves that ran away from the others (none if every curve did)."""
    if limit is None:
        limit = runaway_limit(extents)
    shown = [i for i, e in enumerate(extents) if e.lo <= e.hi]
    out = {i for i in shown if extents[i].hi > limit or (not log and extents[i].lo < -limit)}
    return out if len(out) < len(shown) else set()


def value_range(extents: list[Extent], log: bool) -> tuple[tuple[float, float], set[int]]:
    """(lo, hi) of the y axis (log10 units on a log axis) and the curves left out of it.

    A curve left out still counts up to where it started, so it is seen leaving the range.
    """
    ideal, _, out = fit(extents, log)
    return ideal, out


def fit(
    extents: list[Extent], log: bool
) -> tuple[tuple[float, float], tuple[float, float] | None, set[int]]:
    """value_range's (lo, hi) and left-out curves, with the bounds of the data it covers
    (view units; None with nothing to plot)."""
    limit = runaway_limit(extents)
    out = runaways(extents, log, limit)
    lo, hi = math.inf, -math.inf
    for i, (e_lo, e_hi, first) in enumerate(extents):
        if not e_lo <= e_hi:
            continue
        away = i in out
        lo = min(lo, first if away and e_lo < -limit else e_lo)
        hi = max(hi, first if away and e_hi > limit else e_hi)
    if not lo <= hi:
        return (EMPTY_LOG if log else EMPTY_LINEAR), None, out
    if log:
        return _log_range(lo, hi), (math.log10(lo), math.log10(hi)), out
    return _linear_range(lo, hi), (lo, hi), out


def _log_range(lo: float, hi: float) -> tuple[float, float]:
    a, b = math.log10(lo), math.log10(hi)
    pad = max(0.03 * (b - a), 0.02)
    a = math.floor((a - pad) * LOG_SNAP) / LOG_SNAP
    b = math.ceil((b + pad) * LOG_SNAP) / LOG_SNAP
    if b - a < MIN_DECADES:
        mid = (a + b) / 2.0
        a = math.floor((mid - MIN_DECADES / 2.0) * LOG_SNAP) / LOG_SNAP
        b = a + MIN_DECADES
    return (a, b)


def nice_step(span: float) -> float:
    """1, 2 or 5 × a power of ten, about span / 5."""
    raw = span / 5.0
    unit = 10.0 ** math.floor(math.log10(raw))
    return next((m * unit for m in (1.0, 2.0, 5.0) if m * unit >= raw), 10.0 * unit)


def _linear_range(lo: float, hi: float) -> tuple[float, float]:
    span = hi - lo
    if span <= 0.0:
        span = abs(hi) or 1.0
    pad = 0.03 * span
    q = nice_step(span)
    a = math.floor((lo - pad) / q) * q
    b = math.ceil((hi + pad) / q) * q
    if lo >= 0.0:
        a = max(a, 0.0)  # a loss never shows below zero
    return (a, b)


def steady_range(
    shown: tuple[float, float] | None,
    ideal: tuple[float, float],
    log: bool,
    data: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """The range to show, given what is shown, what the data ask for (`ideal`) and, if
    known, the data's own bounds (else the ideal's stand for them).

    An end the data have passed moves past the ideal by a margin (GROWTH of the range, at least
    one snap unit), so a run converging by a decade a second moves the axis a few times, not
    every frame; an end more than twice that margin (plus two units) too loose comes back to the
    data; otherwise the end stays, so a value hopping across a snap boundary does not make the
    axis hop with it.
    """
    if shown is None:
        return ideal
    unit = 1.0 / LOG_SNAP if log else nice_step(ideal[1] - ideal[0])
    margin = max(unit, math.ceil(GROWTH * (ideal[1] - ideal[0]) / unit) * unit)
    loose = 2.0 * (margin + unit)  # a margin wide of the data just moved past stays
    reach = ideal if data is None else data
    lo = (
        ideal[0] - margin
        if reach[0] < shown[0]
        else shown[0]
        if shown[0] >= ideal[0] - loose
        else ideal[0]
    )
    hi = (
        ideal[1] + margin
        if reach[1] > shown[1]
        else shown[1]
        if shown[1] <= ideal[1] + loose
        else ideal[1]
    )
    if not log and ideal[0] >= 0.0:
        lo = max(lo, 0.0)
    return (lo, hi)
