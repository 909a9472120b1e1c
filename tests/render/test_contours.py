"""Marching-squares contour geometry (gdstudio.render.contours): shapes, saddles, NaN, levels."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from gdstudio.render.contours import contour_levels, isoline_segments


def _endpoint_counts(seg: np.ndarray) -> np.ndarray:
    """How many segment ends meet at each distinct endpoint (rounded to 1e-9)."""
    _, counts = np.unique(np.round(seg, 9), axis=0, return_counts=True)
    return counts


def test_isolines_lie_on_their_levels():
    xs, ys = np.linspace(-2, 2, 81), np.linspace(-1, 1, 41)
    z = xs[None, :] ** 2 + 2 * ys[:, None] ** 2
    levels = np.array([0.5, 1.0, 1.5])
    seg = isoline_segments(z, levels, xs, ys)
    assert len(seg) > 0 and len(seg) % 2 == 0
    # Endpoints sit on cell edges where z is linear between grid values: near the ellipses.
    value = seg[:, 0] ** 2 + 2 * seg[:, 1] ** 2
    assert np.min(np.abs(value[:, None] - levels[None, :]), axis=1).max() < 0.02
    assert isoline_segments(z, np.array([100.0]), xs, ys).shape == (0, 2)


def test_a_circles_level_set_closes_and_lies_on_the_circle_within_a_cell():
    xs = ys = np.linspace(-1.5, 1.5, 60)  # no grid node lies exactly on the circle
    cell = xs[1] - xs[0]
    z = np.hypot(xs[None, :], ys[:, None])
    seg = isoline_segments(z, [1.0], xs, ys)
    assert len(seg) >= 2 * 40
    np.testing.assert_allclose(np.hypot(seg[:, 0], seg[:, 1]), 1.0, atol=cell)
    # Closed: every endpoint is shared by exactly two segments (no loose ends).
    assert np.all(_endpoint_counts(seg) == 2)
    pairs = seg.reshape(-1, 2, 2)
    length = np.linalg.norm(pairs[:, 1] - pairs[:, 0], axis=-1).sum()
    assert length == pytest.approx(2 * np.pi, rel=0.01)
    # And it goes all the way round.
    angles = np.sort(np.arctan2(seg[:, 1], seg[:, 0]))
    assert np.diff(angles).max() < 2 * cell


def test_uneven_grid_spacing_is_honoured():
    xs = np.array([0.0, 1.0, 3.0])
    ys = np.array([0.0, 10.0])
    z = np.array([[0.0, 1.0, 3.0], [0.0, 1.0, 3.0]])  # z = x
    seg = isoline_segments(z, [2.0], xs, ys)
    np.testing.assert_allclose(seg[:, 0], 2.0)
    np.testing.assert_allclose(np.sort(seg[:, 1]), [0.0, 10.0])


@pytest.mark.parametrize(
    ("corners", "isolated"),
    [
        # Centre (mean) below the level: the two high corners a and d are cut off.
        (((1.0, -1.0), (-1.0, 1.0)), "ad"),
        # Centre above: the high corners join through the middle, b and e are cut off.
        (((2.0, -1.0), (-1.0, 2.0)), "be"),
    ],
)
def test_a_saddle_cell_gives_two_segments_cut_by_its_centre(corners, isolated):
    xs = ys = np.array([0.0, 1.0])
    z = np.array(corners)  # z[0] = (a, b) at y=0, z[1] = (e, d) at y=1
    seg = isoline_segments(z, [0.0], xs, ys).reshape(-1, 2, 2)
    assert seg.shape == (2, 2, 2)
    corner = {"a": (0.0, 0.0), "b": (1.0, 0.0), "d": (1.0, 1.0), "e": (0.0, 1.0)}
    for piece in seg:
        # Each segment cuts off one corner: the corner whose two edges it joins.
        mid = piece.mean(axis=0)
        nearest = min(corner, key=lambda k: np.hypot(*(mid - corner[k])))
        assert nearest in isolated
    nearest_set = {min(corner, key=lambda k: np.hypot(*(p.mean(axis=0) - corner[k]))) for p in seg}
    assert nearest_set == set(isolated)
    # Crossings are interpolated: on edge a-b the level 0 sits where the line a→b crosses it.
    a, b = z[0]
    on_bottom = seg.reshape(-1, 2)[np.isclose(seg.reshape(-1, 2)[:, 1], 0.0)]
    np.testing.assert_allclose(on_bottom[:, 0], [a / (a - b)])


def test_cells_with_a_non_finite_corner_are_skipped():
    xs = ys = np.linspace(-1.5, 1.5, 31)
    z = np.hypot(xs[None, :], ys[:, None])
    full = isoline_segments(z, [1.0], xs, ys)
    z[15, 25] = np.nan  # on the circle's right side (x = 1.0, y = 0)
    z[5, 15] = np.inf  # near its bottom (x = 0, y = -1.0)
    seg = isoline_segments(z, [1.0], xs, ys)
    assert np.all(np.isfinite(seg))
    # The cells around the two bad nodes lose their segments and nothing else changes.
    assert 0 < len(full) - len(seg) <= 2 * 8
    assert set(map(tuple, np.round(seg, 9))) <= set(map(tuple, np.round(full, 9)))
    # All-NaN input and NaN levels give nothing rather than garbage.
    assert isoline_segments(np.full((4, 4), np.nan), [0.0], xs[:4], ys[:4]).shape == (0, 2)
    assert isoline_segments(np.hypot(xs[None, :], ys[:, None]), [np.nan], xs, ys).shape == (0, 2)


def test_levels_lie_evenly_strictly_inside_the_range():
    levels = contour_levels(0.0, 13.0, 12)
    np.testing.assert_allclose(levels, np.arange(1.0, 13.0))
    assert contour_levels(2.0, 2.0, 12).size == 0
    assert contour_levels(3.0, 1.0, 12).size == 0
    assert contour_levels(0.0, np.nan, 12).size == 0
    assert contour_levels(0.0, np.inf, 12).size == 0
    assert contour_levels(0.0, 1.0, 0).size == 0


def _lines_executed(func, *args) -> int:
    """Python lines run inside gdstudio.render.contours during func(*args)."""
    import gdstudio.render.contours as contours

    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename == contours.__file__:
            if event == "line":
                count += 1
            return tracer
        return None

    sys.settrace(tracer)
    try:
        func(*args)
    finally:
        sys.settrace(None)
    return count


def test_marching_squares_is_vectorized_no_python_loop_per_cell():
    def run(n: int) -> int:
        xs = ys = np.linspace(-1.5, 1.5, n)
        z = np.hypot(xs[None, :], ys[:, None])
        return _lines_executed(isoline_segments, z, [0.5, 1.0], xs, ys)

    # 25x more cells, the same Python work: the loop over cells is numpy's.
    assert run(200) == run(40)
