"""DataPlot: the scatter editor of the dataset, with each run's fitted line, residuals and
the optimum. Clicks add, drags move or select, right-click removes; every edit is undoable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QShowEvent, QUndoCommand
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QWidget

from ... import theme
from ..commands import AddPoint, MovePoint, RemovePoints, new_drag_id
from ..model import RunConfig, StudioModel
from ..surface_worker import needs_worker
from .format import format_equation
from .geometry import (
    DisplaySample,
    model_curve,
    nearest_point,
    points_in_rect,
    residual_segments,
    sigmoid,
)
from .selection import DataSelection
from .viewbox import DRAG_FINISH, DRAG_START, EditViewBox

LABEL_STYLE = {"color": theme.LABEL_COLOR, "font-size": "11pt"}
POINT_COLOR = theme.TEXT_COLOR
AXIS_WIDTH = 56
HIT_RADIUS = 8.0  # pixels
POINT_SIZE = 9
RUBBER_BAND_MIN = 4.0  # pixels: a smaller rubber band was meant as a click
SELECTION_DRAWN = 2_000  # selected points drawn on top of the sample
# Long translucent residual lines cost fill rate: drawn for at most this many points.
RESIDUAL_LIMIT = 2_000
BCE_Y_RANGE = (-0.1, 1.1)
EMPTY_RANGE = ((0.0, 10.0), (0.0, 10.0))
_STYLES = {
    "points": {"symbol": "o", "size": POINT_SIZE, "brush": POINT_COLOR, "pen": theme.BACKGROUND},
    0: {
        "symbol": "s",
        "size": POINT_SIZE - 1,
        "brush": theme.CLASS_COLORS[0],
        "pen": theme.BACKGROUND,
    },
    1: {"symbol": "o", "size": POINT_SIZE, "brush": theme.CLASS_COLORS[1], "pen": theme.BACKGROUND},
}
# Above this many drawn points they are drawn small and translucent, under the lines.
DENSE_POINTS = 2_000
DENSE_SIZE = 4
_GESTURES = (
    "Drag a point: move it · Drag on empty space: select points (Ctrl adds) · "
    "Right-click a point or press Delete: remove · Wheel: zoom · "
    "Right- or middle-drag: pan · Ctrl+Z: undo"
)


class _Markers(pg.ScatterPlotItem):  # type: ignore[misc]  # pyqtgraph ships no type information
    """A scatter that leaves every click to the editor (which hit-tests all the points)."""

    def mouseClickEvent(self, ev: MouseClickEvent) -> None:
        """Not ours to handle."""
        ev.ignore()


def _markers(style: dict[str, Any], z: float) -> _Markers:
    item = _Markers(pxMode=True, antialias=True)
    _restyle(item, style)
    item.setZValue(z)
    return item


def _restyle(item: pg.ScatterPlotItem, style: dict[str, Any], dense: bool = False) -> None:
    """Marker style; dense clouds get small translucent markers without outlines."""
    brush = pg.mkBrush(style["brush"])
    if dense:
        color = brush.color()
        color.setAlpha(110)
        brush.setColor(color)
    item.setSymbol(style["symbol"])
    item.setSize(DENSE_SIZE if dense else style["size"])
    item.setBrush(brush)
    item.setPen(None if dense else pg.mkPen(style["pen"], width=1))


@dataclass
class _Drag:
    index: int
    offset: tuple[float, float]  # point − pointer, in data units
    id: int


class DataPlot(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph ships no type information
    """Scatter editor: the points, fitted lines, residuals and optimum; edits via the mouse."""

    def __init__(
        self, model: StudioModel, selection: DataSelection, parent: QWidget | None = None
    ) -> None:
        self.vb = EditViewBox()
        super().__init__(parent, background=theme.BACKGROUND, viewBox=self.vb)
        self.model = model
        self.selection = selection
        self.sample = DisplaySample()
        self.default_class = 1
        self.equation = ""
        self._equation_html = ""
        self._bce: bool | None = None  # unknown until the first refresh
        self._drag: _Drag | None = None
        self._hold = 0  # > 0 while changes are collected for one redraw
        self._shown = np.empty(0, dtype=np.int64)
        self._fit_curves: list[tuple[RunConfig, pg.PlotCurveItem]] = []
        self._curve_key: list[tuple[RunConfig, str]] = []
        self._optimum: tuple[object, tuple[float, float] | None] = (None, None)
        self._marker_style: tuple[bool, bool] | None = None  # (logistic, dense)
        self._dirty = {"mode", "points", "lines", "fit"}

        self.setMenuEnabled(False)
        self.hideButtons()
        self.showGrid(x=True, y=True, alpha=0.12)
        self.setLabel("bottom", "x", **LABEL_STYLE)
        # A fixed axis width: tick labels of another width must not shift the plot mid-drag.
        self.getAxis("left").setWidth(AXIS_WIDTH)
        self.vb.disableAutoRange()
        self.residuals = pg.PlotCurveItem(
            pen=pg.mkPen(255, 255, 255, 70, width=1), connect="pairs", skipFiniteCheck=True
        )
        self.residuals.setSegmentedLineMode("on")  # drawLines: far faster than one long path
        self.optimum_curve = pg.PlotCurveItem(
            pen=pg.mkPen(theme.MINIMUM_COLOR, width=2, style=Qt.PenStyle.DashLine), antialias=True
        )
        self.markers = (_markers(_STYLES[0], 4), _markers(_STYLES["points"], 5))
        self.rings = _Markers(
            pxMode=True,
            antialias=True,
            symbol="o",
            size=POINT_SIZE + 8,
            brush=None,
            pen=pg.mkPen(theme.OUTLINE_COLOR, width=1.5),
        )
        self.rings.setZValue(6)
        self.drag_marker = _markers(_STYLES["points"], 7)
        self.residuals.setZValue(1)
        self.optimum_curve.setZValue(2)
        for item in (
            self.residuals,
            self.optimum_curve,
            *self.markers,
            self.rings,
            self.drag_marker,
        ):
            self.vb.addItem(item, ignoreBounds=True)
        # The lines move on every step; points, axes and grid only on edits or zooms, so
        # they repaint from a cache meanwhile.
        cache = QGraphicsItem.CacheMode.DeviceCoordinateCache
        for item in (*self.markers, self.getAxis("left"), self.getAxis("bottom")):
            item.setCacheMode(cache)
        self.band = QGraphicsRectItem()
        self.band.setParentItem(self.vb)
        self.band.setPen(pg.mkPen(theme.OUTLINE_COLOR, width=1, style=Qt.PenStyle.DashLine))
        self.band.setBrush(pg.mkBrush(255, 255, 255, 30))
        self.band.setZValue(1e9)
        self.band.hide()
        self.note_text = self._overlay((1, 1), color=theme.MUTED_TEXT_COLOR)
        self.hint_text = self._overlay((0.5, 0.5), color=theme.MUTED_TEXT_COLOR)
        self.hint_text.setText("Click to add points")
        self._set_title([])

        self.vb.clicked.connect(self._on_clicked)
        self.vb.leftDragged.connect(self._on_left_dragged)
        self.vb.sigRangeChanged.connect(self._on_range_changed)
        self.vb.sigResized.connect(self._place_overlays)
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
        """Indices of the points drawn (all, or a fixed sample plus the selection)."""
        return self._shown

    def fit_coefficients(self) -> list[tuple[RunConfig, float, float]]:
        """Each enabled run's current (w, b) in the data's own units."""
        out = []
        for _, cfg in self.model.active_runs():
            w, b = self.model.to_original(cfg.live_run.params)
            out.append((cfg, float(w), float(b)))
        return out

    def optimum(self) -> tuple[float, float] | None:
        """The loss's optimum (w*, b*) in the data's units, if unique.

        A costly one (MAE, Huber, BCE on many points) is found by the model's surface worker;
        until it is, the previous optimum of the same loss stays up, as the previous surface does.
        """
        land = self.model.landscape
        last, opt = self._optimum
        if last is land:
            return opt
        if needs_worker(land) and getattr(self.model.display_landscape, "source", None) is not land:
            return opt if getattr(last, "loss", None) == land.loss else None
        opt = None
        if land.minima:
            w, b = self.model.to_original(np.asarray(land.minima[0]))
            opt = (float(w), float(b))
        self._optimum = (land, opt)
        return opt

    def fit_view(self) -> None:
        """Frame all the points."""
        self.vb.setRange(xRange=self._data_range(0), yRange=self._data_range(1), padding=0.0)

    # --- model observers -------------------------------------------------------------------------

    def _on_landscape_changed(self) -> None:
        self._dirty |= {"mode", "lines"}
        self._refresh()

    def _on_data_changed(self) -> None:
        if self._drag is not None:
            self._dirty |= {"drag", "lines"}
        else:
            self._dirty |= {"points", "lines", "include"}
        self._refresh()

    def _on_runs_stepped(self) -> None:
        self._dirty.add("lines")
        self._refresh()

    def _on_scene_changed(self, _scene_id: str) -> None:
        self._dirty |= {"mode", "points", "lines", "fit"}
        self._refresh()

    def _on_selection_changed(self, _source: object) -> None:
        big = len(self.model.dataset) > self.sample.limit
        self._dirty.add("points" if big else "rings")
        self._refresh()

    def _on_range_changed(self, *_: object) -> None:
        self._dirty.add("lines")
        self._refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Apply what changed while hidden."""
        super().showEvent(event)
        self._place_overlays()
        self._refresh()

    # --- drawing -------------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Redraw what is out of date; while hidden (or not a data fit), wait."""
        if self._hold or not self.isVisible() or not self.model.is_data:
            return
        self._hold += 1
        try:
            while self._dirty:  # redrawing may report more changes (a clipped selection)
                dirty, self._dirty = self._dirty, set()
                self._redraw(dirty)
        finally:
            self._hold -= 1

    @contextmanager
    def _batch(self) -> Iterator[None]:
        """Collect the changes of one user action and redraw once at the end."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1
            self._refresh()

    def _redraw(self, dirty: set[str]) -> None:
        n = len(self.model.dataset)
        if self._drag is not None and self._drag.index >= n:
            self._drag = None  # the point went away mid-drag (an undo)
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
        first = (
            "Click: add a class 1 point · Shift+click: class 0 (the toolbar sets the default) · "
            if bce
            else "Click: add a point · "
        )
        self.setToolTip(first + _GESTURES)
        return {"points", "fit"}

    def _build_curves(self) -> None:
        for _, curve in self._fit_curves:
            self.vb.removeItem(curve)
        self._fit_curves = []
        for _, cfg in self.model.active_runs():
            curve = pg.PlotCurveItem(pen=pg.mkPen(cfg.color, width=2.5), antialias=True)
            curve.setZValue(3)
            self.vb.addItem(curve, ignoreBounds=True)
            self._fit_curves.append((cfg, curve))
        self._curve_key = [(cfg, cfg.color) for cfg, _ in self._fit_curves]

    def _draw_points(self) -> None:
        ds = self.model.dataset
        n = len(ds)
        shown = self.sample.indices(n)
        if n > self.sample.limit:
            shown = np.union1d(shown, self.selection.indices[:SELECTION_DRAWN])
        self._shown = shown
        cloud = shown if self._drag is None else shown[shown != self._drag.index]
        x, t = ds.x[cloud], self.targets()[cloud]
        self._style_markers(len(cloud) > DENSE_POINTS)
        if self._bce:
            one = ds.label[cloud] == 1.0
            self.markers[0].setData(x=x[~one], y=t[~one])
            self.markers[1].setData(x=x[one], y=t[one])
        else:
            self.markers[0].setData(x=[], y=[])
            self.markers[1].setData(x=x, y=t)
        note = f"showing {len(shown):,} of {n:,} points" if n > len(shown) else ""
        if len(shown) > RESIDUAL_LIMIT:
            note += f", residuals of {RESIDUAL_LIMIT:,}"
        self.note_text.setText(note)
        self.hint_text.setVisible(n == 0)
        self._draw_drag_marker()
        self._draw_rings()

    def _style_markers(self, dense: bool) -> None:
        key = (bool(self._bce), dense)
        if key == self._marker_style:
            return
        self._marker_style = key
        styles = (_STYLES[0], _STYLES[1] if self._bce else _STYLES["points"])
        for z, (item, style) in enumerate(zip(self.markers, styles, strict=True)):
            item.setData(x=[], y=[])  # restyle an empty item: nothing to re-render
            _restyle(item, style, dense)
            # A dense cloud goes under the lines, or it would hide them.
            item.setZValue(0.5 if dense else 4 + z)

    def _residual_indices(self) -> np.ndarray:
        """The drawn points that show residuals: all, or a spread-out subset of them."""
        shown = self._shown
        if len(shown) <= RESIDUAL_LIMIT:
            return shown
        return shown[np.linspace(0, len(shown) - 1, RESIDUAL_LIMIT).astype(np.int64)]

    def _draw_drag_marker(self) -> None:
        if self._drag is None:
            self.drag_marker.setData(x=[], y=[])
            return
        i = self._drag.index
        ds = self.model.dataset
        style = _STYLES[int(ds.label[i])] if self._bce else _STYLES["points"]
        self.drag_marker.setData(
            x=[ds.x[i]],
            y=[self.targets()[i]],
            symbol=style["symbol"],
            size=style["size"],
            brush=pg.mkBrush(style["brush"]),
        )

    def _draw_rings(self) -> None:
        sel = self.selection.indices
        sel = sel[np.isin(sel, self._shown, assume_unique=True)] if len(sel) else sel
        self.rings.setData(x=self.model.dataset.x[sel], y=self.targets()[sel])

    def _draw_lines(self) -> None:
        x_range, y_range = self.vb.viewRange()
        fits = self.fit_coefficients()
        if [(cfg, cfg.color) for cfg, _, _ in fits] != self._curve_key:
            self._build_curves()
        for (_, w, b), (_, curve) in zip(fits, self._fit_curves, strict=True):
            curve.setData(*model_curve(w, b, x_range, y_range, bool(self._bce)))
        opt = self.optimum()
        if opt is None:
            self.optimum_curve.setData([], [])
        else:
            self.optimum_curve.setData(*model_curve(*opt, x_range, y_range, bool(self._bce)))
        shown = self._residual_indices()
        if fits and len(shown):
            _, w, b = fits[0]
            x, t = self.model.dataset.x[shown], self.targets()[shown]
            with np.errstate(all="ignore"):
                fitted = sigmoid(w * x + b) if self._bce else w * x + b
            self.residuals.setData(*residual_segments(x, t, fitted, y_range), connect="pairs")
        else:
            self.residuals.setData([], [])
        self._show_equations(fits, opt)

    def _show_equations(
        self, fits: list[tuple[RunConfig, float, float]], opt: tuple[float, float] | None
    ) -> None:
        lines = []
        self.equation = ""
        if fits:
            cfg, w, b = fits[0]
            ok = np.isfinite(w) and np.isfinite(b)
            self.equation = format_equation(w, b, bool(self._bce)) if ok else "diverged"
            lines.append(f"<span style='color:{cfg.color}'>━━ {cfg.title}:</span> {self.equation}")
        if opt is not None:
            name = "least squares" if self.model.loss == "mse" else "optimum"
            lines.append(
                f"<span style='color:{theme.MINIMUM_COLOR}'>╍╍ {name}:</span> "
                f"{format_equation(*opt, bool(self._bce))}"
            )
        self._set_title(lines)

    def _set_title(self, lines: list[str]) -> None:
        """Equations above the plot, where they never hide a point; always two lines high,
        so the plot does not jump when one comes or goes."""
        html = "<br>".join(lines + ["&nbsp;"] * (2 - len(lines)))
        if html != self._equation_html:
            self._equation_html = html
            self.setTitle(html, color=theme.TEXT_COLOR, size="10pt")

    def _place_overlays(self, *_: object) -> None:
        r = self.vb.rect()
        self.note_text.setPos(r.right() - 8, r.bottom() - 6)
        self.hint_text.setPos(r.center())

    # --- view range ------------------------------------------------------------------------------

    def _data_range(self, axis: int) -> tuple[float, float]:
        if axis == 1 and self._bce:
            return BCE_Y_RANGE
        values = self.model.dataset.x if axis == 0 else self.targets()
        if len(values) == 0:
            return EMPTY_RANGE[axis]
        lo, hi = float(values.min()), float(values.max())
        pad = 0.08 * (hi - lo) if hi > lo else max(1.0, 0.1 * abs(lo))
        return lo - pad, hi + pad

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
        with self._batch():
            if self._bce:
                label = float(1 - self.default_class if shift else self.default_class)
                self._push(AddPoint(self.model, x, label, label))
            else:
                self._push(AddPoint(self.model, x, y))
            self.selection.set([len(self.model.dataset) - 1], source=self)

    def remove_points(self, indices: np.ndarray | list[int]) -> None:
        """Delete points (one undo step)."""
        if len(indices):
            with self._batch():
                self.selection.clear(source=self)
                self._push(RemovePoints(self.model, np.array(indices)))

    def _on_clicked(
        self, pos: QPointF, button: Qt.MouseButton, modifiers: Qt.KeyboardModifier
    ) -> None:
        if not self.model.is_data:
            return
        i = self.point_at(pos)
        if button == Qt.MouseButton.RightButton:
            if i is not None:
                self.remove_points(self.selection.indices if i in self.selection else [i])
        elif i is None:
            self.add_point_at(pos, shift=bool(modifiers & Qt.KeyboardModifier.ShiftModifier))
        elif modifiers & Qt.KeyboardModifier.ControlModifier:
            self.selection.toggle(i, source=self)
        else:
            self.selection.set([i], source=self)

    def _on_left_dragged(
        self, down: QPointF, pos: QPointF, stage: int, modifiers: Qt.KeyboardModifier
    ) -> None:
        if not self.model.is_data:
            return
        if stage == DRAG_START:
            i = self.point_at(down)
            if i is not None:
                px, py = self.model.dataset.x[i], self.targets()[i]
                dx, dy = self.scene_to_data(down)
                with self._batch():
                    self._drag = _Drag(i, (px - dx, py - dy), new_drag_id())
                    if i not in self.selection:
                        self.selection.set([i], source=self)
                    self._dirty.add("points")  # the dragged point leaves the cloud
        if self._drag is not None:
            if self._drag.index >= len(self.model.dataset):
                self._drag = None
                return
            with self._batch():
                self._drag_to(self._drag, pos)
                if stage == DRAG_FINISH:
                    self._drag = None
                    self._dirty |= {"points", "include"}
            return
        self._rubber_band(down, pos, stage, modifiers)

    def _drag_to(self, drag: _Drag, pos: QPointF) -> None:
        ds = self.model.dataset
        x, y = self.scene_to_data(pos)
        x, y = x + drag.offset[0], y + drag.offset[1]
        if self._bce:
            label = 1.0 if y >= 0.5 else 0.0
            new = (x, label, label)
        else:
            new = (x, y, float(ds.label[drag.index]))
        if new != (ds.x[drag.index], ds.y[drag.index], ds.label[drag.index]):
            self._push(MovePoint(self.model, drag.index, *new, drag=drag.id))

    def _rubber_band(
        self, down: QPointF, pos: QPointF, stage: int, modifiers: Qt.KeyboardModifier
    ) -> None:
        rect = QRectF(self.vb.mapFromScene(down), self.vb.mapFromScene(pos)).normalized()
        if stage != DRAG_FINISH:
            self.band.setRect(rect)
            self.band.show()
            return
        self.band.hide()
        if rect.width() < RUBBER_BAND_MIN and rect.height() < RUBBER_BAND_MIN:
            self._on_clicked(down, Qt.MouseButton.LeftButton, modifiers)
            return
        (x0, y0), (x1, y1) = self.scene_to_data(down), self.scene_to_data(pos)
        inside = points_in_rect(self.model.dataset.x, self.targets(), x0, x1, y0, y1)
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            inside = np.union1d(self.selection.indices, inside)
        self.selection.set(inside, source=self)
