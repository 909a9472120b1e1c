"""Exported 3D pictures: a sequence of frames is what a fresh render of each gives, and the
offscreen buffers are made once per size."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render import export_target
from gdstudio.render.view3d import LandscapeView3D

SIZE = (300, 220)
COLOURS = [(1.0, 0.0, 0.0), (0.0, 0.3, 1.0), (1.0, 0.0, 1.0), (1.0, 0.55, 0.0)]


def _paths(n: int) -> list:
    """Four crossing paths over the valley, each its first n of 400 points."""
    ls = ANALYTIC["rosenbrock"]
    paths = []
    for i, colour in enumerate(COLOURS):
        t = np.linspace(0.0, 1.0, 400)[:n]
        points = np.column_stack([-1.6 + 2.8 * t, 2.4 - 0.5 * i - 1.5 * np.sin(3.0 * t + i)])
        paths.append((colour, points, ls.value(points)))
    return paths


def _pixels(image) -> np.ndarray:
    from gdstudio.io.export import qimage_to_rgb

    return qimage_to_rgb(image)


@pytest.fixture
def fresh_render(qtbot):
    """Render a view's frame again from a new view that never rendered (new buffers, no kept
    layer). The views live to the end of the test: one collected while another draws
    would take the current GL context with its own."""
    views: list[LandscapeView3D] = []

    def render(view: LandscapeView3D, paths: list, landscape, transparent=False):
        fresh = LandscapeView3D()
        qtbot.addWidget(fresh)
        views.append(fresh)
        return _render_like(fresh, view, paths, landscape, transparent)

    return render


def _render_like(fresh, view, paths, landscape, transparent):
    fresh.set_auto_coarsen(False)
    fresh.resize(view.size())
    fresh.set_landscape(landscape)
    fresh.set_log_height(view.heightmap.log_scale)
    fresh.set_camera_state(view.camera_state())
    fresh.set_paths(paths)
    image = fresh.render_image(*SIZE, transparent=transparent)
    assert image.format() == fresh.render_image(*SIZE, transparent=transparent).format()
    return image


def test_an_exported_sequence_of_frames_equals_a_fresh_render_of_each(
    view, fresh_render, image_rgba
):
    landscape = ANALYTIC["rosenbrock"]
    for step, n in enumerate((40, 120, 121, 260, 400)):  # the race grows between frames
        paths = _paths(n)
        view.set_paths(paths)
        if step == 2:
            view.orbit(25.0, -5.0)  # the camera moves during the export
        if step == 3:
            landscape = ANALYTIC["himmelblau"]
            view.set_landscape(landscape, fit_camera=False)  # so does the surface
        frame = view.render_image(*SIZE)
        want = fresh_render(view, paths, landscape)
        assert frame.format() == want.format()
        np.testing.assert_array_equal(_pixels(frame), _pixels(want), err_msg=f"frame {step}")
    clear = view.render_image(*SIZE, transparent=True)
    want = fresh_render(view, _paths(400), landscape, transparent=True)
    np.testing.assert_array_equal(image_rgba(clear), image_rgba(want))


def test_frames_of_an_export_differ_where_the_paths_moved(view):
    view.set_paths(_paths(100))
    first = _pixels(view.render_image(*SIZE)).copy()
    view.set_paths(_paths(300))
    later = _pixels(view.render_image(*SIZE))
    assert (np.abs(later.astype(int) - first).max(axis=-1) > 60).sum() > 100
    view.set_paths(_paths(100))
    np.testing.assert_array_equal(_pixels(view.render_image(*SIZE)), first)


def test_a_second_render_of_the_same_size_makes_no_new_buffers(view, monkeypatch):
    made = []
    original = export_target.offscreen_fbo

    def counting(*args, **kwargs):
        made.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(export_target, "offscreen_fbo", counting)
    view.set_paths(_paths(100))
    view.render_image(*SIZE)
    assert made, "the first render of a size makes its buffers"
    made.clear()
    view.set_paths(_paths(200))
    view.render_image(*SIZE)
    view.render_image(*SIZE, transparent=True)
    assert made == []
    view.render_image(SIZE[0] + 10, SIZE[1])
    assert made and all(args[:2] == (SIZE[0] + 10, SIZE[1]) for args in made)


@pytest.mark.parametrize("size", [(1, 1), (8, 8), (333, 77)])
def test_odd_sizes_render_at_their_size(view, size, image_rgba):
    image = view.render_image(*size)
    assert (image.width(), image.height()) == size
    if size[0] > 100:
        from gdstudio.render.view3d import BACKGROUND

        pixels = image_rgba(image)[..., :3].astype(int)
        assert (np.abs(pixels - np.array(BACKGROUND)).max(axis=-1) > 6).mean() > 0.05


def test_the_buffers_are_freed_when_exporting_stops(qtbot, monkeypatch):
    monkeypatch.setattr(export_target, "IDLE_RELEASE_MS", 20)
    released = []
    original = export_target.ExportTarget.release
    monkeypatch.setattr(
        export_target.ExportTarget,
        "release",
        lambda self: (released.append(self._frame is not None), original(self)),
    )
    idle = LandscapeView3D()
    qtbot.addWidget(idle)
    idle.resize(200, 150)
    idle.set_landscape(ANALYTIC["rosenbrock"])
    idle.render_image(120, 90)
    qtbot.waitUntil(lambda: True in released, timeout=3000)
    made = []
    make = export_target.offscreen_fbo
    monkeypatch.setattr(
        export_target, "offscreen_fbo", lambda *a, **k: made.append(a) or make(*a, **k)
    )
    assert idle.render_image(120, 90).size().toTuple() == (120, 90)
    assert made  # made again after they were freed
