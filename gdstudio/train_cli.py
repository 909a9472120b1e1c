"""`gdstudio train`: train a small neural network headless and print one row per step.

The network (core/nn.py), its data (core/datasets.py) and the run are the core's; the
optimizer, schedule, clipping, batch and output options are `gdstudio run`'s, with its
messages. Each row is the state after an update: step, train_loss (the loss the optimizer
minimises, on the training points), val_loss (the same loss on the held-out points), train_acc,
val_acc, grad_norm and lr; with no validation points (--validation 0) the val cells are empty
in CSV, null in JSON and nan in the table. One --seed draws the data, the split, the
initial weights and the stochastic batches.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from .cli_args import MAX_SEED, MAX_STEPS, ArgError, real, shown, whole
from .cli_stepping import add_stepping_options, batch_from_text, stepping_from_args, stream_rows

if TYPE_CHECKING:
    import numpy as np

    from .core.datasets import Points
    from .core.nn_landscape import NetworkLandscape
    from .core.run import Run

_P = TypeVar("_P", bound=argparse.ArgumentParser)
COLUMNS = ["step", "train_loss", "val_loss", "train_acc", "val_acc", "grad_norm", "lr"]
DEFAULT_POINTS = "200"
DEFAULT_NOISE = "0.1"


def add_train_parser(sub: argparse._SubParsersAction[_P]) -> _P:
    """Register the `train` subcommand and its options on the main parser's subparsers."""
    t = sub.add_parser(
        "train",
        help="train a small neural network headless and print one row per step",
        description="Train a 2-input network on two classes of points and print, after every "
        "update, the training and validation loss and accuracy, |∇L| and the learning rate.",
    )
    source = t.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", help="moons, circles, xor, spiral or blobs")
    source.add_argument("--data", help="CSV file with columns x1,x2,label (label 0 or 1)")
    t.add_argument(
        "--noise", help=f"--dataset's jitter, a standard deviation (default {DEFAULT_NOISE})"
    )
    t.add_argument("--points", help=f"--dataset's number of points (default {DEFAULT_POINTS})")
    t.add_argument(
        "--validation", default="0.2", help="fraction of the points held out, 0 up to 1 (0: none)"
    )
    t.add_argument(
        "--layers", default="8,8", help="hidden layer sizes, e.g. 8,8 (up to 3 of 1-32; 0: none)"
    )
    t.add_argument("--activation", default="tanh", help="tanh, relu or sigmoid")
    add_stepping_options(t)
    t.add_argument("--batch", default="full", help="full, sgd or a mini-batch size K")
    t.add_argument(
        "--seed", default="0", help=f"seed of the data, split, weights and batches, 0 to {MAX_SEED}"
    )
    t.add_argument("--tol", default="1e-6", help="stop when |∇L| falls below this (0 never stops)")
    t.add_argument("--every", default="1", help="print every K-th row (and the last)")
    t.add_argument("--format", choices=("table", "csv", "json"), default="table")
    t.add_argument("--init-weights", help=".npz of W1, b1, W2, b2, ... to start from")
    t.add_argument("--save-weights", help="write the final weights to this .npz file")
    return t


# --- building the run ------------------------------------------------------------------------


def _points(args: argparse.Namespace, seed: int) -> Points:
    """The points of --dataset (made) or --data (read)."""
    from .core.datasets import GENERATORS, make_points

    if args.data is not None:
        for option, value in (("--noise", args.noise), ("--points", args.points)):
            if value is not None:
                raise ArgError(f"{option} applies to --dataset, not to --data")
        return _load_points(args.data)
    if args.dataset not in GENERATORS:
        raise ArgError(
            f"--dataset: unknown {shown(args.dataset)}; allowed: {', '.join(GENERATORS)}"
        )
    noise = real(
        args.noise or DEFAULT_NOISE,
        "--noise",
        "a number from 0 to 10",
        lambda x: 0 <= x <= 10,
    )
    points = whole(args.points or DEFAULT_POINTS, "--points", 1, 100_000)
    return make_points(args.dataset, points, noise, seed)


def _load_points(path: str) -> Points:
    """The points of a CSV file of x1,x2,label; what it reads past is a warning on stderr."""
    from .core.data_csv import DataWarning
    from .core.datasets import load_points_csv

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DataWarning)
            points = load_points_csv(path)
        for w in caught:  # one line each, not Python's two-line warning format
            sys.stderr.write(f"gdstudio: warning: --data: {w.message}\n")
        return points
    except (ValueError, OverflowError) as e:  # DataError names the file and the line
        raise ArgError(f"--data: {e}") from None
    except csv.Error as e:
        raise ArgError(f"--data: {shown(path)}: {e}") from None


