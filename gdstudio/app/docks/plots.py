"""PlotsPanel: live loss and |∇L| against step, one curve per enabled racer.

A step only marks the plots dirty; they redraw once per frame, on a zero-delay timer (or just
before a paint or an export, if that comes first). A redraw folds every history's new rows into
per-pixel-column points (plot_data.Series; the runs of a race together, plot_follow), sets the
ranges from the curves' cached min/max (plot_ranges: while racing they grow in steps with
room, so the axes are re-laid about once a second), and repaints only what the frame adds.
Each curve's newest columns are its tail, drawn over the settled curves and updated in place
(plot_curves): a frame repaints only a strip around the newest column of the tails. Once a
tail spans SETTLE_COLUMNS pixel columns its complete columns join the settled curves, which
the canvas's cached picture re-renders over just that stretch, a few times a second.

Everything is painted by plot_canvas.PlotCanvas with QPainter (axes, legend, one polyline per
curve), without pyqtgraph, so the race window never loads it.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from ...core.run import Run
from ...render.busy_turn import busy_turn
from ..model import RunConfig, StudioModel
from .plot_axes import Axis
from .plot_canvas import PlotCanvas
from .plot_curves import Curve, Marker, Plot, clamp_range, mapped, mark, tail_polylines
from .plot_data import Frame, Series
from .plot_follow import follow_all
from .plot_items import Trace, curve_pen
from .plot_legend import Legend
from .plot_ranges import (
    EMPTY_STEPS,
    Extent,
    fit,
    live_step_range,
    steady_range,
    step_range,
)
from .plot_reading import follow

REST_MS = 300  # no step for this long: the race paused, the ranges fit the data
AHEAD_S = 1.0  # while racing, the step axis leaves room for this long at the set speed
SETTLE_COLUMNS = 48  # a tail this many pixel columns long settles: the cached curves are
# re-rendered every few frames, not on every one
# (history column, y-axis label) of the stacked plots, top to bottom.
SERIES: tuple[tuple[str, str], ...] = (("loss", "loss"), ("grad_norm", "|∇L|"))


class PlotsPanel(QWidget):
    """Loss and |∇L| against step (shared x axis), a legend of run titles and a log-y toggle."""

    def __init__(self, model: StudioModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._layout: list[tuple[RunConfig, Run | None, str, str]] = []
        self._dirty = False
        self._timer = QTimer(self)  # a single-shot 0 ms timer: one redraw per frame
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_frame)
        self._rest = QTimer(self)  # fires once the steps stop coming
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self._on_rest)

        self.log_y_check = QCheckBox("Log y")
        self.log_y_check.setObjectName("logYCheck")
        self.log_y_check.setToolTip("Logarithmic y axis on both plots")
        self.log_y_check.setChecked(True)
        self.log_y_check.toggled.connect(self._on_log_y_changed)

        self.legend = Legend()
        self.plots: list[Plot] = [
            Plot(column, Axis("left", label, True)) for column, label in SERIES
        ]
        self.plots[-1].bottom = Axis("bottom", "step")
        self._frames: list[Frame | None] = [None] * len(self.plots)
        self.graphics = PlotCanvas(self)
        self.graphics.setObjectName("plotsCanvas")

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addStretch(1)
        bar.addWidget(self.log_y_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)

        model.runsChanged.connect(self._on_runs_changed)
        model.runsReset.connect(self._on_runs_changed)
        model.landscapeChanged.connect(self._on_runs_changed)
        model.runChanged.connect(self._on_stepped)
        model.dataChanged.connect(self._on_stepped)
        model.stepped.connect(self._on_stepped)
        self._on_runs_changed()
        self.refresh()

    @property
    def log_y(self) -> bool:
        """True while both y axes are logarithmic."""
        return self.log_y_check.isChecked()

    # --- what a user sees, for tests and exports --------------------------------------------

    def plotted(self, title: str, column: str = "loss") -> tuple[np.ndarray, np.ndarray]:
        """The (step, value) points drawn of a racer's curve (values not log-mapped)."""
        plot = next(p for p in self.plots if p.column == column)
        curve = next(c for c in plot.curves if c.cfg.title == title)
        return curve.series.points()

    def curve_colors(self, column: str = "loss") -> dict[str, str]:
        """Colour of each drawn curve (#rrggbb), by racer title."""
        plot = next(p for p in self.plots if p.column == column)
        return {c.cfg.title: c.pen.color().name() for c in plot.curves}

    def markers(self, column: str = "loss") -> dict[str, tuple[Marker, QRectF]]:
        """The labels marking curves that diverged or left the plot, by racer title, with
        where each is drawn (the canvas's pixels)."""
        plot = next(p for p in self.plots if p.column == column)
        rects = self.graphics.marker_rects(plot)
        return {title: (m, rects[title]) for title, (m, _) in plot.markers.items()}

    def picture_traces(self, plot: Plot, columns: int, scale: float) -> list[Trace]:
        """Every curve of `plot`, read afresh from its history and binned for `columns`
        pixel columns, in view units, with pens `scale` times as wide (for an export)."""
        if plot.shown is None:
            return []
        (x0, x1), y_range = plot.shown
        log = self.log_y
        frame = Frame(x0, x1, max(1, columns), log)
        clamp = None if log else clamp_range(y_range)
        out: list[Trace] = []
        for curve in plot.curves:
            series = Series()
            follow(curve.cfg.live_run.history, [(series, plot.column, frame)])
            x, y = series.points()
            out.append((curve_pen(curve.cfg.color, scale), x, mapped(y, log, clamp)))
        return out

    # --- model → plots ------------------------------------------------------------------------

    def _on_runs_changed(self) -> None:
        active = [cfg for _, cfg in self.model.active_runs()]
        layout = [(c, c.run, c.title, c.color) for c in active]
        if layout != self._layout:
            self._layout = layout
            for plot in self.plots:
                plot.curves = [Curve(c, curve_pen(c.color)) for c in active]
            if self.legend.set_entries([(c.title, c.color) for c in active]):
                self.graphics.lay_out()
        else:
            for plot in self.plots:
                for curve in plot.curves:
                    curve.series.clear()
        self._on_stepped()

    def _on_stepped(self, *_: object) -> None:
        """Something to draw changed: redraw once, at the next frame."""
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()
        self._rest.start()

    def laid_out(self) -> None:
        """The canvas laid the plots out anew (a resize): bin the curves for it."""
        self._on_stepped()

    def _on_frame(self) -> None:
        if not (self._dirty and self.graphics.isVisible()):
            return
        with busy_turn().piece() as mine:
            if not mine:  # a 3D frame or the Data dock's redraw in this turn: a later one
                self._timer.start(1)
                return
            self._timer.setInterval(0)
            self.refresh()

    def _on_rest(self) -> None:
        """The race paused: fit the ranges to the data (no room left for growth)."""
        if self.graphics.isVisible():
            self.refresh(tight=True)

    def flush(self) -> None:
        """Draw now what changed since the last frame, fitted to the data (before an export)."""
        if self._dirty:
            self.refresh(tight=True)

    def before_paint(self) -> None:
        """A paint before the frame's redraw: a live frame keeps its room to grow; a grab of
        a pause fits."""
        if self._dirty:
            self.refresh(tight=not self._rest.isActive())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """Catch up with what happened while hidden."""
        super().showEvent(event)
        if self._dirty:
            self._timer.start()

    def _on_log_y_changed(self, checked: bool) -> None:
        for plot in self.plots:
            plot.left.log = checked
            plot.shown = None  # other units: the range starts afresh
        self.graphics.restale()
        self.refresh()

    # --- drawing ------------------------------------------------------------------------------

    def refresh(self, tight: bool = False) -> None:
        """Bring both plots up to date with the histories now (what a frame does); `tight`
        fits the ranges to the data, else they keep room to grow into while a race runs."""
        self.graphics.lay_out()  # a new layout asks for a redraw: this one
        self._dirty = False
        log = self.log_y
        runs = [curve.cfg.live_run for curve in self.plots[0].curves]
        latests = [r.history.latest for r in runs]
        last = max((row[0] for row in latests if row is not None), default=None)
        shown = self.plots[0].shown
        if last is None:
            x_range = EMPTY_STEPS
        elif tight:
            x_range = step_range(float(last))
        else:
            ahead = self.model.settings.speed * AHEAD_S
            x_range = live_step_range(float(last), shown[0] if shown else None, ahead)
        frames = self._frames_now(x_range, log)
        pairs = list(zip(self.plots, frames, strict=True))
        settle = tight or any(
            len(c.series.columns) >= SETTLE_COLUMNS for p in self.plots for c in p.curves
        )
        per_run = follow_all(
            [
                (run.history, [(p.curves[i].series, p.column, f) for p, f in pairs])
                for i, run in enumerate(runs)
            ],
            settle,
        )
        for k, plot in enumerate(self.plots):
            self._draw(k, plot, x_range, log, [fresh[k] for fresh in per_run], tight)
        self.graphics.repaint_touched()

    def _frames_now(self, x_range: tuple[float, float], log: bool) -> list[Frame]:
        """Each plot's pixel grid; the same objects while they stay the same (the series
        compare them on every frame)."""
        frames: list[Frame] = []
        for plot, old in zip(self.plots, self._frames, strict=True):
            plot.size = (plot.view.width(), plot.view.height())
            new = Frame(x_range[0], x_range[1], max(1, int(plot.size[0])), log)
            same = next((f for f in (old, *frames) if f == new), None)
            frames.append(same if same is not None else new)
        self._frames[:] = frames
        return frames

    def _draw(
        self,
        index: int,
        plot: Plot,
        x_range: tuple[float, float],
        log: bool,
        changed: list[bool],
        tight: bool,
    ) -> None:
        if not (tight or any(changed)) and plot.shown is not None and plot.shown[0] == x_range:
            return  # nothing new (a finished race, a hidden curve's neighbour)
        extents = [Extent(*c.series.extent()) for c in plot.curves]
        ideal, data, away = fit(extents, log)
        shown = None if tight or plot.shown is None else plot.shown[1]
        y_range = steady_range(shown, ideal, log, data)
        moved = (x_range, y_range) != plot.shown
        if moved:
            plot.shown = (x_range, y_range)
        clamp = None if log else clamp_range(y_range)
        whole = moved  # the settled points redrawn whole (else only where they grew)
        grown = math.inf  # from where settled points were added (view x)
        for curve in plot.curves:
            s = curve.series
            if s.generation != curve.generation or (moved and not log):
                curve.generation = s.generation
                curve.trail.replace(s.settled.x, mapped(s.settled.y, log, clamp))
                whole = True
            elif s.settled.n > curve.trail.n:
                grown = min(grown, _extend(curve, s, log, clamp))
        fresh = changed if not moved else [True] * len(plot.curves)
        dirty = tail_polylines(plot.curves, fresh, log, clamp)  # where the tails changed
        relabelled = mark(plot, y_range, log, away)
        if whole or relabelled:
            self.graphics.restale()
            return
        if grown < math.inf:
            self.graphics.grow(index, grown)
        if dirty is not None:
            self.graphics.touch(index, *dirty)


def _extend(curve: Curve, s: Series, log: bool, clamp: tuple[float, float] | None) -> float:
    """Append the series' new settled points to the curve's; the step of the point before
    them (the settled curves change from there on)."""
    n = len(curve.trail)
    x = s.settled.x[n:]
    x0 = curve.trail.last()[0] if n else float(x[0])
    curve.trail.extend(x, mapped(s.settled.y[n:], log, clamp))
    return x0
