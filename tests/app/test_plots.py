"""The loss plots as a user sees them: a curve per racer, growing, readable axes and legend."""

import math
import re

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox

from gdstudio.app.docks.plots import PlotsPanel


@pytest.fixture
def make_panel(show_panel):
    """A PlotsPanel on a scene, shown at a size (the default dock's by default)."""
    return lambda scene, size=(420, 700): show_panel(PlotsPanel, scene, size)


@pytest.fixture
def panel(qtbot, make_panel) -> PlotsPanel:
    return make_panel("race")


def shown_up_to(qtbot, panel: PlotsPanel, step: int) -> None:
    """Wait until every curve reaches `step` (the plots redraw once a frame)."""
    qtbot.waitUntil(
        lambda: all(
            len(x) and x[-1] >= step for x, _ in (panel.plotted(t) for t in panel.curve_colors())
        )
    )


def caught_up(qtbot, panel: PlotsPanel) -> None:
    """Wait until every curve ends at its run's latest row, then paint the plots."""
    runs = [cfg for _, cfg in panel.model.active_runs()]
    qtbot.waitUntil(
        lambda: all(
            len(x) and x[-1] == cfg.run.history.latest[0]
            for cfg in runs
            for x in [panel.plotted(cfg.title)[0]]
        )
    )
    panel.graphics.grab()


def labels(axis) -> list[str]:
    """The tick labels an axis drew last."""
    return [text for text, _ in axis.shown]


def assert_readable(panel: PlotsPanel) -> None:
    """Every visible tick label inside the view, none overlapping another; log labels 1, 2
    or 5 × a power of ten (no labelled minor ticks)."""
    view = QRectF(panel.graphics.rect())
    for plot in panel.plots:
        for axis in (plot.left, plot.bottom):
            if axis is None:
                continue
            rects = [r for _, r in axis.shown]
            assert rects, f"{axis.side} axis has no labels"
            for i, r in enumerate(rects):
                assert view.contains(r), (labels(axis)[i], r, view)
                assert not any(r.intersects(o) for o in rects[i + 1 :]), labels(axis)
            if axis.side == "left" and axis.log:  # 1, 2, 5 × 10ⁿ, or evenly spaced numbers
                texts = labels(axis)
                powers = all(re.fullmatch(LOG_LABEL, t) for t in texts)
                assert powers or _evenly_spaced(texts), texts


LOG_LABEL = r"0\.0*[125]|[125]0*|([25]×)?10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+"


def _evenly_spaced(texts: list[str]) -> bool:
    try:
        values = [float(t) for t in texts]
    except ValueError:
        return False
    gaps = {round(b - a, 9) for a, b in zip(values, values[1:], strict=False)}
    return len(values) >= 2 and len(gaps) == 1


def test_one_curve_per_enabled_run_in_its_colour(panel):
    runs = panel.model.runs
    expected = {cfg.title: cfg.color.lower() for cfg in runs}
    assert panel.curve_colors("loss") == expected
    assert panel.curve_colors("grad_norm") == expected
    assert {title: color.lower() for title, color in panel.legend.entries()} == expected


def test_a_disabled_run_loses_its_curve(qtbot, panel):
    title = panel.model.runs[1].title
    panel.model.set_run_enabled(1, False)
    assert title not in panel.curve_colors()
    assert [t for t, _ in panel.legend.entries()] == [c.title for c in panel.model.runs[:1]] + [
        c.title for c in panel.model.runs[2:]
    ]


def test_curves_grow_as_the_model_steps(qtbot, panel):
    model = panel.model
    assert all(len(panel.plotted(cfg.title)[0]) == 1 for cfg in model.runs)
    model.step(25)
    shown_up_to(qtbot, panel, 25)
    for cfg in model.runs:
        steps, loss = panel.plotted(cfg.title)
        assert steps[-1] == 25
        np.testing.assert_allclose(loss[-1], cfg.run.loss)
        _, grad = panel.plotted(cfg.title, "grad_norm")
        np.testing.assert_allclose(grad[-1], cfg.run.grad_norm)


