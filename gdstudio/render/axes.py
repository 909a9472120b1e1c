"""Where the 3D view's axes go on screen: the box edges nearest the camera, round tick values
and labels that never overlap, for one camera (no Qt).

The two parameter axes run along the front edges of the box's floor, the loss axis up the
side corner on the left; ticks point away from the box and their labels sit past them. Tick
values are tried roundest first (0, then 1000, 500, ...; on a log-height box the powers of
ten first) and kept while their labels fit: the loss axis reads in loss units whichever
height mapping the surface uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from gdstudio.render.heightmap import HeightMap

TICK_PX = 6.0
"""Length of a tick mark (logical pixels)."""
GAP_PX = 4.0
"""Space between a tick and its label, and between labels."""
MAX_TICKS = 7
"""Most labelled ticks on one axis."""
_CANDIDATES = 80

Measure = Callable[[str, bool], tuple[float, float]]
"""(text, is_title) -> (width, height) in pixels of the label as drawn."""


@dataclass(frozen=True)
class Label:
    """A text and the pixel rectangle it is drawn in (x, y of its top-left corner)."""

    text: str
    x: float
    y: float
    w: float
    h: float
    title: bool = False
    axis: str = ""
    """The title of the axis the label belongs to."""
    value: float | None = None
    """The value a tick label shows (None for a title)."""

    def overlaps(self, other: Label, pad: float) -> bool:
        """Whether the two rectangles, grown by `pad`, intersect."""
        return not (
            self.x + self.w + pad <= other.x
            or other.x + other.w + pad <= self.x
            or self.y + self.h + pad <= other.y
            or other.y + other.h + pad <= self.y
        )


@dataclass(frozen=True)
class AxesLayout:
    """Line segments (k, 4) as x0, y0, x1, y1 pixels (y down) and the labels to draw."""

    lines: np.ndarray
    labels: tuple[Label, ...]


def format_tick(value: float) -> str:
    """A tick value short and exact: 0, 0.5, 120, 1e5, 2.5e-4."""
    if value == 0.0:
        return "0"
    size = abs(value)
    if size >= 1e5 or size < 1e-3:
        mantissa, exponent = f"{value:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:.6g}"


def _linear_sets(lo: float, hi: float) -> list[list[float]]:
    """Multiples of each 1-2-5 step in [lo, hi] with at most MAX_TICKS of them, finest first."""
    span = hi - lo
    sets = []
    k = math.floor(math.log10(span / MAX_TICKS))
    for exponent in range(k, k + 3):
        for mantissa in (1.0, 2.0, 5.0):
            step = mantissa * 10.0**exponent
            first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
            if 2 <= last - first + 1 <= MAX_TICKS:
                sets.append([m * step for m in range(first, last + 1)])
    return sets


def _log_sets(lo: float, hi: float) -> list[list[float]]:
    """Loss values for a log-height axis, densest first: 1, 2, 5 in each decade, then the
    powers of ten, then every second or third of them (with 0 where it is in range)."""
    if hi <= 0.0:
        return []
    top = math.floor(math.log10(hi))
    # log1p(d) is about d below 1: lower decades would pile up at the floor
    bottom = max(math.floor(math.log10(lo)) if lo > 0.0 else min(top - 1, 0), top - 6)
    zero = [0.0] if lo <= 0.0 else []
    dense = [float(f"{m}e{k}") for k in range(bottom, top + 1) for m in (1, 2, 5)]
    decades = [float(f"1e{k}") for k in range(bottom, top + 1)]
    sets = [zero + dense]
    sets += [zero + decades[::-1][::stride][::-1] for stride in (1, 2, 3)]
    inside = [sorted(v for v in values if lo <= v <= hi) for values in sets]
    return [values for values in inside if 3 <= len(values) <= MAX_TICKS]


@lru_cache(maxsize=64)
def tick_sets(lo: float, hi: float, log: bool = False) -> tuple[tuple[float, ...], ...]:
    """Round tick values in [lo, hi], evenly spaced in the axis's mapping: candidate sets,
    densest first (the layout takes the first whose labels all fit)."""
    span = hi - lo
    if not (math.isfinite(span) and span > 0.0):
        return ((lo,),) if math.isfinite(lo) else ()
    return tuple(
        tuple(values) for values in (_log_sets(lo, hi) if log else []) + _linear_sets(lo, hi)
    )


class _Projector:
    """World points to pixels (x right, y down) with one camera."""

    def __init__(self, mvp: np.ndarray, size: tuple[float, float]) -> None:
        self.mvp, self.size = mvp, size

    def depth(self, points: np.ndarray) -> np.ndarray:
        """Clip w (distance along the view direction) of world points (..., 3)."""
        result: np.ndarray = np.c_[points, np.ones(len(points))] @ self.mvp[3]
        return result

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Pixels (..., 2) of world points (..., 3) (NaN behind the camera)."""
        clip = np.c_[points, np.ones(len(points))] @ self.mvp.T
        w = clip[:, 3:4]
        with np.errstate(divide="ignore", invalid="ignore"):
            ndc = np.where(w > 1e-9, clip[:, :2] / w, np.nan)
        width, height = self.size
        return np.stack([(ndc[:, 0] + 1.0) * 0.5 * width, (1.0 - ndc[:, 1]) * 0.5 * height], -1)


