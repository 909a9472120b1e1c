"""Run colours for the app: a shim over gdstudio.theme (import from gdstudio.theme instead)."""

from __future__ import annotations

from ..theme import MINIMUM_COLOR, RUN_COLORS, hex_to_rgb, run_color

__all__ = ["MINIMUM_COLOR", "RUN_COLORS", "hex_to_rgb", "run_color"]
