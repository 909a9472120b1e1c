"""Where the bundled resources (scenes, icons) are, installed or in a source checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.resources.abc is new in Python 3.11; we support 3.10
    from importlib.abc import Traversable


@cache
def resource_dir() -> Traversable:
    """The `resources/` folder: the installed `gdstudio.resources` package, else the checkout's."""
    try:
        return resources.files("gdstudio.resources")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "resources"
