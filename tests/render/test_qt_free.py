"""The numeric render modules must import without Qt or OpenGL."""

from __future__ import annotations

import subprocess
import sys


def test_heightmap_picking_camera_and_paths_load_no_qt():
    code = (
        "import sys\n"
        "import gdstudio.render.heightmap, gdstudio.render.picking\n"
        "import gdstudio.render.camera, gdstudio.render.path_geometry\n"
        "import gdstudio.render.colormap\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'OpenGL')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
