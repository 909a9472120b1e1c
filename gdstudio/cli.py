"""Command line: `gdstudio` opens the window; `list`, `run` (and `export`) work headless."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from . import __version__, export_cli

# Options whose value may be a negative number or a list starting with one ("-1.5,2").
_VALUE_OPTIONS = {"--start", "--lr", "--clip-norm", "--param", "--schedule-param", "--seed",
                  "--tol", "--steps", "--every", "--max-steps"}
_NEGATIVE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)


class ArgError(Exception):
    """A bad command-line argument: one line naming it and what is allowed."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors on one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _join_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn `--start -1.5,2` into `--start=-1.5,2` so argparse keeps the value."""
    out: list[str] = []
    it = iter(range(len(argv)))
    for i in it:
        a = argv[i]
        if a in _VALUE_OPTIONS and i + 1 < len(argv) and _NEGATIVE.match(argv[i + 1]):
            out.append(f"{a}={argv[i + 1]}")
            next(it, None)
        else:
            out.append(a)
    return out


def parse_value(text: str) -> object:
    """A --param value: bool (true/false), number, or comma list of numbers."""
    t = text.strip()
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if "," in t:
        return tuple(_number(part) for part in t.split(","))
    return _number(t)


def _number(text: str) -> float | int:
    t = text.strip()
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        raise ArgError(f"{text!r} is not a number, true/false or a comma list") from None


def _key_values(items: Sequence[str] | None, option: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ArgError(f"{option}: expected NAME=VALUE, got {item!r}")
        try:
            out[name.strip()] = parse_value(value)
        except ArgError as e:
            raise ArgError(f"{option} {name.strip()}: {e}") from None
    return out


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    p = _Parser(
        prog="gdstudio",
        description="Gradient Descent Studio: watch gradient descent work. "
        "With no command, opens the window.",
    )
    p.add_argument("--version", action="version", version=f"gdstudio {__version__}")
    p.add_argument("--scene", help="open the window on this lesson scene (see 'gdstudio list')")
    p.add_argument("--session", help="open this .gdstudio session file")
    sub = p.add_subparsers(dest="command", metavar="{list,run,export}", parser_class=_Parser)
    sub.add_parser("list", help="list landscapes, optimizers, schedules and scenes")
    r = sub.add_parser(
        "run", help="run one optimizer headless and print one row per step",
        description="Run one optimizer and print the state after every update.",
    )
    r.add_argument("--landscape", required=True, help="landscape name (see 'gdstudio list')")
    r.add_argument("--start", help="start point, comma separated (default: the landscape's)")
    r.add_argument("--optimizer", required=True, help="optimizer name")
    r.add_argument("--lr", type=float, help="learning rate (default: PyTorch's for the optimizer)")
    r.add_argument("--steps", type=int, required=True, help="number of updates")
    r.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="optimizer hyperparameter, PyTorch's name (repeatable)")
    r.add_argument("--schedule", default="constant", help="learning-rate schedule")
    r.add_argument("--schedule-param", action="append", metavar="NAME=VALUE",
                   help="schedule parameter (repeatable)")
    r.add_argument("--clip-norm", type=float, help="clip the gradient to this global norm")
    r.add_argument("--data", help="CSV file with columns x,y[,label]")
    r.add_argument("--loss", choices=("mse", "mae", "huber", "bce"), help="loss on the data")
    r.add_argument("--batch", default="full", help="full, sgd or a mini-batch size K")
    r.add_argument("--seed", type=int, default=0, help="seed for stochastic batches")
    r.add_argument("--tol", type=float, default=1e-6,
                   help="stop when |∇L| falls below this (0 never stops)")
    r.add_argument("--every", type=int, default=1, help="print every K-th row (and the last)")
    r.add_argument("--format", choices=("table", "csv", "json"), default="table")
    export_cli.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `gdstudio` console script."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(_join_negative_values(args_in))
    try:
        if args.command == "list":
            return cmd_list(sys.stdout)
        if args.command == "run":
            return cmd_run(args, sys.stdout)
        if args.command == "export":
            return export_cli.cmd_export(args)
    except (ArgError, export_cli.ExportArgError) as e:
        parser.exit(2, f"gdstudio {args.command}: error: {e}\n")
    return launch_window(args.scene, args.session)