def _check_save_path(path: str | None) -> None:
    """Refuse a --save-weights path that cannot be written, before any step is taken."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise ArgError(f"--save-weights: {shown(path)} is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise ArgError(f"--save-weights: the folder {shown(str(folder))} does not exist")
    if not os.access(folder, os.W_OK):
        raise ArgError(f"--save-weights: the folder {shown(str(folder))} is not writable")


def build_training(args: argparse.Namespace) -> Run:
    """Validate `train` arguments and build the Run they describe (ArgError on bad input)."""
    from .core.datasets import split
    from .core.errors import ConfigError
    from .core.nn import Architecture, check_activation, parse_layers
    from .core.nn_landscape import NetworkLandscape
    from .core.nn_weights import load_weights
    from .core.run import Run

    seed = whole(args.seed, "--seed", 0, MAX_SEED)
    try:
        hidden = parse_layers(args.layers)
    except ConfigError as e:
        raise ArgError(f"--{e}") from None
    try:
        arch = Architecture(hidden, check_activation(args.activation))
    except ConfigError as e:
        raise ArgError(f"--activation: {e}") from None
    points = _points(args, seed)
    fraction = real(
        args.validation,
        "--validation",
        "a fraction from 0 (none held out) up to but not 1",
        lambda x: 0 <= x < 1,
    )
    train, held = split(points, fraction, seed)
    start = None
    if args.init_weights is not None:
        try:
            start = load_weights(args.init_weights, arch)
        except ConfigError as e:
            raise ArgError(f"--init-weights: {e}") from None
    landscape = NetworkLandscape(arch, train, held, start=start, seed=seed)
    stepping = stepping_from_args(args)
    batch = batch_from_text(args.batch)
    _check_save_path(args.save_weights)
    return Run(
        landscape,
        stepping.optimizer,
        schedule=stepping.schedule,
        clip_norm=stepping.clip_norm,
        batch_size=batch,
        seed=seed,
        tol=stepping.tol,
        max_steps=stepping.steps,
        history_capacity=4,  # rows are streamed; the run keeps none of them
    )


# --- the rows --------------------------------------------------------------------------------


def _cells(land: NetworkLandscape, step: int, params: np.ndarray, loss: float,
           grad_norm: float, lr: float) -> list[float]:  # fmt: skip
    """One printed row: the run's loss and |∇L|, and the validation loss and both accuracies."""
    m = land.evaluate(params, train_loss=loss)
    return [step, loss, m.val_loss, m.train_acc, m.val_acc, grad_norm, lr]


def _head(args: argparse.Namespace, run: Run) -> dict[str, Any]:
    land: NetworkLandscape = run.landscape  # type: ignore[assignment]
    return {
        "dataset": args.dataset if args.data is None else args.data,
        "layers": list(land.arch.hidden),
        "activation": land.arch.activation,
        "parameters": land.dim,
        "train_points": len(land.train),
        "validation_points": len(land.validation),
        "optimizer": args.optimizer,
        "params": dict(run.optimizer.hyper),
    }


def cmd_train(args: argparse.Namespace, out: TextIO) -> int:
    """Train and stream one row per step (after the update), then the run's status."""
    from .run_output import make_writer

    every = whole(args.every, "--every", 1, MAX_STEPS)
    run = build_training(args)
    land: NetworkLandscape = run.landscape  # type: ignore[assignment]
    writer = make_writer(args.format, out, COLUMNS, _head(args, run))
    status = stream_rows(
        run,
        every,
        lambda row: (row.step, row.params.copy(), row.loss, row.grad_norm, row.lr),
        lambda: (0, run.start.copy(), run.loss, run.grad_norm, run.lr),
        lambda kept, status: writer.row(_cells(land, *kept), status),
    )
    writer.close(status, run.steps)
    _save(args.save_weights, run)
    return 0


def _save(path: str | None, run: Run) -> None:
    """Write the run's final weights to --save-weights (if given)."""
    if path is None:
        return
    from .core.nn_weights import save_weights

    land: NetworkLandscape = run.landscape  # type: ignore[assignment]
    try:
        save_weights(path, land.arch, run.params)
    except OSError as e:
        raise ArgError(f"--save-weights: cannot write {shown(path)}: {e.strerror or e}") from None
