"""`gdstudio run`: check the arguments, build the core Run they describe, stream its rows."""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import stat
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO, TypeVar

from .cli_args import (
    MAX_SEED,
    MAX_STEPS,
    ArgError,
    shown,
    whole,
)
from .cli_landscape import add_landscape_options, landscape_from_args, landscape_name
from .cli_stepping import add_stepping_options, batch_from_text, stepping_from_args, stream_rows

if TYPE_CHECKING:
    from .core.data import Dataset
    from .core.run import Run

_P = TypeVar("_P", bound=argparse.ArgumentParser)  # the main parser's class (cli._Parser)
# A run setting a core message names, and the option that sets it.
_RUN_FIELDS = {
    "seed": "--seed",
    "batch": "--batch",
    "clip": "--clip-norm",
    "start": "--start",
    "tol": "--tol",
    "max_steps": "--steps",
    "lr": "--lr",
}


def add_parser(sub: argparse._SubParsersAction[_P]) -> _P:
    """Register the `run` subcommand and its options on the main parser's subparsers."""
    r = sub.add_parser(
        "run",
        help="run one optimizer headless and print one row per step",
        description="Run one optimizer and print the state after every update.",
    )
    add_landscape_options(r)
    r.add_argument("--start", help="start point, comma separated (default: the landscape's)")
    add_stepping_options(r)
    r.add_argument("--data", help="CSV file with columns x,y[,label]")
    r.add_argument("--loss", choices=("mse", "mae", "huber", "bce"), help="loss on the data")
    r.add_argument("--batch", default="full", help="full, sgd or a mini-batch size K")
    r.add_argument("--seed", default="0", help=f"seed for stochastic batches, 0 to {MAX_SEED}")
    r.add_argument("--tol", default="1e-6", help="stop when |∇L| falls below this (0 never stops)")
    r.add_argument("--every", default="1", help="print every K-th row (and the last)")
    r.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="table (the final status in a last '# ...' line), csv (a status "
        "column: 'running' but on the last row) or json (status fields)",
    )
    return r


def build_run(args: argparse.Namespace) -> Run:
    """Validate `run` arguments and build the Run they describe (ArgError on bad input)."""
    from .core.catalog import DATA_LANDSCAPES, is_data_landscape
    from .core.run import Run

    name = landscape_name(args)
    _check_loss_and_data(args, name)
    dataset = _load_data(args.data, DATA_LANDSCAPES.get(name) == "bce")
    landscape = landscape_from_args(args, dataset)

    stepping = stepping_from_args(args)
    start = _start(args.start, landscape.param_names, name)
    seed = whole(args.seed, "--seed", 0, MAX_SEED)
    batch = batch_from_text(args.batch)
    if batch is not None and not is_data_landscape(name):
        raise ArgError(
            f"--batch {args.batch.strip()} applies to data landscapes "
            f"({', '.join(DATA_LANDSCAPES)}); '{name}' has no data"
        )
    try:
        return Run(
            landscape,
            stepping.optimizer,
            start,
            schedule=stepping.schedule,
            clip_norm=stepping.clip_norm,
            batch_size=batch,
            seed=seed,
            tol=stepping.tol,
            max_steps=stepping.steps,
        )
    except (ValueError, OverflowError, TypeError) as e:
        raise ArgError(f"{_option_named_in(str(e))}: {e}") from None


def _check_loss_and_data(args: argparse.Namespace, name: str) -> None:
    from .core.catalog import DATA_LANDSCAPES, LOSS_TO_LANDSCAPE, is_data_landscape

    if args.loss is not None:
        wanted = LOSS_TO_LANDSCAPE[args.loss]
        if is_data_landscape(name) and name != wanted:
            raise ArgError(f"--loss {args.loss} contradicts --landscape {name} (use {wanted})")
        if not is_data_landscape(name):
            raise ArgError(
                f"--loss applies to data landscapes ({', '.join(DATA_LANDSCAPES)}), not '{name}'"
            )
    if args.data is not None and not is_data_landscape(name):
        raise ArgError(
            f"--data applies to data landscapes ({', '.join(DATA_LANDSCAPES)}), not '{name}'"
        )


def _load_data(path: str | None, require_label: bool) -> Dataset | None:
    """The dataset in the CSV file at path (None for none); only a regular file is opened."""
    if path is None:
        return None
    from .core.data import DataWarning, load_csv

    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        raise ArgError(f"--data: cannot read {shown(path)}: {reason}") from None
    if stat.S_ISDIR(mode):
        raise ArgError(f"--data: {shown(path)} is a folder; give a CSV file")
    if not stat.S_ISREG(mode):
        raise ArgError(
            f"--data: {shown(path)} is not a regular file (a pipe or a device); give a CSV file"
        )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            dataset = load_csv(path, require_label=require_label)
        for w in caught:  # one line each, not Python's two-line warning format
            sys.stderr.write(f"gdstudio: warning: --data: {w.message}\n")
        return dataset
    except (ValueError, OverflowError) as e:  # DataError is a ValueError and names the file
        raise ArgError(f"--data: {e}") from None
    except csv.Error as e:
        raise ArgError(f"--data: {shown(path)}: {e}") from None


def _start(text: str | None, names: Sequence[str], landscape: str) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        start = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise ArgError(
            f"--start: expected {len(names)} comma-separated numbers "
            f"({','.join(names)}), got {shown(text)}"
        ) from None
    if len(start) != len(names) or not all(map(math.isfinite, start)):
        raise ArgError(
            f"--start: {landscape} takes {len(names)} finite values "
            f"({','.join(names)}), got {shown(text)}"
        )
    return start


def _option_named_in(message: str) -> str:
    """The option setting the run field a core message names first ('--steps' if none)."""
    found = [
        (m.start(), option)
        for field, option in _RUN_FIELDS.items()
        if (m := re.search(rf"\b{field}", message))
    ]
    return min(found)[1] if found else "--steps"


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    """Run one optimizer and stream one row per step (after the update), then its status."""
    from .run_output import make_writer

    run = build_run(args)
    every = whole(args.every, "--every", 1, MAX_STEPS)
    names = list(run.landscape.param_names)
    head = {
        "landscape": run.landscape.name,
        "optimizer": args.optimizer,
        "params": dict(run.optimizer.hyper),
    }
    writer = make_writer(args.format, out, ["step", *names, "loss", "grad_norm", "lr"], head)
    status = stream_rows(
        run,
        every,
        lambda row: [row.step, *row.params.tolist(), row.loss, row.grad_norm, row.lr],
        lambda: [0, *run.start.tolist(), run.loss, run.grad_norm, run.lr],
        writer.row,
    )
    writer.close(status, run.steps)
    return 0