def gui_main() -> int:
    """Entry point of the `gdstudio-gui` launcher script (no subcommands)."""
    parser = build_parser()
    args = parser.parse_args(_join_negative_values(sys.argv[1:]))
    return launch_window(args.scene, args.session)


def launch_window(scene: str | None, session: str | None) -> int:
    """Open the main window (imports Qt only here)."""
    from .app.application import run_app

    return run_app(scene=scene, session=session)


# --- list ------------------------------------------------------------------------------------


def cmd_list(out: TextIO) -> int:
    """Print every landscape, optimizer, schedule and scene with a short description."""
    from .core.catalog import landscape_names, make_landscape
    from .core.optimizers import OPTIMIZERS
    from .core.schedules import SCHEDULES
    from .io.scenes import load_scenes

    out.write("Landscapes:\n")
    for name in landscape_names():
        ls = make_landscape(name)
        out.write(f"  {name:<14} {', '.join(ls.param_names):<8} {ls.description}\n")
    out.write("\nOptimizers (hyperparameters, PyTorch defaults):\n")
    for name, cls in OPTIMIZERS.items():
        params = ", ".join(f"{k}={_fmt_default(v)}" for k, v in cls.defaults.items())
        out.write(f"  {name:<14} {params}\n")
    out.write("\nSchedules:\n")
    for name, cls in SCHEDULES.items():
        params = ", ".join(
            [f"{k} (required)" for k in cls.required]
            + [f"{k}={_fmt_default(v)}" for k, v in cls.defaults.items()]
        )
        out.write(f"  {name:<14} {params or '(no parameters)'}\n")
    out.write("\nScenes (gdstudio --scene ID):\n")
    for scene in load_scenes().values():
        out.write(f"  {scene.id:<14} {scene.title}\n")
    return 0


def _fmt_default(v: object) -> str:
    if v is None:
        return "(required)"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (tuple, list)):
        return ",".join(_fmt_default(x) for x in v)
    return f"{v:g}" if isinstance(v, float) else str(v)


# --- run -------------------------------------------------------------------------------------


