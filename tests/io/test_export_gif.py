"""GIF encoding without a window: the one palette, its colour table, the streaming writer."""

from __future__ import annotations

import io
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.io.export_animation import write_animation
from gdstudio.io.gif_palette import (
    LOCAL_ERROR,
    LUT_BITS,
    TRANSPARENT,
    GifPalette,
    packed,
    unpacked,
)
from gdstudio.io.gif_writer import GifStream

ORANGE = (230, 159, 0)


def gradient(height: int = 60, width: int = 80, shift: int = 0) -> np.ndarray:
    """An (h, w, 3) RGB test picture: two ramps and a flat third channel."""
    frame = np.zeros((height, width, 3), np.uint8)
    frame[..., 0] = np.linspace(0, 255, width).astype(np.uint8)[None, :]
    frame[..., 1] = np.linspace(0, 255, height).astype(np.uint8)[:, None]
    frame[..., 2] = 90 + shift
    return frame


def with_ball(frame: np.ndarray, x: int, y: int, color=ORANGE) -> np.ndarray:
    """The frame with a 4×4 square of `color` at (x, y)."""
    out = frame.copy()
    out[y : y + 4, x : x + 4] = color
    return out


def read_gif(data: bytes) -> np.ndarray:
    """Every frame of a GIF as a viewer composes it, (n, h, w, 3)."""
    return iio.imread(data, index=None, extension=".gif")


def test_packed_pixels_round_trip_to_rgb():
    frame = gradient()
    pixels = packed(frame)
    assert pixels.dtype == np.uint32 and pixels.shape == frame.shape[:2]
    assert pixels[0, -1] == 0xFFFF0000 | (90 & 0xFF)  # 0xAARRGGBB, red ramp at its top
    assert np.array_equal(unpacked(pixels), frame)
    assert packed(pixels) is pixels
    with pytest.raises(ValueError):
        packed(np.zeros((4, 4, 4), np.uint8))


def test_each_colour_maps_to_the_palette_entry_nearest_its_table_cell():
    rng = np.random.default_rng(1)
    palette = GifPalette(gradient(), [ORANGE])
    frame = rng.integers(0, 256, (50, 70, 3), dtype=np.uint8)
    index = palette.indices(frame)
    shift = 8 - LUT_BITS
    centres = ((frame >> shift).astype(float) * (1 << shift)) + (1 << (shift - 1))
    used = palette.colors[:TRANSPARENT].astype(float)  # the gradient fills every entry
    distance = ((centres[..., None, :] - used) ** 2).sum(-1)
    chosen = np.take_along_axis(distance, index[..., None].astype(int), -1)[..., 0]
    assert np.allclose(chosen, distance.min(-1))


def test_a_reserved_colour_keeps_its_exact_value_as_a_few_pixels():
    frame = with_ball(gradient(), 10, 10)
    palette = GifPalette(frame, [ORANGE])
    back = palette.colors[palette.indices(frame)]
    assert tuple(back[11, 11]) == ORANGE
    assert np.abs(back.astype(int) - frame.astype(int)).mean() < 6  # a faithful gradient


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
def test_the_colour_table_gives_the_same_indices_whatever_it_learned_first(seed_a, seed_b):
    first = gradient()
    a = np.random.default_rng(seed_a).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    b = np.random.default_rng(seed_b).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    learned = GifPalette(first, [ORANGE])
    learned.indices(a)
    assert np.array_equal(learned.indices(b), GifPalette(first, [ORANGE]).indices(b))


def test_rgb_and_packed_frames_make_the_same_file(tmp_path):
    frames = [with_ball(gradient(), 5 + 7 * i, 20) for i in range(5)]
    write_animation(tmp_path / "rgb.gif", "gif", frames, 5, 10, reserved=[ORANGE])
    write_animation(tmp_path / "packed.gif", "gif", map(packed, frames), 5, 10, reserved=[ORANGE])
    assert (tmp_path / "rgb.gif").read_bytes() == (tmp_path / "packed.gif").read_bytes()


def test_a_gif_read_back_shows_every_frame_in_the_palette(tmp_path):
    base = gradient()
    frames = [with_ball(base, 5 + 9 * i, 10 + 5 * i) for i in range(6)]
    path = tmp_path / "moving.gif"
    assert write_animation(path, "gif", frames, 6, 10, reserved=[ORANGE])
    back = read_gif(path.read_bytes())
    palette = GifPalette(frames[0], [ORANGE])
    assert back.shape == (6, 60, 80, 3)
    for got, frame in zip(back, frames, strict=True):
        assert np.array_equal(got, palette.colors[palette.indices(frame)])
    assert all(not np.array_equal(back[i], back[i + 1]) for i in range(5))


