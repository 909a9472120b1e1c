"""Whether a GUI can start here, asked before Qt is loaded (Qt aborts the whole process
when the X display it is given does not answer)."""

from __future__ import annotations

import os
import socket
import sys


def display_problem() -> str | None:
    """Why no GUI application can start here (None when a display looks reachable)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0]
    if platform and platform != "xcb":
        return None  # offscreen, wayland, eglfs...: OpenGL is checked once Qt is up
    if not platform and os.environ.get("WAYLAND_DISPLAY"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        return "no display (DISPLAY is not set)"
    if not _x_server_reachable(display):
        return f"cannot connect to the X display {display!r}"
    return None


def _x_server_reachable(display: str) -> bool:
    """True if an X server answers at DISPLAY (Qt aborts the process when it does not)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host.startswith("/"):
        return True  # a launchd-style socket path: let Qt try it
    if host in ("", "unix"):
        path = f"/tmp/.X11-unix/X{number}"
        for address in (path, "\0" + path):  # file socket, then Linux abstract socket
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2.0)
                try:
                    s.connect(address)
                    return True
                except OSError:
                    continue
        return False
    try:
        with socket.create_connection((host, 6000 + int(number)), timeout=2.0):
            return True
    except OSError:
        return False
