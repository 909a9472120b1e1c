"""A racing frame repaints little of the plots: the tails grow for many frames before they
settle into the cached curves, each frame repaints only around the newest column of each
tail, and the screen stays what a fresh paint shows."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QColor, QImage

from gdstudio import theme
from gdstudio.app.docks.plot_fold import blocks
from gdstudio.app.docks.plot_ranges import step_range
from gdstudio.app.docks.plots import PlotsPanel

FRAMES = 60


class PaintedRects(QObject):
    """Records the bounding rectangle of every paint of the widget it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.region().boundingRect())
        return False


@pytest.fixture
def panel(show_panel) -> PlotsPanel:
    """The race's plots, shown; nobody converges, and the step axis has room for the frames."""
    panel = show_panel(PlotsPanel, "race", (420, 600))
    panel.model.set_tol(0.0)
    panel.model.set_max_steps(100_000)
    panel.model.set_speed(2000.0)  # a live step axis leaves room for this many steps
    return panel


def one_step_frames(qtbot, panel: PlotsPanel, count: int) -> list[tuple[bool, int, int]]:
    """`count` frames of one step, each painted on screen before the next; per frame: whether
    a range or a plot's size changed, the widest painted width and the longest tail (pixel
    columns)."""

    painted = PaintedRects()
    view = panel.graphics
    view.installEventFilter(painted)
    out = []
    for _ in range(count):
        shown, sizes = [p.shown for p in panel.plots], [p.size for p in panel.plots]
        painted.rects.clear()
        panel.model.step(1)
        runs = [cfg for _, cfg in panel.model.active_runs()]
        qtbot.waitUntil(
            lambda runs=runs: (
                bool(painted.rects)
                and all(panel.plotted(c.title)[0][-1] == c.run.history.latest[0] for c in runs)
            )
        )
        moved = [p.shown for p in panel.plots] != shown or [p.size for p in panel.plots] != sizes
        tail = max(len(c.series.columns) for p in panel.plots for c in p.curves)
        out.append((moved, max(r.width() for r in painted.rects), tail))
    view.removeEventFilter(painted)
    return out


def screen_matches_a_fresh_paint(app, panel: PlotsPanel) -> bool:
    """What the screen shows of the plots equals the plots painted afresh."""
    view = panel.graphics
    at = view.mapTo(panel.window(), view.rect().topLeft())
    screen = app.primaryScreen()
    window = panel.window().winId()
    shot = screen.grabWindow(window, at.x(), at.y(), view.width(), view.height()).toImage()
    fresh = view.grab().toImage()
    fmt = QImage.Format.Format_RGB32
    return shot.convertToFormat(fmt) == fresh.convertToFormat(fmt)


def started(qtbot, qapp, panel: PlotsPanel) -> None:
    """300 steps in, paused (the ranges fitted to the data) and on screen."""
    panel.model.step(300)
    qtbot.waitUntil(lambda: panel.plots[0].shown[0] == step_range(300.0))
    qtbot.waitUntil(lambda: screen_matches_a_fresh_paint(qapp, panel))


def test_a_racing_frame_repaints_only_the_newest_column_of_long_tails(qtbot, qapp, panel):
    started(qtbot, qapp, panel)
    frames = one_step_frames(qtbot, panel, FRAMES)
    steady = [(width, tail) for moved, width, tail in frames if not moved]
    assert len(steady) > FRAMES // 2
    assert max(tail for _, tail in steady) >= 20  # the tails grew over many frames
    assert max(width for width, _ in steady) <= 16, frames  # a few pixels around each tip
    qtbot.waitUntil(lambda: screen_matches_a_fresh_paint(qapp, panel))


def test_the_cached_curves_are_re_rendered_only_every_few_frames(qtbot, qapp, panel):
    started(qtbot, qapp, panel)
    before = panel.graphics.renders
    frames = one_step_frames(qtbot, panel, FRAMES)
    moved = sum(m for m, _, _ in frames)
    renders = panel.graphics.renders - before
    assert moved < FRAMES // 4
    assert 0 < renders <= 2 * (moved + 2), (renders, moved)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=3, max_size=3),
        min_size=1,
        max_size=12,
    ),
    spread=st.integers(1, 8),
)
def test_folded_rows_keep_each_columns_first_lowest_highest_and_last(values, spread):
    """Rows in one pixel column (a frame's few rows, mostly), a few (folded column by column)
    or many fold to the first row, the earliest lowest and highest, and the last, per curve
    (ties among few values)."""
    v = np.array(values)
    n = len(v)
    x = np.arange(n, dtype=np.float64)
    cols = 3 + (np.arange(n) * spread) // n
    for j, block in enumerate(blocks(x, v, cols)):
        groups = [np.flatnonzero(cols == c) for c in sorted(set(cols.tolist()))]
        assert block.columns == sorted(set(cols.tolist()))
        for g, rows in enumerate(groups):
            y = v[rows, j]
            assert block.first[g] == rows[0] and block.last[g] == rows[-1]
            assert block.low[g] == rows[int(np.flatnonzero(y == y.min())[0])]
            assert block.high[g] == rows[int(np.flatnonzero(y == y.max())[0])]
        assert (block.lo, block.hi) == (v[:, j].min(), v[:, j].max())


