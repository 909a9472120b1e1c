"""The race picture: eight paths and their balls in their colours, drawn from the kept surface."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from gdstudio.core.landscapes import ANALYTIC

COLOURS = [
    (1.0, 0.0, 0.0),
    (0.0, 0.3, 1.0),
    (1.0, 0.0, 1.0),
    (1.0, 0.55, 0.0),
    (0.0, 1.0, 1.0),
    (1.0, 1.0, 1.0),
    (0.55, 0.0, 1.0),
    (1.0, 0.0, 0.5),
]


def _eight_paths() -> list:
    ls = ANALYTIC["rosenbrock"]
    paths = []
    for i, colour in enumerate(COLOURS):
        x = np.linspace(-1.6, 1.2, 300)
        points = np.column_stack([x, np.full_like(x, 2.4 - 0.3 * i)])
        paths.append((colour, points, ls.value(points)))
    return paths


def _near(pixels: np.ndarray, rgb: tuple[float, ...], tol: int = 60) -> np.ndarray:
    return np.abs(pixels.astype(int) - np.array(rgb) * 255.0).max(axis=-1) <= tol


@pytest.fixture
def race(view):
    """The view from above with eight straight paths across the valley."""
    view.set_camera_state({"elevation": 80.0})
    paths = _eight_paths()
    view.set_paths(paths)
    return view, paths


def test_eight_paths_are_drawn_each_in_its_colour(race, frame_rgb):
    view, _ = race
    pixels = frame_rgb(view)
    view.set_paths([])
    bare = frame_rgb(view)
    for colour in COLOURS:
        assert _near(pixels, colour).sum() - _near(bare, colour).sum() > 40, colour


def test_each_path_has_a_ball_in_its_colour_at_its_head(race, frame_rgb):
    view, paths = race
    pixels = frame_rgb(view).astype(float)
    ratio = view.devicePixelRatioF()
    palette = np.array(COLOURS) * 255.0
    for i, (_, points, _) in enumerate(paths):
        head = view.screen_position(points[-1])
        x, y = round(head.x() * ratio), round(head.y() * ratio)
        ball = pixels[y - 3 : y + 4, x - 3 : x + 4].reshape(-1, 3).mean(axis=0)
        # lit and shaded, the ball is still nearer its own colour than any other racer's
        scale = ball.max() / 255.0
        assert int(np.argmin(np.abs(palette * scale - ball).sum(axis=1))) == i


def _assert_same_picture(got: np.ndarray, want: np.ndarray, pixels: int = 0) -> None:
    """Identical (the kept colour and depth are copied sample for sample; a depth blit
    rounded some a step of 2^24 away, and paths met the surface a few pixels off), or but
    for `pixels` pixels."""
    differ = (np.abs(got.astype(int) - want).max(axis=-1) > 0).sum()
    assert differ <= pixels, differ


def _full_redraw(view, frame_rgb) -> np.ndarray:
    view._layers.cache.enabled = False  # the same frame drawn from scratch
    try:
        return frame_rgb(view)
    finally:
        view._layers.cache.enabled = True


def test_a_race_frame_from_the_kept_surface_is_the_full_redraw(race, frame_rgb):
    view, paths = race
    frame_rgb(view)  # keeps the surface
    view.set_paths([(c, p[:150], loss[:150]) for c, p, loss in paths])  # a tick later
    _assert_same_picture(frame_rgb(view), _full_redraw(view, frame_rgb))


def test_a_race_that_grows_a_tick_at_a_time_adds_to_the_kept_picture(race, frame_rgb):
    view, paths = race
    ls = ANALYTIC["rosenbrock"]
    grown = []
    for colour, points, _ in paths:  # the same paths, 1,000 small steps each
        x = np.linspace(points[0, 0], points[-1, 0], 1000)
        fine = np.column_stack([x, np.full_like(x, points[0, 1])])
        grown.append((colour, fine, ls.value(fine)))
    for n in range(100, 1001, 75):  # as a race: each tick the paths are a little longer
        view.set_paths([(c, p[:n], loss[:n]) for c, p, loss in grown])
        kept = frame_rgb(view)
    # a segment added later lays its faint ghost over the joint with the one before it
    _assert_same_picture(kept, _full_redraw(view, frame_rgb), pixels=200)
    assert view._layers.kept_segments and all(k > 100 for k in view._layers.kept_segments)


def test_moving_the_camera_or_changing_the_surface_redraws_the_kept_surface(race, qtbot, frame_rgb):
    view, _ = race
    before = frame_rgb(view)
    start = QPoint(view.width() // 2, view.height() // 2)
    qtbot.mousePress(view.surface, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.surface, start + QPoint(20, 0))
    qtbot.mouseMove(view.surface, start + QPoint(40, 5))
    qtbot.mouseRelease(view.surface, Qt.MouseButton.LeftButton, pos=start + QPoint(40, 5))
    moved = frame_rgb(view)
    assert np.abs(moved.astype(int) - before).max() > 50
    _assert_same_picture(moved, _full_redraw(view, frame_rgb))
    view.set_landscape(ANALYTIC["himmelblau"], fit_camera=False)
    _assert_same_picture(frame_rgb(view), _full_redraw(view, frame_rgb))


def test_a_crawl_of_tiny_steps_is_drawn_as_a_solid_line(view, frame_rgb):
    # 3,000 steps of a few hundredths of a pixel each, like SGD crawling along a valley floor
    view.set_camera_state({"elevation": 80.0})
    ls = ANALYTIC["rosenbrock"]
    x = np.linspace(-1.0, 0.2, 3000)
    points = np.column_stack([x, np.full_like(x, 2.5)])
    colour = COLOURS[2]
    bare = _near(frame_rgb(view), colour).sum()
    view.set_paths([(colour, points, ls.value(points))])
    start, end = (view.screen_position(points[i]) for i in (0, -1))
    length_px = np.hypot(end.x() - start.x(), end.y() - start.y()) * view.devicePixelRatioF()
    drawn = _near(frame_rgb(view), colour).sum() - bare
    assert drawn > 2.0 * length_px  # about the width (3 px) all along, not a dotted trace


def _walks(n: int = 1200) -> list[np.ndarray]:
    """Eight crawls down the valley, one per racer, each `n` rows."""
    walks = []
    for i in range(8):
        rng = np.random.default_rng(i)
        start = np.array([-1.6 + 0.1 * i, 2.4 - 0.25 * i])
        walks.append(start + np.cumsum(rng.normal(0.0015, 0.002, size=(n, 2)), axis=0))
    return walks


def _paths_of(view, rows: list[np.ndarray], colours=COLOURS) -> list:
    landscape = view.heightmap.landscape
    return [(c, r.copy(), landscape.value(r)) for c, r in zip(colours, rows, strict=False)]


def _fresh_view(qtbot, like):
    """A second view of the same size, landscape, height scale and camera as `like`."""
    from gdstudio.render.view3d import LandscapeView3D

    fresh = LandscapeView3D()
    qtbot.addWidget(fresh)
    fresh.set_auto_coarsen(False)
    fresh.resize(like.size())
    fresh.show()
    qtbot.waitExposed(fresh.surface)
    fresh.set_landscape(like.heightmap.landscape, log_height=like.heightmap.log_scale)
    fresh.set_camera_state(like.camera_state())
    return fresh


def test_a_long_race_drawn_frame_by_frame_is_the_picture_of_one_full_build(view, qtbot, frame_rgb):
    from gdstudio.render.path_geometry import build_path_geometry

    view.set_camera_state({"elevation": 80.0})
    walks = _walks()
    rows = [w[:2] for w in walks]
    for n in range(2, 500, 23):  # the race plays: a frame every few steps
        rows = [w[:n] for w in walks]
        view.set_paths(_paths_of(view, rows))
        frame_rgb(view)
    restarted = walks[2][::-1]  # run 2 reset: it starts again, elsewhere
    for n in range(500, 900, 41):
        rows = [w[:n] for w in walks]
        rows[2] = restarted[: n - 480]
        if n > 700:
            del rows[5]  # run 5 removed
        if n > 600:
            view.set_log_height(True)
        view.set_paths(_paths_of(view, rows))
        frame_rgb(view)
    view.set_landscape(ANALYTIC["himmelblau"], fit_camera=False)
    for n in range(900, 1200, 50):
        rows = [w[:n] for i, w in enumerate(walks) if i != 5]
        view.set_paths(_paths_of(view, rows))
        frame_rgb(view)
    final = _paths_of(view, rows)
    view.set_paths(final)
    kept = frame_rgb(view)
    redrawn = _full_redraw(view, frame_rgb)
    whole = build_path_geometry(view.heightmap, final)
    ours = view._tracks.geometry()
    for field in ("points", "point_colors", "head_positions", "head_colors"):
        np.testing.assert_array_equal(getattr(ours, field), getattr(whole, field), field)
    fresh = _fresh_view(qtbot, view)
    fresh.set_paths(final)
    _assert_same_picture(redrawn, frame_rgb(fresh))
    _assert_same_picture(kept, redrawn, pixels=200)  # ghost joints, as above


def test_a_frame_grown_around_the_moving_tips_is_the_frame_copied_whole(view, frame_rgb):
    view.set_camera_state({"elevation": 80.0})
    walks = _walks(600)
    frame_rgb(view)  # the camera's first frame is drawn whole; the race frames follow
    for n in (50, 51, 52, 120, 121, 300, 301):
        rows = [w[:n] for w in walks]
        # run 3's ball leaps across the valley and back, one frame each
        rows[3] = np.concatenate([rows[3], [[1.5 if n % 2 else -1.5, 1.0]]])
        view.set_paths(_paths_of(view, rows))
        grown = frame_rgb(view)  # the last frame, and only boxes around the tips copied in
        view._layers.cache.target_changed()
        _assert_same_picture(grown, frame_rgb(view))  # the whole kept layer copied in


def test_paths_set_between_frames_are_followed_once_at_the_next_frame(view, frame_rgb, monkeypatch):
    calls: list[int] = []
    follow = view._tracks.update

    def counted(heightmap, paths):
        calls.append(len(paths))
        return follow(heightmap, paths)

    monkeypatch.setattr(view._tracks, "update", counted)
    walks = _walks(300)
    for n in (100, 110, 120, 130):  # four ticks of the race before the next frame
        view.set_paths(_paths_of(view, [w[:n] for w in walks]))
    assert calls == []  # nothing is mapped while no frame is painted
    frame_rgb(view)
    assert calls == [8]
