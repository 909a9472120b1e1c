"""The loss plots draw each frame only what it adds: the picture stays the one a whole redraw
paints, through many appends, range changes, resizes, restarts and a run taken away."""

import numpy as np
import pytest
from PySide6.QtGui import QImage

import gdstudio.app.docks.plot_canvas as plot_canvas
from gdstudio.app.docks.plots import PlotsPanel


@pytest.fixture
def panel(show_panel) -> PlotsPanel:
    """The race's plots, shown; nobody converges, so every run takes every step."""
    panel = show_panel(PlotsPanel, "race", (420, 600))
    panel.model.set_tol(0.0)
    panel.model.set_max_steps(100_000)
    return panel


@pytest.fixture
def partial_paints(monkeypatch) -> list[bool]:
    """Whether each render of the settled curves was of a part of them only."""
    seen: list[bool] = []
    draw = plot_canvas.draw_traces

    def watched(p, transform, clip, traces, part=None):
        seen.append(part is not None and part[1] - part[0] < 0.5 * PLOT_WIDTH)
        draw(p, transform, clip, traces, part)

    monkeypatch.setattr(plot_canvas, "draw_traces", watched)
    return seen


PLOT_WIDTH = 300  # about the plots' width at the panel's size


def picture(panel: PlotsPanel) -> QImage:
    """The plots view as painted now."""
    return panel.graphics.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def frames(qtbot, panel: PlotsPanel, count: int, steps: int) -> None:
    """`count` frames of `steps` steps, each drawn and painted before the next."""
    for _ in range(count):
        panel.model.step(steps)
        runs = [cfg for _, cfg in panel.model.active_runs()]
        qtbot.waitUntil(
            lambda runs=runs: all(
                len(x) and x[-1] == c.run.history.latest[0]
                for c in runs
                for x in [panel.plotted(c.title)[0]]
            )
        )
        picture(panel)


def assert_as_a_whole_redraw(panel: PlotsPanel) -> None:
    """The plots as the frames left them equal the plots with every curve redrawn whole."""
    live = picture(panel)
    panel.graphics.restale()  # the cached picture rendered whole at the next paint
    whole = picture(panel)
    assert _curve_pixels(live) > 500  # the curves are there
    diff = np.abs(pixels(live) - pixels(whole))
    # where a partial repaint's edge cuts a stroke, antialiasing may round a level apart
    assert diff.max() <= AA_LEVELS, np.argwhere(diff > AA_LEVELS)[:10]


AA_LEVELS = 0


def pixels(image: QImage) -> np.ndarray:
    """The image's (height, width, 3) RGB levels, as ints."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = rgb.width(), rgb.height()
    data = np.frombuffer(rgb.constBits(), np.uint8).reshape(height, rgb.bytesPerLine())
    return data[:, : 3 * width].reshape(height, width, 3).astype(np.int32)


def _curve_pixels(image: QImage) -> int:
    """Pixels of a saturated colour (the curves'; text, axes and background are grey)."""
    rgb = pixels(image)
    return int(((rgb.max(axis=2) - rgb.min(axis=2)) > 60).sum())


def test_frames_of_appends_paint_what_a_whole_redraw_paints(qtbot, panel, partial_paints):
    frames(qtbot, panel, 40, 9)
    assert any(partial_paints)  # the frames repainted only a part of the cached curves
    assert_as_a_whole_redraw(panel)


def test_many_rows_per_pixel_column_paint_what_a_whole_redraw_paints(qtbot, panel):
    panel.model.step(6000)  # rows fold into pixel columns, and the history decimates
    frames(qtbot, panel, 1, 1)
    frames(qtbot, panel, 30, 37)
    assert_as_a_whole_redraw(panel)


def test_after_a_range_change_the_frames_paint_what_a_whole_redraw_paints(qtbot, panel):
    frames(qtbot, panel, 10, 20)
    before = [p.shown for p in panel.plots]
    frames(qtbot, panel, 1, 400)  # past the step axis's end: the ranges move
    assert [p.shown for p in panel.plots] != before
    frames(qtbot, panel, 15, 11)
    assert_as_a_whole_redraw(panel)


def test_after_a_resize_the_frames_paint_what_a_whole_redraw_paints(qtbot, panel):
    frames(qtbot, panel, 10, 20)
    panel.resize(560, 480)
    qtbot.waitUntil(lambda: int(panel.plots[0].view.width()) > 420)
    frames(qtbot, panel, 15, 11)
    assert_as_a_whole_redraw(panel)


def test_after_a_restart_the_frames_paint_what_a_whole_redraw_paints(qtbot, panel):
    frames(qtbot, panel, 10, 30)
    panel.model.set_start((0.5, 0.5))
    frames(qtbot, panel, 15, 11)
    assert_as_a_whole_redraw(panel)


def test_after_a_run_is_taken_away_the_frames_paint_what_a_whole_redraw_paints(qtbot, panel):
    frames(qtbot, panel, 10, 30)
    gone = panel.model.runs[1].title
    panel.model.set_run_enabled(1, False)
    assert gone not in panel.curve_colors()
    frames(qtbot, panel, 15, 11)
    assert_as_a_whole_redraw(panel)
