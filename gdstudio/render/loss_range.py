"""The loss range a height map spans: kept across small data edits, so the 3D axes stay put.

An edit moves a data fit's exact loss range a little. Mapping each edit's range onto the box
would move every tick of the loss axis (and lay the axes out again); a range that still holds
the new one and spans most of it is kept instead. A range that must change is widened a little
(PAD_LOW, PAD_HIGH of the box), so the next small edits fit inside it again.
"""

from __future__ import annotations

import math

LossRange = tuple[float, float]
KEEP_COVERAGE = 0.7
"""A kept range stays while the exact one spans at least this fraction of the box height."""
PAD_LOW = 0.02
PAD_HIGH = 0.05


def _height(loss: float, lo: float, log: bool) -> float:
    d = max(loss - lo, 0.0)
    return math.log1p(d) if log else d


def coverage(exact: LossRange, kept: LossRange, log: bool) -> float:
    """The fraction of the box height the exact range spans when `kept` maps onto the box."""
    top = _height(kept[1], kept[0], log)
    if not top > 0.0:
        return 0.0
    return (_height(exact[1], kept[0], log) - _height(exact[0], kept[0], log)) / top


def padded(exact: LossRange, log: bool) -> LossRange:
    """`exact` widened so that it maps onto [PAD_LOW, 1 − PAD_HIGH] of the box (a loss range
    that starts at or above zero never reaches below it)."""
    lo, hi = exact
    if log:
        low = lo - math.expm1(PAD_LOW * math.log1p(hi - lo))
        if lo >= 0.0:
            low = max(low, 0.0)
        return low, low + math.expm1(math.log1p(hi - low) / (1.0 - PAD_HIGH))
    span = (hi - lo) / (1.0 - PAD_LOW - PAD_HIGH)
    low = lo - PAD_LOW * span
    if lo >= 0.0:
        low = max(low, 0.0)
    return low, hi + PAD_HIGH * span


def settle(exact: LossRange, kept: LossRange | None, log: bool) -> LossRange:
    """The range to draw: `kept` while it holds `exact` and `exact` covers KEEP_COVERAGE of it;
    else `exact` (nothing kept) or `exact` padded (the range has to move)."""
    if kept is None:
        return exact
    inside = kept[0] <= exact[0] and exact[1] <= kept[1]
    if inside and coverage(exact, kept, log) >= KEEP_COVERAGE:
        return kept
    return padded(exact, log)
