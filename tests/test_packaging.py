"""What `pip install .` ships: every package of the source tree, and the resources."""

from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_of_the_source_tree_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "gdstudio").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert "gdstudio.resources" in listed


def test_the_version_is_declared_once_and_read_from_the_metadata():
    import gdstudio

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert gdstudio.__version__ == gdstudio.version() == config["project"]["version"]
    source = (ROOT / "gdstudio" / "__init__.py").read_text(encoding="utf-8")
    assert config["project"]["version"] not in source


def test_importing_the_package_reads_no_metadata():
    import subprocess
    import sys

    code = "import sys, gdstudio.cli; print('importlib.metadata' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_app_imports_no_benchmark_code():
    import subprocess
    import sys

    code = (
        "import sys, gdstudio.cli, gdstudio.app.application, gdstudio.app.main_window; "
        "print(sorted(m for m in sys.modules if m.startswith('gdstudio.bench')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _spec_excludes() -> list[str]:
    """The `excluded` list of packaging/gdstudio.spec (read with ast, not run)."""
    import ast

    tree = ast.parse((ROOT / "packaging" / "gdstudio.spec").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "excluded" for t in node.targets
        ):
            return [ast.literal_eval(e) for e in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError("packaging/gdstudio.spec has no `excluded` list")


def test_the_frozen_build_leaves_out_nothing_the_app_imports():
    """Every module of the app imported (as the frozen app may, lazily): none of them, nor
    anything they pull in (pyqtgraph's __init__ imports pydoc, for one), is excluded."""
    import subprocess
    import sys

    code = (
        "import importlib, pkgutil, sys, gdstudio\n"
        "for m in pkgutil.walk_packages(gdstudio.__path__, 'gdstudio.'):\n"
        "    if not m.name.startswith('gdstudio.bench') and m.name != 'gdstudio.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "import imageio.v2, imageio.plugins.ffmpeg\n"
        "print('\\n'.join(sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    excluded = _spec_excludes()
    assert "tkinter" in excluded and "PySide6.QtNetwork" in excluded  # the list is the spec's
    wrongly = sorted(m for m in loaded for x in excluded if m == x or m.startswith(x + "."))
    assert not wrongly, f"the spec excludes modules the app imports: {wrongly}"
