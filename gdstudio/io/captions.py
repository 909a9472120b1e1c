"""Lesson captions with live figures: a caption names its racers, points, start and minimum
by placeholders ({Racers}, {points}, {start}, {minimum}) filled in from the live state."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.catalog import is_data_landscape
from .scenes import Scene, scene_landscape

_WORDS = "no one two three four five six seven eight nine ten eleven twelve".split()


@dataclass(frozen=True)
class CaptionFacts:
    """The live figures a caption may state."""

    racers: int
    """How many racers run (ticked)."""
    start: tuple[float, ...]
    minimum: tuple[float, ...] | None
    """The landscape's (first) minimum; None if it has none (a line fit to no points)."""
    param_names: tuple[str, ...]
    points: int | None = None
    """How many data points a data landscape fits; None on analytic landscapes."""


def count_words(n: int) -> str:
    """A count as a caption writes it: 'five' up to twelve, then digits (1,000)."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def _number(v: float, spec: str) -> str:
    text = format(v, spec)
    return "0" if text.lstrip("-").strip("0.") == "" else text.replace("-", "−")


def caption_text(scene: Scene, facts: CaptionFacts) -> str:
    """The scene's caption with its placeholders filled in from `facts`."""
    racers = f"{count_words(facts.racers)} optimizer{'' if facts.racers == 1 else 's'}"
    start = ", ".join(_number(v, "g") for v in facts.start)
    if facts.minimum is None:
        minimum = "(none: add points)"
    else:
        minimum = ", ".join(
            f"{n} ≈ {_number(v, '.2f')}"
            for n, v in zip(facts.param_names, facts.minimum, strict=True)
        )
    return scene.caption.format(
        racers=racers,
        Racers=racers[:1].upper() + racers[1:],
        points=count_words(facts.points or 0),
        start=f"({start})" if len(facts.start) > 1 else start,
        minimum=minimum,
    )


def scene_facts(scene: Scene) -> CaptionFacts:
    """The figures of the scene's own defaults (what the caption states when it opens)."""
    land = scene_landscape(scene)
    start = scene.start if scene.start is not None else tuple(land.default_start)
    points = len(land.dataset) if is_data_landscape(scene.landscape) else None  # type: ignore[union-attr]
    return CaptionFacts(
        racers=sum(1 for spec in scene.runs if spec.enabled),
        start=tuple(float(v) for v in start),
        minimum=tuple(land.minima[0]) if land.minima else None,
        param_names=tuple(land.param_names),
        points=points,
    )


def default_caption(scene: Scene) -> str:
    """The scene's caption for its defaults."""
    return caption_text(scene, scene_facts(scene))
