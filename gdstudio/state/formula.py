"""The document's typed landscape: the formula text and its view bounds, checked by the parser.

The landscape named CUSTOM is the formula in `expression` over `bounds` (one [low, high] per
parameter; null: the default view). A formula the parser refuses fails with a SessionError
naming the field and carrying the parser's message (which points at the character).
"""

from __future__ import annotations

from typing import Any

from ..core.expression import MAX_LENGTH, ExpressionError, parse
from ..core.expression_landscape import CUSTOM, MAX_SPAN, expression_landscape
from .kinds import Kind, Number, SessionError, as_list, describe

__all__ = ["CUSTOM", "BOUND_ITEM", "Bounds", "Formula", "ViewBounds", "formula_dim"]

BOUND_ITEM = Number(-MAX_SPAN, MAX_SPAN)
Bounds = tuple[tuple[float, float], ...]


def formula_dim(text: str) -> int:
    """How many parameters the formula `text` has (ExpressionError if it is refused)."""
    return parse(text).dim


class Formula(Kind):
    """The text of a typed landscape (null when none was typed); required for CUSTOM."""

    def load(self, value: Any, where: str, context: dict[str, Any]) -> str | None:
        """The text, or SessionError naming the field with the parser's message."""
        if value is None:
            if context.get("landscape") == CUSTOM:
                raise SessionError(f"{where}: the custom landscape needs a formula, got null")
            return None
        if not isinstance(value, str) or len(value) > MAX_LENGTH:
            raise SessionError(
                f"{where}: must be a formula of at most {MAX_LENGTH} characters, "
                f"got {describe(value)}"
            )
        try:
            parse(value)
        except ExpressionError as e:
            raise SessionError(f"{where}: {e}") from None
        return value


class ViewBounds(Kind):
    """A typed landscape's view: one (low, high) per parameter, or null for the default."""

    def load(self, value: Any, where: str, context: dict[str, Any]) -> Bounds | None:
        """The bounds as float pairs (checked against the formula), or SessionError."""
        if value is None:
            return None
        pairs = []
        for i, pair in enumerate(
            as_list(list(value) if isinstance(value, tuple) else value, where)
        ):
            here = f"{where}[{i}]"
            items = as_list(list(pair) if isinstance(pair, tuple) else pair, here)
            if len(items) != 2:
                raise SessionError(f"{here}: must be [low, high], got a list of {len(items)}")
            lo, hi = (BOUND_ITEM.check(v, f"{here}[{j}]") for j, v in enumerate(items))
            pairs.append((float(lo), float(hi)))
        bounds = tuple(pairs)
        text = context.get("expression")
        if text is not None:
            try:
                expression_landscape(text, bounds)
            except ExpressionError as e:
                raise SessionError(f"{where}: {e}") from None
        return bounds

    def dump(self, value: Bounds | None, copy_arrays: bool = False) -> list[list[float]] | None:
        """The bounds as a list of [low, high] lists."""
        return None if value is None else [list(pair) for pair in value]

    def same(self, a: Any, b: Any) -> bool:
        """Equal pairs (or both None)."""
        return bool(a == b)
