"""Command line: `gdstudio [FILE.gdstudio]` opens the window; `list`, `run`, `sweep`, `export`
work headless; `install-desktop` puts the app where desktops look."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from . import export_cli, run_cli, sweep_cli, train_cli, version
from .cli_args import ArgError, join_negative_values, one_line


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors on one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, one_line(f"{self.prog}: error: {message} (see '{self.prog} --help')") + "\n")


class _Version(argparse.Action):
    """--version: the version, read from the package's metadata only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        sys.stdout.write(f"gdstudio {version()}\n")  # on stdout, as argparse's own
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    p = _Parser(
        prog="gdstudio",
        description="Gradient Descent Studio: watch gradient descent work. "
        "With no command, opens the window (on FILE.gdstudio if one is given).",
    )
    p.add_argument("--version", action=_Version, help="show the version and exit")
    p.add_argument("--scene", help="open the window on this lesson scene (see 'gdstudio list')")
    p.add_argument(
        "--session", help="open this .gdstudio session file (also: gdstudio FILE.gdstudio)"
    )
    p.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, render a 3D frame and a plot, step a race, and exit 0 "
        "(or print what failed and exit 1)",
    )
    sub = p.add_subparsers(dest="command", metavar="{" + ",".join(COMMANDS) + "}",
                           parser_class=_Parser)  # fmt: skip
    sub.add_parser("list", help="list landscapes, optimizers, schedules and scenes")
    run_cli.add_parser(sub)
    train_cli.add_train_parser(sub)
    sweep_cli.add_parser(sub)
    export_cli.add_parser(sub)
    desktop = sub.add_parser(
        "install-desktop",
        help="install the desktop entry, icons, file type and metadata for this user",
        description="Put the desktop entry, the icon, the .gdstudio file type and the AppStream "
        "metadata into the user's XDG data folder ($XDG_DATA_HOME or ~/.local/share) and "
        "refresh the desktop's caches.",
    )
    desktop.add_argument("--uninstall", action="store_true", help="remove what it installed")
    return p


COMMANDS = ("list", "run", "train", "sweep", "export", "install-desktop")


def session_shortcut(argv: list[str]) -> list[str]:
    """`gdstudio FILE.gdstudio` as `gdstudio --session FILE.gdstudio` (what a desktop runs)."""
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        first = argv[0]
        if first.endswith(".gdstudio") or os.path.isfile(first):
            return ["--session", first, *argv[1:]]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `gdstudio` console script."""
    args_in = session_shortcut(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args = parser.parse_args(join_negative_values(args_in))
    if args.smoke_test:
        from . import smoke

        return smoke.main(sys.stdout)
    try:
        if args.command == "list":
            return cmd_list(sys.stdout)
        if args.command == "run":
            return run_cli.cmd_run(args, sys.stdout)
        if args.command == "train":
            return train_cli.cmd_train(args, sys.stdout)
        if args.command == "sweep":
            return sweep_cli.cmd_sweep(args, sys.stdout)
        if args.command == "export":
            return export_cli.cmd_export(args)
        if args.command == "install-desktop":
            return cmd_install_desktop(args, sys.stdout)
    except (ArgError, export_cli.ExportArgError) as e:
        parser.exit(2, one_line(f"gdstudio {args.command}: error: {e}") + "\n")
    except BrokenPipeError:
        return _closed_pipe()
    except KeyboardInterrupt:
        return 130
    return launch_window(args.scene, args.session)


def _closed_pipe() -> int:
    """The reader went away (`| head`): stop quietly with SIGPIPE's status, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file descriptor (captured in a test)
        pass
    return 128 + 13


def gui_main() -> int:
    """Entry point of the `gdstudio-gui` launcher script (no subcommands)."""
    parser = build_parser()
    args = parser.parse_args(join_negative_values(session_shortcut(sys.argv[1:])))
    if args.smoke_test:
        from . import smoke

        return smoke.main(sys.stdout)
    return launch_window(args.scene, args.session, console=False)


def launch_window(scene: str | None, session: str | None, *, console: bool = True) -> int:
    """Open the main window (imports Qt only here, with the collector paused: app/memory.py)."""
    from .app import memory

    memory.pause_collection()  # resumed once the window is up, or when run_app returns
    try:
        from .app.application import run_app

        return run_app(scene=scene, session=session, console=console)
    finally:
        memory.resume_collection()


def cmd_install_desktop(args: argparse.Namespace, out: TextIO) -> int:
    """Install (or --uninstall) the desktop integration; what it did, a line each."""
    from . import desktop

    if args.uninstall:
        report = desktop.uninstall()
        lines = report.lines("removed") or ["nothing to remove"]
    else:
        report = desktop.install()
        lines = report.lines("installed")
    out.write("\n".join(lines) + "\n")
    return 0


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
    for name, schedule_cls in SCHEDULES.items():
        params = ", ".join(
            [f"{k} (required)" for k in schedule_cls.required]
            + [f"{k}={_fmt_default(v)}" for k, v in schedule_cls.defaults.items()]
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