@dataclass
class _Axis:
    """One axis: world points of its values, the value range and how to read it."""

    title: str
    at: Callable[[np.ndarray], np.ndarray]  # values (n,) -> world points (n, 3)
    lo: float
    hi: float
    outward: np.ndarray  # a world direction away from the box
    log: bool = False
    title_at_end: bool = False
    screen: np.ndarray | None = None  # or the screen direction ticks point in


class _Placer:
    """Accepts labels that keep clear of the ones placed before them and of the view's edge."""

    def __init__(self, size: tuple[float, float], pad: float) -> None:
        self.size, self.pad = size, pad
        self.labels: list[Label] = []

    def place(self, label: Label) -> bool:
        width, height = self.size
        inside = label.x >= 0 and label.y >= 0
        inside = inside and label.x + label.w <= width and label.y + label.h <= height
        if not inside or any(label.overlaps(other, self.pad) for other in self.labels):
            return False
        self.labels.append(label)
        return True


def _label_at(
    anchor: np.ndarray, direction: np.ndarray, text: str, size: tuple[float, float], title: bool
) -> Label:
    """The label whose rectangle touches `anchor` on its side facing away from `direction`."""
    w, h = size
    reach = abs(direction[0]) * 0.5 * w + abs(direction[1]) * 0.5 * h
    cx, cy = anchor + direction * reach
    return Label(text, float(cx - 0.5 * w), float(cy - 0.5 * h), w, h, title)


def _screen_direction(project: _Projector, point: np.ndarray, world_dir: np.ndarray) -> np.ndarray:
    """The unit screen direction of a small world step from `point` (0 if degenerate)."""
    a, b = project(np.array([point, point + 0.05 * world_dir]))
    d = b - a
    n = float(np.hypot(*d))
    return d / n if np.isfinite(n) and n > 1e-6 else np.zeros(2)


def _lay_axis(
    axis: _Axis,
    project: _Projector,
    placer: _Placer,
    measure: Measure,
    scale: float,
    lines: list[np.ndarray],
) -> None:
    """Edge, ticks and labels of one axis, adding to `lines` and `placer`."""
    ends = project(axis.at(np.array([axis.lo, axis.hi])))
    if not np.all(np.isfinite(ends)):
        return
    lines.append(ends.ravel())
    middle = axis.at(np.array([0.5 * (axis.lo + axis.hi)]))[0]
    direction = axis.screen
    if direction is None:
        direction = _screen_direction(project, middle, axis.outward)
    if not direction.any():
        return
    tick, gap = TICK_PX * scale, GAP_PX * scale
    sets = tick_sets(axis.lo, axis.hi, axis.log)
    kept: list[tuple[np.ndarray, Label]] | None = None
    for values in sets:
        kept = _ticks(axis, values, project, placer, measure, direction, tick + gap)
        if kept is not None:
            break
    if kept is None and sets:  # not even the sparsest set fits whole: as much of it as fits
        kept = _ticks(axis, sets[-1], project, placer, measure, direction, tick + gap, False)
    kept = kept or []
    for spot, label in kept:
        placer.labels.append(label)
        lines.append(np.concatenate([spot, spot + direction * tick]))
    reach = max((abs(direction[0]) * lb.w + abs(direction[1]) * lb.h for _, lb in kept), default=0)
    size = measure(axis.title, True)
    if axis.title_at_end:
        top = ends[1] if ends[1][1] < ends[0][1] else ends[0]
        up = np.array([0.0, -1.0])
        highest = min((lb.y for _, lb in kept), default=math.inf)
        for anchor in (top, np.array([top[0], highest])):  # above the axis, or its top label
            label = replace(
                _label_at(anchor + up * gap, up, axis.title, size, True), axis=axis.title
            )
            for shift in (0.0, 0.5 * label.w - gap, gap - 0.5 * label.w):  # centred, right, left
                if placer.place(replace(label, x=label.x + shift)):
                    return
    spots = [spot for spot, _ in kept]
    anchor = np.mean([spots[0], spots[-1]], axis=0) if spots else ends.mean(axis=0)
    anchor = anchor + direction * (tick + 2.0 * gap + reach)
    placer.place(replace(_label_at(anchor, direction, axis.title, size, True), axis=axis.title))


