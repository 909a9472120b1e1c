"""Step arrows at each ball of the contour view: the engine's next step drawn, with a legend.

The numbers are `gdstudio.core.explain.preview_step`'s (the step each run takes next, not
taken). Every arrow points the way it pushes the parameters:

- −∇L (solid white), −m (the velocity / first moment, dashed in the racer's colour) and
  −adjusted gradient (the direction the rule moves in, dotted in the racer's colour) are drawn
  at one fixed length, ARROW_FRACTION of the view's shorter side: their directions are what
  teaches (how momentum carries past where −∇L turns, how an adaptive rule bends −∇L); their
  sizes differ by orders of magnitude, so the true magnitude is in each arrow's tooltip.
- Δθ (thick, racer's colour) is drawn to scale: its tip is where the ball will be next.
- The accumulator of an adaptive rule is a box around the ball whose half-side on each axis is
  ACC_FRACTION of the view's shorter side per unit of log(1 + √s) (s: that axis's
  accumulator), so Adagrad's never-decaying sum shows bigger than RMSprop's average.

While the race plays the arrows refresh at most every REFRESH_MS; paused, at once.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QCheckBox

from .. import theme
from ..core.explain import StepWrittenOut, preview_step
from ..render.arrow_rules import (
    ARROW_FRACTION,
    HEAD_ANGLE,
    HEAD_FRACTION,
    KINDS,
    REFRESH_MS,
    accumulator_half_sides,
    arrow_tip,
)
from .model import RunConfig, StudioModel

GRAD_COLOR = theme.OUTLINE_COLOR


def _pen(kind: str, color: str) -> pg.QtGui.QPen:
    """The style of one kind of arrow for a racer of `color`."""
    if kind == "-grad":
        return pg.mkPen(GRAD_COLOR, width=1.5)
    if kind == "moment":
        return pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine)
    if kind == "adjusted":
        return pg.mkPen(color, width=2, style=Qt.PenStyle.DotLine)
    return pg.mkPen(color, width=4)


def arrow_segments(before: np.ndarray, tip: np.ndarray) -> np.ndarray:
    """Shaft then two barbs as point pairs (connect="pairs"); point 1 is the tip."""
    d = before - tip
    if not np.any(d):
        return np.array([before, tip])
    back = d * HEAD_FRACTION
    c, s = math.cos(HEAD_ANGLE), math.sin(HEAD_ANGLE)
    left = tip + np.array([c * back[0] - s * back[1], s * back[0] + c * back[1]])
    right = tip + np.array([c * back[0] + s * back[1], -s * back[0] + c * back[1]])
    return np.array([before, tip, tip, left, tip, right])


def _box(centre: np.ndarray, half: np.ndarray) -> np.ndarray:
    """The closed outline of the box of half-sides `half` around `centre`."""
    (x, y), (hx, hy) = centre, half
    return np.array([(x - hx, y - hy), (x + hx, y - hy), (x + hx, y + hy), (x - hx, y + hy)])[
        [0, 1, 2, 3, 0]
    ]


class _RacerArrows:
    """One racer's arrow items and accumulator box."""

    def __init__(self, plot: pg.PlotWidget, cfg: RunConfig) -> None:
        self.cfg = cfg
        self.items: dict[str, pg.PlotCurveItem] = {}
        for z, kind in enumerate(("step", "-grad", "moment", "adjusted")):
            item = pg.PlotCurveItem(pen=_pen(kind, cfg.color), antialias=True, connect="pairs")
            item.setZValue(17 + 0.5 * z)  # above the paths, under the balls
            self.items[kind] = item
        box_pen = pg.mkPen(cfg.color, width=1.5, style=Qt.PenStyle.DashDotLine)
        self.box = pg.PlotCurveItem(pen=box_pen, antialias=True)
        self.box.setZValue(16)
        # A dark outline under every arrow keeps the racer's colour readable on the heat map.
        self.halo = pg.PlotCurveItem(pen=pg.mkPen(0, 0, 0, 120, width=4.5), connect="pairs")
        self.halo.setZValue(16.5)
        for item in self._all():
            item.setVisible(False)
            plot.addItem(item)

    def _all(self) -> tuple[pg.PlotCurveItem, ...]:
        return (*self.items.values(), self.box, self.halo)

    def remove(self, plot: pg.PlotWidget) -> None:
        """Take the items off the plot."""
        for item in self._all():
            plot.removeItem(item)

    def hide(self) -> None:
        """Hide every item."""
        for item in self._all():
            item.setVisible(False)

    def show(self, preview: StepWrittenOut | None, length: float, span: float) -> None:
        """Draw the preview's vectors at its `before` (nothing if the run has ended)."""
        if preview is None:
            self.hide()
            return
        before = np.asarray(preview.before, dtype=np.float64)
        drawn = []
        for kind, item in self.items.items():
            vector = preview.vectors.get(kind)
            if vector is None:
                item.setVisible(False)
                continue
            seg = arrow_segments(before, arrow_tip(before, np.asarray(vector), kind, length))
            item.setData(seg[:, 0], seg[:, 1], connect="pairs")
            drawn.append(seg)
            magnitude = float(np.linalg.norm(vector))
            item.setToolTip(f"{self.cfg.title} {KINDS[kind][2]}: |v| = {magnitude:.4g}")
            item.setVisible(True)
        halo = np.concatenate(drawn)
        self.halo.setData(halo[:, 0], halo[:, 1], connect="pairs")
        self.halo.setVisible(True)
        root = preview.vectors.get("accumulator")
        if root is None:
            self.box.setVisible(False)
            return
        pts = _box(before, accumulator_half_sides(np.asarray(root), span))
        self.box.setData(pts[:, 0], pts[:, 1])
        self.box.setToolTip(f"{self.cfg.title} √accumulator per axis: {np.round(root, 4)}")
        self.box.setVisible(True)


