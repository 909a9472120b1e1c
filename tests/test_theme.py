"""gdstudio.theme: one Qt-free home for the studio's colours, with matplotlib's exact viridis."""

from __future__ import annotations

import numpy as np

from gdstudio import theme


def test_viridis_table_is_matplotlibs():
    # Spot values of matplotlib's _viridis_data (first, 64th, middle, 192nd, last entries).
    assert theme.VIRIDIS.shape == (256, 3)
    np.testing.assert_array_equal(theme.VIRIDIS[0], [0.267004, 0.004874, 0.329415])
    np.testing.assert_array_equal(theme.VIRIDIS[64], [0.229739, 0.322361, 0.545706])
    np.testing.assert_array_equal(theme.VIRIDIS[128], [0.127568, 0.566949, 0.550556])
    np.testing.assert_array_equal(theme.VIRIDIS[192], [0.369214, 0.788888, 0.382914])
    np.testing.assert_array_equal(theme.VIRIDIS[255], [0.993248, 0.906157, 0.143936])
    # viridis's green channel rises monotonically from dark purple to yellow.
    assert np.all(np.diff(theme.VIRIDIS[:, 1]) > 0)
    assert not theme.VIRIDIS.flags.writeable and not theme.VIRIDIS_LUT.flags.writeable


def test_viridis_lookup_picks_the_nearest_entry_and_handles_non_finite():
    np.testing.assert_array_equal(theme.viridis(0.0), theme.VIRIDIS_LUT[0])
    np.testing.assert_array_equal(theme.viridis(1.0), theme.VIRIDIS_LUT[255])
    t = [0.5, 0.5 / 255 - 1e-9, 0.5 / 255, 127 / 255]
    np.testing.assert_array_equal(theme.viridis_index(t), [128, 0, 1, 127])
    np.testing.assert_array_equal(
        theme.viridis_index([np.nan, -np.inf, np.inf, -3.0, 7.0]), [0, 0, 255, 0, 255]
    )
    assert theme.viridis(np.zeros((3, 5))).shape == (3, 5, 4)
    np.testing.assert_array_equal(theme.VIRIDIS_LUT[:, :3], np.round(theme.VIRIDIS * 255))


def test_run_colors_cycle():
    assert theme.run_color(0) == theme.RUN_COLORS[0]
    assert theme.run_color(len(theme.RUN_COLORS) + 2) == theme.RUN_COLORS[2]
    assert theme.BACKGROUND_RGB == (0x16, 0x18, 0x1D)
    assert theme.hex_to_rgb("#ff0080") == (1.0, 0.0, 128 / 255)