def _ticks(
    axis: _Axis,
    values: tuple[float, ...],
    project: _Projector,
    placer: _Placer,
    measure: Measure,
    direction: np.ndarray,
    offset: float,
    strict: bool = True,
) -> list[tuple[np.ndarray, Label]] | None:
    """Tick spots and labels of `values` on screen (those off screen or over another axis's
    labels left out), or None if two of its labels would overlap (not `strict`: the later
    one is left out)."""
    width, height = placer.size
    spots = project(axis.at(np.array(values)))
    inside = np.isfinite(spots).all(axis=1)
    inside &= (spots[:, 0] >= 0.0) & (spots[:, 0] <= width)
    inside &= (spots[:, 1] >= 0.0) & (spots[:, 1] <= height)
    dx, dy = float(direction[0]), float(direction[1])
    trial = _Placer(placer.size, placer.pad)
    trial.labels = list(placer.labels)
    kept: list[tuple[np.ndarray, Label]] = []
    for value, spot in zip(np.array(values)[inside], spots[inside], strict=True):
        text = format_tick(float(value))
        w, h = measure(text, False)
        reach = offset + abs(dx) * 0.5 * w + abs(dy) * 0.5 * h
        x, y = float(spot[0]) + dx * reach - 0.5 * w, float(spot[1]) + dy * reach - 0.5 * h
        label = Label(text, x, y, w, h, False, axis.title, float(value))
        if strict and any(label.overlaps(other, trial.pad) for _, other in kept):
            return None
        if trial.place(label):  # else it meets another axis's label or the view's edge
            kept.append((spot, label))
    return kept


def _shown_fraction(
    project: _Projector, floor: np.ndarray, height: float, size: tuple[float, float]
) -> float:
    """The fraction of the vertical box edge up from `floor` that is in the picture."""
    edge = np.repeat(floor[None, :], 17, axis=0)
    edge[:, 2] = np.linspace(0.0, height, 17)
    spots = project(edge)
    inside = (spots >= 0.0) & (spots <= np.array(size))
    return float(np.mean(np.all(inside, axis=1)))


def layout_axes(
    heightmap: HeightMap,
    mvp: np.ndarray,
    size: tuple[float, float],
    measure: Measure,
    scale: float = 1.0,
    names: tuple[str, str] = ("w", "b"),
) -> AxesLayout:
    """The axes of `heightmap`'s box seen through `mvp` (4×4, row-major) in a picture of
    `size` pixels; `scale` is pixels per logical pixel (ticks and gaps grow with it)."""
    project = _Projector(np.asarray(mvp, dtype=np.float64), size)
    ex, ey = (float(e) for e in heightmap.extent)
    floor = np.array([[sx * ex, sy * ey, 0.0] for sx in (-1, 1) for sy in (-1, 1)])
    fx, fy, _ = floor[int(np.argmin(project.depth(floor)))]
    sx, sy = math.copysign(1.0, fx), math.copysign(1.0, fy)
    (w_lo, b_lo), (w_hi, b_hi) = heightmap.param_lo, heightmap.param_hi

    def along_w(values: np.ndarray) -> np.ndarray:
        x = heightmap.world_xy(np.c_[values, np.full(len(values), b_lo)])[:, 0]
        return np.column_stack([x, np.full(len(values), fy), np.zeros(len(values))])

    def along_b(values: np.ndarray) -> np.ndarray:
        y = heightmap.world_xy(np.c_[np.full(len(values), w_lo), values])[:, 1]
        return np.column_stack([np.full(len(values), fx), y, np.zeros(len(values))])

    # the loss axis: up a side corner (the other end of a front edge), the one more of
    # whose edge is in the picture, else the one further left
    sides = np.array([[-fx, fy, 0.0], [fx, -fy, 0.0]])
    shown = [_shown_fraction(project, side, heightmap.height, size) for side in sides]
    lefts = project(sides)[:, 0]
    side = sides[min(range(2), key=lambda i: (-round(shown[i], 1), lefts[i]))]
    loss_lo, loss_hi = heightmap.loss_min, heightmap.loss_max

    def along_loss(values: np.ndarray) -> np.ndarray:
        z = heightmap.z_from_loss(np.asarray(values, dtype=np.float64))
        return np.column_stack([np.full(len(values), side[0]), np.full(len(values), side[1]), z])

    left = project(side[None, :])[0][0] <= project(np.zeros((1, 3)))[0][0]
    title = "loss (log)" if heightmap.log_scale else "loss"
    axes = [
        _Axis(names[0], along_w, float(w_lo), float(w_hi), np.array([0.0, sy, 0.0])),
        _Axis(names[1], along_b, float(b_lo), float(b_hi), np.array([sx, 0.0, 0.0])),
        _Axis(
            title,
            along_loss,
            loss_lo,
            loss_hi,
            side,
            heightmap.log_scale,
            title_at_end=True,
            screen=np.array([-1.0 if left else 1.0, 0.0]),
        ),
    ]
    placer = _Placer(size, GAP_PX * scale)
    lines: list[np.ndarray] = []
    for axis in axes:
        _lay_axis(axis, project, placer, measure, scale, lines)
    segments = np.array(lines, dtype=np.float64).reshape(-1, 4)
    return AxesLayout(segments, tuple(placer.labels))
