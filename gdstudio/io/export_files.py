"""Atomic file writes for exports: a crash or a cancel never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QIODevice, QSaveFile
from PySide6.QtGui import QImage

from .export_formats import ExportError


def check_writable(path: str | os.PathLike[str]) -> Path:
    """The path as a Path if its folder exists and can be written to (ExportError otherwise)."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {p}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ExportError(f"cannot write {p}: folder {folder} is not writable")
    if p.is_dir():
        raise ExportError(f"cannot write {p}: it is a folder")
    return p


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` through a QSaveFile: the old file stays until the new one is whole."""
    p = check_writable(path)
    f = QSaveFile(str(p))
    if not f.open(QIODevice.OpenModeFlag.WriteOnly):
        raise ExportError(f"cannot write {p}: {f.errorString()}")
    f.write(data)
    if not f.commit():
        raise ExportError(f"cannot write {p}: {f.errorString()}")


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text to `path` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_image_atomic(path: str | os.PathLike[str], image: QImage, fmt: str = "PNG") -> None:
    """Save a QImage to `path` atomically."""
    p = check_writable(path)
    f = QSaveFile(str(p))
    if not f.open(QIODevice.OpenModeFlag.WriteOnly):
        raise ExportError(f"cannot write {p}: {f.errorString()}")
    if not image.save(f, fmt):
        f.cancelWriting()
        f.commit()
        raise ExportError(f"cannot write {p}: the {fmt} encoder failed")
    if not f.commit():
        raise ExportError(f"cannot write {p}: {f.errorString()}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside `path` for writers that need a file name (encoders).

    On a normal exit the temporary file replaces `path`; on any exception (including
    ExportCancelled) it is removed and `path` is left as it was.
    """
    p = check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.stem}-", suffix=p.suffix, dir=p.parent or ".")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, p)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