def build_run(args: argparse.Namespace):  # noqa: ANN201 - returns core.run.Run
    """Validate `run` arguments and build the Run they describe (ArgError on bad input)."""
    from .core.batching import parse_batch
    from .core.catalog import (
        DATA_LANDSCAPES,
        LOSS_TO_LANDSCAPE,
        is_data_landscape,
        landscape_names,
        make_landscape,
    )
    from .core.data import DataError, load_csv
    from .core.optimizers import make_optimizer, optimizer_names
    from .core.run import Run
    from .core.schedules import make_schedule, schedule_names

    name = args.landscape
    if name not in landscape_names():
        raise ArgError(f"--landscape: unknown '{name}'; allowed: {', '.join(landscape_names())}")
    if args.loss is not None:
        wanted = LOSS_TO_LANDSCAPE[args.loss]
        if is_data_landscape(name) and name != wanted:
            raise ArgError(f"--loss {args.loss} contradicts --landscape {name} (use {wanted})")
        if not is_data_landscape(name):
            raise ArgError(f"--loss applies to data landscapes ({', '.join(DATA_LANDSCAPES)}), "
                           f"not '{name}'")
    if args.data is not None and not is_data_landscape(name):
        raise ArgError(f"--data applies to data landscapes ({', '.join(DATA_LANDSCAPES)}), "
                       f"not '{name}'")
    dataset = None
    if args.data is not None:
        try:
            dataset = load_csv(args.data, require_label=DATA_LANDSCAPES[name] == "bce")
        except DataError as e:
            raise ArgError(f"--data: {e}") from None
    try:
        landscape = make_landscape(name, dataset)
    except ValueError as e:
        raise ArgError(f"--landscape: {e}") from None

    if args.optimizer not in optimizer_names():
        raise ArgError(f"--optimizer: unknown '{args.optimizer}'; allowed: "
                       f"{', '.join(optimizer_names())}")
    hyper = _key_values(args.param, "--param")
    if args.lr is not None:
        if "lr" in hyper:
            raise ArgError("give the learning rate once: --lr or --param lr=..., not both")
        hyper["lr"] = args.lr
    try:
        optimizer = make_optimizer(args.optimizer, **hyper)
    except ValueError as e:
        raise ArgError(f"--param: {e}") from None

    schedule = None
    if args.schedule not in schedule_names():
        raise ArgError(f"--schedule: unknown '{args.schedule}'; allowed: "
                       f"{', '.join(schedule_names())}")
    sparams = _key_values(args.schedule_param, "--schedule-param")
    try:
        schedule = make_schedule(args.schedule, **sparams)
    except ValueError as e:
        raise ArgError(f"--schedule-param: {e}") from None

    start = None
    if args.start is not None:
        try:
            start = tuple(float(v) for v in args.start.split(","))
        except ValueError:
            raise ArgError(f"--start: expected {len(landscape.param_names)} comma-separated "
                           f"numbers ({','.join(landscape.param_names)}), got {args.start!r}"
                           ) from None
        if len(start) != len(landscape.param_names) or not all(map(math.isfinite, start)):
            raise ArgError(f"--start: {name} takes {len(landscape.param_names)} finite values "
                           f"({','.join(landscape.param_names)}), got {args.start!r}")
    if args.steps is None or args.steps < 1:
        raise ArgError(f"--steps: must be a whole number >= 1, got {args.steps}")
    if args.every < 1:
        raise ArgError(f"--every: must be >= 1, got {args.every}")
    if args.clip_norm is not None and not args.clip_norm > 0:
        raise ArgError(f"--clip-norm: must be > 0, got {args.clip_norm}")
    if not args.tol >= 0:
        raise ArgError(f"--tol: must be >= 0, got {args.tol}")
    try:
        batch = parse_batch(args.batch)
    except ValueError as e:
        raise ArgError(f"--batch: {e}") from None
    if batch is not None and not is_data_landscape(name):
        raise ArgError(f"--batch {args.batch} applies to data landscapes "
                       f"({', '.join(DATA_LANDSCAPES)}); '{name}' has no data")
    return Run(landscape, optimizer, start, schedule=schedule, clip_norm=args.clip_norm,
               batch_size=batch, seed=args.seed, tol=args.tol, max_steps=args.steps)


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    """Run one optimizer and print one row per step (after the update)."""
    run = build_run(args)
    names = list(run.landscape.param_names)
    header = ["step", *names, "loss", "grad_norm", "lr"]
    rows: list[list[float]] = []
    every = args.every

    def keep(row) -> None:  # noqa: ANN001
        if row.step % every == 0:
            rows.append([row.step, *row.params.tolist(), row.loss, row.grad_norm, row.lr])

    run.step(args.steps, on_row=keep)
    last = run.history.latest
    if last is not None and int(last[0]) > 0 and (not rows or rows[-1][0] != int(last[0])):
        rows.append([int(last[0]), *last[1:].tolist()])
    if args.format == "csv":
        out.write(",".join(header) + "\n")
        for r in rows:
            out.write(",".join([str(int(r[0]))] + [repr(float(v)) for v in r[1:]]) + "\n")
    elif args.format == "json":
        json.dump({
            "landscape": run.landscape.name,
            "optimizer": args.optimizer,
            "params": {k: _jsonable(v) for k, v in run.optimizer.hyper.items()},
            "rows": [dict(zip(header, [int(r[0]), *r[1:]], strict=True)) for r in rows],
            "status": run.status,
            "status_step": run.status_step,
        }, out, indent=1)
        out.write("\n")
    else:
        _write_table(out, header, rows)
        note = f" ({run.status_reason})" if run.status_reason else ""
        out.write(f"# {run.status_text()}{note} after {run.steps} steps\n")
    return 0


def _jsonable(v: object) -> object:
    return list(v) if isinstance(v, tuple) else v


def _fmt_cell(v: float) -> str:
    a = abs(v)
    if v == 0 or 1e-3 <= a < 1e7:
        return f"{v:.4f}"
    return f"{v:.4e}"


def _write_table(out: TextIO, header: list[str], rows: list[list[float]]) -> None:
    cells = [[str(int(r[0]))] + [_fmt_cell(v) for v in r[1:-1]] + [f"{r[-1]:.6g}"] for r in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(header)]
    out.write("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)) + "\n")
    for c in cells:
        out.write("  ".join(x.rjust(w) for x, w in zip(c, widths, strict=True)) + "\n")
