"""The 3D view's labelled axes: round ticks in the landscape's units, read in the surface's
height mapping, never piled up as the camera turns, and in exported pictures too."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from gdstudio import theme
from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.axes import format_tick, tick_sets
from gdstudio.render.picking import project_to_screen


def test_tick_values_print_short_and_exact():
    assert [format_tick(v) for v in (0.0, 0.5, 120.0, -2.0, 1e5, 2.5e-4)] == [
        "0",
        "0.5",
        "120",
        "-2",
        "1e5",
        "2.5e-4",
    ]


def test_linear_ticks_are_round_and_evenly_spaced():
    for lo, hi in [(-2.0, 2.0), (-1.0, 3.0), (0.0, 2509.0), (1.22, 7.3), (-5.0, 5.0)]:
        for values in tick_sets(lo, hi):
            steps = np.diff(values)
            np.testing.assert_allclose(steps, steps[0])
            mantissa = steps[0] / 10.0 ** np.floor(np.log10(steps[0]))
            assert round(mantissa, 6) in (1.0, 2.0, 5.0)
            assert lo <= values[0] and values[-1] <= hi


def test_log_height_ticks_are_powers_of_ten_in_loss_units():
    first = tick_sets(0.0, 2509.0, log=True)[0]
    assert first == (0.0, 1.0, 10.0, 100.0, 1000.0)


def _labels(view):
    view.grabFramebuffer()
    layout = view.axes.layout
    assert layout is not None
    return layout.labels


def _assert_apart(labels, size):
    width, height = size
    for label in labels:
        assert label.x >= 0 and label.y >= 0, label
        assert label.x + label.w <= width and label.y + label.h <= height, label
    for a, b in itertools.combinations(labels, 2):
        assert not a.overlaps(b, 0.0), (a, b)


def test_the_axes_name_the_parameters_and_the_loss(view):
    texts = {label.text for label in _labels(view) if label.title}
    assert texts == {"x", "y", "loss (log)"}  # Rosenbrock's own names, log height
    view.set_log_height(False)
    texts = {label.text for label in _labels(view) if label.title}
    assert texts == {"x", "y", "loss"}
    ticks = [label for label in _labels(view) if not label.title]
    for axis in ("x", "y", "loss"):
        assert len([t for t in ticks if t.axis == axis]) >= 2, axis


@pytest.mark.parametrize("log", [True, False])
def test_loss_ticks_sit_at_the_height_the_surface_gives_their_loss(view, log):
    view.set_log_height(log)
    ticks = [lb for lb in _labels(view) if lb.axis.startswith("loss") and not lb.title]
    assert len(ticks) >= 2
    hm = view.heightmap
    view_m, projection = view.camera_matrices()
    ratio = view.devicePixelRatioF()
    for label in ticks:
        z = float(hm.z_from_loss(np.array([label.value]))[0])
        # the loss axis is a vertical box edge: its corner is the one level with the label
        corners = [
            np.array([sx * hm.extent[0], sy * hm.extent[1], z]) for sx in (-1, 1) for sy in (-1, 1)
        ]
        ys = [
            project_to_screen(c, view.width(), view.height(), view_m, projection)[1] * ratio
            for c in corners
        ]
        middle = label.y + 0.5 * label.h
        assert min(abs(y - middle) for y in ys) < 1.5, (label, ys)


def test_labels_never_pile_up_as_the_camera_turns(view, qtbot):
    size = (view.deviceWidth(), view.deviceHeight())
    _assert_apart(_labels(view), size)
    start = QPoint(view.width() // 2, view.height() // 2)
    for dx, dy in [(60, 0), (90, 25), (-150, -40), (40, 70), (200, -60)]:
        qtbot.mousePress(view.surface, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(view.surface, start + QPoint(dx // 2, dy // 2))
        qtbot.mouseMove(view.surface, start + QPoint(dx, dy))
        qtbot.mouseRelease(view.surface, Qt.MouseButton.LeftButton, pos=start + QPoint(dx, dy))
        labels = _labels(view)
        _assert_apart(labels, size)
        assert sum(not label.title for label in labels) >= 4


def _label_pixels(pixels: np.ndarray) -> int:
    rgb = np.array(theme.hex_to_rgb255(theme.LABEL_COLOR))
    return int((np.abs(pixels[..., :3].astype(int) - rgb).max(axis=-1) <= 30).sum())


def test_exported_pictures_carry_the_axes(view, image_rgba):
    picture = image_rgba(view.render_image(960, 720))
    assert _label_pixels(picture) > 300  # tick labels and titles in the label colour
    view.axes.setVisible(False)
    assert _label_pixels(image_rgba(view.render_image(960, 720))) < 20  # none of it is surface


def test_the_axes_read_in_the_landscapes_own_units(view):
    view.set_landscape(ANALYTIC["himmelblau"])
    ticks = [lb for lb in _labels(view) if lb.axis == "x" and not lb.title]
    assert ticks and all(-5.0 <= lb.value <= 5.0 for lb in ticks)
    assert {lb.text for lb in ticks} <= {format_tick(v) for v in np.arange(-5.0, 5.5, 0.5)}
