"""The band an exported picture carries (title, legend, step counter) and the SVG geometry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QFontMetricsF, QImage

from gdstudio.io.export import qimage_to_rgb
from gdstudio.io.export_decor import Decor, DecorFrames, decor_layout, decorated
from gdstudio.io.svg_geometry import clip_polyline, flatten_svg
from gdstudio.theme import BACKGROUND, RUN_COLORS

RACERS = tuple((name, RUN_COLORS[i]) for i, name in enumerate(("SGD", "Momentum", "Adam")))


def plain(w: int, h: int) -> QImage:
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor("#204080"))
    return image


def background_share(pixels: np.ndarray) -> float:
    """Share of pixels exactly the studio background."""
    rgb = np.array([int(BACKGROUND[i : i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(pixels.astype(int) - rgb).max(axis=-1) == 0).mean())


def test_an_empty_decor_leaves_the_picture_to_the_view(qapp):
    layout = decor_layout(Decor(), 400, 300)
    assert (layout.content.width(), layout.content.height()) == (400, 300)
    image = decorated(Decor(), 400, 300, plain)
    assert qimage_to_rgb(image)[0, 0].tolist() == [0x20, 0x40, 0x80]


def test_the_title_and_each_swatch_are_drawn_in_the_band(qapp):
    decor = Decor("Optimizer race", "Rosenbrock valley", RACERS)
    image = decorated(decor, 800, 600, plain)
    layout = decor_layout(decor, 800, 600)
    pixels = qimage_to_rgb(image)
    band = layout.content.top()
    assert 0 < band < 150
    assert (pixels[band:, :] == [0x20, 0x40, 0x80]).all()  # the view, whole, below the band
    title_h = int(layout.title_at.y())
    assert background_share(pixels[:title_h, : int(layout.title_px * 6)]) < 0.97
    assert len(layout.slots) == len(RACERS)
    for slot, (_, color) in zip(layout.slots, RACERS, strict=True):
        c = slot.swatch.center()
        want = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
        got = pixels[round(c.y()), round(c.x())].astype(int)
        assert np.abs(got - want).max() <= 2, (slot.name, got, want)


def test_long_titles_and_many_racers_stay_inside_a_small_picture(qapp):
    names = tuple((f"Racer with a long name number {i}", RUN_COLORS[i % 8]) for i in range(12))
    decor = Decor("A very long lesson title " * 6, "and a subtitle " * 4, names, True)
    layout = decor_layout(decor, 320, 400, max_step=1_000_000)
    assert layout.content.height() > 0 and layout.band.bottom() < 400
    for slot in layout.slots:
        assert 0 <= slot.swatch.left() and slot.swatch.bottom() <= layout.content.top()
        metrics = QFontMetricsF(slot_font(layout.legend_px))
        assert slot.text_at.x() + metrics.horizontalAdvance(slot.name) <= 320
    assert len({round(s.swatch.top()) for s in layout.slots}) > 1  # wrapped onto rows


def slot_font(px: int):
    from PySide6.QtGui import QFont

    font = QFont()
    font.setPixelSize(px)
    return font


def test_the_step_counter_changes_only_its_corner(qapp):
    decor = Decor("Race", "", RACERS, step_counter=True)
    frames = DecorFrames(decor, 640, 480, max_step=5000)
    a = qimage_to_rgb(frames.frame(plain, 10))
    b = qimage_to_rgb(frames.frame(plain, 4990))
    changed = np.argwhere((a != b).any(axis=-1))
    assert len(changed)
    assert changed[:, 1].min() > 640 / 2 and changed[:, 0].max() < frames.layout.content.top()


def test_a_transparent_band_stays_transparent(qapp):
    def clear(w, h):
        image = QImage(w, h, QImage.Format.Format_ARGB32)
        image.fill(QColor(0, 0, 0, 0))
        return image

    image = decorated(Decor("Title", "", RACERS), 300, 200, clear, QColor(0, 0, 0, 0))
    assert image.hasAlphaChannel() and image.pixelColor(299, 0).alpha() == 0
    assert image.pixelColor(150, 150).alpha() == 0
    # the text is outlined: on a white slide as on a dark one, it has dark and light pixels
    title = [image.pixelColor(x, y) for x in range(60) for y in range(20)]
    opaque = [c for c in title if c.alpha() > 200]
    assert any(c.lightness() < 60 for c in opaque) and any(c.lightness() > 190 for c in opaque)


BOX = (-10.0, -10.0, 110.0, 110.0)
coords = st.floats(-1e15, 1e15, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(coords, coords), min_size=2, max_size=12))
def test_clipped_lines_lie_in_the_box_and_keep_what_was_inside(points):
    line = np.array(points, dtype=np.float64)
    pieces = clip_polyline(line, BOX)
    for piece in pieces:
        assert len(piece) >= 2
        assert (piece[:, 0] >= BOX[0] - 1e-6).all() and (piece[:, 0] <= BOX[2] + 1e-6).all()
        assert (piece[:, 1] >= BOX[1] - 1e-6).all() and (piece[:, 1] <= BOX[3] + 1e-6).all()
    inside = [tuple(p) for p in line if BOX[0] <= p[0] <= BOX[2] and BOX[1] <= p[1] <= BOX[3]]
    kept = {tuple(p) for piece in pieces for p in piece}
    for p in inside:
        if len(line) > 1:
            assert p in kept


def test_a_line_wholly_inside_is_one_piece_unchanged():
    line = np.array([[0.0, 0.0], [50.0, 20.0], [100.0, 100.0]])
    (piece,) = clip_polyline(line, BOX)
    assert np.array_equal(piece, line)


SVG = """<svg viewBox="0 0 100 100">
<g fill="none" stroke="#e69f00" stroke-width="4" transform="matrix(10,0,0,-10,50,50)"
font-family="Sans Serif" >
<path vector-effect="non-scaling-stroke" fill-rule="evenodd" d="M0,0 L1,1 L1e+14,-3e+13 "/>
<polyline fill="none" vector-effect="non-scaling-stroke" points="-1,0 1,0 " />
</g>
<g fill="#ffffff" stroke="none" transform="matrix(2,0,0,2,10,10)">
<text x="0" y="0">x</text>
</g>
</svg>"""


def test_flattened_svg_lines_are_in_picture_pixels_and_clipped():
    out = flatten_svg(SVG, (-20.0, -20.0, 120.0, 120.0))
    assert "vector-effect" not in out and "1e+14" not in out
    assert 'transform="matrix(1,0,0,1,0,0)"' in out
    assert "M50.00,50.00 L60.00,40.00" in out  # (0,0), (1,1) under the group's matrix
    assert 'points="40,50 60,50 "' in out
    assert '<text x="0" y="0">x</text>' in out and "matrix(2,0,0,2,10,10)" in out


@pytest.mark.parametrize("d", ["m0,0 l1,1", "M0,0 Q1,1 2,2", "M0,0 L1"])
def test_paths_written_otherwise_are_left_alone(d):
    svg = SVG.replace('d="M0,0 L1,1 L1e+14,-3e+13 "', f'd="{d}"')
    assert f'd="{d}"' in flatten_svg(svg, (-20.0, -20.0, 120.0, 120.0))
