"""The options `gdstudio run` and `gdstudio train` share, and how both stream their rows:
the optimizer with its hyperparameters, the steps, schedule, clipping and tolerance, --batch,
and the rows of a run written every K-th step and at the end."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from .cli_args import MAX_BATCH, MAX_STEPS, WHOLE, ArgError, key_values, real, shown, whole

if TYPE_CHECKING:
    from .core.optimizers import Optimizer
    from .core.run import Row, Run
    from .core.schedules import Schedule
    from .run_output import Status

_K = TypeVar("_K")  # what a stream keeps of a row


def add_stepping_options(parser: argparse.ArgumentParser) -> None:
    """The optimizer, its hyperparameters, the steps, schedule and clipping: `run`'s and
    `train`'s options alike (read back by `stepping_from_args`)."""
    parser.add_argument("--optimizer", required=True, help="optimizer name")
    parser.add_argument("--lr", help="learning rate (default: PyTorch's for the optimizer)")
    parser.add_argument("--steps", required=True, help=f"number of updates, 1 to {MAX_STEPS}")
    parser.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="optimizer hyperparameter, PyTorch's name (repeatable)",
    )
    parser.add_argument("--schedule", default="constant", help="learning-rate schedule")
    parser.add_argument(
        "--schedule-param",
        action="append",
        metavar="NAME=VALUE",
        help="schedule parameter (repeatable)",
    )
    parser.add_argument("--clip-norm", help="clip the gradient to this global norm")


@dataclass(frozen=True)
class Stepping:
    """What `add_stepping_options` (and --tol) set, checked."""

    optimizer: Optimizer
    schedule: Schedule
    steps: int
    clip_norm: float | None
    tol: float


def stepping_from_args(args: argparse.Namespace) -> Stepping:
    """The optimizer, schedule, steps, clipping and --tol of `args` (ArgError on bad input)."""
    from .core.optimizers import make_optimizer, optimizer_names
    from .core.schedules import make_schedule, schedule_names

    if args.optimizer not in optimizer_names():
        raise ArgError(
            f"--optimizer: unknown {shown(args.optimizer)}; allowed: {', '.join(optimizer_names())}"
        )
    hyper = key_values(args.param, "--param")
    if args.lr is not None:
        if "lr" in hyper:
            raise ArgError("give the learning rate once: --lr or --param lr=..., not both")
        hyper["lr"] = real(args.lr, "--lr", "a finite number >= 0", lambda x: x >= 0)
    try:
        optimizer = make_optimizer(args.optimizer, **hyper)
    except (ValueError, OverflowError, TypeError) as e:
        raise ArgError(f"--param: {e}") from None

    if args.schedule not in schedule_names():
        raise ArgError(
            f"--schedule: unknown {shown(args.schedule)}; allowed: {', '.join(schedule_names())}"
        )
    sparams = key_values(args.schedule_param, "--schedule-param")
    try:
        schedule = make_schedule(args.schedule, **sparams)
    except (ValueError, OverflowError, TypeError) as e:
        raise ArgError(f"--schedule-param: {e}") from None

    steps = whole(args.steps, "--steps", 1, MAX_STEPS)
    check_lr_stays_finite(schedule, float(optimizer.hyper["lr"]), steps)
    clip = (
        None
        if args.clip_norm is None
        else real(args.clip_norm, "--clip-norm", "a finite number > 0", lambda x: x > 0)
    )
    tol = real(args.tol, "--tol", "a finite number >= 0 (0 never stops)", lambda x: x >= 0)
    return Stepping(optimizer, schedule, steps, clip, tol)


def batch_from_text(text: str) -> int | None:
    """--batch: None for full batch, 1 for sgd, else the mini-batch size K."""
    if text in ("full", "sgd"):
        return None if text == "full" else 1
    t = text.strip()
    if WHOLE.match(t) and 1 <= int(t) <= MAX_BATCH:
        return int(t)
    raise ArgError(
        f"--batch: must be full, sgd or a mini-batch size K from 1 to {MAX_BATCH}, "
        f"got {shown(text)}"
    )


def check_lr_stays_finite(schedule: Schedule, base_lr: float, steps: int) -> None:
    """Refuse a schedule whose learning rate overflows within the run.

    Every schedule is monotone (step, exponential) or bounded (cosine, warm-up), so the first
    and the last update are the ones to check.
    """
    for t in sorted({0, steps - 1}):
        try:
            lr = float(schedule.lr_at(t, base_lr))
        except (ArithmeticError, ValueError):
            lr = math.inf
        if not math.isfinite(lr):
            params = ", ".join(f"{k}={v:g}" for k, v in schedule.params.items())
            raise ArgError(
                f"--schedule-param: the {schedule.name} learning rate "
                f"({params}, lr {base_lr:g}) exceeds the float range by update "
                f"{t + 1}; allowed: values that keep it finite for --steps {steps}"
            )


def stream_rows(
    run: Run,
    every: int,
    kept: Callable[[Row], _K],
    start: Callable[[], _K],
    write: Callable[[_K, str], None],
) -> Status:
    """Step `run` to its max steps and `write` every `every`-th row (what `kept` keeps of it)
    and the last, the last with the run's final status (the start's, if no update made a row);
    that status. Shared by `gdstudio run` and `gdstudio train`."""
    import numpy as np

    from .core.race import Race
    from .core.run import RUNNING
    from .run_output import final_status

    held: _K | None = None  # the last row kept, written once we know if it is the last
    latest: _K | None = None

    def keep(row: Row) -> None:
        nonlocal held, latest
        latest = kept(row)
        if row.step % every == 0:
            if held is not None:
                write(held, RUNNING)
            held = latest

    try:
        # Overflow on the way to divergence is expected: the status reports it, stderr stays
        # for argument errors (the core's runaway check can warn outside its errstate).
        with np.errstate(all="ignore"):
            Race([run]).step(run.max_steps or 0, on_row=lambda _run, row: keep(row))
    except (ArithmeticError, ValueError) as e:
        raise ArgError(
            f"step {run.steps + 1} failed ({type(e).__name__}: {e}); "
            "check --lr, --param and --schedule-param"
        ) from None
    if latest is not None and latest is not held:
        if held is not None:
            write(held, RUNNING)
        held = latest
    if held is None:  # no update made a row: state the start
        held = start()
    status = final_status(run)
    with np.errstate(all="ignore"):
        write(held, status.text)
    return status
