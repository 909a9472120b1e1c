"""A new surface under a still camera (a data edit) is drawn ahead, in a turn of its own, on
software GL: the frame that shows it copies that picture, and equals one drawn in place."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.data import Dataset
from gdstudio.core.fitting import DataLandscape
from gdstudio.render.glprobe import is_software_gl
from gdstudio.render.layers_ahead import LayersAhead
from gdstudio.render.race_layers import RaceLayers
from gdstudio.render.surface_item import AHEAD_PARTS, STILL_MS
from gdstudio.render.surface_picture import SurfacePicture


@pytest.fixture
def copies(monkeypatch) -> list[bool]:
    """Whether each frame that drew the surface copied a picture drawn ahead."""
    seen: list[bool] = []
    copy = SurfacePicture.copy

    def spy(self, *args):
        done = copy(self, *args)
        seen.append(done)
        return done

    monkeypatch.setattr(SurfacePicture, "copy", spy)
    return seen


def _fit(points: int) -> DataLandscape:
    """A line fit to the first `points` of 60 points (the view bounds of all 60)."""
    ds = Dataset.generate(60, slope=2.0, intercept=1.0, noise=3.0, seed=4)
    land = DataLandscape(Dataset(ds.x[:points], ds.y[:points]), "mae")
    land.bounds = DataLandscape(ds, "mae").bounds  # a data edit keeps the view's bounds
    return land


def _new_surface_shown(qtbot, view, points: int) -> None:
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.set_landscape(_fit(points), fit_camera=False)


@pytest.fixture
def fit_view(qtbot, view):
    """The view showing the fit to all 60 points."""
    view.set_landscape(_fit(60))
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.orbit(20.0, 5.0)  # a frame on screen: its camera is the one drawn ahead for
    return view


@pytest.fixture
def software_gl(view) -> None:
    if not is_software_gl():
        pytest.skip("drawn ahead on software GL only")


@pytest.mark.usefixtures("software_gl")
def test_a_new_surface_under_a_still_camera_is_copied_exactly_as_drawn_in_place(
    qtbot, fit_view, copies, frame_rgb, monkeypatch
):
    view = fit_view
    copies.clear()
    _new_surface_shown(qtbot, view, 40)
    assert copies and copies[-1]  # the frame copied the picture drawn ahead
    ahead = frame_rgb(view)
    # The same surface drawn in place, as without the picture.
    monkeypatch.setattr(SurfacePicture, "watch", lambda *_: None)
    _new_surface_shown(qtbot, view, 60)
    _new_surface_shown(qtbot, view, 40)
    in_place = frame_rgb(view)
    assert np.array_equal(ahead, in_place)
    assert len(np.unique(in_place.reshape(-1, 3), axis=0)) > 100  # a surface, not a blank


@pytest.mark.usefixtures("software_gl")
def test_a_camera_moved_since_draws_the_surface_in_place(qtbot, fit_view, copies, frame_rgb):
    view = fit_view
    view.set_landscape(_fit(40), fit_camera=False)
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.orbit(-35.0, 0.0)  # before the picture's frame: drawn for another camera
    copies.clear()
    first = frame_rgb(view)  # a frame drawn whole: the surface in place
    assert copies == [False]
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.orbit(0.0, 0.0)
    assert np.array_equal(first, frame_rgb(view))


@pytest.mark.usefixtures("software_gl")
def test_the_picture_is_drawn_ahead_half_its_triangles_at_a_time(
    qtbot, fit_view, copies, monkeypatch
):
    view = fit_view
    parts: list[tuple[bool, bool]] = []
    draw_ahead = SurfacePicture.draw_ahead

    def spy(self, view, version, draw, first=True, last=True):
        drawn = draw_ahead(self, view, version, draw, first, last)
        if drawn:
            parts.append((first, last))
        return drawn

    monkeypatch.setattr(SurfacePicture, "draw_ahead", spy)
    copies.clear()
    _new_surface_shown(qtbot, view, 40)
    assert parts == [(k == 0, k == AHEAD_PARTS - 1) for k in range(AHEAD_PARTS)]
    assert AHEAD_PARTS > 1
    assert copies and copies[-1]  # and the frame copied the whole picture


@pytest.mark.usefixtures("software_gl")
def test_the_kept_layer_of_a_race_is_drawn_ahead_of_the_frame_that_shows_a_new_surface(
    qtbot, fit_view, frame_rgb, monkeypatch
):
    view = fit_view
    land = _fit(60)
    (w0, w1), (b0, b1) = land.bounds
    points = np.column_stack([np.linspace(w0, w1, 40) * 0.6, np.linspace(b0, b1, 40) * 0.6])
    view.set_paths([((0.9, 0.2, 0.6), points, land.value(points))])
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.update()
    inside: list[bool] = []  # for each kept layer drawn: inside a frame's paint?
    repaint = RaceLayers._repaint

    def spy(self, v, frame):
        inside.append(view._painting)
        repaint(self, v, frame)

    monkeypatch.setattr(RaceLayers, "_repaint", spy)
    _new_surface_shown(qtbot, view, 40)
    assert inside == [False]  # drawn once, ahead; the frame only copied it
    ahead = frame_rgb(view)
    # The same frame with the kept layer drawn by the frame itself, as before.
    monkeypatch.setattr(LayersAhead, "start", lambda self: None)
    _new_surface_shown(qtbot, view, 60)
    _new_surface_shown(qtbot, view, 40)
    assert inside[-1] is True
    assert np.array_equal(ahead, frame_rgb(view))
    magenta = (np.abs(ahead.astype(int) - [230, 51, 153]).max(axis=-1) < 60).sum()
    assert magenta > 50  # the path is in the picture


@pytest.mark.usefixtures("software_gl")
def test_after_an_orbit_an_edited_surface_has_its_picture_drawn_once_the_camera_holds_still(
    qtbot, fit_view, copies
):
    view = fit_view
    _new_surface_shown(qtbot, view, 40)  # an edit: its surface drawn ahead
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.orbit(-30.0, 0.0)  # a new camera: the surface drawn in place
    copies.clear()
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.orbit(0.0, 0.0)
    assert copies == [False]
    qtbot.wait(STILL_MS + 200)  # the camera held still: its picture drawn ahead meanwhile
    land = _fit(60)
    (w0, w1), (b0, b1) = land.bounds
    points = np.column_stack([np.linspace(w0, w1, 30) * 0.5, np.linspace(b0, b1, 30) * 0.5])
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.set_paths([((0.9, 0.2, 0.6), points, land.value(points))])  # a race starts again
    assert copies[-1]  # the kept layer drawn again copied the picture, not the surface


@pytest.mark.usefixtures("software_gl")
def test_a_surface_never_edited_keeps_no_picture(qtbot, fit_view):
    view = fit_view
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.orbit(-30.0, 0.0)
    qtbot.wait(STILL_MS + 200)
    assert not view._surface._picture.kept  # a race's memory holds no picture it never needs
