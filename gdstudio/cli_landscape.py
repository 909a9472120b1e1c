"""The landscape options of `gdstudio run` and `sweep`: --landscape, or --expression, --bounds.

A typed formula (--expression) is read by the expression parser (never eval); its messages
point at the character, e.g. "--expression: this ( is never closed (at character 17)".
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .cli_args import ArgError, shown

if TYPE_CHECKING:
    from .core.data import Dataset
    from .core.fitting import DataLandscape
    from .core.landscapes import Landscape


def add_landscape_options(parser: argparse.ArgumentParser) -> None:
    """--landscape NAME, or a typed --expression with its --bounds (run and sweep share them)."""
    parser.add_argument(
        "--landscape", help="landscape name (see 'gdstudio list'); or give --expression"
    )
    parser.add_argument(
        "--expression",
        metavar="FORMULA",
        help="a typed landscape f(w, b) or f(w), e.g. '(1 - w)^2 + 100*(b - w^2)^2'",
    )
    parser.add_argument(
        "--bounds",
        metavar="WLO:WHI,BLO:BHI",
        help="the typed landscape's view, LOW:HIGH per parameter (default: -3:3 each)",
    )


def landscape_from_args(
    args: argparse.Namespace, dataset: Dataset | None
) -> Landscape | DataLandscape:
    """The landscape --landscape names or --expression types (ArgError on bad input)."""
    from .core.catalog import make_landscape

    text = getattr(args, "expression", None)
    if text is None:
        try:
            return make_landscape(args.landscape, dataset)
        except ValueError as e:
            raise ArgError(f"{'--data' if dataset is not None else '--landscape'}: {e}") from None
    from .core.expression import ExpressionError, parse
    from .core.expression_landscape import expression_landscape

    try:
        dim = parse(text).dim
    except ExpressionError as e:
        raise ArgError(f"--expression: {e}") from None
    bounds = None if args.bounds is None else parse_bounds(args.bounds, dim)
    try:
        return expression_landscape(text, bounds)
    except ExpressionError as e:
        raise ArgError(f"{'--expression' if bounds is None else '--bounds'}: {e}") from None


def parse_bounds(text: str, dim: int) -> tuple[tuple[float, float], ...]:
    """--bounds LOW:HIGH[,LOW:HIGH] as float pairs, one per parameter of the formula."""
    example = ",".join(["-3:3"] * dim)
    try:
        pairs = [tuple(float(v) for v in part.split(":")) for part in text.split(",")]
    except ValueError:
        pairs = []
    if not pairs or any(len(p) != 2 for p in pairs):
        raise ArgError(
            f"--bounds: expected LOW:HIGH for each parameter, comma separated "
            f"(e.g. {example}), got {shown(text)}"
        )
    if len(pairs) != dim:
        raise ArgError(
            f"--bounds: the formula has {dim} parameter{'s' * (dim > 1)}, "
            f"so give {dim} LOW:HIGH pair{'s' * (dim > 1)} (e.g. {example}), got {shown(text)}"
        )
    return tuple((lo, hi) for lo, hi in pairs)


def landscape_name(args: argparse.Namespace) -> str:
    """The landscape's name: --landscape, or "custom" for --expression (one of them, not both)."""
    from .core.catalog import landscape_names
    from .core.expression_landscape import CUSTOM

    text, name = getattr(args, "expression", None), args.landscape
    if text is not None:
        if name is not None:
            raise ArgError("give --landscape NAME or --expression FORMULA, not both")
        return CUSTOM
    if getattr(args, "bounds", None) is not None:
        raise ArgError("--bounds applies to a typed landscape: give it with --expression")
    if name is None:
        raise ArgError("give --landscape NAME (see 'gdstudio list') or --expression FORMULA")
    if name not in landscape_names():
        raise ArgError(
            f"--landscape: unknown {shown(name)}; allowed: {', '.join(landscape_names())}"
        )
    return str(name)
