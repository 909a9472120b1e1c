"""PathDamage: the boxes an export frame must draw again, and the segments that reach them."""

from __future__ import annotations

import numpy as np

from gdstudio.render.export_damage import PathDamage
from gdstudio.render.path_geometry import PathGeometry, PathSpan

SIZE = (200, 100)
MVP = np.eye(4, dtype=np.float32).reshape(-1)  # world x, y in -1..1 fill the frame


def _geometry(*paths: np.ndarray) -> PathGeometry:
    points = np.concatenate(paths).astype(np.float32)
    spans, first = [], 0
    for p in paths:
        spans.append(PathSpan(first, len(p), 0, None))
        first += len(p)
    heads = np.array([p[-1] for p in paths], dtype=np.float32)
    colors = np.ones((len(points), 4), np.float32)
    return PathGeometry(points, colors, heads, np.ones((len(paths), 4), np.float32), tuple(spans))


def _line(x0: float, x1: float, y: float, n: int) -> np.ndarray:
    return np.column_stack([np.linspace(x0, x1, n), np.full(n, y), np.zeros(n)])


def test_the_first_frame_and_a_new_key_are_drawn_whole():
    damage = PathDamage()
    geometry = _geometry(_line(-0.9, 0.0, 0.5, 10))
    assert damage.regions(geometry, MVP, SIZE, 2.0, "a") is None
    assert damage.regions(geometry, MVP, SIZE, 2.0, "a") == []  # nothing moved
    assert damage.regions(geometry, MVP, SIZE, 2.0, "b") is None


def test_a_grown_path_is_boxed_around_its_new_tip_only():
    damage = PathDamage()
    still = _line(-0.9, 0.9, -0.5, 50)
    growing = _line(-0.9, 0.0, 0.5, 200)
    damage.regions(_geometry(still, growing[:100]), MVP, SIZE, 2.0, None)
    regions = damage.regions(_geometry(still, growing[:120]), MVP, SIZE, 2.0, None)
    assert regions is not None and len(regions) == 1
    (x0, y0, x1, y1), ranges = regions[0]
    tip = (growing[98:120, :2] + 1.0) * 0.5 * np.array(SIZE)
    assert x0 <= tip[:, 0].min() - 2.0 and x1 >= tip[:, 0].max() + 2.0
    assert y0 <= 75 <= y1 and y1 - y0 < 10
    assert x1 - x0 < 0.3 * SIZE[0]  # not the whole path
    covered = {i for first, count in ranges for i in range(first, first + count)}
    assert set(range(50 + 98, 50 + 119)) <= covered  # every segment of the tip
    assert not covered & set(range(49))  # the other path is far away


def test_a_path_behind_the_camera_asks_for_a_whole_frame():
    damage = PathDamage()
    mvp = np.eye(4, dtype=np.float32)
    mvp[2, 3] = 1.0  # (column-major) w = z + 1: points at z <= -1 are behind
    path = _line(-0.5, 0.5, 0.0, 10) + [0.0, 0.0, 1.0]
    damage.regions(_geometry(path), mvp.reshape(-1), SIZE, 2.0, None)
    behind = np.concatenate([path, [[0.6, 0.0, -1.0]]])
    assert damage.regions(_geometry(behind), mvp.reshape(-1), SIZE, 2.0, None) is None
