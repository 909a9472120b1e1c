"""The mouse gestures of the data editor: click to add, select or remove a point, drag a point
to move it (one undo step per drag), drag on empty space for a rubber-band selection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QGraphicsRectItem

from ... import theme
from ..commands import MovePoint, new_drag_id
from .geometry import points_in_rect
from .viewbox import DRAG_FINISH, DRAG_START

if TYPE_CHECKING:
    from .plot import DataPlot

RUBBER_BAND_MIN = 4.0  # pixels: a smaller rubber band was meant as a click
_GESTURES = (
    "Drag a point: move it · Drag on empty space: select points (Ctrl adds) · "
    "Right-click a point or press Delete: remove · Wheel: zoom · "
    "Right- or middle-drag: pan · Ctrl+Z: undo"
)


def gestures_tip(bce: bool) -> str:
    """The plot's tooltip: what each gesture does (for classes or plain points)."""
    first = (
        "Click: add a class 1 point · Shift+click: class 0 (the toolbar sets the default) · "
        if bce
        else "Click: add a point · "
    )
    return first + _GESTURES


@dataclass
class Drag:
    """A point being dragged."""

    index: int
    offset: tuple[float, float]  # point − pointer, in data units
    id: int


class PlotGestures:
    """Turns the view box's clicks and left drags into edits and selections of the plot."""

    def __init__(self, plot: DataPlot) -> None:
        self.plot = plot
        self.drag: Drag | None = None
        self.band = QGraphicsRectItem()
        self.band.setParentItem(plot.vb)
        self.band.setPen(pg.mkPen(theme.OUTLINE_COLOR, width=1, style=Qt.PenStyle.DashLine))
        self.band.setBrush(pg.mkBrush(255, 255, 255, 30))
        self.band.setZValue(1e9)
        self.band.hide()
        plot.vb.clicked.connect(self.on_clicked)
        plot.vb.leftDragged.connect(self.on_left_dragged)

    def on_clicked(
        self, pos: QPointF, button: Qt.MouseButton, modifiers: Qt.KeyboardModifier
    ) -> None:
        """Right-click removes a point; a click adds one or selects (Ctrl toggles)."""
        plot = self.plot
        if not plot.model.is_data:
            return
        i = plot.point_at(pos)
        if button == Qt.MouseButton.RightButton:
            if i is not None:
                plot.remove_points(plot.selection.indices if i in plot.selection else [i])
        elif i is None:
            plot.add_point_at(pos, shift=bool(modifiers & Qt.KeyboardModifier.ShiftModifier))
        elif modifiers & Qt.KeyboardModifier.ControlModifier:
            plot.selection.toggle(i, source=plot)
        else:
            plot.selection.set([i], source=plot)

    def on_left_dragged(
        self, down: QPointF, pos: QPointF, stage: int, modifiers: Qt.KeyboardModifier
    ) -> None:
        """A drag from a point moves it; from empty space it selects with a rubber band."""
        plot = self.plot
        if not plot.model.is_data:
            return
        if stage == DRAG_START:
            i = plot.point_at(down)
            if i is not None:
                px, py = plot.model.dataset.x[i], plot.targets()[i]
                dx, dy = plot.scene_to_data(down)
                with plot.batch():
                    self.drag = Drag(i, (px - dx, py - dy), new_drag_id())
                    if i not in plot.selection:
                        plot.selection.set([i], source=plot)
                    plot.invalidate("points")  # the dragged point leaves the cloud
        if self.drag is not None:
            if self.drag.index >= len(plot.model.dataset):
                self.drag = None
                return
            with plot.batch():
                self._drag_to(self.drag, pos)
                if stage == DRAG_FINISH:
                    self.drag = None
                    plot.invalidate("points", "include")
            return
        self._rubber_band(down, pos, stage, modifiers)

    def _drag_to(self, drag: Drag, pos: QPointF) -> None:
        plot = self.plot
        ds = plot.model.dataset
        x, y = plot.scene_to_data(pos)
        x, y = x + drag.offset[0], y + drag.offset[1]
        if plot.logistic:
            label = 1.0 if y >= 0.5 else 0.0
            new = (x, label, label)
        else:
            new = (x, y, float(ds.label[drag.index]))
        if new != (ds.x[drag.index], ds.y[drag.index], ds.label[drag.index]):
            plot.model.undo_stack.push(MovePoint(plot.model, drag.index, *new, drag=drag.id))

    def _rubber_band(
        self, down: QPointF, pos: QPointF, stage: int, modifiers: Qt.KeyboardModifier
    ) -> None:
        plot = self.plot
        rect = QRectF(plot.vb.mapFromScene(down), plot.vb.mapFromScene(pos)).normalized()
        if stage != DRAG_FINISH:
            self.band.setRect(rect)
            self.band.show()
            return
        self.band.hide()
        if rect.width() < RUBBER_BAND_MIN and rect.height() < RUBBER_BAND_MIN:
            self.on_clicked(down, Qt.MouseButton.LeftButton, modifiers)
            return
        (x0, y0), (x1, y1) = plot.scene_to_data(down), plot.scene_to_data(pos)
        inside = points_in_rect(plot.model.dataset.x, plot.targets(), x0, x1, y0, y1)
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            inside = np.union1d(plot.selection.indices, inside)
        plot.selection.set(inside, source=plot)
