"""The import contract, read from the source (ast; nothing is imported or run).

- gdstudio.core and gdstudio.state import no Qt, pyqtgraph, OpenGL or imageio, and nothing
  from gdstudio.app, gdstudio.render or gdstudio.io;
- gdstudio.render and gdstudio.io import nothing from gdstudio.app;
- no import cycle anywhere in gdstudio (relative imports and imports inside functions count;
  imports under `if TYPE_CHECKING:` do not, as they never run; the contract counts them).

Today's exceptions are listed below, each with why. The lists must equal what the code does:
once an exception is fixed, the test fails until its entry is removed, so none outlives its fix.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "gdstudio"

FOREIGN = ("PySide6", "shiboken6", "pyqtgraph", "OpenGL", "imageio", "imageio_ffmpeg")
# (layer, what it must not import: third-party roots, and gdstudio layers)
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "gdstudio.core": (FOREIGN, ("gdstudio.app", "gdstudio.render", "gdstudio.io")),
    "gdstudio.state": (FOREIGN, ("gdstudio.app", "gdstudio.render", "gdstudio.io")),
    "gdstudio.render": ((), ("gdstudio.app",)),
    "gdstudio.io": ((), ("gdstudio.app",)),
}

# Known violations, (importer, imported module), each with why, until it is fixed. None left:
# io.session took run colours from app.palette until the state moved them to gdstudio.theme.
ALLOWED_VIOLATIONS: set[tuple[str, str]] = set()

# Known import cycles (the modules of each strongly connected component, sorted). None left:
# app.export_dialog → app.main_window → io.export → app.main_window went with io/ importing
# app/, and the session modules see the window through a Protocol (app/session/host.py).
ALLOWED_CYCLES: set[tuple[str, ...]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(tree: ast.AST, typing: bool) -> list[ast.AST]:
    """Every node of the tree; without `if TYPE_CHECKING:` bodies unless `typing`."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if not typing and _is_type_checking(node):
            todo.extend(node.orelse)  # type: ignore[attr-defined]
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def _imports(module: str, typing: bool = True, source: str | None = None) -> set[str]:
    """Every module `module` names in an import statement anywhere in its file (resolved)."""
    if source is None:
        source = MODULES[module].read_text(encoding="utf-8")
    tree = ast.parse(source)
    package = module if module in MODULES and _is_package(module) else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _nodes(tree, typing):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    return found


def _internal(name: str) -> str | None:
    """The gdstudio module an imported name loads (the longest known prefix), else None."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


IMPORTS = {m: _imports(m) for m in MODULES}  # for the contract
# What each module imports when it runs (for cycles).
GRAPH = {
    m: {t for n in _imports(m, typing=False) if (t := _internal(n)) and t != m} for m in MODULES
}


def _in_layer(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def _violations(imports: dict[str, set[str]]) -> set[tuple[str, str]]:
    out = set()
    for module, names in imports.items():
        for layer, (foreign, layers) in RULES.items():
            if not _in_layer(module, layer):
                continue
            for name in names:
                if name.split(".")[0] in foreign or any(_in_layer(name, x) for x in layers):
                    out.add((module, name))
    return out


def _cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: set[tuple[str, ...]] = set()
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.add(tuple(sorted(component)))
    return out


def test_the_layers_import_only_what_the_contract_allows():
    found = _violations(IMPORTS)
    assert found - ALLOWED_VIOLATIONS == set(), "imports that break the contract"
    assert ALLOWED_VIOLATIONS - found == set(), "fixed: remove these from ALLOWED_VIOLATIONS"


def test_no_module_takes_part_in_an_import_cycle():
    found = _cycles(GRAPH)
    assert found - ALLOWED_CYCLES == set(), "import cycles"
    assert ALLOWED_CYCLES - found == set(), "fixed: remove these from ALLOWED_CYCLES"


# --- the checker itself ----------------------------------------------------------------------


def test_the_checker_resolves_relative_imports():
    assert "gdstudio.core.data" in GRAPH["gdstudio.core.fitting"]  # `from .data import ...`
    assert "gdstudio.core.moments" in GRAPH["gdstudio.core.data"]
    assert {"gdstudio.core", "gdstudio.app", "gdstudio.io", "gdstudio.render"} <= {
        m.rpartition(".")[0] for m in MODULES
    }


PROBE = "gdstudio.core._probe"


@pytest.mark.parametrize(
    "source, imported",
    [
        ("import PySide6.QtCore", "PySide6.QtCore"),
        ("def f():\n    from pyqtgraph import mkPen\n", "pyqtgraph"),
        ("if TYPE_CHECKING:\n    import OpenGL.GL\n", "OpenGL.GL"),
        ("from ..app import bindings", "gdstudio.app.bindings"),
        ("from ..app.model import StudioModel", "gdstudio.app.model"),
        ("from gdstudio.render import view3d", "gdstudio.render.view3d"),
        ("import gdstudio.io.session", "gdstudio.io.session"),
    ],
)
def test_the_checker_sees_a_forbidden_import_in_core(source, imported):
    assert _violations({PROBE: _imports(PROBE, source=source)}) == {(PROBE, imported)}


def test_the_checker_leaves_an_allowed_import_alone():
    source = "import numpy as np\nfrom .data import Dataset\nfrom ..core import moments\n"
    assert _violations({PROBE: _imports(PROBE, source=source)}) == set()


def test_a_cycle_counts_imports_inside_functions_but_not_type_checking_ones():
    source = "def f():\n    from . import fitting\n"
    graph = {
        "gdstudio.core.fitting": {"gdstudio.core.data"},
        "gdstudio.core.data": _imports("gdstudio.core.data", False, source),
    }
    assert _cycles(graph) == {("gdstudio.core.data", "gdstudio.core.fitting")}
    source = "if TYPE_CHECKING:\n    from . import fitting\n"
    graph["gdstudio.core.data"] = _imports("gdstudio.core.data", False, source)
    assert _cycles(graph) == set()


def test_the_cycle_finder_reports_each_cycle_once_with_all_its_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    assert _cycles(graph) == {("a", "b", "c")}
