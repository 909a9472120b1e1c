"""`gdstudio install-desktop`: the desktop entry, icons, MIME type and AppStream metadata.

Everything goes into the user's XDG data folder (``$XDG_DATA_HOME``, else
``~/.local/share``), where desktops look for applications installed by the user; the caches
are refreshed with the freedesktop tools where they exist. ``--uninstall`` removes exactly
what an install wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .paths import resource_dir

APP_ID = "io.github.gdstudio"
MIME_TYPE = "application/x-gdstudio"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
_CACHE_TIMEOUT_S = 30


@dataclass(frozen=True)
class Report:
    """What an install or uninstall did: files written or removed, caches refreshed, problems."""

    files: tuple[Path, ...]
    refreshed: tuple[str, ...]
    problems: tuple[str, ...]

    def lines(self, verb: str) -> list[str]:
        """The report as lines for a console, `verb` naming what happened to the files."""
        out = [f"{verb} {path}" for path in self.files]
        out += [f"refreshed: {tool}" for tool in self.refreshed]
        out += [f"warning: {problem}" for problem in self.problems]
        return out


def data_home() -> Path:
    """The user's XDG data folder."""
    configured = os.environ.get("XDG_DATA_HOME", "")
    # The spec: a relative path in XDG_DATA_HOME is invalid and must be ignored.
    if configured and Path(configured).is_absolute():
        return Path(configured)
    return Path.home() / ".local" / "share"


def installed_paths(home: Path) -> dict[str, Path]:
    """Where each installed file goes under the data folder `home`, by role."""
    icons = home / "icons" / "hicolor"
    paths = {
        "desktop": home / "applications" / f"{APP_ID}.desktop",
        "mime": home / "mime" / "packages" / f"{APP_ID}.xml",
        "metainfo": home / "metainfo" / f"{APP_ID}.metainfo.xml",
        "icon-svg": icons / "scalable" / "apps" / f"{APP_ID}.svg",
    }
    for n in ICON_SIZES:
        paths[f"icon-{n}"] = icons / f"{n}x{n}" / "apps" / f"{APP_ID}.png"
    return paths


def launcher() -> str:
    """The command a desktop entry runs: the GUI script beside this Python, else by name.

    A virtual environment is rarely on the desktop session's PATH, so the entry names the
    script by its full path when it is found; a frozen build runs its own executable.
    """
    if getattr(sys, "frozen", False):
        return sys.executable
    beside = Path(sys.executable).parent / (
        "gdstudio-gui.exe" if os.name == "nt" else "gdstudio-gui"
    )
    if beside.exists():
        return str(beside)
    return shutil.which("gdstudio-gui") or "gdstudio-gui"


def desktop_entry(command: str) -> str:
    """The desktop entry's text, launching `command` (quoted as the spec asks)."""
    text = (resource_dir() / "desktop" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    quoted = _quote_exec(command)
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={quoted} %f"
        elif line.startswith("TryExec="):
            line = f"TryExec={command}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _quote_exec(command: str) -> str:
    """`command` as one Exec argument: quoted when it holds a reserved character."""
    if not any(c in command for c in " \t\n\"'\\><~|&;$*?#()`"):
        return command
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in command)
    return f'"{escaped}"'


def render_icon(size: int) -> bytes:
    """The application icon as a PNG of `size`×`size` pixels, drawn from its SVG."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    svg = (resource_dir() / "icons" / "gdstudio.svg").read_bytes()
    renderer = QSvgRenderer(QByteArray(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; Qt takes str
    buffer.close()
    return bytes(data.data())


def _contents(home: Path) -> dict[Path, Callable[[], bytes]]:
    """Each installed file and how to make its bytes."""
    desktop = resource_dir() / "desktop"
    paths = installed_paths(home)
    made: dict[Path, Callable[[], bytes]] = {
        paths["desktop"]: lambda: desktop_entry(launcher()).encode("utf-8"),
        paths["mime"]: (desktop / f"{APP_ID}.mime.xml").read_bytes,
        paths["metainfo"]: (desktop / f"{APP_ID}.metainfo.xml").read_bytes,
        paths["icon-svg"]: (resource_dir() / "icons" / "gdstudio.svg").read_bytes,
    }
    for n in ICON_SIZES:
        made[paths[f"icon-{n}"]] = partial(render_icon, n)
    return made


def install(home: Path | None = None, refresh: bool = True) -> Report:
    """Write the desktop files into `home` (the XDG data folder), then refresh the caches."""
    from .io.atomic import write_bytes_atomic

    home = home or data_home()
    written = []
    for path, make in _contents(home).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, make())
        written.append(path)
    refreshed, problems = refresh_caches(home) if refresh else ((), ())
    return Report(tuple(written), refreshed, problems)


def uninstall(home: Path | None = None, refresh: bool = True) -> Report:
    """Remove what `install` wrote into `home`, then refresh the caches."""
    home = home or data_home()
    removed = []
    for path in installed_paths(home).values():
        if path.exists():
            path.unlink()
            removed.append(path)
    refreshed, problems = refresh_caches(home) if refresh and removed else ((), ())
    return Report(tuple(removed), refreshed, problems)


def refresh_caches(home: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Run the freedesktop cache tools that exist on this machine: (ran, problems)."""
    commands = [
        ["update-desktop-database", "-q", str(home / "applications")],
        ["update-mime-database", str(home / "mime")],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(home / "icons" / "hicolor")],
    ]
    ran, problems = [], []
    for command in commands:
        if shutil.which(command[0]) is None or not Path(command[-1]).is_dir():
            continue
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=_CACHE_TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            problems.append(f"{command[0]} failed: {exc}")
            continue
        if done.returncode == 0:
            ran.append(command[0])
        else:
            detail = (done.stderr or done.stdout).strip().splitlines()
            problems.append(f"{command[0]} exited {done.returncode}: {' '.join(detail[-1:])}")
    return tuple(ran), tuple(problems)
