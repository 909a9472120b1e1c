"""The Qt-free layers load no Qt, pyqtgraph or OpenGL, each checked in a fresh interpreter."""

import subprocess
import sys

import pytest

GUI = ("PySide6", "pyqtgraph", "OpenGL")
HEADLESS_CLI = """
from gdstudio import cli
cli.main(["run", "--landscape", "rosenbrock", "--optimizer", "adam", "--steps", "3"])
cli.main(["list"])
cli.main(["train", "--dataset", "moons", "--optimizer", "adam", "--lr", "0.01", "--steps", "3"])
"""
QT_FREE = {
    "core": "import gdstudio.core.catalog, gdstudio.core.run, gdstudio.core.race, "
    "gdstudio.core.optimizers, gdstudio.core.schedules, gdstudio.core.fitting, "
    "gdstudio.core.batching, gdstudio.core.data, gdstudio.core.lad, gdstudio.core.nn_landscape, "
    "gdstudio.core.nn_hessian, gdstudio.core.datasets",
    "state": "import gdstudio.state",
    "theme": "import gdstudio.theme",
    "render numerics": "import gdstudio.render.heightmap, gdstudio.render.picking, "
    "gdstudio.render.camera, gdstudio.render.path_geometry, gdstudio.render.colormap, "
    "gdstudio.render.contours, gdstudio.render.arrow_rules",
    "io without pictures": "import gdstudio.io.atomic, gdstudio.io.session, "
    "gdstudio.io.scenes, gdstudio.io.trajectories, gdstudio.io.export_data",
    "gdstudio run, list and train": HEADLESS_CLI,
}


@pytest.mark.parametrize("code", QT_FREE.values(), ids=QT_FREE.keys())
def test_loads_no_gui_module(code):
    probe = (
        f"{code}\nimport sys\nprint(sorted(m for m in sys.modules if m.split('.')[0] in {GUI!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
