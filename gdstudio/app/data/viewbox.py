"""EditViewBox: a ViewBox whose left button edits (clicks, drags) and right/middle drag pans."""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent, MouseDragEvent
from PySide6.QtCore import QPointF, Qt, Signal

DRAG_START, DRAG_MOVE, DRAG_FINISH = 0, 1, 2


class EditViewBox(pg.ViewBox):  # type: ignore[misc]  # pyqtgraph ships no type information
    """Turns mouse gestures into editor signals; the wheel zooms and right/middle drags pan."""

    # scene position, button, keyboard modifiers
    clicked = Signal(QPointF, object, object)
    # scene position where the button went down, current scene position, stage, modifiers
    leftDragged = Signal(QPointF, QPointF, int, object)

    def __init__(self) -> None:
        super().__init__(enableMenu=False)

    def mouseClickEvent(self, ev: MouseClickEvent) -> None:
        """Single left/right clicks inside the plot go to the editor; the rest are ignored.

        (Axes forward their clicks here too: those land outside the box.)
        """
        if (
            ev.double()
            or ev.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton)
            or not self.sceneBoundingRect().contains(ev.scenePos())
        ):
            ev.ignore()
            return
        ev.accept()
        self.clicked.emit(QPointF(ev.scenePos()), ev.button(), ev.modifiers())

    def mouseDragEvent(self, ev: MouseDragEvent, axis: int | None = None) -> None:
        """Left drags go to the editor (move a point or select); the other buttons pan.

        A drag on an axis (`axis` set) keeps pyqtgraph's meaning: pan or zoom that axis.
        """
        if axis is not None:
            super().mouseDragEvent(ev, axis=axis)
            return
        ev.accept()
        if ev.button() != Qt.MouseButton.LeftButton:
            self._pan(ev)
            return
        stage = DRAG_START if ev.isStart() else DRAG_FINISH if ev.isFinish() else DRAG_MOVE
        self.leftDragged.emit(
            QPointF(ev.buttonDownScenePos()), QPointF(ev.scenePos()), stage, ev.modifiers()
        )

    def _pan(self, ev: MouseDragEvent) -> None:
        tr = pg.functions.invertQTransform(self.childGroup.transform())
        shift = tr.map(ev.lastPos()) - tr.map(ev.pos())
        self._resetTarget()
        self.translateBy(x=shift.x(), y=shift.y())
        self.sigRangeChangedManually.emit(self.state["mouseEnabled"])
