"""The surface's colour map: the studio's one viridis table, from gdstudio.theme (no Qt)."""

from __future__ import annotations

import numpy as np

from gdstudio.theme import VIRIDIS_LUT, viridis

__all__ = ["VIRIDIS_LUT", "map_colors"]


def map_colors(t: np.ndarray) -> np.ndarray:
    """RGBA uint8 colours, shape (..., 4), for values t in [0, 1] (theme.viridis's rule)."""
    return viridis(t)