def test_curves_are_drawn_at_their_values_when_the_legend_reflows_in_a_grab(qtbot, show_panel):
    """A resize that gives the legend another row lays the plots out again as the grab
    starts to paint: every curve's newest point is still drawn where its value is."""
    panel = show_panel(PlotsPanel, "race", (560, 600))
    for name in ("nesterov", "adagrad", "adamw", "nadam"):
        panel.model.add_run(name)
    panel.model.step(200)
    qtbot.waitUntil(lambda: panel.plots[0].shown is not None and panel.plots[0].shown[0][1] > 0)
    panel.graphics.grab()
    rows = panel.graphics.legend_box.height()
    panel.resize(300, 600)  # the legend needs more rows: the plots shrink as the grab paints
    image = panel.graphics.grab().toImage()
    assert panel.graphics.legend_box.height() > rows
    for plot in panel.plots:
        (x0, x1), (y0, y1) = plot.shown
        box = plot.view
        tips = []
        for curve in plot.curves:
            steps, values = curve.series.points()
            x = box.left() + (steps[-1] - x0) / (x1 - x0) * box.width()
            y = box.bottom() - (np.log10(values[-1]) - y0) / (y1 - y0) * box.height()
            tips.append((x, y, curve))
        alone = [  # tips no other curve's tip covers
            (x, y, c)
            for x, y, c in tips
            if all(abs(x - u) + abs(y - v) > 8 for u, v, o in tips if o is not c)
        ]
        assert len(alone) >= 2, plot.column
        for x, y, curve in alone:
            assert _colour_near(image, x, y, curve.pen.color()), (plot.column, curve.cfg.title)


def _colour_near(image: QImage, x: float, y: float, colour) -> bool:
    """True if a pixel within 3 px of (x, y) is mostly `colour` (an antialiased line's pixel
    nearer it than half the way from the background)."""
    want = np.array([colour.red(), colour.green(), colour.blue()], dtype=float)
    ground = QColor(theme.BACKGROUND)
    back = np.array([ground.red(), ground.green(), ground.blue()], dtype=float)
    for dx in range(-3, 4):
        for dy in range(-3, 4):
            px, py = round(x) + dx, round(y) + dy
            if 0 <= px < image.width() and 0 <= py < image.height():
                c = image.pixelColor(px, py)
                got = np.array([c.red(), c.green(), c.blue()], dtype=float)
                if np.linalg.norm(got - want) < 0.5 * np.linalg.norm(back - want):
                    return True
    return False


def test_a_tail_updated_in_place_draws_what_its_points_draw(qapp):
    """A tail cut back and extended in place (as each frame replaces its newest column) holds
    exactly its points, and strokes the same pixels as a polyline built from them."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    from gdstudio.app.docks.plot_items import (
        Polyline,
        curve_pen,
        draw_polylines,
        draw_traces,
        view_transform,
    )

    rng = np.random.default_rng(3)
    x, y = np.arange(300.0), rng.uniform(0.0, 1.0, 300)
    line = Polyline()
    line.extend(x[:200], y[:200])
    line.n = 120  # the newest column's points go …
    line.extend(x[120:250].tolist(), y[120:250].tolist())  # … and the next frame's come
    line.extend([], [])
    line.extend(x[250:], y[250:])
    np.testing.assert_array_equal(line.x, x)
    np.testing.assert_array_equal(line.y, y)

    view = QRectF(0, 0, 200, 100)
    transform = view_transform(view, ((0.0, 299.0), (0.0, 1.0)))
    pen = curve_pen("#ff8800")
    images = []
    for draw in (
        lambda p: draw_polylines(p, transform, view, [(pen, line)]),
        lambda p: draw_traces(p, transform, view, [(pen, x, y)]),
    ):
        image = QImage(200, 100, QImage.Format.Format_RGB32)
        image.fill(QColor(theme.BACKGROUND))
        p = QPainter(image)
        draw(p)
        p.end()
        images.append(image)
    assert images[0] == images[1]
    colored = sum(
        images[0].pixelColor(i, j) != QColor(theme.BACKGROUND)
        for i in range(0, 200, 2)
        for j in range(100)
    )
    assert colored > 200  # the curve is there
