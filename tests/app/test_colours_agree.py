"""The 3D surface and the contour heat map paint one value in one colour: theme.viridis."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage

from gdstudio import theme
from gdstudio.app.contour import ContourView, image_levels, viridis_colormap
from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render.heightmap import HeightMap


def _rendered_rgb(item: pg.ImageItem) -> np.ndarray:
    """The RGB pixels pyqtgraph made of an ImageItem's data, shape (rows, cols, 3)."""
    item.render()
    image = item.qimage.convertToFormat(QImage.Format.Format_ARGB32)
    h, w = image.height(), image.width()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    bgra = raw.reshape(h, image.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)
    return bgra[..., [2, 1, 0]]


def _surface_colors(landscape_name: str) -> tuple[np.ndarray, np.ndarray]:
    """(t, RGB) of the 3D surface's vertices: height as a fraction of the box, and its colour."""
    hm = HeightMap(ANALYTIC[landscape_name])
    mesh = hm.sample(64, walls=False)
    return mesh.vertices[:, 2].astype(np.float64) / hm.height, mesh.colors[:, :3]


def test_both_views_paint_one_ramp_of_values_identically(qtbot):
    t = np.linspace(0.0, 1.0, 4001)
    item = pg.ImageItem(axisOrder="row-major")
    item.setColorMap(viridis_colormap())
    item.setImage(np.tile(t, (2, 1)), levels=image_levels(0.0, 1.0), autoLevels=False)
    contour_rgb = _rendered_rgb(item)[0]
    np.testing.assert_array_equal(contour_rgb, theme.viridis(t)[:, :3])
    surface_t, surface_rgb = _surface_colors("rosenbrock")
    np.testing.assert_array_equal(surface_rgb, theme.viridis(surface_t)[:, :3])
    # So a value the two views share gets one colour: compare them on the surface's own values.
    item.setImage(np.tile(surface_t, (2, 1)), levels=image_levels(0.0, 1.0), autoLevels=False)
    np.testing.assert_array_equal(_rendered_rgb(item)[0], surface_rgb)


def test_the_contour_views_heat_map_is_theme_viridis_of_its_values(show_panel):
    view = show_panel(ContourView, "race", (640, 560))
    z = np.asarray(view.image.image, dtype=np.float64)
    lo, hi = float(z.min()), float(z.max())
    expected = theme.viridis((z - lo) / (hi - lo))[..., :3]
    np.testing.assert_array_equal(_rendered_rgb(view.image), expected)
