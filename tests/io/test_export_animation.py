"""Animations of the race: GIF and MP4 written and read back, cancelling, frame planning."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from gdstudio.app.export.decor import Decorations
from gdstudio.app.export.sources import export, export_animation
from gdstudio.io.export import ExportError, qimage_to_rgb
from gdstudio.io.export_animation import encoder_size, frame_count, frame_steps
from gdstudio.io.gif_palette import GifPalette, variance_cut

STEPS = 300


@pytest.fixture
def window(studio_window):
    """The race scene at its start in a shown window."""
    return studio_window("race")


def test_gif_has_fps_times_seconds_frames_of_the_race(window, tmp_path, count_near):
    path = tmp_path / "race.gif"
    window.view3d.set_camera_state({"elevation": 80.0})
    assert export(window, "3d", path, 400, 240, fps=5, seconds=2, steps=STEPS)
    frames = iio.imread(path, index=None)
    assert frames.shape == (10, 240, 400, 3)
    assert not np.array_equal(frames[0], frames[-1])  # the balls moved
    shown = qimage_to_rgb(window.view3d.render_image(400, 240))  # the race's end, as drawn
    for _, cfg in window.model.active_runs():
        drawn = count_near(shown, cfg.color, tol=12)
        assert count_near(frames[-1], cfg.color, tol=12) >= min(drawn, 3), cfg.color  # kept
    assert sum(count_near(frames[-1], c.color, tol=12) > 0 for c in window.model.runs) >= 3


def test_gif_shows_each_racer_in_its_colour_where_its_ball_is(window, tmp_path, count_near):
    path = tmp_path / "race.gif"
    view = window.view3d
    width, height = view.width(), view.height()  # the picture frames what the view shows
    bare = Decorations(title=False, legend=False, step_counter=False)  # the view's picture alone
    assert export(
        window, "3d", path, width, height, fps=4, seconds=2, steps=STEPS, decorations=bare
    )
    frames = iio.imread(path, index=None)
    assert frames.shape == (8, height, width, 3)
    assert all(not np.array_equal(frames[i], frames[i + 1]) for i in range(7))  # it moves
    shown = qimage_to_rgb(view.render_image(width, height)).astype(int)  # the race's end
    balls = []
    for _, cfg in window.model.active_runs():
        at = view.screen_position(cfg.run.params)
        balls.append((round(at.x()), round(at.y()), cfg.color))
        if count_near(shown, cfg.color, tol=12):  # its path, unless others cover it
            assert count_near(frames[-1], cfg.color, tol=12) > 0, cfg.color
    for x, y, color in balls:
        ball = (slice(y - 4, y + 5), slice(x - 4, x + 5))
        error = np.abs(frames[-1][ball].astype(int) - shown[ball])
        assert error.mean() < 16, (color, x, y)  # its ball, in the colours it is drawn in
    assert np.abs(frames[-1].astype(int) - shown).mean() < 2
    assert count_near(frames[-1], "#16181d", tol=2) > width * height // 4  # the background


def test_gif_frames_last_one_over_fps(window, tmp_path):
    path = tmp_path / "race.gif"
    export(window, "contour", path, 200, 160, fps=4, seconds=1, steps=STEPS)
    durations = [iio.immeta(path, index=i)["duration"] for i in range(4)]
    assert durations == [250] * 4


def test_mp4_is_readable_with_every_frame_at_an_even_size(window, tmp_path):
    path = tmp_path / "race.mp4"
    assert export(window, "contour", path, 321, 241, fps=10, seconds=1, steps=STEPS)
    frames = iio.imread(path, index=None, plugin="FFMPEG")
    assert frames.shape == (10, 240, 320, 3)
    assert frames[-1].std() > 10  # a picture, not a flat colour
    assert not np.array_equal(frames[0], frames[-1])


@pytest.mark.parametrize("view", ["plots", "window"])
def test_any_view_animates(window, tmp_path, view):
    path = tmp_path / f"{view}.gif"
    export(window, view, path, 320, 200, fps=3, seconds=1, steps=STEPS)
    frames = iio.imread(path, index=None)
    assert frames.shape == (3, 200, 320, 3)
    assert not np.array_equal(frames[0], frames[-1])


def test_the_race_is_left_where_the_animation_ends(window, tmp_path):
    export(window, "3d", tmp_path / "a.gif", 160, 120, fps=2, seconds=1, steps=STEPS)
    assert [cfg.run.steps for cfg in window.model.runs] == [STEPS] * 4


def test_without_steps_the_animation_spans_the_whole_race(window, tmp_path):
    model = window.model
    model.set_max_steps(500)
    export(window, "3d", tmp_path / "a.gif", 160, 120, fps=2, seconds=1)
    assert [cfg.run.steps for cfg in model.runs] == [500] * 4


def test_a_cancelled_animation_leaves_no_file_and_keeps_an_old_one(window, tmp_path):
    seen = []

    def cancel_at_third(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 3

    for name in ("new.gif", "new.mp4"):
        assert not export(
            window,
            "3d",
            tmp_path / name,
            160,
            120,
            fps=10,
            seconds=1,
            steps=STEPS,
            progress=cancel_at_third,
        )
        assert not (tmp_path / name).exists()
    assert seen[:3] == [(1, 10), (2, 10), (3, 10)]
    old = tmp_path / "old.gif"
    old.write_bytes(b"yesterday's animation")
    assert not export_animation(
        window,
        old,
        "3d",
        160,
        120,
        fps=10,
        seconds=1,
        steps=STEPS,
        progress=lambda done, total: False,
    )
    assert old.read_bytes() == b"yesterday's animation"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.gif"]  # no temporary left


def test_bad_animation_settings_are_refused(window, tmp_path):
    with pytest.raises(ExportError, match="fps"):
        export(window, "3d", tmp_path / "a.gif", 100, 100, fps=0, seconds=1)
    with pytest.raises(ExportError, match="out of range"):
        export(window, "3d", tmp_path / "a.mp4", 0, 100, fps=5, seconds=1)
    assert list(tmp_path.iterdir()) == []


# --- planning and encoding, without a window ---------------------------------------------------


def test_frames_sample_the_steps_evenly_from_the_start_to_the_end():
    plan = frame_steps(300, 10)
    assert plan[0] == 0 and sum(plan) == 300 and len(plan) == 10
    assert max(plan) - min(plan[1:]) <= 1
    assert frame_steps(7, 1) == [7]
    sparse = frame_steps(3, 7)
    assert sparse[0] == 0 and sum(sparse) == 3 and set(sparse) <= {0, 1}


def test_frame_count_is_fps_times_seconds():
    assert frame_count(20, 5) == 100
    assert frame_count(24, 0.01) == 1
    with pytest.raises(ValueError):
        frame_count(20, 0)


def test_mp4_sizes_are_even_and_gif_sizes_are_kept():
    assert encoder_size("mp4", 1601, 901) == (1600, 900)
    assert encoder_size("mp4", 1, 1) == (2, 2)
    assert encoder_size("gif", 333, 111) == (333, 111)


def test_gif_palette_keeps_a_few_pixels_of_a_run_colour_exact():
    ramp = np.linspace(0, 255, 300).astype(np.uint8)
    frame = np.full((300, 300, 3), 90, np.uint8)
    frame[..., 0], frame[..., 1] = ramp[None, :], ramp[:, None]
    orange = (230, 159, 0)
    frame[10:12, 10:12] = orange
    palette = GifPalette(frame, [orange])
    back = palette.colors[palette.indices(frame)]
    assert tuple(back[10, 10]) == orange
    assert np.abs(back.astype(int) - frame.astype(int)).mean() < 6  # a faithful gradient
    assert len(palette.palette_bytes()) == 256 * 3


def test_variance_cut_gives_the_colours_of_a_few_flat_patches():
    pixels = np.repeat(np.array([[0, 0, 0], [255, 0, 0], [0, 0, 255]], np.uint8), 50, axis=0)
    colors = {tuple(c) for c in variance_cut(pixels, 8)}
    assert colors == {(0, 0, 0), (255, 0, 0), (0, 0, 255)}
