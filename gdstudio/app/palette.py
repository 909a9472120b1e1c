"""Colour-blind-safe run colours (Okabe–Ito) and the other colours the views share."""

from __future__ import annotations

# Okabe & Ito (2008), without black and yellow (too little contrast on the surface).
RUN_COLORS: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#009E73",  # bluish green
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
)
MINIMUM_COLOR = "#2BD94A"


def run_color(index: int) -> str:
    """The colour of the index-th run, cycling through the palette."""
    return RUN_COLORS[index % len(RUN_COLORS)]


def hex_to_rgb(color: str) -> tuple[float, float, float]:
    """'#RRGGBB' as floats in 0..1."""
    c = color.lstrip("#")
    return (int(c[0:2], 16) / 255.0, int(c[2:4], 16) / 255.0, int(c[4:6], 16) / 255.0)
