"""DataPlot: the scatter editor of the dataset, with each run's fitted line, residuals and
the optimum. Clicks add, drags move or select, right-click removes; every edit is undoable."""

from __future__ import annotations

from contextlib import AbstractContextManager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QShowEvent, QUndoCommand
from PySide6.QtWidgets import QGraphicsItem, QWidget

from ... import theme
from ..commands import AddPoint, RemovePoints
from ..model import StudioModel
from .density import CloudDensity
from .fit_overlay import RESIDUAL_LIMIT, Fit, FitOverlay, equation_lines
from .geometry import DISPLAY_LIMIT, nearest_point, padded_range
from .interaction import PlotGestures, gestures_tip
from .markers import PointLayer
from .selection import DataSelection
from .turns import Redraws
from .viewbox import EditViewBox

LABEL_STYLE = {"color": theme.LABEL_COLOR, "font-size": "11pt"}
NOTE_STYLE = {"color": theme.MUTED_TEXT_COLOR, "size": "9pt", "justify": "right"}
NOTE_ROW = 4  # of the plot's layout: below the x axis and its label, outside the data area
AXIS_WIDTH = 56
HIT_RADIUS = 8.0  # pixels
SELECTION_DRAWN = 2_000  # selected points drawn on top of the density
BCE_Y_RANGE = (-0.1, 1.1)
EMPTY_RANGE = ((0.0, 10.0), (0.0, 10.0))


