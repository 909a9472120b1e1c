"""The 3D frame on screen is drawn once: a window uncovered (or X's second expose at the first
map) shows it again without drawing it again, and anything that changes is drawn."""

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel

from tests.render.conftest import _image_rgba

MAGENTA = np.array([255, 0, 255])


def _screen_rgb(view) -> np.ndarray:
    """What the X server shows where the 3D view is (the GL window's pixels), RGB."""
    corner = view.mapToGlobal(QPoint(0, 0))
    rect = QRect(corner, view.size())
    pixmap = view.screen().grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height())
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    return _image_rgba(image)[..., :3].astype(int)


def _drawing_counted(view, monkeypatch) -> list[int]:
    """Count the view's drawing of items from now on (every frame drawn goes through it)."""
    drawn: list[int] = []
    draw = view.draw_items

    def counted(items, frame):
        drawn.append(len(items))
        return draw(items, frame)

    monkeypatch.setattr(view, "draw_items", counted)
    return drawn


def _settled(qtbot, view) -> np.ndarray:
    """The view's pixels on screen once a frame of the scene as it is is on screen (the
    fixture's grab drew one that was never swapped onto the screen)."""
    view.update()
    qtbot.waitUntil(lambda: view.shows_current_frame())
    QApplication.processEvents()
    return _screen_rgb(view)


def test_an_uncovered_3d_view_shows_its_frame_again_without_drawing_it(
    studio_window, qtbot, monkeypatch
):
    window = studio_window("race")
    view = window.view3d
    before = _settled(qtbot, view)
    assert before.std(axis=(0, 1)).max() > 10  # the surface is on screen, not a blank window
    drawn = _drawing_counted(view, monkeypatch)
    cover = QLabel("a window over the view")
    qtbot.addWidget(cover)
    cover.setStyleSheet("background: #ff00ff")
    cover.setGeometry(QRect(view.mapToGlobal(QPoint(20, 20)), view.size() / 2))
    cover.show()
    qtbot.waitUntil(lambda: (np.abs(_screen_rgb(view) - MAGENTA).max(axis=-1) < 8).mean() > 0.1)
    cover.hide()
    qtbot.waitUntil(lambda: not (np.abs(_screen_rgb(view) - MAGENTA).max(axis=-1) < 8).any())
    QApplication.processEvents()
    assert drawn == []  # the window's framebuffer still held the frame: shown, not drawn
    np.testing.assert_array_equal(_screen_rgb(view), before)


def test_a_change_after_an_uncovering_is_drawn(studio_window, qtbot, monkeypatch):
    window = studio_window("race")
    view = window.view3d
    before = _settled(qtbot, view)
    drawn = _drawing_counted(view, monkeypatch)
    window.model.step(300)  # the racers move: their paths and balls are drawn
    qtbot.waitUntil(lambda: bool(drawn) and view.shows_current_frame())
    QApplication.processEvents()
    assert not np.array_equal(_screen_rgb(view), before)


def test_the_first_frame_goes_straight_to_the_window_and_is_the_picture_drawn_later(
    qtbot, monkeypatch
):
    from gdstudio.app.main_window import MainWindow
    from gdstudio.app.model import StudioModel

    model = StudioModel()
    model.load_scene("race")
    window = MainWindow(model)
    qtbot.addWidget(window)
    view = window.view3d
    first: dict[str, object] = {}

    def on_swapped() -> None:
        if not first:  # what the screen shows when the first frame reached it
            first["framebuffer object"] = view.surface._frame
            first["rgb"] = _screen_rgb(view)

    view.frameSwapped.connect(on_swapped)
    window.show()
    qtbot.waitUntil(lambda: bool(first), timeout=10_000)
    qtbot.waitUntil(lambda: window.is_started)
    # no framebuffer object (nor the shader that copies it) was made before the first frame
    assert first["framebuffer object"] is None
    shown = first["rgb"]
    assert isinstance(shown, np.ndarray) and shown.std(axis=(0, 1)).max() > 10  # the surface
    drawn = _drawing_counted(view, monkeypatch)
    again = _settled(qtbot, view)  # drawn whole into the framebuffer object, copied over
    assert drawn and view.surface._frame is not None
    # the same picture, up to the rounding of the window's pixel format (±1 in a channel)
    apart = np.abs(again - shown).max(axis=-1)
    assert (apart > 0).mean() < 0.002 and (apart > 1).sum() <= 4 and apart.max() <= 16
