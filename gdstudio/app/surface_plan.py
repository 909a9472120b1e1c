"""How a data fit's surface is computed: in place, or off the UI thread in passes (no Qt).

The cost of a surface is (grid cells × points) for the fused kernel, or (columns × N log N)
for MAE's sorted grid, times a per-loss cost per unit that every computed pass measures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..core.data_kernels import SORTED_MAX_POINTS, SORTED_MIN_POINTS

DISPLAY_GRID = 256  # the grid the 3D view samples (render.view3d.DEFAULT_GRID)
# ...and the ones it lowers itself to when frames are slow (render.view3d.COARSE_GRIDS)
VIEW_GRIDS = (DISPLAY_GRID, 128, 96)
RANGE_GRID = 65  # the height map's loss-range samples (render.heightmap._RANGE_SAMPLES)
COARSE_GRID = RANGE_GRID  # the first pass also gives the exact loss range
# Below this, the surface is computed where it is drawn (a fraction of one 16 ms frame).
INLINE_MS = 3.0
# The first pass, so it is up within 100 ms of the edit: the window's share after it (the
# surface drawn ahead in two turns, rasterized, the kept layer, the frame) is ~50 ms.
COARSE_MS = 30.0
# A full pass predicted within this is the first one too (a coarse look first would cost the
# window another frame for a surface replaced moments later); a longer one comes after a
# coarse pass, which the window shows in turns of its own (busy_turn) without a long block.
ONE_PASS_MS = 20.0
FULL_MS = 700.0  # the full pass, so the surface is up within 1 s
FULL_GRIDS = (DISPLAY_GRID, 224, 192, 160, 128, 96)  # tried in turn while over FULL_MS
_MIN_SAMPLE = 200  # the fewest points an estimated surface averages


class CostModel:
    """Milliseconds per unit of work of each grid kernel, learned from measured passes.

    The kernels are "mae_sorted" (MAE's sorted grid) and the fused kernel of each loss. The
    starting figures were measured on a 2-core machine under load; each pass the worker times
    moves its kernel's figure a third of the way to what it measured.
    """

    def __init__(self) -> None:
        self.ms_per_unit = {"mae_sorted": 1.2e-5, "mae": 5e-6, "huber": 6e-6, "bce": 3.5e-5}

    @staticmethod
    def kernel(loss: str, points: int) -> str:
        """The kernel a data fit's grid_value_and_grad runs for `loss` over `points` points."""
        sorted_grid = SORTED_MIN_POINTS <= points <= SORTED_MAX_POINTS
        return "mae_sorted" if loss == "mae" and sorted_grid else loss

    @staticmethod
    def units(kernel: str, points: int, grid_cells: int, columns: int) -> float:
        """Work of a grid of `grid_cells` (`columns` values of w) over `points` points."""
        if kernel == "mae_sorted":
            log_n = math.log2(points + 2)
            return columns * (points * log_n + 2_000) + grid_cells * log_n
        return float(points) * grid_cells

    def predict_ms(self, loss: str, points: int, n: int, kernel: str | None = None) -> float:
        """Predicted milliseconds of an n×n grid of `loss` over `points` points."""
        kernel = kernel or self.kernel(loss, points)
        return self.ms_per_unit.get(kernel, 0.0) * self.units(kernel, points, n * n, n)

    def record(self, loss: str, points: int, grid_cells: int, columns: int, ms: float) -> None:
        """Learn from one measured grid_value_and_grad."""
        kernel = self.kernel(loss, points)
        units = self.units(kernel, points, grid_cells, columns)
        if kernel in self.ms_per_unit and units >= 1e5 and math.isfinite(ms) and ms > 0:
            old = self.ms_per_unit[kernel]
            self.ms_per_unit[kernel] = old + (ms / units - old) / 3.0


@dataclass(frozen=True)
class Pass:
    """One surface computed off the UI thread: an n×n grid summed over `points` points."""

    n: int
    points: int


def inline_ok(costs: CostModel, loss: str, points: int, grid: int = DISPLAY_GRID) -> bool:
    """True when the surface drawn at `grid` (and a contour map) costs under INLINE_MS."""
    if loss == "mse":
        return True
    # The contour map reads value() point by point: the fused kernel, whatever the loss.
    direct = costs.predict_ms(loss, points, grid, kernel=loss)
    return max(direct, costs.predict_ms(loss, points, grid)) <= INLINE_MS


def plan(costs: CostModel, loss: str, points: int, grid: int = DISPLAY_GRID) -> tuple[Pass, ...]:
    """The passes for a surface at `grid`: a coarse one if the full one takes a while, then the
    full grid over every point, a coarser one over every point, or a sample of the points."""
    full = _full_pass(costs, loss, points, grid)
    if costs.predict_ms(loss, full.points, full.n) <= ONE_PASS_MS:
        return (full,)
    coarse = COARSE_GRID
    return Pass(coarse, _points_within(costs, loss, points, coarse, COARSE_MS)), full


def _full_pass(costs: CostModel, loss: str, points: int, grid: int) -> Pass:
    for n in (grid, *(g for g in FULL_GRIDS if g < grid)):
        if costs.predict_ms(loss, points, n) <= FULL_MS:
            return Pass(n, points)
    n = min(grid, 128)
    return Pass(n, _points_within(costs, loss, points, n, FULL_MS))


def _points_within(costs: CostModel, loss: str, points: int, n: int, budget_ms: float) -> int:
    """The most points (at least _MIN_SAMPLE) whose n×n grid fits the budget."""
    k = points
    while k > _MIN_SAMPLE and costs.predict_ms(loss, k, n) > budget_ms:
        k = max(_MIN_SAMPLE, int(k * 0.7))
    return min(k, points)
