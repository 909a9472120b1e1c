"""Fixtures for render tests: OpenGL views need a GL-capable display (Xvfb + Mesa)."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.landscapes import ANALYTIC

VIEW_SIZE = (480, 360)


@pytest.fixture
def view(qtbot):
    """A shown LandscapeView3D of the Rosenbrock valley at its default camera."""
    from gdstudio.render.view3d import LandscapeView3D

    widget = LandscapeView3D()
    qtbot.addWidget(widget)
    widget.set_auto_coarsen(False)
    widget.resize(*VIEW_SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitExposed(widget.surface)  # the GL window the user's clicks land on
    widget.grabFramebuffer()
    if not widget.isValid():
        pytest.fail("needs an OpenGL context (run under Xvfb, not QT_QPA_PLATFORM=offscreen)")
    widget.set_landscape(ANALYTIC["rosenbrock"])
    return widget


def _image_rgba(image) -> np.ndarray:
    """A QImage as an (h, w, 4) uint8 RGBA array."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = image.height(), image.width()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(h, image.bytesPerLine())[:, : 4 * w].reshape(h, w, 4).copy()


@pytest.fixture
def image_rgba():
    """Convert a QImage to an (h, w, 4) RGBA uint8 array."""
    return _image_rgba


@pytest.fixture
def frame_rgb():
    """Render a widget's current frame and return it as an (h, w, 3) RGB uint8 array."""
    return lambda widget: _image_rgba(widget.grabFramebuffer())[..., :3]
