"""Perceptual colour maps as numpy lookup tables (no Qt)."""

from __future__ import annotations

import numpy as np

# viridis (matplotlib, CC0) sampled at 17 evenly spaced stops; linear interpolation between
# them stays within 2% of the full 256-entry table.
_VIRIDIS_STOPS = np.array(
    [
        (0.2670, 0.0049, 0.3294),
        (0.2823, 0.0950, 0.4173),
        (0.2788, 0.1755, 0.4834),
        (0.2590, 0.2515, 0.5247),
        (0.2297, 0.3224, 0.5457),
        (0.1994, 0.3876, 0.5546),
        (0.1727, 0.4488, 0.5579),
        (0.1490, 0.5081, 0.5573),
        (0.1276, 0.5669, 0.5506),
        (0.1201, 0.6222, 0.5349),
        (0.1539, 0.6802, 0.5042),
        (0.2394, 0.7356, 0.4557),
        (0.3607, 0.7860, 0.3878),
        (0.5063, 0.8288, 0.3004),
        (0.6681, 0.8620, 0.1963),
        (0.8353, 0.8860, 0.1026),
        (0.9932, 0.9062, 0.1439),
    ]
)


def _build_lut(stops: np.ndarray, size: int = 256) -> np.ndarray:
    """Interpolate colour stops into a (size, 4) RGBA uint8 table."""
    x = np.linspace(0.0, 1.0, size)
    xp = np.linspace(0.0, 1.0, len(stops))
    rgb = np.stack([np.interp(x, xp, stops[:, c]) for c in range(3)], axis=-1)
    lut = np.full((size, 4), 255, dtype=np.uint8)
    lut[:, :3] = np.round(rgb * 255.0).astype(np.uint8)
    lut.setflags(write=False)
    return lut


VIRIDIS_LUT: np.ndarray = _build_lut(_VIRIDIS_STOPS)
"""viridis as a (256, 4) RGBA uint8 table."""


def map_colors(t: np.ndarray, lut: np.ndarray = VIRIDIS_LUT) -> np.ndarray:
    """RGBA uint8 colours, shape (..., 4), for values t in [0, 1] (non-finite -> 0)."""
    t = np.nan_to_num(np.asarray(t, dtype=np.float64), nan=0.0, posinf=1.0, neginf=0.0)
    idx = np.clip(t * (len(lut) - 1) + 0.5, 0, len(lut) - 1).astype(np.intp)
    return lut[idx]
