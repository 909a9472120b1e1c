"""Atomic file writes without Qt: a temporary file beside the target, fsync, os.replace.

A crash, a ``kill -9`` or an exception at any moment leaves either the old file or the new
one at the target path, never a mix. Temporary files are hidden and end in ``.tmp``
(``.name.XXXXXXXX.tmp``), so a leftover one is never taken for a session or an export;
encoders that choose their format by extension get ``.stem.XXXXXXXX.tmp.ext``.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once, at import: os.umask is process-wide and changing it from a worker is not safe.
_UMASK = _read_umask()


def temp_prefix(path: str | os.PathLike[str], keep_suffix: bool = False) -> str:
    """The name prefix of the temporary files written for `path` (for tests and clean-up)."""
    p = Path(path)
    return f".{p.stem if keep_suffix else p.name}."


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], keep_suffix: bool = False) -> Iterator[Path]:
    """A temporary path beside `path` to write by name; it replaces `path` on a normal exit.

    `keep_suffix` ends the temporary name in `path`'s extension, for encoders that pick
    their format from it. On any exception (including KeyboardInterrupt) the temporary file
    is removed and `path` is left as it was. The new file keeps the old file's permissions
    (default: 0666 & ~umask).
    """
    target = Path(os.path.realpath(os.fspath(path)))  # a symlinked file stays a symlink
    suffix = TEMP_SUFFIX + (target.suffix if keep_suffix else "")
    fd, tmp = tempfile.mkstemp(
        prefix=temp_prefix(target, keep_suffix), suffix=suffix, dir=target.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        _sync_file(tmp_path)
        os.chmod(tmp_path, _mode_for(target))
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise
    _sync_folder(target.parent)


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> None:
    """Call ``write(file)`` on a temporary file, fsync it, then os.replace `path` with it.

    Raises whatever `write` raises, or OSError; either way `path` is untouched.
    """
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        write(f)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` atomically (OSError on failure, `path` untouched)."""

    def write(f: BinaryIO) -> None:
        f.write(data)

    write_atomic(path, write)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 `text` to `path` atomically (OSError on failure, `path` untouched)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_UMASK


def _sync_file(path: Path) -> None:
    """fsync a file written by name (by an encoder), so the rename never outruns the data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can fsync a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
