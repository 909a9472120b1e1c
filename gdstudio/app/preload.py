"""The window's Qt-free modules, imported before PySide6 is (application.py imports this first),
and PySide6's source scan skipped for the modules it would read all the same.

Once PySide6 is imported, its import hook reads the whole source of every module an import
statement names after it (to learn whether the module selects PySide6 `__feature__`s, which
the studio never does), once per module name: numpy and the studio's core and state are ~200
modules, ~35–70 ms of start-up and as many files held in `linecache` until start-up
is over. Imported first, they are not read when they are imported; `skip_source_scan` then
tells the hook what it would find for them, for the studio's own modules and for what is
imported already, before an `import numpy` or `from typing import …` of a later module sends
the hook reading numpy's and typing's source (~130 files, ~40–80 ms, before the first frame).
"""

from __future__ import annotations

import importlib.util
import os
import sys

import numpy  # noqa: F401

from .. import state  # noqa: F401
from ..core import catalog, race  # noqa: F401
from ..io import scenes, session  # noqa: F401
from ..render import camera, heightmap, path_geometry, picking  # noqa: F401

# What PySide6's hook records for a module: 0 = uses PySide6 with no feature selected, -1 =
# does not use PySide6. Both select no feature: the studio and its libraries select none.
_USES_PYSIDE, _IGNORED = 0, -1
_told: set[str] = set()  # the packages whose modules the hook was told of


def package_modules(package: str) -> list[str]:
    """The dotted names of every module of `package`, found on disk, not imported ([] if it
    is not installed)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    names = []
    for location in spec.submodule_search_locations:
        for folder, subfolders, files in os.walk(location):
            subfolders[:] = [d for d in subfolders if d != "__pycache__"]
            prefix = package + folder[len(location) :].replace(os.sep, ".")
            names += [
                prefix if f == "__init__.py" else f"{prefix}.{f[:-3]}"
                for f in files
                if f.endswith(".py")
            ]
    return names


def skip_source_scan(*packages: str) -> None:
    """Tell PySide6's import hook what it would find in the studio's modules, in the modules
    imported so far and in those of `packages`, so that it reads none of their sources (call
    once PySide6 is imported; a no-op where PySide6 keeps its features elsewhere)."""
    feature = sys.modules.get("shibokensupport.feature")
    known = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(known, dict):
        return
    if "gdstudio" not in _told:
        _told.add("gdstudio")
        for name in package_modules("gdstudio"):
            known.setdefault(name, _USES_PYSIDE)
    new = [p for p in packages if p not in _told]
    _told.update(new)
    for name in [*sys.modules, *(m for p in new for m in package_modules(p))]:
        known.setdefault(name, _IGNORED)
