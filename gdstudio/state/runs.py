"""One racer as the user set it: optimizer, hyperparameters, colour, label, gradient mode."""

from __future__ import annotations

from typing import Any

from ..core.optimizers import OPTIMIZERS, make_optimizer
from ..theme import run_color
from .evented import Evented, Field
from .kinds import Choice, Flag, Kind, Number, SessionError, Text, as_list, as_object, fail

MAX_RUNS = 8
MAX_BATCH = 1_000_000
MAX_SEED = 2**31 - 1
# Hyperparameters, by the kind of their default: the run editor's ranges.
LR = Number(0.0, 1e4)  # lr slider's spin box: 0 .. 10 × 1000
HYPER_NUMBER = Number(0.0, 1e6)
HYPER_PAIR_ITEM = Number(0.0, 0.999999)


def hyper_number(key: str, default: Any) -> Number:
    """The bounds of a numeric hyperparameter (of each item, for a pair such as betas)."""
    if isinstance(default, tuple):
        return HYPER_PAIR_ITEM
    return LR if key == "lr" else HYPER_NUMBER


class Hyper(Kind):
    """The hyperparameters of the run's optimizer (checked against that optimizer)."""

    def load(self, value: Any, where: str, context: dict[str, Any]) -> dict[str, Any]:
        """The hyperparameters of `context["optimizer"]`, or SessionError naming the bad one."""
        optimizer = context["optimizer"]
        h = as_object(value if value is not None else {}, where)
        defaults = OPTIMIZERS[optimizer].defaults
        out: dict[str, Any] = {}
        for key, v in h.items():
            at = f"{where}.{key}"
            if key not in defaults:
                raise SessionError(
                    f"{at}: not a parameter of {optimizer}; allowed: {', '.join(defaults)}"
                )
            default = defaults[key]
            if isinstance(default, bool):
                out[key] = Flag().check(v, at)
            elif isinstance(default, tuple):
                pair = list(v) if isinstance(v, tuple) else as_list(v, at)
                if len(pair) != 2:
                    raise fail(at, "two numbers", v)
                item = hyper_number(key, default)
                out[key] = tuple(item.check(x, f"{at}[{i}]") for i, x in enumerate(pair))
            else:
                out[key] = hyper_number(key, default).check(v, at)
        try:
            make_optimizer(optimizer, **out)
        except ValueError as e:
            raise SessionError(f"{where}: {e}") from None
        return out

    def dump(self, value: dict[str, Any], copy_arrays: bool = False) -> dict[str, Any]:
        """Tuples (betas) as lists, so the dict survives a JSON round trip unchanged."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}


class Batch(Kind):
    """Full-batch gradients (None, written "full"), or a mini-batch size ("sgd" reads as 1)."""

    def check(self, value: Any, where: str) -> int | None:
        """The batch size, None for full batch, or SessionError."""
        if value is None or value == "full":
            return None
        if value == "sgd":
            return 1
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_BATCH:
            raise fail(where, f'"full", "sgd" or a batch size from 1 to {MAX_BATCH}', value)
        return value

    def dump(self, value: int | None, copy_arrays: bool = False) -> str | int:
        """ "full" or the batch size."""
        return "full" if value is None else value


class RunSpec(Evented):
    """What the user set for one racer (its live trajectory belongs to the app)."""

    optimizer: Field[str] = Field(Choice(lambda: list(OPTIMIZERS)), "adam")
    hyper: Field[dict[str, Any]] = Field(Hyper(), {})
    color: Field[str] = Field(Text(pattern=r"#[0-9A-Fa-f]{6}"), run_color(0))
    label: Field[str] = Field(Text(), "")
    enabled: Field[bool] = Field(Flag(), True)
    batch: Field[int | None] = Field(Batch(), None)
    seed: Field[int] = Field(Number(0, MAX_SEED, integer=True), 0)  # run editor's seed spin


def default_color(index: int) -> str:
    """The colour a racer without one gets: its place in the palette."""
    return run_color(index)