def test_only_the_changed_rectangle_of_a_frame_is_stored(tmp_path):
    base = gradient(120, 160)
    still = tmp_path / "still.gif"
    moving = tmp_path / "moving.gif"
    write_animation(still, "gif", [base] * 5, 5, 10)
    write_animation(moving, "gif", [with_ball(base, 10 * i, 50) for i in range(5)], 5, 10)
    # four 4×4 changes cost far less than four more whole 160×120 frames
    assert moving.stat().st_size < still.stat().st_size + 4 * 300


def test_repeated_frames_are_stored_once_with_their_durations_added(tmp_path):
    a, b = gradient(), with_ball(gradient(), 30, 30)
    path = tmp_path / "repeats.gif"
    write_animation(path, "gif", [a, a, a, b, b], 5, 10, reserved=[ORANGE])
    data = path.read_bytes()
    assert read_gif(data).shape[0] == 2
    durations = [iio.immeta(data, index=i, extension=".gif")["duration"] for i in range(2)]
    assert durations == [300, 200]


def test_a_ball_in_a_colour_the_first_frame_lacks_gets_colours_of_its_own(tmp_path):
    base = gradient(120, 160)
    shaded = np.linspace(40, 250, 12).astype(np.uint8)
    frames = [base]
    for i in range(4):  # a purple ball, shaded top to bottom, moving right
        frame = base.copy()
        frame[40:52, 20 + 30 * i : 32 + 30 * i] = np.stack([shaded, shaded // 4, shaded], axis=-1)[
            :, None, :
        ]
        frames.append(frame)
    path = tmp_path / "ball.gif"
    write_animation(path, "gif", frames, 5, 10)
    back = read_gif(path.read_bytes()).astype(int)
    error = np.abs(back - np.array(frames, dtype=int)).max(axis=-1)
    for i in range(1, 5):  # the ball, though the palette has no purple
        ball = error[i, 40:52, 30 * i - 10 : 30 * i + 2]
        assert ball.max() <= LOCAL_ERROR and ball.mean() < 4
    assert np.array_equal(back[-1][60:], back[0][60:])  # the rest is untouched


def test_frame_durations_follow_the_clock_without_drifting():
    palette = GifPalette(gradient(), [])
    out = io.BytesIO()
    stream = GifStream(out, 80, 60, palette.palette_bytes(), fps=30)
    for i in range(30):
        stream.add(palette.indices(with_ball(gradient(), i * 2, 5)))
    stream.close()
    durations = [
        iio.immeta(out.getvalue(), index=i, extension=".gif")["duration"] for i in range(30)
    ]
    assert set(durations) <= {30, 40}
    assert sum(durations) == 1000


def test_a_patch_must_fit_in_the_frame():
    palette = GifPalette(gradient(), [])
    stream = GifStream(io.BytesIO(), 80, 60, palette.palette_bytes(), fps=10)
    with pytest.raises(ValueError, match="first frame"):
        stream.add_patch(np.zeros((4, 4), np.uint8), 0, 0)
    stream.add(palette.indices(gradient()))
    with pytest.raises(ValueError, match="leaves the frame"):
        stream.add_patch(np.zeros((4, 4), np.uint8), 78, 0)
    with pytest.raises(ValueError, match="80×60"):
        stream.add(np.zeros((60, 81), np.uint8))


def test_a_gif_is_written_without_importing_imageio(tmp_path):
    code = (
        "import sys, numpy as np\n"
        "from gdstudio.io.export_animation import write_animation\n"
        "frames = [np.full((8, 8, 3), 40 * i, np.uint8) for i in range(3)]\n"
        f"write_animation({str(tmp_path / 'a.gif')!r}, 'gif', frames, 3, 5)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('imageio', 'PySide6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert read_gif((tmp_path / "a.gif").read_bytes()).shape == (3, 8, 8, 3)


def test_qimage_pixels_sees_an_rgb32_image_without_a_copy(qapp):
    from PySide6.QtGui import QColor, QImage

    from gdstudio.io.export import qimage_pixels, qimage_to_rgb

    image = QImage(7, 3, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 20, 30))
    image.setPixelColor(6, 2, QColor(200, 100, 50))
    pixels = qimage_pixels(image)
    assert pixels.shape == (3, 7) and pixels[0, 0] == 0xFF0A141E
    assert np.array_equal(unpacked(pixels), qimage_to_rgb(image))
    rgb888 = image.convertToFormat(QImage.Format.Format_RGB888)
    assert np.array_equal(qimage_pixels(rgb888), qimage_pixels(image))


def test_a_frame_where_every_pixel_changes_shows_no_pixel_of_the_one_before(tmp_path):
    first = gradient()
    second = gradient(shift=160)  # blue 250 everywhere: colours the palette does not have
    path = tmp_path / "flip.gif"
    write_animation(path, "gif", [first, second], 2, 10)
    back = read_gif(path.read_bytes()).astype(int)
    assert (back[1] != back[0]).any(axis=-1).all()  # nothing seen through to frame one
    assert np.abs(back[1] - second).max(axis=-1).mean() < 12
