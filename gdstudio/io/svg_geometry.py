"""Make the lines of a QSvgGenerator drawing plain picture geometry, clipped to the view.

QSvgGenerator writes each curve in the plot's data coordinates under a group transform and
keeps its width with `vector-effect="non-scaling-stroke"`: viewers without that effect
(ImageMagick's, older editors) stroke the lines hundreds of pixels wide, and a racer that
ran off to 1e14 gives coordinates no viewer draws sanely. Here such groups get their
coordinates in the picture's pixels (identity transform, ordinary strokes), and open lines
are clipped to a box around the picture, so what lies inside is drawn exactly as before.
No Qt: this is text and numpy.
"""

from __future__ import annotations

import re

import numpy as np

Box = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in the picture's pixels."""

_GROUP_TAG = re.compile(r"<g\b([^>]*)>|</g>")
_MATRIX = re.compile(r'transform="matrix\(([^)]*)\)"')
_SHAPE = re.compile(r"<(path|polyline|polygon)\b([^>]*?)/>")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN = re.compile(r"[MLCZ]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_EFFECT = ' vector-effect="non-scaling-stroke"'
_IDENTITY = 'transform="matrix(1,0,0,1,0,0)"'


def view_box(width: int, height: int) -> Box:
    """The box lines are clipped to: the picture and a margin wider than any stroke."""
    margin = 0.05 * max(width, height) + 8.0
    return (-margin, -margin, width + margin, height + margin)


def flatten_svg(svg: str, box: Box) -> str:
    """The SVG with every non-scaling-stroke group in pixel coordinates, lines clipped."""
    out = []
    done = 0
    opening: re.Match[str] | None = None
    for tag in _GROUP_TAG.finditer(svg):
        if tag.group(0) != "</g>":
            opening = tag
            continue
        if opening is not None:  # a group holding no group: QSvgGenerator's drawing state
            flat = _flatten_group(opening.group(1), svg[opening.end() : tag.start()], box)
            if flat is not None:
                out.append(svg[done : opening.start()])
                out.append(flat)
                done = tag.end()
        opening = None
    out.append(svg[done:])
    return "".join(out)


def _flatten_group(attrs: str, content: str, box: Box) -> str | None:
    """The group in pixel coordinates (None to keep it as it is)."""
    matrix = _MATRIX.search(attrs)
    if matrix is None or _EFFECT not in content:
        return None
    shapes = _SHAPE.findall(content)
    if not shapes or _SHAPE.sub("", content).strip():
        return None
    if not all(_EFFECT in shape_attrs for _, shape_attrs in shapes):
        return None
    m = [float(v) for v in _NUMBER.findall(matrix.group(1))]
    if len(m) != 6:
        return None
    stroked_only = 'fill="none"' in attrs
    out = []
    for tag, shape_attrs in shapes:
        shape = _flatten_shape(tag, shape_attrs, m, box, stroked_only)
        if shape is None:
            return None
        out.append(shape)
    new_attrs = _MATRIX.sub(_IDENTITY, attrs, count=1)
    return f"<g{new_attrs}>\n{''.join(out)}</g>"


def _flatten_shape(
    tag: str, attrs: str, m: list[float], box: Box, stroked_only: bool
) -> str | None:
    """One shape in pixel coordinates (None if it is written in a way not handled here)."""
    open_line = stroked_only and 'fill="' not in attrs.replace('fill="none"', "")
    rest = attrs.replace(_EFFECT, "")
    if tag == "path":
        d = re.search(r'\bd="([^"]*)"', rest)
        if d is None:
            return None
        parsed = _parse_path(d.group(1))
        if parsed is None:
            return None
        commands, points = parsed
        points = _transformed(points, m)
        if open_line and set(commands) <= {"M", "L", "Z"}:
            text = _lines_d(*_clip_lines(_subpaths(commands, points), box))
        else:
            text = _path_d(commands, _clamped(points, box))
        return f'<path{rest[: d.start()]}d="{text}"{rest[d.end() :]}/>\n' if text else ""
    pts = re.search(r'\bpoints="([^"]*)"', rest)
    if pts is None:
        return None
    points = _transformed(_pairs(pts.group(1)), m)
    head, tail = rest[: pts.start()], rest[pts.end() :]
    if tag == "polyline" and open_line:
        return "".join(
            f'<polyline{head}points="{_points(line)}"{tail}/>\n'
            for line in clip_polyline(points, box)
        )
    return f'<{tag}{head}points="{_points(_clamped(points, box))}"{tail}/>\n'


def _pairs(text: str) -> np.ndarray:
    values = np.array([float(v) for v in _NUMBER.findall(text)], dtype=np.float64)
    return values[: len(values) // 2 * 2].reshape(-1, 2)


def _parse_path(d: str) -> tuple[list[str], np.ndarray] | None:
    """The commands (one per point; Z alone) and points of an absolute M/L/C/Z path."""
    if _TOKEN.sub("", d).replace(",", "").strip():
        return None  # relative or other commands: not what QSvgGenerator writes
    commands: list[str] = []
    numbers: list[str] = []
    command = ""
    pending = 0  # numbers read since the last point
    for token in _TOKEN.findall(d):
        if token in "MLCZ":
            if pending:
                return None
            command = token
            if token == "Z":
                commands.append("Z")
            continue
        if not command or command == "Z":
            return None
        numbers.append(token)
        pending = 1 - pending
        if not pending:
            commands.append(command)
    if pending or commands.count("C") % 3:
        return None
    points = np.array(numbers, dtype=np.float64).reshape(-1, 2)
    return commands, points


def _transformed(points: np.ndarray, m: list[float]) -> np.ndarray:
    a, b, c, d, e, f = m
    x, y = points[:, 0], points[:, 1]
    return np.column_stack((a * x + c * y + e, b * x + d * y + f))


def _clamped(points: np.ndarray, box: Box) -> np.ndarray:
    x0, y0, x1, y1 = box
    finite = np.nan_to_num(points, nan=0.0, posinf=max(x1, y1), neginf=min(x0, y0))
    return np.column_stack((np.clip(finite[:, 0], x0, x1), np.clip(finite[:, 1], y0, y1)))


def _subpaths(commands: list[str], points: np.ndarray) -> list[np.ndarray]:
    """An M/L/Z path as polylines (a closed subpath ends at its first point again)."""
    lines: list[np.ndarray] = []
    start = 0
    i = 0  # index into points
    for command in commands:
        if command == "Z":
            if i > start:
                lines.append(np.vstack((points[start:i], points[start : start + 1])))
            start = i
            continue
        if command == "M" and i > start:
            lines.append(points[start:i])
            start = i
        i += 1
    if i > start:
        lines.append(points[start:i])
    return lines


def _clip_lines(lines: list[np.ndarray], box: Box) -> tuple[np.ndarray, np.ndarray]:
    """The parts of the polylines inside the box (Liang–Barsky on every segment), as
    their points one after the other and the index where each part starts."""
    lines = [line for line in lines if len(line) > 1]  # a lone M draws nothing
    if not lines:
        return np.empty((0, 2)), np.empty(0, dtype=int)
    points = np.concatenate(lines)
    linked = np.ones(len(points) - 1, dtype=bool)
    linked[np.cumsum([len(line) for line in lines])[:-1] - 1] = False
    return _clip(points, box, linked)


def _inside(points: np.ndarray, box: Box) -> np.ndarray:
    x0, y0, x1, y1 = box
    x, y = points[:, 0], points[:, 1]
    inside: np.ndarray = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    return inside


def clip_polyline(line: np.ndarray, box: Box) -> list[np.ndarray]:
    """The pieces of an (n, 2) polyline that lie inside the box, in order."""
    if len(line) < 2:
        return []
    points, first = _clip(line, box, None)
    return np.split(points, first[1:]) if len(points) else []


def _clip(line: np.ndarray, box: Box, linked: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Points of the clipped pieces and where each starts; `linked[i]` False leaves out
    the segment from point i to i + 1."""
    p0, p1 = line[:-1], line[1:]
    d = p1 - p0
    x0, y0, x1, y1 = box
    t0 = np.zeros(len(d))
    t1 = np.ones(len(d))
    keep = np.isfinite(p0).all(axis=1) & np.isfinite(p1).all(axis=1)
    if linked is not None:
        keep &= linked
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for p, q in (
            (-d[:, 0], p0[:, 0] - x0),
            (d[:, 0], x1 - p0[:, 0]),
            (-d[:, 1], p0[:, 1] - y0),
            (d[:, 1], y1 - p0[:, 1]),
        ):
            r = q / p
            keep &= ~((p == 0) & (q < 0))
            t0 = np.where(p < 0, np.maximum(t0, r), t0)
            t1 = np.where(p > 0, np.minimum(t1, r), t1)
    keep &= t0 <= t1
    if not keep.any():
        return np.empty((0, 2)), np.empty(0, dtype=int)
    idx = np.flatnonzero(keep)
    # whole ends stay exact; cut ends are put on the box (a far point makes them inexact)
    s0, s1 = t0[idx, None], t1[idx, None]
    lo, hi = np.array([x0, y0]), np.array([x1, y1])
    a = np.where(s0 == 0.0, p0[idx], np.clip(p0[idx] + s0 * d[idx], lo, hi))
    b = np.where(s1 == 1.0, p1[idx], np.clip(p1[idx] - (1.0 - s1) * d[idx], lo, hi))
    # a segment continues the previous piece when both are whole at the point they share
    continues = np.zeros(len(idx), dtype=bool)
    continues[1:] = (np.diff(idx) == 1) & (t1[idx[:-1]] == 1.0) & (t0[idx[1:]] == 0.0)
    starts = ~continues
    counts = 1 + starts.astype(int)
    ends = np.cumsum(counts) - 1
    pts = np.empty((int(counts.sum()), 2))
    pts[ends] = b
    first = ends[starts] - 1
    pts[first] = a[starts]
    return pts, first


def _fmt(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _points(points: np.ndarray) -> str:
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points) + " "


def _lines_d(points: np.ndarray, first: np.ndarray) -> str:
    """Path text of pieces: M at each piece's first point, L on to the others."""
    letters = np.full(len(points), "L")
    letters[first] = "M"
    return " ".join(
        f"{c}{x:.2f},{y:.2f}" for c, (x, y) in zip(letters.tolist(), points.tolist(), strict=True)
    )


def _path_d(commands: list[str], points: np.ndarray) -> str:
    parts = []
    i = 0
    for command in commands:
        if command == "Z":
            parts.append("Z")
            continue
        x, y = points[i]
        i += 1
        parts.append(f"{command}{_fmt(x)},{_fmt(y)}" if command != "C" else f"{_fmt(x)},{_fmt(y)}")
    return _join_curves(commands, parts)


def _join_curves(commands: list[str], parts: list[str]) -> str:
    """Path text with each C's three points after one letter (as SVG wants them)."""
    out = []
    run = 0
    for command, part in zip(commands, parts, strict=True):
        if command == "C":
            out.append(("C" if run % 3 == 0 else "") + part)
            run += 1
        else:
            out.append(part)
            run = 0
    return " ".join(out)
