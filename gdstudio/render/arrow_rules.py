"""How a step arrow is drawn, in both the 3D and the contour view (Qt-free).

Every arrow points the way it pushes the parameters: −∇L, −m (velocity / first moment) and
−adjusted gradient at one fixed length, ARROW_FRACTION of the view's shorter side (their
directions teach; their sizes differ by orders of magnitude); Δθ to scale, its tip where the
ball goes next. An adaptive rule's accumulator is a box whose half-side on each axis is
ACC_FRACTION of that side per unit of log(1 + √s).
"""

from __future__ import annotations

import math

import numpy as np

ARROW_FRACTION = 0.12
ACC_FRACTION = 0.02
HEAD_FRACTION = 0.22  # arrowhead barbs, as a fraction of the arrow's length
HEAD_ANGLE = math.radians(25)
REFRESH_MS = 100  # while playing, at most 10 refreshes a second

# kind → (sign applied to the engine's vector, drawn to scale?, legend name)
KINDS: dict[str, tuple[float, bool, str]] = {
    "-grad": (1.0, False, "−∇L (direction)"),
    "moment": (-1.0, False, "−m: velocity / 1st moment"),
    "adjusted": (-1.0, False, "−adjusted gradient"),
    "step": (1.0, True, "Δθ, to scale"),
}


def arrow_tip(before: np.ndarray, vector: np.ndarray, kind: str, length: float) -> np.ndarray:
    """Where the arrow of `kind` for the engine's `vector` ends (at `before` if it is zero)."""
    sign, to_scale, _ = KINDS[kind]
    v = sign * np.asarray(vector, dtype=np.float64)
    if to_scale:
        return before + v
    norm = float(np.hypot(*v))
    return before + (length / norm) * v if norm > 0 and math.isfinite(norm) else before.copy()


def accumulator_half_sides(root: np.ndarray, span: float) -> np.ndarray:
    """The accumulator box's half-side on each axis for the per-axis root √s."""
    return ACC_FRACTION * span * np.log1p(np.asarray(root, dtype=np.float64))
