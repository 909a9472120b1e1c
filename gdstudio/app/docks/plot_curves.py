"""The loss plots' curves: what each draws (its points, pen and polylines), how values map
to the view, and the labels that mark a curve that diverged or left the plot."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPen

from ..model import RunConfig
from .plot_axes import Axis
from .plot_columns import Point
from .plot_data import Series
from .plot_items import Polyline, Shown
from .plot_ranges import EMPTY_STEPS
from .plot_trail import Trail


@dataclass
class Curve:
    """One racer's curve in one plot: its points, pen and what is drawn of them (the settled
    points in view units, which grow at their end while the series' generation stays, and
    the tail's polyline)."""

    cfg: RunConfig
    pen: QPen
    series: Series = field(default_factory=Series)
    trail: Trail = field(default_factory=Trail)
    generation: int = -1
    tail: Polyline = field(default_factory=Polyline)  # the newest columns, joined on (view units)
    tail_head: int = 0  # points of the tail before the series' done points
    tail_done: int = 0  # done points of the series in the tail
    tail_base: tuple[object, ...] = ()  # what the tail's first points were mapped from
    tail_anchor: tuple[float, float] | None = None  # the tail's point before the newest column
    tail_end: float = -math.inf  # the tail's last step


class Marker(NamedTuple):
    """A label marking a curve: its text and colour, and where it is anchored (view units;
    `anchor` is the point of its box that lies there, (0, 0) its top left)."""

    text: str
    color: str
    x: float
    y: float
    anchor: tuple[float, float]


@dataclass
class Plot:
    """One of the stacked plots: its axes, curves, what it shows and where (its view, the
    rectangle the curves are drawn in, in the canvas's pixels)."""

    column: str
    left: Axis
    bottom: Axis | None = None
    curves: list[Curve] = field(default_factory=list)
    shown: Shown | None = None
    size: tuple[float, float] = (1.0, 1.0)  # the view's, in pixels, as of the last redraw
    view: QRectF = field(default_factory=QRectF)
    # title → (marker, what it was computed from)
    markers: dict[str, tuple[Marker, tuple[object, ...]]] = field(default_factory=dict)


def mark(plot: Plot, y_range: tuple[float, float], log: bool, away: set[int]) -> bool:
    """Label each curve that left the plot ("↑ SGD diverged") or ended diverged; True if
    the labels changed."""
    wanted: dict[str, tuple[Marker, tuple[object, ...]]] = {}
    for i, curve in enumerate(plot.curves):
        diverged = curve.cfg.live_run.status == "diverged"
        if i not in away and not diverged:
            continue
        s, title = curve.series, curve.cfg.title
        key = (s.revision, s.last_step, s.latest, plot.shown, i in away, diverged)
        old = plot.markers.get(title)
        if old is not None and old[1] == key:  # nothing it depends on changed
            wanted[title] = old
            continue
        spot = _exit(s, y_range, log) if i in away else None
        wanted[title] = (_marker_spec(curve, spot, diverged, plot.shown, log), key)
    changed = [m for m, _ in wanted.values()] != [m for m, _ in plot.markers.values()]
    plot.markers = wanted
    return changed


def clamp_range(y_range: tuple[float, float]) -> tuple[float, float]:
    """Values beyond this are drawn at it: far enough off the plot to leave its edge right."""
    span = y_range[1] - y_range[0]
    return (y_range[0] - 10.0 * span, y_range[1] + 10.0 * span)


def tail_polylines(
    curves: list[Curve], fresh: list[bool], log: bool, clamp: tuple[float, float] | None
) -> tuple[float, float] | None:
    """Bring each fresh curve's tail (in view units, from its last settled point on) up to
    date; the span of steps where they changed (None if nowhere)."""
    x0, x1 = math.inf, -math.inf
    for curve, new in zip(curves, fresh, strict=True):
        if new:
            a, b = _follow_tail(curve, log, clamp)
            if a < x0:
                x0 = a
            if b > x1:
                x1 = b
    return (x0, x1) if x0 <= x1 else None


