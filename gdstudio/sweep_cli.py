"""`gdstudio sweep`: optimizers × log-spaced learning rates, one row each (or the best rate).

Every setting is checked as `gdstudio run` checks it (the same options, the same messages), and
each row states what `gdstudio run` with that optimizer and rate ends with: the final loss,
the step |∇L| fell below --tol (empty if it never did) and the status. Rates and losses are
printed in full precision, so a row can be run again exactly.
"""

from __future__ import annotations

import argparse
import copy
import json
from typing import TYPE_CHECKING, TextIO, TypeVar

from .cli_args import ArgError, shown
from .cli_landscape import add_landscape_options

if TYPE_CHECKING:
    from .core.run import Run
    from .core.sweep import SweepRow

_P = TypeVar("_P", bound=argparse.ArgumentParser)
COLUMNS = ("optimizer", "lr", "final_loss", "steps_to_tol", "status")


def add_parser(sub: argparse._SubParsersAction[_P]) -> _P:
    """Register the `sweep` subcommand on the main parser's subparsers."""
    s = sub.add_parser(
        "sweep",
        help="run optimizers at many learning rates; one row per optimizer and rate",
        description="Run each optimizer at every learning rate of a range and print how each "
        "run ends: its final loss, the step it reached --tol, and its status.",
    )
    add_landscape_options(s)
    s.add_argument("--start", help="start point, comma separated (default: the landscape's)")
    s.add_argument(
        "--optimizer", required=True, help="optimizer names, comma separated (e.g. sgd,adam)"
    )
    s.add_argument(
        "--lr",
        required=True,
        help="FROM:TO:COUNT for COUNT rates spaced evenly in log (e.g. 1e-5:10:64), "
        "or a comma-separated list",
    )
    s.add_argument("--steps", required=True, help="updates per run")
    s.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="hyperparameter for every optimizer listed, PyTorch's name (repeatable)",
    )
    s.add_argument("--clip-norm", help="clip the gradient to this global norm")
    s.add_argument("--data", help="CSV file with columns x,y[,label]")
    s.add_argument("--loss", choices=("mse", "mae", "huber", "bce"), help="loss on the data")
    s.add_argument("--batch", default="full", help="full, sgd or a mini-batch size K")
    s.add_argument("--seed", default="0", help="seed for stochastic batches")
    s.add_argument("--tol", default="1e-6", help="a run converges when |∇L| falls below this")
    s.add_argument(
        "--best",
        action="store_true",
        help="one row per optimizer, its best rate: the rates that reach --tol tie and the "
        "fewest steps win; the others by their highest loss over the last tenth of the "
        "steps; a diverged rate never wins",
    )
    s.add_argument("--format", choices=("table", "csv", "json"), default="table")
    return s


def _run_args(args: argparse.Namespace, optimizer: str, rate: float) -> argparse.Namespace:
    """The `gdstudio run` arguments of one optimizer at one rate."""
    one = copy.copy(args)
    one.optimizer = optimizer
    one.lr = repr(rate)
    one.schedule, one.schedule_param = "constant", None
    return one


def build_sweep(args: argparse.Namespace) -> tuple[Run, list[str], list[float]]:
    """Check the arguments as `gdstudio run` would: a probe run, the optimizers, the rates."""
    from .cli_args import key_values
    from .core.errors import ConfigError
    from .core.optimizers import make_optimizer, optimizer_names
    from .core.sweep import parse_rates
    from .run_cli import build_run

    names = [n.strip() for n in args.optimizer.split(",") if n.strip()]
    if not names:
        raise ArgError(f"--optimizer: give one or more names, got {shown(args.optimizer)}")
    if len(set(names)) != len(names):
        raise ArgError(f"--optimizer: {shown(args.optimizer)} names an optimizer twice")
    for name in names:
        if name not in optimizer_names():
            allowed = ", ".join(optimizer_names())
            raise ArgError(f"--optimizer: unknown {shown(name)}; allowed: {allowed}")
    try:
        rates = [float(r) for r in parse_rates(args.lr)]
    except ConfigError as e:
        raise ArgError(f"--lr: {e}") from None
    probe = build_run(_run_args(args, names[0], rates[0]))  # the landscape, data, start...
    hyper = key_values(args.param, "--param")
    for name in names:
        for rate in (rates[0], rates[-1]):  # the rule's checks hold for the whole range
            try:
                make_optimizer(name, **hyper, lr=rate)
            except (ValueError, OverflowError, TypeError) as e:
                raise ArgError(f"--param: {e}") from None
    return probe, names, rates


def sweep_rows(args: argparse.Namespace) -> list[SweepRow]:
    """The rows `gdstudio sweep` prints."""
    from .cli_args import key_values
    from .core.sweep import best_rows, sweep

    probe, names, rates = build_sweep(args)
    hyper = key_values(args.param, "--param")
    rows = sweep(
        probe.landscape,
        [(name, hyper) for name in names],
        rates,
        probe.max_steps or 1,
        start=tuple(probe.start),
        tol=probe.tol,
        clip_norm=probe.clip_norm,
        batch_size=probe.batch_size,
        seed=probe.seed,
    )
    return best_rows(rows) if args.best else rows


def cmd_sweep(args: argparse.Namespace, out: TextIO) -> int:
    """Run the sweep and print its rows in --format."""
    rows = sweep_rows(args)
    if args.format == "json":
        out.write(json.dumps([_json_row(r) for r in rows], indent=1) + "\n")
    elif args.format == "csv":
        out.write(",".join(COLUMNS) + "\n")
        for r in rows:
            out.write(",".join(_cells(r, exact=True)) + "\n")
    else:
        table = [list(COLUMNS)] + [_cells(r, exact=False) for r in rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
        for line in table:
            out.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
            out.write("\n")
    return 0


def _cells(row: SweepRow, exact: bool) -> list[str]:
    from .run_output import csv_number

    loss = csv_number(row.final_loss) if exact else _short(row.final_loss)
    steps = "" if row.steps_to_tol is None else str(row.steps_to_tol)
    return [row.optimizer, repr(row.lr), loss, steps, row.status_text]


def _short(v: float) -> str:
    return f"{v:.6g}"


def _json_row(row: SweepRow) -> dict[str, object]:
    from .run_output import finite_or_none

    return {
        "optimizer": row.optimizer,
        "lr": row.lr,
        "final_loss": finite_or_none(row.final_loss),
        "steps_to_tol": row.steps_to_tol,
        "status": row.status,
        "status_step": row.status_step,
        "status_text": row.status_text,
    }