class DataPlot(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph ships no type information
    """Scatter editor: the points, fitted lines, residuals and optimum; edits via the mouse."""

    def __init__(
        self, model: StudioModel, selection: DataSelection, parent: QWidget | None = None
    ) -> None:
        self.vb = EditViewBox()
        super().__init__(parent, background=theme.BACKGROUND, viewBox=self.vb)
        self.model = model
        self.selection = selection
        self.default_class = 1
        self.equation = ""
        self._equation_html = ""
        self._bce: bool | None = None  # unknown until the first refresh
        self._shown = np.empty(0, dtype=np.int64)
        # Redrawn soon, in a turn of the event loop of its own: an edit's click returns at once.
        everything = {"mode", "points", "lines", "fit"}
        self.redraws = Redraws(self, self._can_draw, self._redraw, everything)

        self.setMenuEnabled(False)
        self.hideButtons()
        self.showGrid(x=True, y=True, alpha=0.12)
        self.setLabel("bottom", "x", **LABEL_STYLE)
        # A fixed axis width: tick labels of another width must not shift the plot mid-drag.
        self.getAxis("left").setWidth(AXIS_WIDTH)
        self.vb.disableAutoRange()
        self.fit = FitOverlay(self.vb, model)
        self.residuals = self.fit.residuals
        self.optimum_curve = self.fit.optimum_curve
        self.density = CloudDensity(self.vb)
        self.points = PointLayer(self.vb)
        self.markers, self.rings = self.points.markers, self.points.rings
        # The lines move on every step; points, axes and grid only on edits or zooms, so
        # they repaint from a cache meanwhile.
        for axis in ("left", "bottom"):
            self.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.gestures = PlotGestures(self)
        # What is drawn of many points, in a row of its own under the x axis: never over a curve.
        self.note_label = pg.LabelItem("&nbsp;", **NOTE_STYLE)
        self.getPlotItem().layout.addItem(self.note_label, NOTE_ROW, 1)
        self.hint_text = self._overlay((0.5, 0.5), color=theme.MUTED_TEXT_COLOR)
        self.hint_text.setText("Click to add points")
        self._set_title([])

        self.vb.sigRangeChanged.connect(self._on_range_changed)
        self.vb.sigResized.connect(self._place_overlays)
        self.vb.sigResized.connect(self.density.view_changed)
        selection.changed.connect(self._on_selection_changed)
        model.landscapeChanged.connect(self._on_landscape_changed)
        model.surfaceChanged.connect(self._on_runs_stepped)
        model.dataChanged.connect(self._on_data_changed)
        model.stepped.connect(self._on_runs_stepped)
        model.runsReset.connect(self._on_runs_stepped)
        model.runsChanged.connect(self._on_runs_stepped)
        model.sceneChanged.connect(self._on_scene_changed)

    def _overlay(
        self, anchor: tuple[float, float], color: str = theme.TEXT_COLOR, fill: object = None
    ) -> pg.TextItem:
        item = pg.TextItem(color=color, anchor=anchor, fill=fill)
        item.setParentItem(self.vb)  # fixed on screen, not in data coordinates
        item.setZValue(1e9)
        return item

    # --- public --------------------------------------------------------------------------------

    def targets(self) -> np.ndarray:
        """Plotted y of every point: y, or the class for logistic regression."""
        ds = self.model.dataset
        return ds.label if self.model.loss == "bce" else ds.y

    def data_to_scene(self, x: float, y: float) -> QPointF:
        """Scene position of the data point (x, y)."""
        scene: QPointF = self.vb.mapViewToScene(QPointF(float(x), float(y)))
        return scene

    def scene_to_data(self, pos: QPointF) -> tuple[float, float]:
        """Data coordinates of a scene position."""
        p = self.vb.mapSceneToView(pos)
        return p.x(), p.y()

    def point_at(self, pos: QPointF) -> int | None:
        """Index of the point within a few pixels of a scene position (over all points)."""
        rect = self.vb.viewRect()
        if rect.width() <= 0 or rect.height() <= 0:
            return None
        a = self.data_to_scene(rect.left(), rect.top())
        b = self.data_to_scene(rect.right(), rect.bottom())
        sx, sy = (b.x() - a.x()) / rect.width(), (b.y() - a.y()) / rect.height()
        x, y = self.scene_to_data(pos)
        return nearest_point(self.model.dataset.x, self.targets(), x, y, sx, sy, HIT_RADIUS)

    def shown_indices(self) -> np.ndarray:
        """Indices of the points drawn as markers (all; over a density, the selected ones)."""
        return self._shown

    @property
    def note(self) -> str:
        """The note under the plot on how the points are drawn ("" when all are markers)."""
        text: str = self.note_label.text
        return "" if text == "&nbsp;" else text

    @property
    def logistic(self) -> bool:
        """Whether the points are drawn as classes (logistic regression)."""
        return bool(self._bce)

    def fit_coefficients(self) -> list[Fit]:
        """Each enabled run's current (w, b) in the data's own units."""
        return self.fit.fit_coefficients()

    def optimum(self) -> tuple[float, float] | None:
        """The loss's optimum (w*, b*) in the data's units, if unique."""
        return self.fit.optimum()

    def fit_view(self) -> None:
        """Frame all the points."""
        self.vb.setRange(xRange=self._data_range(0), yRange=self._data_range(1), padding=0.0)

    # --- model observers -------------------------------------------------------------------------

    def _on_landscape_changed(self) -> None:
        self.redraws.ask("mode", "lines")

    def _on_data_changed(self) -> None:
        dragging = self.gestures.drag is not None
        self.redraws.ask("lines", *(("drag",) if dragging else ("points", "include")))

    def _on_runs_stepped(self) -> None:
        self.redraws.ask("lines")

    def _on_scene_changed(self, _scene_id: str) -> None:
        self.redraws.ask("mode", "points", "lines", "fit")

    def _on_selection_changed(self, _source: object) -> None:
        self.redraws.ask("points" if len(self.model.dataset) > DISPLAY_LIMIT else "rings")

    def _on_range_changed(self, *_: object) -> None:
        self.density.view_changed()
        self.redraws.ask("lines")

    def showEvent(self, event: QShowEvent) -> None:
        """Apply what changed while hidden."""
        super().showEvent(event)
        self._place_overlays()
        self.redraws.ask()

    # --- drawing -------------------------------------------------------------------------------

    @property
    def settled(self) -> bool:
        """Whether what is drawn is up to date (no redraw due)."""
        return self.redraws.settled

    def invalidate(self, *parts: str) -> None:
        """Mark parts of the drawing out of date (redrawn by the next refresh)."""
        self.redraws.parts.update(parts)

    def batch(self) -> AbstractContextManager[None]:
        """Collect the changes of one user action and redraw once at the end."""
        return self.redraws.batch()

    def _can_draw(self) -> bool:
        return self.isVisible() and self.model.is_data

    def _redraw(self, dirty: set[str]) -> None:
        n = len(self.model.dataset)
        drag = self.gestures.drag
        if drag is not None and drag.index >= n:
            self.gestures.drag = None  # the point went away mid-drag (an undo)
        # The model announces a new landscape before the data edit behind it.
        self.selection.clip(n)
        if len(self._shown) and self._shown[-1] >= n:
            dirty.add("points")
        if "mode" in dirty:
            dirty |= self._apply_mode()
        if "points" in dirty:
            self._draw_points()
        elif "drag" in dirty:
            self._draw_drag_marker()
            self._draw_rings()
        elif "rings" in dirty:
            self._draw_rings()
        if "fit" in dirty:
            self.fit_view()
        elif "include" in dirty:
            self._include_data()
        self._draw_lines()

    def _apply_mode(self) -> set[str]:
        bce = self.model.loss == "bce"
        if bce == self._bce:
            return set()
        self._bce = bce
        self.setLabel("left", "class" if bce else "y", **LABEL_STYLE)
        self.setToolTip(gestures_tip(bce))
        return {"points", "fit"}

    def _draw_points(self) -> None:
        ds = self.model.dataset
        n = len(ds)
        note = ""
        if n > DISPLAY_LIMIT:
            # Too many for markers: every point in the shading, the selected ones on top.
            self.density.show(ds.x, self.targets(), ds.label, self.logistic)
            shown = self.selection.indices[:SELECTION_DRAWN]
            note = f"{n:,} points, shaded by density"
            if len(shown):  # drawn as markers, with their residuals
                note = f"{n:,} points (density) · {len(shown):,} selected"
        else:
            self.density.hide()
            shown = np.arange(n)
            if len(shown) > RESIDUAL_LIMIT:
                note = f"residuals of {RESIDUAL_LIMIT:,} of the {n:,} points"
        self._shown = shown
        drag = self.gestures.drag
        cloud = shown if drag is None else shown[shown != drag.index]
        self.points.draw_cloud(ds.x[cloud], self.targets()[cloud], ds.label[cloud], self.logistic)
        if (note or "&nbsp;") != self.note_label.text:  # a new text lays the plot out again
            self.note_label.setText(note or "&nbsp;")
        self.hint_text.setVisible(n == 0)
        self._draw_drag_marker()
        self._draw_rings()

    def _draw_drag_marker(self) -> None:
        drag, ds = self.gestures.drag, self.model.dataset
        if drag is None:
            self.points.draw_drag(None, self.logistic)
        else:
            i = drag.index
            self.points.draw_drag((ds.x[i], self.targets()[i], ds.label[i]), self.logistic)

    def _draw_rings(self) -> None:
        sel = self.selection.indices
        sel = sel[np.isin(sel, self._shown, assume_unique=True)] if len(sel) else sel
        self.rings.setData(x=self.model.dataset.x[sel], y=self.targets()[sel])

    def _draw_lines(self) -> None:
        bce = bool(self._bce)
        fits, opt = self.fit.draw(self._shown, self.targets(), bce)
        self.equation, lines = equation_lines(fits, opt, self.model.loss, bce)
        self._set_title(lines)

    def _set_title(self, lines: list[str]) -> None:
        """Equations above the plot, where they never hide a point; always two lines high,
        so the plot does not jump when one comes or goes."""
        html = "<br>".join(lines + ["&nbsp;"] * (2 - len(lines)))
        if html != self._equation_html:
            self._equation_html = html
            self.setTitle(html, color=theme.TEXT_COLOR, size="10pt")

    def _place_overlays(self, *_: object) -> None:
        self.hint_text.setPos(self.vb.rect().center())

    # --- view range ------------------------------------------------------------------------------

    def _data_range(self, axis: int) -> tuple[float, float]:
        if axis == 1 and self._bce:
            return BCE_Y_RANGE
        values = self.model.dataset.x if axis == 0 else self.targets()
        if len(values) == 0:
            return EMPTY_RANGE[axis]
        return padded_range(values)

    def _include_data(self) -> None:
        """Widen the view when a point lies outside it; never shrink (no jumps while editing)."""
        (x0, x1), (y0, y1) = self.vb.viewRange()
        (a0, a1), (b0, b1) = self._data_range(0), self._data_range(1)
        if len(self.model.dataset) == 0 or (x0 <= a0 and a1 <= x1 and y0 <= b0 and b1 <= y1):
            return
        self.vb.setRange(
            xRange=(min(x0, a0), max(x1, a1)), yRange=(min(y0, b0), max(y1, b1)), padding=0.0
        )

    # --- editing ---------------------------------------------------------------------------------

    def _push(self, command: QUndoCommand) -> None:
        self.model.undo_stack.push(command)

    def add_point_at(self, pos: QPointF, shift: bool = False) -> None:
        """Add a point at a scene position (logistic regression: of the default class,
        the other one with Shift)."""
        x, y = self.scene_to_data(pos)
        with self.batch():
            if self._bce:
                label = float(1 - self.default_class if shift else self.default_class)
                self._push(AddPoint(self.model, x, label, label))
            else:
                self._push(AddPoint(self.model, x, y))
            self.selection.set([len(self.model.dataset) - 1], source=self)

    def remove_points(self, indices: np.ndarray | list[int]) -> None:
        """Delete points (one undo step)."""
        if len(indices):
            with self.batch():
                self.selection.clear(source=self)
                self._push(RemovePoints(self.model, np.array(indices)))
