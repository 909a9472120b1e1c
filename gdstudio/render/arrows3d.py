"""Step arrows at each ball of the 3D view, lying on the surface: the engine's next step drawn.

The conventions are the contour view's (app/contour_arrows.py): the numbers are
`gdstudio.core.explain.preview_step`'s, and every arrow points the way it pushes the parameters.
−∇L (white), −m (the velocity / first moment, dashed in the racer's colour) and −adjusted
gradient (dotted) have one fixed length, ARROW_FRACTION of the landscape's shorter side; Δθ
(thick) is to scale, its tip where the ball will be next. An adaptive rule's accumulator is a
dash-dotted box of half-side ACC_FRACTION of that side per unit of log(1 + √s) on each axis.

Every point of an arrow is lifted onto the surface by the view's own HeightMap (the mapping the
balls and paths use, log height included) and a little above it, so the arrows follow the
slope. They are PathLinesItems the race layers draw over their kept picture with the balls,
copying it again around where they were and are (`groups`): they never leave stale pixels, and
never make the surface be drawn again.
While the race plays they refresh at most every REFRESH_MS; paused or stepped, at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from gdstudio import theme
from gdstudio.core.explain import StepWrittenOut, preview_step
from gdstudio.render.arrow_rules import (
    ARROW_FRACTION,
    HEAD_ANGLE,
    HEAD_FRACTION,
    KINDS,
    REFRESH_MS,
    accumulator_half_sides,
    arrow_tip,
)
from gdstudio.render.heightmap import HeightMap
from gdstudio.render.line_item import PathLinesItem
from gdstudio.render.path_geometry import world_path

SAMPLES = 24  # pieces of a shaft or a box side, so it bends with the surface
LIFT = 0.045  # above the surface (and the paths' 0.03)
GRAD_COLOR = theme.OUTLINE_COLOR
HALO_RGBA = (0.0, 0.0, 0.0, 0.55)


# kind → (segments drawn, segments left out) along a shaft: solid, dashed, dotted
_DASHES = {"-grad": (1, 0), "moment": (3, 2), "adjusted": (1, 1), "step": (1, 0)}
_BOX_DASHES = (4, 2)


class ArrowRun(Protocol):
    """What the arrows need of a racer (app.model.RunConfig)."""

    color: str
    title: str
    live_run: Any


class ArrowModel(Protocol):
    """What the arrows need of the studio's model (app.model.StudioModel)."""

    playingChanged: Any
    landscape: Any

    @property
    def playing(self) -> bool:
        """True while the race plays."""

    def active_runs(self) -> Iterable[tuple[int, Any]]:  # (index, an ArrowRun)
        """The enabled racers, with their index."""


def _sampled(a: np.ndarray, b: np.ndarray, n: int = SAMPLES) -> np.ndarray:
    """n + 1 points from a to b."""
    t = np.linspace(0.0, 1.0, n + 1)[:, None]
    return np.asarray(a + t * (b - a), dtype=np.float64)


def _dashed(points: np.ndarray, on: int, off: int) -> list[np.ndarray]:
    """The pieces of a sampled line drawn with `on` segments then `off` left out."""
    if off == 0:
        return [points]
    period, segments = on + off, len(points) - 1
    return [points[i : min(i + on, segments) + 1] for i in range(0, segments, period)]


def _barbs(hm: HeightMap, before: np.ndarray, tip: np.ndarray) -> list[np.ndarray]:
    """The arrowhead's two barbs at `tip` (made in world x, y, so they look alike on any
    axes), as sampled lines in params."""
    b, t = hm.world_xy(before), hm.world_xy(tip)
    back = (b - t) * HEAD_FRACTION
    if not np.any(back):
        return []
    c, s = math.cos(HEAD_ANGLE), math.sin(HEAD_ANGLE)
    ends = [
        t + np.array([c * back[0] - s * back[1], s * back[0] + c * back[1]]),
        t + np.array([c * back[0] + s * back[1], -s * back[0] + c * back[1]]),
    ]
    return [_sampled(tip, hm.params_from_world(end), 4) for end in ends]


def _box(centre: np.ndarray, half: np.ndarray) -> np.ndarray:
    """The closed outline of the box of half-sides `half` around `centre`, sampled."""
    (x, y), (hx, hy) = centre, half
    corners = np.array([(x - hx, y - hy), (x + hx, y - hy), (x + hx, y + hy), (x - hx, y + hy)])
    return np.concatenate(
        [_sampled(corners[i], corners[(i + 1) % 4])[:-1] for i in range(4)] + [corners[:1]]
    )


