"""BoundaryClicks: the user's own points placed by clicking on the Decision Boundary plot.

While the network trains on "My points" (the dataset MY_POINTS), a click on the plot adds a
point of class 1 there, Shift+click one of class 0, and a right-click removes the point nearest
the pointer (within REMOVE_RADIUS_PX). Each edit replaces the network's points through the
model's restore, as a preset does: the racers start again from the seeded weights on the new
points, and a session saves them. The view keeps the region it showed, so points can be added
one after another without the plot moving under the pointer.

An edit that would leave a class with too few points, or the training part with one class once
the held-out share is taken, is refused in words under the preset combo, and nothing changes.
On any other dataset the hint under the plot says how to get to editable points.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtWidgets import QLabel

from ...core.errors import ConfigError
from ...state.kinds import SessionError
from ...state.network import MAX_NETWORK_POINTS, MY_POINTS, NetworkKind, NetworkSpec, OwnPoints
from .boundary import DecisionBoundaryView
from .setup import NetworkSetup

REMOVE_RADIUS_PX = 10.0  # a right-click this close to a point (screen pixels) removes it

EDIT_HINT = (
    "Click to add a point of class 1, Shift+click one of class 0, right-click removes the "
    "nearest; the racers start again on the new points"
)
PICK_HINT = "To place points of your own by clicking here, pick My points in Preset"


class BoundaryClicks(QObject):
    """Edits the model's own network points from clicks on `view`'s plot; `hint` says how."""

    def __init__(self, model: Any, view: DecisionBoundaryView, setup: NetworkSetup) -> None:
        super().__init__(view)
        self.model, self.view, self.setup = model, view, setup
        self.hint = QLabel()
        self.hint.setObjectName("boundaryClickHint")
        self.hint.setWordWrap(True)
        view.plot.scene().sigMouseClicked.connect(self._on_clicked)
        for signal in (model.landscapeChanged, model.sceneChanged):
            signal.connect(self.follow)
        self.follow()

    # --- public --------------------------------------------------------------------------------

    @property
    def spec(self) -> NetworkSpec | None:
        """The network's setup when it trains on the user's own points, else None."""
        spec = self.model.state.network
        return spec if spec is not None and spec.dataset == MY_POINTS else None

    def follow(self, *_: object) -> None:
        """The hint and the plot's cursor for the dataset the network trains on now."""
        spec = self.spec
        viewport = self.view.plot.viewport()
        if spec is None:
            self.hint.setText(PICK_HINT)
            viewport.unsetCursor()
            return
        ones = sum(1 for *_, k in spec.own if k == 1.0)
        zeros = len(spec.own) - ones
        self.hint.setText(
            f"{EDIT_HINT}. {len(spec.own)} points: {zeros} of class 0, {ones} of class 1."
        )
        viewport.setCursor(Qt.CursorShape.CrossCursor)

    def add(self, x1: float, x2: float, label: int) -> bool:
        """Add a point of class `label` (0 or 1) at (x1, x2); False if refused (said why)."""
        spec = self.spec
        if spec is None:
            return False
        if len(spec.own) >= MAX_NETWORK_POINTS:
            self.setup.refuse(ConfigError(f"My points: at most {MAX_NETWORK_POINTS} points"))
            return False
        return self._apply(spec, (*spec.own, (float(x1), float(x2), float(label))))

    def remove_near(self, scene_pos: QPointF) -> bool:
        """Remove the point nearest `scene_pos` if within REMOVE_RADIUS_PX; False if none."""
        spec = self.spec
        if spec is None or not spec.own:
            return False
        vb = self.view.plot.getViewBox()
        pts = np.array([[x, y] for x, y, _ in spec.own], dtype=np.float64)
        px, py = vb.viewPixelSize()  # data units per screen pixel on each axis
        at = vb.mapSceneToView(scene_pos)
        dist = np.hypot((pts[:, 0] - at.x()) / px, (pts[:, 1] - at.y()) / py)
        nearest = int(np.argmin(dist))
        if dist[nearest] > REMOVE_RADIUS_PX:
            return False
        return self._apply(spec, spec.own[:nearest] + spec.own[nearest + 1 :])

    # --- clicks --------------------------------------------------------------------------------

    def _on_clicked(self, ev: Any) -> None:
        if self.spec is None or ev.double():
            return
        vb = self.view.plot.getViewBox()
        pos = ev.scenePos()
        if not vb.sceneBoundingRect().contains(pos):
            return  # on an axis, not the data area
        if ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            self.remove_near(pos)
        elif ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            at = vb.mapSceneToView(pos)
            shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.add(at.x(), at.y(), 0 if shift else 1)

    def _apply(self, spec: NetworkSpec, own: OwnPoints) -> bool:
        """Train on `own` instead: the model restored with them, the view's region kept."""
        snap = self.model.snapshot()
        snap.update(network=NetworkKind().dump(replace(spec, own=own)), start=None, scene=None)
        vb = self.view.plot.getViewBox()
        shown = vb.viewRange()
        try:
            self.model.restore(snap)  # checked whole first: a refusal changes nothing
        except (ConfigError, SessionError) as e:
            self.setup.refuse(e)
            return False
        vb.setRange(xRange=shown[0], yRange=shown[1], padding=0.0)
        self.follow()
        return True