def test_many_steps_in_one_frame_redraw_once(qtbot, panel, monkeypatch):
    redraws: list[bool] = []
    original = panel.refresh
    monkeypatch.setattr(
        panel, "refresh", lambda tight=False: (redraws.append(tight), original(tight))
    )
    for _ in range(5):
        panel.model.step(3)
    assert redraws == []  # marked dirty only
    shown_up_to(qtbot, panel, 15)
    assert redraws.count(False) == 1  # one frame (and, once the steps stop, a fit)


def test_the_plotted_points_keep_every_pixel_columns_min_and_max(qtbot, make_panel):
    """More rows than pixel columns: the curve drawn has, in each column, the history's own
    lowest and highest value there (no peak lost)."""
    panel = make_panel("race", (260, 420))
    model = panel.model
    model.set_max_steps(5000)
    model.set_tol(0.0)  # nobody converges: every run takes every step
    for _ in range(6):
        model.step(300)
        qtbot.wait(1)  # a frame between bursts: the curves grow a bit at a time
    assert all(cfg.run.steps == 1800 for cfg in model.runs)
    caught_up(qtbot, panel)
    for plot in panel.plots:
        (x0, x1), width = plot.shown[0], int(plot.view.width())
        for cfg in model.runs:
            cols = cfg.run.history.columns()
            steps, values = cols["step"], cols[plot.column]
            keep = values > 0
            px, py = panel.plotted(cfg.title, plot.column)
            assert len(px) < keep.sum()  # it was thinned
            ours = _extremes(px, py, x0, x1, width)
            theirs = _extremes(steps[keep], values[keep], x0, x1, width)
            assert ours == theirs


def _extremes(x, y, x0, x1, width) -> dict[int, tuple[float, float]]:
    cols = np.clip(((np.asarray(x) - x0) * (width / (x1 - x0))).astype(int), 0, width - 1)
    out: dict[int, tuple[float, float]] = {}
    for c, v in zip(cols.tolist(), np.asarray(y).tolist(), strict=True):
        lo, hi = out.get(c, (math.inf, -math.inf))
        out[c] = (min(lo, v), max(hi, v))
    return out


def test_curves_start_over_when_the_runs_restart(qtbot, panel):
    panel.model.step(40)
    shown_up_to(qtbot, panel, 40)
    panel.model.set_start((0.5, 0.5))
    qtbot.waitUntil(lambda: all(len(panel.plotted(c.title)[0]) == 1 for c in panel.model.runs))


def test_log_y_checkbox_switches_both_plots(qtbot, panel):
    check = panel.findChild(QCheckBox, "logYCheck")
    panel.model.step(50)
    shown_up_to(qtbot, panel, 50)
    assert check.isChecked()
    assert all(plot.left.log for plot in panel.plots)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert not check.isChecked()
    assert not any(plot.left.log for plot in panel.plots)
    top = max(cfg.run.history.columns()["loss"].max() for cfg in panel.model.runs)
    assert panel.plots[0].shown[1][1] >= top  # linear units now
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert all(plot.left.log for plot in panel.plots)
    assert panel.plots[0].shown[1][1] < top  # log10 units again


def test_a_diverging_run_ends_its_curve_with_finite_data(qtbot, make_panel):
    panel = make_panel("learning-rate")
    model = panel.model
    model.set_run_hyper(0, "lr", 1.5)
    model.step(2000)
    run = model.runs[0].run
    assert run.status == "diverged"
    caught_up(qtbot, panel)
    for cfg in model.runs:
        for column in ("loss", "grad_norm"):
            x, y = panel.plotted(cfg.title, column)
            assert len(x) > 1 and np.all(np.isfinite(x)) and np.all(np.isfinite(y))
    x, _ = panel.plotted(model.runs[0].title)
    assert x[-1] <= run.status_step


def test_log_scale_leaves_out_a_zero_loss(qtbot, make_panel):
    panel = make_panel("race")
    model = panel.model
    model.set_start((1.0, 1.0))  # Rosenbrock's minimum: loss and |∇L| are exactly 0
    title = model.runs[0].title
    qtbot.waitUntil(lambda: len(panel.plotted(title)[0]) == 0)
    qtbot.mouseClick(panel.findChild(QCheckBox, "logYCheck"), Qt.MouseButton.LeftButton)
    steps, loss = panel.plotted(title)
    assert list(steps) == [0] and list(loss) == [0.0]