class _Pieces:
    """Lines in params, lifted onto the surface in one go, then gathered for each item into
    one polyline with invisible segments between the pieces."""

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.lines: dict[str, list[tuple[int, tuple[float, ...], tuple[int, int]]]] = {
            "halo": [],
            "thin": [],
            "thick": [],
        }

    def add(self, params: np.ndarray) -> int:
        """A sampled line in params (k, 2); its number."""
        self.params.append(params)
        return len(self.params) - 1

    def draw(self, item: str, line: int, rgba: tuple[float, ...], dashes: tuple[int, int]) -> None:
        """Draw `line` in `item` in one colour, with (segments on, segments off)."""
        self.lines[item].append((line, rgba, dashes))

    def lift(self, hm: HeightMap) -> list[np.ndarray]:
        """Every line's world points, on the surface and LIFT above it."""
        if not self.params:
            return []
        world = world_path(hm, np.concatenate(self.params), np.empty(0), LIFT)
        return np.split(world, np.cumsum([len(p) for p in self.params])[:-1])

    def send(self, name: str, item: PathLinesItem, world: list[np.ndarray]) -> None:
        """Give `item` its pieces (or nothing); each piece's last segment is a gap."""
        points, colors = [], []
        for line, rgba, dashes in self.lines[name]:
            for piece in _dashed(world[line], *dashes):
                rows = np.tile(np.asarray(rgba, np.float32), (len(piece), 1))
                rows[-1, 3] = 0.0
                points.append(piece)
                colors.append(rows)
        if points:
            item.set_polylines(np.concatenate(points), np.concatenate(colors))
        else:
            item.set_polylines(np.empty((0, 3)), np.empty((0, 4)))