def _follow_tail(curve: Curve, log: bool, clamp: tuple[float, float] | None) -> tuple[float, float]:
    """Update the curve's tail in place: the points of its complete columns are mapped once,
    as they join it, and only the newest column's are replaced; the span of steps that
    changed (from the point before the newest column, or where the tail was if it started
    over, to its end)."""
    s, line = curve.series, curve.tail
    base = (s.generation, curve.trail.n, clamp)
    lo, hi = math.inf, -math.inf
    count = len(s.done)
    if base != curve.tail_base or count < curve.tail_done:
        if line.n:
            lo, hi = float(line.x[0]), curve.tail_end
        curve.tail_base, curve.tail_done, line.n = base, 0, 0
        curve.tail_anchor = curve.trail.last() if curve.trail.n else None
        if curve.tail_anchor is not None:  # the tail starts where the settled points end
            line.extend([curve.tail_anchor[0]], [curve.tail_anchor[1]])
        curve.tail_head = line.n
    else:  # the newest column's points go; they and the point before them changed
        hi = curve.tail_end
        line.n = curve.tail_head + curve.tail_done
    anchor = curve.tail_anchor
    if anchor is not None and anchor[0] < lo:
        lo = anchor[0]
    newest = s.newest_points()
    if count > curve.tail_done:  # complete columns join: mapped once, kept in the tail
        xs, ys = _mapped([*s.done[curve.tail_done :], *newest], log, clamp)
        k = count - curve.tail_done
        curve.tail_anchor, curve.tail_done = (xs[k - 1], ys[k - 1]), count
        if anchor is None:
            lo, anchor = min(lo, xs[0]), (xs[0], ys[0])
    else:
        xs, ys = _mapped(newest, log, clamp)
    if xs:
        line.extend(xs, ys)
    if newest:
        curve.tail_end = xs[-1]
        hi = max(hi, xs[-1])
        if anchor is None:
            lo = min(lo, xs[0])
    return lo, hi


def _mapped(
    points: list[Point], log: bool, clamp: tuple[float, float] | None
) -> tuple[list[float], list[float]]:
    """The points' steps and their values in view units: log10 on a log axis, else clamped."""
    xs = [p[0] for p in points]
    if log or clamp is None:
        log10 = math.log10
        return xs, [log10(p[1]) for p in points]
    lo, hi = clamp
    return xs, [min(max(p[1], lo), hi) for p in points]


def mapped(y: np.ndarray, log: bool, clamp: tuple[float, float] | None) -> np.ndarray:
    """Values in view units: log10 on a log axis, else clamped to `clamp`."""
    out: np.ndarray = np.log10(y) if log or clamp is None else np.clip(y, *clamp)
    return out


def _exit(series: Series, y_range: tuple[float, float], log: bool) -> tuple[float, float] | None:
    """Where a curve first leaves the y range (step, edge), None if it never does."""
    x, y = series.points()
    v = np.log10(y) if log else y
    out = (v > y_range[1]) | (v < y_range[0])
    if not out.any():
        return None
    i = int(np.argmax(out))
    return float(x[i]), y_range[1] if v[i] > y_range[1] else y_range[0]


def _marker_spec(
    curve: Curve,
    spot: tuple[float, float] | None,
    diverged: bool,
    shown: Shown | None,
    log: bool,
) -> Marker:
    """The label of a curve: at the edge where it leaves, else at
    its last point; kept inside the plot."""
    word = f"{curve.cfg.title} {'diverged' if diverged else 'off scale'}"
    (x0, x1), (y0, y1) = shown or (EMPTY_STEPS, (0.0, 1.0))
    if spot is not None:
        x, y = spot
        up = y >= y1
        text = ("↑ " if up else "↓ ") + word
        ay = 0.0 if up else 1.0
    else:
        xs, ys = curve.series.points()
        if not len(xs):
            return Marker(word, curve.cfg.color, x0, y1, (0.0, 0.0))
        x, y = float(xs[-1]), float(np.log10(ys[-1]) if log else ys[-1])
        text = "✕ " + word
        ay = 0.0 if y > (y0 + y1) / 2.0 else 1.0
    ax = 1.0 if x > x0 + 0.6 * (x1 - x0) else 0.0
    return Marker(text, curve.cfg.color, x, y, (ax, ay))
