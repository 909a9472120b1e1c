"""The window's Qt-free modules, imported before PySide6 is (application.py imports this first).

Once PySide6 is imported, its import hook reads the whole source of every module imported
after it (to learn whether the module selects PySide6 `__feature__`s, which the studio never
does): numpy, PyOpenGL and the studio's core and state are ~300 modules, ~50–100 ms of start-up
and as many files held in `linecache` until start-up is over. Imported first, they are not read.
"""

from __future__ import annotations

import numpy  # noqa: F401
from OpenGL import GL  # noqa: F401

from .. import state  # noqa: F401
from ..core import catalog, race  # noqa: F401
from ..io import scenes, session  # noqa: F401
from ..render import camera, heightmap, path_geometry, picking  # noqa: F401
