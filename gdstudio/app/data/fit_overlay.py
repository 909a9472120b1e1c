"""The fit overlay of the data editor: each run's fitted line, the residuals of the first run,
the loss's optimum as a dashed line, and the equations shown above the plot."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ... import theme
from ..model import RunConfig, StudioModel
from ..surface_worker import needs_worker
from .format import format_equation
from .geometry import model_curve, residual_segments, sigmoid
from .viewbox import EditViewBox

# Long translucent residual lines cost fill rate: drawn for at most this many points.
RESIDUAL_LIMIT = 2_000

Fit = tuple[RunConfig, float, float]


def residual_indices(shown: np.ndarray) -> np.ndarray:
    """The drawn points that show residuals: all, or a spread-out subset of them."""
    if len(shown) <= RESIDUAL_LIMIT:
        return shown
    return shown[np.linspace(0, len(shown) - 1, RESIDUAL_LIMIT).astype(np.int64)]


class FitOverlay:
    """The lines drawn over the points: fitted lines, residuals and the optimum."""

    def __init__(self, vb: EditViewBox, model: StudioModel) -> None:
        self.vb = vb
        self.model = model
        self.curves: list[tuple[RunConfig, pg.PlotCurveItem]] = []
        self._curve_key: list[tuple[RunConfig, str]] = []
        self._optimum: tuple[object, tuple[float, float] | None] = (None, None)
        self.residuals = pg.PlotCurveItem(
            pen=pg.mkPen(255, 255, 255, 70, width=1), connect="pairs", skipFiniteCheck=True
        )
        self.residuals.setSegmentedLineMode("on")  # drawLines: far faster than one long path
        self.optimum_curve = pg.PlotCurveItem(
            pen=pg.mkPen(theme.MINIMUM_COLOR, width=2, style=Qt.PenStyle.DashLine), antialias=True
        )
        self.residuals.setZValue(1)
        self.optimum_curve.setZValue(2)
        for item in (self.residuals, self.optimum_curve):
            vb.addItem(item, ignoreBounds=True)
        # What each item last drew from: a redraw with the same inputs leaves it alone, so a
        # new surface (same fits) repaints neither the plot nor the window around it.
        self._drawn: dict[int, tuple[object, ...]] = {}

    def fit_coefficients(self) -> list[Fit]:
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

    def _build_curves(self) -> None:
        for _, curve in self.curves:
            self.vb.removeItem(curve)
        self.curves = []
        self._drawn.clear()  # a new curve may reuse an old one's id
        for _, cfg in self.model.active_runs():
            curve = pg.PlotCurveItem(pen=pg.mkPen(cfg.color, width=2.5), antialias=True)
            curve.setZValue(3)
            self.vb.addItem(curve, ignoreBounds=True)
            self.curves.append((cfg, curve))
        self._curve_key = [(cfg, cfg.color) for cfg, _ in self.curves]

    def draw(
        self, shown: np.ndarray, targets: np.ndarray, bce: bool
    ) -> tuple[list[Fit], tuple[float, float] | None]:
        """Redraw the lines over the view; residuals for the drawn points `shown`."""
        x_range, y_range = self.vb.viewRange()
        fits = self.fit_coefficients()
        if [(cfg, cfg.color) for cfg, _, _ in fits] != self._curve_key:
            self._build_curves()
        view = (tuple(x_range), tuple(y_range), bce)
        for (_, w, b), (_, curve) in zip(fits, self.curves, strict=True):
            if self._changed(curve, (w, b, *view)):
                curve.setData(*model_curve(w, b, x_range, y_range, bce))
        opt = self.optimum()
        if self._changed(self.optimum_curve, (opt, *view)):
            if opt is None:
                self.optimum_curve.setData([], [])
            else:
                self.optimum_curve.setData(*model_curve(*opt, x_range, y_range, bce))
        shown = residual_indices(shown)
        first = fits[0][1:] if fits and len(shown) else None
        # The landscape object is rebuilt on every edit of the points: it stands for the data.
        if self._changed(self.residuals, (first, self.model.landscape, shown.tobytes(), *view)):
            if first is not None:
                w, b = first
                x, t = self.model.dataset.x[shown], targets[shown]
                with np.errstate(all="ignore"):
                    fitted = sigmoid(w * x + b) if bce else w * x + b
                self.residuals.setData(*residual_segments(x, t, fitted, y_range), connect="pairs")
            else:
                self.residuals.setData([], [])
        return fits, opt

    def _changed(self, item: pg.PlotCurveItem, key: tuple[object, ...]) -> bool:
        """True (and remembered) when `item` last drew from other inputs than `key`."""
        if self._drawn.get(id(item)) == key:
            return False
        self._drawn[id(item)] = key
        return True


def equation_lines(
    fits: list[Fit], opt: tuple[float, float] | None, loss: str | None, bce: bool
) -> tuple[str, list[str]]:
    """The first run's equation (or "diverged"), and the legend lines (HTML) for the title."""
    lines = []
    equation = ""
    if fits:
        cfg, w, b = fits[0]
        ok = np.isfinite(w) and np.isfinite(b)
        equation = format_equation(w, b, bce) if ok else "diverged"
        lines.append(f"<span style='color:{cfg.color}'>━━ {cfg.title}:</span> {equation}")
    if opt is not None:
        name = "least squares" if loss == "mse" else "optimum"
        lines.append(
            f"<span style='color:{theme.MINIMUM_COLOR}'>╍╍ {name}:</span> "
            f"{format_equation(*opt, bce)}"
        )
    return equation, lines