class ContourArrows(QObject):
    """The "Show arrows" overlay of a contour view: per-ball arrows, boxes and a legend."""

    def __init__(self, plot: pg.PlotWidget, model: StudioModel) -> None:
        super().__init__(plot)
        self.plot, self.model = plot, model
        self._racers: list[_RacerArrows] = []
        self.check = QCheckBox("Show arrows", plot)
        self.check.setObjectName("arrowsCheck")
        self.check.setToolTip("Draw each racer's next step at its ball: −∇L, momentum, Δθ")
        self.check.setStyleSheet(f"QCheckBox {{ color: {theme.LABEL_COLOR}; }}")
        self.check.adjustSize()
        self.check.setAutoFillBackground(False)
        self.check.move(64, 4)
        self.check.toggled.connect(self.refresh)
        self.legend = self._make_legend()
        self._pace = QTimer(self)
        self._pace.setSingleShot(True)
        self._pace.setInterval(REFRESH_MS)
        self._pace.timeout.connect(self.refresh)
        model.playingChanged.connect(self.refresh)

    @property
    def enabled(self) -> bool:
        """True when the user asked for arrows."""
        return self.check.isChecked()

    def arrow_length(self) -> float:
        """The drawn length of a direction arrow: a fraction of the view's shorter side."""
        return ARROW_FRACTION * self.span()

    def span(self) -> float:
        """The shorter side of the visible range, in data units."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        return float(min(x1 - x0, y1 - y0))

    def items(self, title: str) -> dict[str, pg.PlotCurveItem]:
        """The arrow items of the racer `title` by kind, plus its "accumulator" box."""
        racer = next(r for r in self._racers if r.cfg.title == title)
        return {**racer.items, "accumulator": racer.box}

    def rebuild(self, configs: list[RunConfig]) -> None:
        """New racers: one set of arrows each."""
        for racer in self._racers:
            racer.remove(self.plot)
        self._racers = [_RacerArrows(self.plot, cfg) for cfg in configs]
        self.check.setVisible(self.model.landscape.dim == 2)  # no arrows on a curve L(w)
        self.refresh()

    def request(self) -> None:
        """Steps were taken or the view moved: redraw now, or soon while playing."""
        if not self.enabled:
            return
        if not self.model.playing:
            self.refresh()
        elif not self._pace.isActive():
            self._pace.start()

    def refresh(self, *_: object) -> None:
        """Redraw every racer's arrows from the engine's preview of its next step."""
        self._pace.stop()
        if not self.plot.isVisible():
            return  # the view catches up with its paths when shown again
        show = self.enabled and self.model.landscape.dim == 2
        self.legend.setVisible(show)
        if not show:
            for racer in self._racers:
                racer.hide()
            return
        span = self.span()
        for racer in self._racers:
            racer.show(preview_step(racer.cfg.live_run), ARROW_FRACTION * span, span)

    def _make_legend(self) -> pg.LegendItem:
        legend = pg.LegendItem(
            offset=(-8, 8),
            labelTextColor=theme.LABEL_COLOR,
            brush=pg.mkBrush(22, 24, 29, 200),
            labelTextSize="9pt",
        )
        legend.setParentItem(self.plot.getPlotItem().getViewBox())
        sample = theme.LABEL_COLOR
        for kind, (_, _, name) in KINDS.items():
            legend.addItem(pg.PlotDataItem(pen=_pen(kind, sample)), name)
        box_pen = pg.mkPen(sample, width=1.5, style=Qt.PenStyle.DashDotLine)
        legend.addItem(pg.PlotDataItem(pen=box_pen), "box: log(1+√accumulator)")
        legend.setVisible(False)
        return legend
