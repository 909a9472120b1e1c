"""LandscapeView3D under Xvfb + Mesa: pictures, paths, clicks, camera and export."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QSurfaceFormat, QWheelEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.view3d import (
    BACKGROUND,
    DEFAULT_GRID,
    SLOW_FRAMES_BEFORE_COARSENING,
    LandscapeView3D,
)
from gdstudio.state.camera import Camera

MAGENTA = (1.0, 0.0, 1.0)


def _near(pixels: np.ndarray, rgb: tuple[float, ...], tol: int = 40) -> np.ndarray:
    target = np.array(rgb[:3], dtype=float)
    if target.max() <= 1.0:
        target = target * 255.0
    return np.abs(pixels[..., :3].astype(int) - target).max(axis=-1) <= tol


def test_rosenbrock_renders_a_lit_colourful_surface(view, frame_rgb):
    pixels = frame_rgb(view)
    assert pixels.shape == (view.deviceHeight(), view.deviceWidth(), 3)
    surface = ~_near(pixels, BACKGROUND, tol=6)
    assert 0.2 < surface.mean() < 0.95
    colours = np.unique(pixels[surface] // 8, axis=0)
    assert len(colours) > 100  # shading and the colour map, not a flat fill


def test_paths_are_drawn_in_their_colour_with_a_ball_at_the_head(view, frame_rgb):
    assert not _near(frame_rgb(view), MAGENTA, tol=60).any()
    ls = ANALYTIC["rosenbrock"]
    points = np.column_stack([np.linspace(-1.5, 1.5, 40), np.full(40, 2.6)])
    view.set_paths([(MAGENTA, points, ls.value(points))])
    assert _near(frame_rgb(view), MAGENTA, tol=60).sum() > 150
    view.set_paths([])
    assert not _near(frame_rgb(view), MAGENTA, tol=60).any()


def test_a_click_on_the_surface_picks_the_params_under_the_cursor(view, qtbot):
    target = np.array([-1.5, 2.0])
    pos = view.screen_position(target).toPoint()
    with qtbot.waitSignal(view.startPicked, timeout=2000) as picked:
        qtbot.mouseClick(view.surface, Qt.MouseButton.LeftButton, pos=pos)
    params = picked.args[0]
    assert isinstance(params, np.ndarray) and params.shape == (2,)
    # one pixel is about 0.01 in params here; allow a few
    np.testing.assert_allclose(params, target, atol=0.05)


def test_a_click_beside_the_surface_picks_nothing(view, qtbot):
    with qtbot.assertNotEmitted(view.startPicked):
        qtbot.mouseClick(view.surface, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))


def test_dragging_rotates_instead_of_picking(view, qtbot):
    before = view.camera_state()["azimuth"]
    start = view.screen_position(np.array([-1.5, 2.0])).toPoint()
    with qtbot.assertNotEmitted(view.startPicked):
        qtbot.mousePress(view.surface, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(view.surface, start + QPoint(30, 0))
        qtbot.mouseMove(view.surface, start + QPoint(60, 0))
        qtbot.mouseRelease(view.surface, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 0))
    assert view.camera_state()["azimuth"] != before


def test_camera_state_survives_json_and_a_new_view(view, qtbot):
    view.set_camera_state(
        {"distance": 5.5, "elevation": 62.0, "azimuth": -20.0, "center": [0.1, -0.2, 0.3]}
    )
    state = json.loads(json.dumps(view.camera_state()))
    other = LandscapeView3D()
    qtbot.addWidget(other)
    other.resize(view.size())
    other.set_landscape(ANALYTIC["rosenbrock"])
    other.set_camera_state(state)
    _assert_same_camera(other.camera_state(), state)
    for mine, theirs in zip(view.camera_matrices(), other.camera_matrices(), strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_reset_camera_frames_the_landscape(view):
    view.set_camera_state({"distance": 40.0, "elevation": 5.0})
    view.reset_camera()
    state = view.camera_state()
    assert state["elevation"] == pytest.approx(40.0)
    assert 2.0 < state["distance"] < 8.0


def test_render_image_has_the_requested_size_and_content(view, image_rgba):
    camera = view.camera_state()
    image = view.render_image(321, 123)
    assert (image.width(), image.height()) == (321, 123)
    pixels = image_rgba(image)
    assert (~_near(pixels, BACKGROUND, tol=6)).mean() > 0.1
    _assert_same_camera(view.camera_state(), camera)


def test_transparent_render_has_a_clear_background(view, image_rgba):
    image = view.render_image(200, 150, transparent=True)
    assert image.hasAlphaChannel()
    alpha = image_rgba(image)[..., 3]
    assert alpha[0, 0] == 0
    assert (alpha == 255).mean() > 0.1


def test_render_image_works_without_showing_the_view(qtbot, image_rgba):
    hidden = LandscapeView3D()
    qtbot.addWidget(hidden)
    hidden.resize(320, 240)
    hidden.set_landscape(ANALYTIC["himmelblau"])
    image = hidden.render_image(640, 480)
    if not hidden.isValid():
        pytest.fail("needs an OpenGL context")
    assert image.size().toTuple() == (640, 480)
    assert (~_near(image_rgba(image), BACKGROUND, tol=6)).mean() > 0.1


def test_grid_size_sets_the_mesh_resolution(view):
    assert view.grid_size == DEFAULT_GRID
    view.set_grid_size(64)
    assert view.grid_size == 64
    assert view.mesh.n == 64
    assert len(view.mesh.vertices) == 64 * 64 + 8 * 64


def test_slow_frames_coarsen_the_grid(view, qtbot):
    view.set_auto_coarsen(True)
    view.frame_budget_ms = 0.0  # every frame counts as too slow
    for _ in range(SLOW_FRAMES_BEFORE_COARSENING + 2):  # a frame's time is read a frame later
        view.grabFramebuffer()
    qtbot.waitUntil(lambda: view.grid_size == 128, timeout=2000)
    assert view.last_frame_ms > 0.0


def test_exports_use_the_full_grid_even_when_the_view_coarsened(view, qtbot, image_rgba):
    full = image_rgba(view.render_image(200, 100))
    view.set_auto_coarsen(True)
    view.frame_budget_ms = 0.0
    for _ in range(SLOW_FRAMES_BEFORE_COARSENING + 2):
        view.grabFramebuffer()
    qtbot.waitUntil(lambda: view.mesh.n == 128, timeout=2000)  # the view drew it coarser
    view.set_auto_coarsen(False)
    uploads = []
    original = view._surface.set_mesh
    view._surface.set_mesh = lambda *arrays: (uploads.append(len(arrays[0])), original(*arrays))
    for _ in range(2):  # frames of an export: the 256 grid, as before the view coarsened
        np.testing.assert_array_equal(image_rgba(view.render_image(200, 100)), full)
    assert uploads == []  # the view's own surface stays as it is
    view.set_grid_size(64)
    view.grabFramebuffer()
    assert view.mesh.n == 64 and not np.array_equal(image_rgba(view.render_image(200, 100)), full)


def test_log_height_can_be_forced_either_way(view):
    assert view.heightmap.log_scale
    view.set_log_height(False)
    assert not view.heightmap.log_scale
    view.set_log_height(None)
    assert view.heightmap.log_scale


def test_one_parameter_landscapes_are_refused(view):
    with pytest.raises(ValueError, match="2 parameters"):
        view.set_landscape(ANALYTIC["bowl1d"])


def test_grabbed_frames_keep_the_background_colour(view, frame_rgb):
    corner = frame_rgb(view)[0, 0]
    np.testing.assert_allclose(corner, BACKGROUND, atol=2)


def test_moving_the_view_to_another_window_keeps_drawing(view, qtbot, frame_rgb):
    # a new top-level window gives the view a new GL context (e.g. a dock floated out)
    before = (~_near(frame_rgb(view), BACKGROUND, tol=6)).mean()
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.addWidget(view)
    window.resize(view.size())
    window.show()
    qtbot.waitExposed(window)
    after = (~_near(frame_rgb(view), BACKGROUND, tol=6)).mean()
    view.setParent(None)  # hand it back to the fixture, which owns it
    assert after > 0.5 * before > 0.0


def test_a_core_profile_context_draws_surface_and_paths(qtbot, frame_rgb):
    # macOS and some drivers only offer core profiles: GLSL 1.40 sources, no wide lines
    core = QSurfaceFormat()
    core.setVersion(3, 3)
    core.setProfile(QSurfaceFormat.OpenGLContextProfile.CoreProfile)
    core.setDepthBufferSize(24)
    widget = LandscapeView3D()
    qtbot.addWidget(widget)
    widget.setFormat(core)
    widget.resize(320, 240)
    widget.show()
    qtbot.waitExposed(widget)
    ls = ANALYTIC["rosenbrock"]
    widget.set_landscape(ls)
    points = np.column_stack([np.linspace(-1.5, 1.5, 40), np.full(40, 2.6)])
    widget.set_paths([(MAGENTA, points, ls.value(points))])
    pixels = frame_rgb(widget)
    if widget.context().format().profile() != QSurfaceFormat.OpenGLContextProfile.CoreProfile:
        pytest.skip("no core profile context available")
    assert (~_near(pixels, BACKGROUND, tol=6)).mean() > 0.2
    assert _near(pixels, MAGENTA, tol=60).sum() > 20


def test_shift_dragging_pans_instead_of_rotating(view, qtbot):
    before = view.camera_state()
    start = view.screen_position(np.array([-1.5, 2.0])).toPoint()
    shift = Qt.KeyboardModifier.ShiftModifier
    with qtbot.assertNotEmitted(view.startPicked):
        qtbot.mousePress(view.surface, Qt.MouseButton.LeftButton, shift, start)
        qtbot.mouseMove(view.surface, start + QPoint(30, 10))
        qtbot.mouseMove(view.surface, start + QPoint(60, 20))
        qtbot.mouseRelease(view.surface, Qt.MouseButton.LeftButton, shift, start + QPoint(60, 20))
    after = view.camera_state()
    assert after["azimuth"] == before["azimuth"]
    assert after["center"] != pytest.approx(before["center"])


def _assert_same_camera(got: dict, want: dict) -> None:
    """Camera states agree key by key (pytest.approx takes no list nested in a dict)."""
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-6), key


# --- the camera in the state ------------------------------------------------------------------


@pytest.fixture
def bound(view):
    """The view bound to a state Camera, with the fields each event moved."""
    camera = Camera()
    view.bind_camera(camera)
    moved: list[str] = []
    camera.connect("*", moved.append)
    return camera, moved


def test_binding_reports_the_framed_camera_to_the_state(view, bound):
    camera, _ = bound
    _assert_same_camera(camera.to_dict(), view.camera_state())


def test_a_drag_reports_the_camera_to_the_state_once_when_it_ends(view, bound, qtbot):
    camera, moved = bound
    before = camera.to_dict()
    start = view.screen_position(np.array([-1.5, 2.0])).toPoint()
    qtbot.mousePress(view.surface, Qt.MouseButton.LeftButton, pos=start)
    for dx in range(10, 80, 10):
        qtbot.mouseMove(view.surface, start + QPoint(dx, dx // 4))
    assert view.camera_state()["azimuth"] != before["azimuth"]
    assert camera.to_dict() == before and not moved  # nothing while the drag goes on
    qtbot.mouseRelease(view.surface, Qt.MouseButton.LeftButton, pos=start + QPoint(70, 17))
    assert sorted(moved) == ["azimuth", "elevation"]  # one report for the gesture
    _assert_same_camera(camera.to_dict(), view.camera_state())


def test_a_wheel_zoom_reports_the_new_distance(view, bound, qtbot):
    camera, _ = bound
    before = camera.distance
    centre = QPointF(view.width() / 2, view.height() / 2)
    wheel = QWheelEvent(
        centre,
        view.mapToGlobal(centre),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.surface, wheel)  # where the wheel of a user goes
    assert camera.distance < before
    assert camera.distance == pytest.approx(view.camera_state()["distance"])


def test_the_state_camera_moves_the_view_without_echo(view, bound):
    camera, moved = bound
    camera.place({"distance": 6.5, "elevation": 55.0, "azimuth": -30.0, "center": [0.1, 0, 0.2]})
    assert sorted(moved) == ["azimuth", "center", "distance", "elevation"]
    _assert_same_camera(view.camera_state(), camera.to_dict())


def test_a_held_camera_waits_for_the_next_surface_instead_of_framing(view, bound):
    camera, _ = bound
    placed = {"distance": 6.5, "elevation": 12.0, "azimuth": 77.0, "center": [0.0, 0.0, 0.3]}
    camera.place(placed, hold=True)
    view.set_landscape(ANALYTIC["himmelblau"])  # would frame the new surface
    for key, value in placed.items():
        assert view.camera_state()[key] == pytest.approx(value), key
    view.set_landscape(ANALYTIC["rosenbrock"])  # the hold is spent: this one is framed
    assert view.camera_state()["elevation"] == pytest.approx(40.0)
    _assert_same_camera(camera.to_dict(), view.camera_state())