class SurfaceArrows(QObject):
    """The 3D view's "Show arrows": per-ball arrows and boxes on the surface, and a legend."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self.view = view
        self.model: ArrowModel | None = None
        self.heightmap: HeightMap | None = None
        self.halo = PathLinesItem(width=5.5, lift=LIFT - 0.01)
        self.thin = PathLinesItem(width=2.0, lift=LIFT)
        self.thick = PathLinesItem(width=4.5, lift=LIFT + 0.005)
        self.shafts: dict[str, dict[str, np.ndarray]] = {}
        """Racer title → kind → the world points of that arrow's shaft (the tip last)."""
        self.tips: dict[str, dict[str, np.ndarray]] = {}
        """Racer title → kind → where that arrow ends, in params."""
        self.groups: list[np.ndarray] = []
        """World points of all that is drawn for each racer (none while hidden)."""
        for item in self.items:
            item.setVisible(False)
        self.check = QCheckBox("Show arrows", view)
        self.check.setObjectName("arrows3dCheck")
        self.check.setToolTip("Draw each racer's next step at its ball: −∇L, momentum, Δθ")
        self.legend = QLabel(_legend_html(), view)
        self.legend.setObjectName("arrows3dLegend")
        for widget in (self.check, self.legend):
            # a native child: it stays above the view's GL window
            widget.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
            widget.setStyleSheet(
                f"background: #16181d; color: {theme.LABEL_COLOR}; padding: 2px 4px;"
            )
            widget.adjustSize()
        # the box itself drawn light on the dark view (the style's own is dark on dark)
        self.check.setStyleSheet(
            f"QCheckBox {{ background: #16181d; color: {theme.LABEL_COLOR}; padding: 2px 4px; }}"
            f"QCheckBox::indicator {{ width: 11px; height: 11px; background: #16181d;"
            f" border: 1px solid {theme.LABEL_COLOR}; }}"
            f"QCheckBox::indicator:checked {{ background: {theme.LABEL_COLOR}; }}"
        )
        self.check.adjustSize()
        self.check.move(8, 6)
        self.legend.move(8, 6 + self.check.height() + 4)
        self.legend.setVisible(False)
        self.check.toggled.connect(self.refresh)
        self._pace = QTimer(self)
        self._pace.setSingleShot(True)
        self._pace.setInterval(REFRESH_MS)
        self._pace.timeout.connect(self.refresh)

    @property
    def items(self) -> tuple[PathLinesItem, ...]:
        """The GL items, in drawing order."""
        return self.halo, self.thin, self.thick

    @property
    def enabled(self) -> bool:
        """True when the user asked for arrows."""
        return self.check.isChecked()

    def bind(self, model: ArrowModel) -> None:
        """Draw the arrows of `model`'s racers."""
        if self.model is model:
            return
        self.model = model
        model.playingChanged.connect(self.refresh)
        self.refresh()

    def set_heightmap(self, heightmap: HeightMap) -> None:
        """The surface the arrows lie on changed."""
        self.heightmap = heightmap
        self.refresh()

    def span(self) -> float:
        """The landscape's shorter side, in params."""
        hm = self.heightmap
        return 1.0 if hm is None else float(np.min(np.asarray(hm.param_hi) - hm.param_lo))

    def request(self) -> None:
        """Steps were taken: redraw now, or soon while playing."""
        if not self.enabled or self.model is None:
            return
        if not self.model.playing:
            self.refresh()
        elif not self._pace.isActive():
            self._pace.start()

    def refresh(self, *_: object) -> None:
        """Redraw every racer's arrows from the engine's preview of its next step."""
        self._pace.stop()
        model, hm = self.model, self.heightmap
        show = self.enabled and model is not None and model.landscape.dim == 2
        self.legend.setVisible(show)
        self.shafts, self.tips, self.groups = {}, {}, []
        if model is None or hm is None or not show or not self.view.isVisible():
            for item in self.items:
                if item.visible():
                    item.setVisible(False)
            return
        pieces = _Pieces()
        span = self.span()
        racers = []
        for _index, cfg in model.active_runs():
            preview = preview_step(cfg.live_run)
            if preview is not None:
                racers.append((cfg.title, self._racer(hm, cfg, preview, span, pieces)))
        world = pieces.lift(hm)
        for title, (shafts, lines) in racers:
            self.shafts[title] = {kind: world[line] for kind, line in shafts.items()}
            self.groups.append(np.concatenate([world[line] for line in lines]))
        for name, item in zip(("halo", "thin", "thick"), self.items, strict=True):
            pieces.send(name, item, world)
        for item in self.items:
            item.setVisible(True)

    def _racer(
        self,
        hm: HeightMap,
        cfg: ArrowRun,
        preview: StepWrittenOut,
        span: float,
        pieces: _Pieces,
    ) -> tuple[dict[str, int], list[int]]:
        """Add one racer's arrows and box to the pieces: the line of each kind's shaft, and
        every line drawn for the racer."""
        before = np.asarray(preview.before, dtype=np.float64)
        rgb = theme.hex_to_rgb(cfg.color)
        tips = self.tips.setdefault(cfg.title, {})
        shafts: dict[str, int] = {}
        first = len(pieces.params)
        for kind in KINDS:
            vector = preview.vectors.get(kind)
            if vector is None:
                continue
            tip = tips[kind] = arrow_tip(before, np.asarray(vector), kind, ARROW_FRACTION * span)
            rgba = (*(theme.hex_to_rgb(GRAD_COLOR) if kind == "-grad" else rgb), 1.0)
            target = "thick" if kind == "step" else "thin"
            shafts[kind] = shaft = pieces.add(_sampled(before, tip))
            pieces.draw(target, shaft, rgba, _DASHES[kind])
            pieces.draw("halo", shaft, HALO_RGBA, (1, 0))
            for barb in _barbs(hm, before, tip):
                line = pieces.add(barb)
                pieces.draw(target, line, rgba, (1, 0))
                pieces.draw("halo", line, HALO_RGBA, (1, 0))
        root = preview.vectors.get("accumulator")
        if root is not None:
            half = accumulator_half_sides(np.asarray(root), span)
            box = pieces.add(_box(before, half))
            pieces.draw("thin", box, (*rgb, 1.0), _BOX_DASHES)
        return shafts, list(range(first, len(pieces.params)))


def _legend_html() -> str:
    """The legend's lines: a sample of each style and what it shows."""
    white, tint = theme.OUTLINE_COLOR, theme.LABEL_COLOR
    rows = [
        ("━━━", tint, "Δθ, to scale (its tip: the next position)"),
        ("───", white, "−∇L (direction)"),
        ("– – –", tint, "−m: velocity / 1st moment"),
        ("· · · ·", tint, "−adjusted gradient"),
        ("▢", tint, "box: log(1+√accumulator) per axis"),
    ]
    body = "<br>".join(
        f"<b style='color:{color}'>{sample}</b>&nbsp;{text}" for sample, color, text in rows
    )
    note = "<i>−∇L white, the rest in each racer's colour</i>"
    return f"<span style='font-size:9pt'>{body}<br>{note}</span>"
