"""The import contract of gdstudio.io: it imports nothing from gdstudio.app.

Every import counts: at the top, inside functions, under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import gdstudio.io

IO = Path(gdstudio.io.__file__).parent
MODULES = sorted(IO.rglob("*.py"))

# No known exception any more: the session files took their run colours from app.palette
# until the state moved them to gdstudio.theme.
KNOWN_EXCEPTIONS: dict[str, set[str]] = {}


def imported_modules(source: str, module: str) -> set[str]:
    """Absolute names of every module the source imports (`module` is its own dotted name)."""
    package = module.rsplit(".", 1)[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def app_imports(source: str, module: str) -> set[str]:
    """The gdstudio.app modules (or names) the source imports."""
    return {n for n in imported_modules(source, module)
            if n == "gdstudio.app" or n.startswith("gdstudio.app.")}


def dotted(path: Path) -> str:
    return "gdstudio.io." + ".".join(path.relative_to(IO).with_suffix("").parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_io_module_imports_the_app(path):
    found = app_imports(path.read_text(encoding="utf-8"), dotted(path))
    allowed = KNOWN_EXCEPTIONS.get(path.name, set())
    extra = {n for n in found if not any(n == a or n.startswith(a + ".") for a in allowed)}
    assert not extra, f"{path.name} imports {sorted(extra)} from gdstudio.app"


@pytest.mark.parametrize("source", [
    "from ..app.main_window import MainWindow",
    "from .. import app",
    "import gdstudio.app.model",
    "from gdstudio.app import palette",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..app.model import M",
    "def f():\n    from ..app.export_sources import export",
])
def test_the_check_sees_every_way_of_importing_the_app(source):
    assert app_imports(source, "gdstudio.io.export")


@pytest.mark.parametrize("source", [
    "from .export_formats import VIEWS",
    "from ..core.race import Race",
    "from .. import theme",
    "import gdstudio.application_notes",
])
def test_the_check_lets_the_rest_through(source):
    assert not app_imports(source, "gdstudio.io.export")