@pytest.mark.parametrize("size", [(420, 700), (300, 330)])
@pytest.mark.parametrize("steps", [0, 800])
def test_tick_labels_never_pile_up(qtbot, make_panel, size, steps):
    panel = make_panel("race", size)
    panel.model.step(steps)
    caught_up(qtbot, panel)
    assert_readable(panel)


def test_a_curve_within_one_decade_gets_no_labelled_minor_ticks(qtbot, make_panel):
    panel = make_panel("race")
    for i in range(len(panel.model.runs)):
        panel.model.set_run_hyper(i, "lr", 1e-7)  # the loss hardly moves: 12.5 or so
    panel.model.step(100)
    caught_up(qtbot, panel)
    assert_readable(panel)
    texts = labels(panel.plots[0].left)
    assert len(texts) >= 2 and "10" in texts and _evenly_spaced(texts), texts


def test_linear_axes_read_as_plain_numbers(qtbot, panel):
    panel.model.step(300)
    qtbot.mouseClick(panel.findChild(QCheckBox, "logYCheck"), Qt.MouseButton.LeftButton)
    caught_up(qtbot, panel)
    assert_readable(panel)
    texts = labels(panel.plots[0].left)
    assert all(re.fullmatch(r"\d+(\.\d+)?", t) for t in texts) and _evenly_spaced(texts), texts


def test_an_empty_plot_shows_a_plain_axis(qtbot, panel):
    for i in range(len(panel.model.runs)):
        panel.model.set_run_enabled(i, False)
    qtbot.waitUntil(lambda: not panel.curve_colors())
    caught_up(qtbot, panel)
    assert_readable(panel)
    steps = labels(panel.plots[1].bottom)
    assert steps[0] == "0" and steps[-1] == "100"
    for plot in panel.plots:
        texts = labels(plot.left)
        assert {"0.1", "1", "10"} <= set(texts), texts
    assert panel.legend.entries() == [] and panel.graphics.legend_box.height() == 0


@pytest.mark.parametrize("size", [(420, 700), (300, 500)])
def test_eight_racers_legend_sits_above_the_curves_inside_the_view(qtbot, make_panel, size):
    panel = make_panel("race", size)
    for name in ("nesterov", "adagrad", "adamw", "nadam"):
        panel.model.add_run(name)
    panel.model.step(200)
    caught_up(qtbot, panel)
    assert [t for t, _ in panel.legend.entries()] == [c.title for c in panel.model.runs]
    assert len(panel.legend.entries()) == 8
    view = QRectF(panel.graphics.rect())
    plots = [p.view for p in panel.plots]
    entries = panel.legend.entry_rects(panel.graphics.legend_box)
    for r in entries:
        assert view.contains(r), (r, view)
        assert not any(r.intersects(p) for p in plots), (r, plots)
    inner = [r.adjusted(1, 1, -1, -1) for r in entries]  # on whole pixels, neighbours touch
    assert all(not a.intersects(b) for i, a in enumerate(inner) for b in inner[i + 1 :])


def test_a_diverged_racer_is_marked_and_does_not_flatten_the_others(qtbot, panel):
    model = panel.model
    model.set_run_hyper(0, "lr", 0.01)  # SGD on Rosenbrock: blows up to 1e38 within 5 steps
    model.step(400)
    sgd = model.runs[0]
    assert sgd.run.status == "diverged"
    assert sgd.run.history.columns()["loss"].max() > 1e30
    caught_up(qtbot, panel)
    others = [c.run.history.columns()["loss"] for c in model.runs[1:]]
    tame_lo = math.log10(min(v[v > 0].min() for v in others))
    tame_hi = math.log10(max(v.max() for v in others))

    def y_range() -> tuple[float, float]:
        return tuple(panel.plots[0].shown[1])

    assert y_range()[1] < tame_hi + 1.0  # the plot's top stays near the other curves
    # which, once the steps stop and the range fits them, fill most of its height
    qtbot.waitUntil(lambda: (tame_hi - tame_lo) / (y_range()[1] - y_range()[0]) > 0.7)
    assert y_range()[1] < tame_hi + 1.0
    image = panel.graphics.grab().toImage()
    for column in ("loss", "grad_norm"):
        marker, box = panel.markers(column)[sgd.title]
        assert marker.text == "↑ SGD diverged"
        assert marker.color.lower() == sgd.color.lower()
        plot = next(p for p in panel.plots if p.column == column)
        assert plot.view.contains(box), (box, plot.view)
        assert _pixels_like(image, box, sgd.color) > 10  # the label is drawn there
    assert set(panel.markers()) == {sgd.title}


