"""The points of the data editor: marker styles per class, the dense-cloud look, and the layer
of scatter items (the cloud, the selection rings, the point being dragged)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtWidgets import QGraphicsItem

from ... import theme
from .viewbox import EditViewBox

POINT_COLOR = theme.TEXT_COLOR
POINT_SIZE = 9
STYLES: dict[object, dict[str, Any]] = {
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


class Markers(pg.ScatterPlotItem):  # type: ignore[misc]  # pyqtgraph ships no type information
    """A scatter that leaves every click to the editor (which hit-tests all the points)."""

    def mouseClickEvent(self, ev: MouseClickEvent) -> None:
        """Not ours to handle."""
        ev.ignore()


def make_markers(style: dict[str, Any], z: float) -> Markers:
    """A scatter item of the given style at depth z."""
    item = Markers(pxMode=True, antialias=True)
    restyle(item, style)
    item.setZValue(z)
    return item


def ring_markers() -> Markers:
    """The outlines drawn around the selected points."""
    item = Markers(
        pxMode=True,
        antialias=True,
        symbol="o",
        size=POINT_SIZE + 8,
        brush=None,
        pen=pg.mkPen(theme.OUTLINE_COLOR, width=1.5),
    )
    item.setZValue(6)
    return item


def restyle(item: pg.ScatterPlotItem, style: dict[str, Any], dense: bool = False) -> None:
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


def point_style(bce: bool, label: float) -> dict[str, Any]:
    """The style of one point: by its class for logistic regression, else the plain one."""
    return STYLES[int(label)] if bce else STYLES["points"]


class PointLayer:
    """The scatter items of the plot: two for the cloud (class 0, and class 1 or all points),
    the rings around the selection, and the dragged point drawn on top."""

    def __init__(self, vb: EditViewBox) -> None:
        self.markers = (make_markers(STYLES[0], 4), make_markers(STYLES["points"], 5))
        self.rings = ring_markers()
        self.drag_marker = make_markers(STYLES["points"], 7)
        self._style: tuple[bool, bool] | None = None  # (logistic, dense)
        self._cloud = (np.empty(0), np.empty(0))  # what the cloud shows (regression)
        for item in (*self.markers, self.rings, self.drag_marker):
            vb.addItem(item, ignoreBounds=True)
        # Points change only on edits or zooms: they repaint from a cache meanwhile.
        for item in self.markers:
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def draw_cloud(self, x: np.ndarray, t: np.ndarray, label: np.ndarray, bce: bool) -> None:
        """Draw the cloud at (x, t); by class for logistic regression."""
        restyled = self._restyle(bce, len(x) > DENSE_POINTS)
        if bce:
            one = label == 1.0
            self.markers[0].setData(x=x[~one], y=t[~one])
            self.markers[1].setData(x=x[one], y=t[one])
            self._cloud = (np.empty(0), np.empty(0))
            return
        old_x, old_t = self._cloud
        m = len(old_x)
        self._cloud = (x.copy(), t.copy())
        if (
            not restyled
            and len(x) == m + 1
            and np.array_equal(x[:m], old_x)
            and np.array_equal(t[:m], old_t)
        ):  # a point added: appended, not the whole cloud set again
            self.markers[1].addPoints(x=x[m:], y=t[m:])
            return
        self.markers[0].setData(x=[], y=[])
        self.markers[1].setData(x=x, y=t)

    def _restyle(self, bce: bool, dense: bool) -> bool:
        """Restyle the cloud for the mode (emptying it); True when it changed."""
        key = (bce, dense)
        if key == self._style:
            return False
        self._style = key
        styles = (STYLES[0], STYLES[1] if bce else STYLES["points"])
        for z, (item, style) in enumerate(zip(self.markers, styles, strict=True)):
            item.setData(x=[], y=[])  # restyle an empty item: nothing to re-render
            restyle(item, style, dense)
            # A dense cloud goes under the lines, or it would hide them.
            item.setZValue(0.5 if dense else 4 + z)
        return True

    def draw_drag(self, point: tuple[float, float, float] | None, bce: bool) -> None:
        """Draw the dragged point (x, t, label) on top, or none."""
        if point is None:
            self.drag_marker.setData(x=[], y=[])
            return
        x, t, label = point
        style = point_style(bce, label)
        self.drag_marker.setData(
            x=[x],
            y=[t],
            symbol=style["symbol"],
            size=style["size"],
            brush=pg.mkBrush(style["brush"]),
        )
