"""ContourView: top-down heat map with contour lines and racer paths (or L(w) for one parameter)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGraphicsItem, QVBoxLayout, QWidget

from .. import theme
from ..render.contours import contour_levels, isoline_segments
from .contour_arrows import ContourArrows
from .drawn import drawn_path
from .model import RunConfig, StudioModel

LABEL_STYLE = {"color": theme.LABEL_COLOR, "font-size": "11pt"}
GRID_SIZE = 200
CURVE_SAMPLES = 400
N_ISOLINES = 12
PATH_CELL_PX = 0.5  # a path keeps one point per run of points inside a cell this wide


def viridis_colormap() -> pg.ColorMap:
    """pyqtgraph's ColorMap over the studio's viridis table (entry k at position k/255)."""
    return pg.ColorMap(np.linspace(0.0, 1.0, len(theme.VIRIDIS_LUT)), theme.VIRIDIS_LUT)


def thin_path(
    x: np.ndarray, y: np.ndarray, cell_x: float, cell_y: float
) -> tuple[np.ndarray, np.ndarray]:
    """The path with each run of consecutive points inside one cell cut to its first point
    (the last point kept): within a cell of the whole path, a fraction of its points.

    A race's late steps crawl a fraction of a pixel each; drawn antialiased, thousands of
    them cost a frame's budget and add nothing. Unlike pyqtgraph's downsampling and view
    clipping, this does not assume x increases along the path.
    """
    n = len(x)
    if n <= 2 or not (cell_x > 0 and cell_y > 0):
        return x, y
    with np.errstate(all="ignore"):
        cx, cy = np.floor(x / cell_x), np.floor(y / cell_y)
    keep = np.empty(n, dtype=bool)
    keep[0] = keep[-1] = True
    keep[1:-1] = (cx[1:-1] != cx[:-2]) | (cy[1:-1] != cy[:-2])
    return x[keep], y[keep]


def image_levels(lo: float, hi: float) -> tuple[float, float]:
    """ImageItem levels under which value v gets theme.viridis((v - lo) / (hi - lo)).

    pyqtgraph picks table entry floor(256 s) of s in the levels; theme.viridis picks the
    nearest entry, round(255 s). Widening the range by half an entry on each side makes them one.
    """
    half = 0.5 * (hi - lo) / (len(theme.VIRIDIS_LUT) - 1)
    return lo - half, hi + half


class ContourView(QWidget):
    """Heat map, contour lines, minima and racer paths; a click drops a new start."""

    def __init__(self, model: StudioModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.plot = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=False)
        self.plot.setToolTip("Click to start every racer from there")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(viridis_colormap())
        self.isolines = pg.PlotCurveItem(
            connect="pairs", pen=pg.mkPen(255, 255, 255, 90, width=1), antialias=True
        )
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(theme.CURVE_COLOR, width=2), antialias=True)
        self.minima = pg.ScatterPlotItem(
            symbol="star",
            size=20,
            brush=pg.mkBrush(theme.MINIMUM_COLOR),
            pen=pg.mkPen(theme.MINIMUM_OUTLINE_COLOR),
        )
        self.start_marker = pg.ScatterPlotItem(
            symbol="o", size=11, brush=None, pen=pg.mkPen(theme.OUTLINE_COLOR, width=1.5)
        )
        for z, item in enumerate(
            (self.image, self.isolines, self.curve, self.minima, self.start_marker)
        ):
            item.setZValue(z - 10)
            self.plot.addItem(item)
        self.minima.setZValue(15)  # above the paths, below the balls
        # The background only changes with the landscape or the zoom: paint it from a cache.
        self.image.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.isolines.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._racers: list[tuple[RunConfig, pg.PlotDataItem, pg.ScatterPlotItem]] = []
        self._racers_dim = 0
        self._surface_dirty = self._racers_dirty = self._paths_stale = True
        self.arrows = ContourArrows(self.plot, model)

        self.plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.plot.getViewBox().sigRangeChanged.connect(self._on_stepped)  # thinned per pixel
        model.surfaceChanged.connect(self._on_landscape_changed)
        model.viewChanged.connect(self._on_landscape_changed)
        model.runsChanged.connect(self._on_runs_changed)
        model.runsReset.connect(self._on_runs_changed)
        model.stepped.connect(self._on_stepped)
        self._refresh()

    # --- public --------------------------------------------------------------------------------

    @property
    def log_scale(self) -> bool:
        """True when the heat map shows log1p(L − Lmin) rather than L."""
        value = self.model.log_height
        return bool(self.model.landscape.log_height if value is None else value)

    def data_to_scene(self, params: np.ndarray | tuple[float, ...]) -> QPointF:
        """Scene position of a parameter point (for one parameter: the point (w, L(w)))."""
        p = np.asarray(params, dtype=np.float64)
        if self.model.landscape.dim == 1:
            view = QPointF(float(p[0]), float(self.model.landscape.value(p)))
        else:
            view = QPointF(float(p[0]), float(p[1]))
        scene: QPointF = self.plot.getViewBox().mapViewToScene(view)
        return scene

    def paths(self) -> dict[str, pg.PlotDataItem]:
        """Each enabled run's path (for one parameter: its visited points), by run title."""
        return {cfg.title: path for cfg, path, _ in self._racers}

    def heads(self) -> dict[str, pg.ScatterPlotItem]:
        """Each enabled run's ball at its current position, by run title."""
        return {cfg.title: head for cfg, _, head in self._racers}

    def extent(self) -> tuple[tuple[float, float], ...]:
        """The drawn surface's bounds, widened to hold the start (a scene may start outside
        them); a slice's bounds as they are (the start is not a point of its plane)."""
        bounds = self.model.display_landscape.bounds
        if len(bounds) != self.model.landscape.dim:
            return tuple((float(lo), float(hi)) for lo, hi in bounds)
        out = []
        for (lo, hi), s in zip(bounds, self.model.start, strict=True):
            margin = 0.08 * (max(hi, s) - min(lo, s))
            out.append(
                (min(lo, s - margin), max(hi, s + margin)) if not lo <= s <= hi else (lo, hi)
            )
        return tuple(out)

    # --- model observers -------------------------------------------------------------------------

    def _on_landscape_changed(self) -> None:
        self._surface_dirty = self._paths_stale = True
        self._refresh()

    def _on_runs_changed(self) -> None:
        self._racers_dirty = True
        self._refresh()

    def _on_stepped(self, *_: object) -> None:
        self._paths_stale = True
        self._refresh()

    def showEvent(self, event: QShowEvent) -> None:
        """Apply what changed while hidden."""
        super().showEvent(event)
        self._refresh()

    def _refresh(self) -> None:
        """Redraw what is out of date; while hidden, wait for the next show."""
        if not self.isVisible():
            return
        if self._surface_dirty:
            self._surface_dirty = False
            self._build_surface()
        if self._racers_dirty or self._racers_dim != self.model.landscape.dim:
            self._racers_dirty = False
            self._build_racers()
        elif self._paths_stale:
            self._update_racers()
        self._paths_stale = False

    # --- drawing -------------------------------------------------------------------------------

    def _build_surface(self) -> None:
        land = self.model.display_landscape
        if land.dim > 2:  # a network before its first slice: nothing to draw yet
            return
        names = land.param_names
        self.plot.setLabel("bottom", names[0], **LABEL_STYLE)
        self.plot.setLabel("left", names[1] if land.dim == 2 else "loss", **LABEL_STYLE)
        one_d = land.dim == 1
        self.image.setVisible(not one_d)
        self.isolines.setVisible(not one_d)
        self.curve.setVisible(one_d)
        self.start_marker.setVisible(not one_d)
        if one_d:
            self._build_curve()
        else:
            self._build_heat_map()

    def _build_heat_map(self) -> None:
        land = self.model.display_landscape
        (x0, x1), (y0, y1) = self.extent()
        xs, ys = np.linspace(x0, x1, GRID_SIZE), np.linspace(y0, y1, GRID_SIZE)
        grid = np.empty((GRID_SIZE, GRID_SIZE, 2))
        grid[..., 0], grid[..., 1] = xs[None, :], ys[:, None]
        with np.errstate(all="ignore"):
            z = np.asarray(land.value(grid), dtype=np.float64)
            finite = np.isfinite(z)
            top = float(z[finite].max()) if finite.any() else 1.0
            z = np.where(finite, z, top)
            minima = np.asarray(land.minima, dtype=np.float64).reshape(-1, 2)
            low = float(z.min())
            if len(minima):
                low = min(low, float(np.min(land.value(minima))))
            if self.log_scale:
                z = np.log1p(np.maximum(z - low, 0.0))
        lo, hi = float(z.min()), float(z.max())
        hi = hi if hi > lo else lo + 1.0
        self.image.setImage(z, levels=image_levels(lo, hi), autoLevels=False)
        dx, dy = (x1 - x0) / (GRID_SIZE - 1), (y1 - y0) / (GRID_SIZE - 1)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        seg = isoline_segments(z, contour_levels(lo, hi, N_ISOLINES), xs, ys)
        self.isolines.setData(seg[:, 0], seg[:, 1], connect="pairs")
        self.minima.setData(pos=minima)
        vb = self.plot.getViewBox()
        vb.setAspectLocked(True)
        vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)

    def _build_curve(self) -> None:
        land = self.model.display_landscape
        ((x0, x1),) = self.extent()
        w = np.linspace(x0, x1, CURVE_SAMPLES)
        with np.errstate(all="ignore"):
            loss = np.asarray(land.value(w[:, None]), dtype=np.float64)
        keep = np.isfinite(loss)
        self.curve.setData(w[keep], loss[keep])
        minima = np.asarray(land.minima, dtype=np.float64).reshape(-1, 1)
        self.minima.setData(x=minima[:, 0], y=np.atleast_1d(land.value(minima)))
        vb = self.plot.getViewBox()
        vb.setAspectLocked(False)
        y0, y1 = (float(loss[keep].min()), float(loss[keep].max())) if keep.any() else (0, 1)
        vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.05)

    def _build_racers(self) -> None:
        for _, path, head in self._racers:
            self.plot.removeItem(path)
            self.plot.removeItem(head)
        self._racers = []
        self._racers_dim = self.model.landscape.dim
        one_d = self._racers_dim == 1
        for _, cfg in self.model.active_runs():
            if one_d:
                path = pg.PlotDataItem(
                    pen=pg.mkPen(cfg.color, width=1),
                    symbol="o",
                    symbolSize=6,
                    symbolBrush=pg.mkBrush(cfg.color),
                    symbolPen=None,
                    antialias=True,
                )
                path.setOpacity(0.6)
            else:
                path = pg.PlotDataItem(pen=pg.mkPen(cfg.color, width=2), antialias=True)
            path.setSkipFiniteCheck(True)
            head = pg.ScatterPlotItem(
                symbol="o",
                size=14,
                brush=pg.mkBrush(cfg.color),
                pen=pg.mkPen(theme.OUTLINE_COLOR, width=1.5),
            )
            path.setZValue(10)
            head.setZValue(20)
            self.plot.addItem(path)
            self.plot.addItem(head)
            self._racers.append((cfg, path, head))
        self.arrows.rebuild([cfg for cfg, _, _ in self._racers])
        self._update_racers()

    def _update_racers(self) -> None:
        one_d = self.model.landscape.dim == 1
        shown = self.model.display_landscape
        if shown.dim > 2:  # a network before its first slice: no plane to draw on yet
            return
        start = self.model.start
        start_at = drawn_path(shown, start.reshape(1, -1), np.zeros(1))[0]
        self.start_marker.setData(pos=start_at if not one_d else np.empty((0, 2)))
        px, py = self.plot.getViewBox().viewPixelSize()
        cell_x, cell_y = PATH_CELL_PX * px, PATH_CELL_PX * py
        for cfg, path, head in self._racers:
            run = cfg.live_run
            cols = run.history.columns()
            params = cols["params"]
            if one_d:
                path.setData(*thin_path(params[:, 0], cols["loss"], cell_x, cell_y))
                head.setData(x=[run.params[0]], y=[run.loss])
            else:
                points, _ = drawn_path(shown, params, cols["loss"])
                path.setData(*thin_path(points[:, 0], points[:, 1], cell_x, cell_y))
                head.setData(pos=drawn_path(shown, run.params.reshape(1, -1), points[:1])[0])
        self.arrows.request()

    # --- input ---------------------------------------------------------------------------------

    def _on_mouse_clicked(self, event: MouseClickEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        vb = self.plot.getViewBox()
        pos = event.scenePos()
        if not vb.sceneBoundingRect().contains(pos):
            return
        point = vb.mapSceneToView(pos)
        if self.model.landscape.dim > 2:
            return  # a slice's point is no start: a network starts from its seeded weights
        if self.model.landscape.dim == 1:
            self.model.set_start((point.x(),))
        else:
            self.model.set_start((point.x(), point.y()))
        event.accept()
