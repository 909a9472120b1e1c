"""Gradient Descent Studio: watch gradient descent work.

The version is declared once, in pyproject.toml, and read from the installed package's metadata
when first asked for (`version()`, or `gdstudio.__version__`): reading metadata costs a tenth
of a second, which no start-up should pay before it needs the number.
"""

from __future__ import annotations

from functools import cache
from typing import Any

UNKNOWN_VERSION = "0+unknown"


@cache
def version() -> str:
    """The installed package's version ("0+unknown" for a source tree never installed)."""
    from importlib import metadata

    try:
        return metadata.version("gdstudio")
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


def __getattr__(name: str) -> Any:
    """`gdstudio.__version__`, read on first use."""
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'gdstudio' has no attribute {name!r}")
