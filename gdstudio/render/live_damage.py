"""Where on screen a race frame can differ from the one before (no Qt, no GL): around the
tips of the paths and their balls, then and now. Only those boxes of the kept layer are
copied into a frame that still holds the last one."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Box = tuple[int, int, int, int]
"""x0, y0, x1, y1 in framebuffer pixels (GL's: y up), x1 and y1 excluded."""

MOST_OF_THE_FRAME = 0.5
"""Boxes covering more than this share of the frame: the whole frame is copied instead."""


def damage_boxes(
    groups: Sequence[np.ndarray], mvp: np.ndarray, size: tuple[int, int], margin: float
) -> list[Box] | None:
    """One box per group of world points (n, 3): the pixels within `margin` of them seen
    through `mvp` (column-major, as GL takes it) in a `size` frame, boxes outside the frame
    left out; None when a point is not in front of the camera or the boxes cover most of
    the frame (draw it whole)."""
    groups = [g for g in groups if len(g)]
    if not groups:
        return []
    points = np.concatenate(groups).astype(np.float64)
    matrix = np.asarray(mvp, dtype=np.float64).reshape(4, 4)  # rows: x, y, z, w inputs
    clip = points @ matrix[:3] + matrix[3]
    w = clip[:, 3]
    if float(w.min()) <= 1e-6:
        return None
    half = 0.5 * np.array(size, dtype=np.float64)
    pixels = (clip[:, :2] / w[:, None] + 1.0) * half
    starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
    lo = np.floor(np.minimum.reduceat(pixels, starts) - margin).astype(np.int64)
    hi = np.ceil(np.maximum.reduceat(pixels, starts) + margin).astype(np.int64) + 1
    lo = np.maximum(lo, 0)
    hi = np.minimum(hi, np.array(size, dtype=np.int64))
    inside = np.all(hi > lo, axis=1)
    lo, hi = lo[inside], hi[inside]
    if float(np.prod(hi - lo, axis=1).sum()) > MOST_OF_THE_FRAME * size[0] * size[1]:
        return None
    return [(int(a), int(b), int(c), int(d)) for (a, b), (c, d) in zip(lo, hi, strict=True)]


BLIT_PIXELS = 16_000
"""Pixels a software GL copies in the time it takes to set up one more copy: two boxes are
copied as one where that adds fewer pixels."""


def merge_boxes(boxes: Sequence[Box], slack: int = BLIT_PIXELS) -> list[Box]:
    """The boxes, those whose joint box adds fewer than `slack` pixels to theirs made one."""
    out = list(boxes)
    merged = True
    while merged and len(out) > 1:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                joint = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                if _area(joint) - _area(a) - _area(b) < slack:
                    out[i] = joint
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return out


def _area(box: Box) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])
