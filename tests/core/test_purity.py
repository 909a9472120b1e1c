"""The numerical core and the headless CLI never load Qt, pyqtgraph or OpenGL."""

import subprocess
import sys

CHECK = """
import sys
import gdstudio.core.catalog, gdstudio.core.run, gdstudio.core.race, gdstudio.core.optimizers
import gdstudio.core.schedules, gdstudio.core.fitting, gdstudio.core.batching
from gdstudio import cli
cli.main(["run", "--landscape", "rosenbrock", "--optimizer", "adam", "--steps", "3"])
cli.main(["list"])
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "OpenGL"))
print("LOADED:" + ",".join(bad))
"""


def test_core_and_cli_run_load_no_gui_module():
    out = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "LOADED:"