def _pixels_like(image: QImage, box: QRectF, color: str) -> int:
    """Pixels in `box` within a few levels of `color` (text drawn in it)."""
    want = QColor(color)
    count = 0
    r = box.toAlignedRect()
    for x in range(r.left(), r.right()):
        for y in range(r.top(), r.bottom()):
            c = image.pixelColor(x, y)
            near = abs(c.red() - want.red()) + abs(c.green() - want.green())
            count += near + abs(c.blue() - want.blue()) < 40
    return count


def _screen_matches_a_fresh_paint(app, panel: PlotsPanel) -> bool:
    """What the screen shows of the plots equals the plots painted afresh."""
    view = panel.graphics
    at = view.mapTo(panel.window(), view.rect().topLeft())
    window = panel.window().winId()
    screen = app.primaryScreen()
    shot = screen.grabWindow(window, at.x(), at.y(), view.width(), view.height()).toImage()
    fresh = view.grab().toImage()
    fmt = QImage.Format.Format_RGB32
    return shot.convertToFormat(fmt) == fresh.convertToFormat(fmt)


def test_a_paint_before_the_frame_keeps_the_live_range_until_the_race_pauses(
    qtbot, panel, monkeypatch
):
    """A window repaint that comes before the plots' frame draws the steps with room to
    grow (a fit to the data would move a converging log axis, and redraw it, every frame);
    once the steps stop, the ranges fit the data."""
    redraws: list[bool] = []
    original = panel.refresh
    monkeypatch.setattr(
        panel, "refresh", lambda tight=False: (redraws.append(tight), original(tight))
    )
    # A repaint paints only a window the system has mapped (a loaded machine maps it late).
    assert QTest.qWaitForWindowExposed(panel.graphics.window())
    panel.model.step(40)
    panel.graphics.repaint()
    assert redraws == [False]
    assert panel.plotted(panel.model.runs[0].title)[0][-1] == 40
    qtbot.waitUntil(lambda: redraws[-1:] == [True])


def test_live_frames_leave_no_stale_pixels_on_screen(qtbot, qapp, make_panel):
    """Each frame repaints only where the newest stretch of each curve was and is."""
    panel = make_panel("race")
    model = panel.model
    model.set_tol(0.0)
    for _ in range(12):
        model.step(7)
        caught_up_quietly(qtbot, panel)
        qtbot.waitUntil(lambda: _screen_matches_a_fresh_paint(qapp, panel))


def caught_up_quietly(qtbot, panel: PlotsPanel) -> None:
    """Wait until every curve ends at its run's latest row (nothing painted here)."""
    qtbot.waitUntil(
        lambda: all(
            panel.plotted(cfg.title)[0][-1] == cfg.run.history.latest[0]
            for _, cfg in panel.model.active_runs()
        )
    )


_RACE_MODULES = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from gdstudio.bench.common import race_window
window = race_window(0)
window.stepper.play()
def done():
    plots = window.plots
    drawn = all(len(plots.plotted(c.title)[0]) > 1 for _, c in window.model.active_runs())
    print(drawn, "pyqtgraph" in sys.modules)
    app.quit()
QTimer.singleShot(1500, done)
app.exec()
"""


def test_the_racing_window_draws_its_plots_without_loading_pyqtgraph():
    """The race scene's docks (the Plots among them) never load pyqtgraph (~33 MiB)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_LOGGING_RULES": "*=false"}
    out = subprocess.run(
        [sys.executable, "-c", _RACE_MODULES], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.stdout.split()[-2:] == ["True", "False"], out.stdout + out.stderr
