"""A network's weights in a .npz file: arrays W1, b1, W2, b2, ... in torch.nn.Linear's shapes.

W_k has shape (outputs, inputs), row-major, b_k shape (outputs,): what
`{name: layer.weight.detach().numpy()}` of a torch.nn.Linear stack gives, so weights can go
to and from PyTorch. Every refusal is a ConfigError of one line naming the file and array.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .errors import ConfigError
from .nn import Architecture

Array = NDArray[np.float64]
MAX_FILE_BYTES = 16 * 1024 * 1024
_MAX_MEMBER_BYTES = 1024 * 1024  # a 2-32-32-32-1 network's arrays take 18 kB


class WeightsError(ConfigError):
    """A weights file could not be used; the message names the file (and the array)."""


def save_weights(path: str | Path, arch: Architecture, p: Array) -> None:
    """Write p as W1, b1, W2, b2, ... to an .npz file at path (OSError if it cannot)."""
    arrays = arch.unflatten(np.asarray(p, dtype=np.float64))
    with open(path, "wb") as f:  # a file object: numpy adds no '.npz' to the name
        np.savez(f, **arrays)  # type: ignore[arg-type]


def _read(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: a named pipe without a writer cannot hang us
    except OSError as e:
        raise WeightsError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise WeightsError(f"{path}: is a folder, not a .npz file of weights")
        if not stat.S_ISREG(mode):
            raise WeightsError(f"{path}: not a regular file (a pipe, socket or device)")
        with os.fdopen(fd, "rb") as f:
            fd = -1
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise WeightsError(f"{path}: cannot read: {e.strerror or e}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise WeightsError(f"{path}: larger than 16 MB; no network's weights take that much")
    return data


def load_weights(path: str | Path, arch: Architecture) -> Array:
    """The flat parameter vector of `arch` from an .npz file of W1, b1, ...; WeightsError."""
    p = Path(path)
    data = _read(p)
    names = [b.name for b in arch.blocks]
    listed = ", ".join(names)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = {info.filename: info for info in z.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise WeightsError(
            f"{p}: not a .npz file (numpy.savez); expected arrays {listed}"
        ) from None
    for member, info in members.items():
        if info.file_size > _MAX_MEMBER_BYTES:
            raise WeightsError(f"{p}: array {member.removesuffix('.npy')!r} is far too large")
    arrays: dict[str, Array] = {}
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            found = list(npz.files)
            for name in found:
                if name not in names:
                    raise WeightsError(
                        f"{p}: array {name!r} is not part of a {arch.label} network "
                        f"(its arrays: {listed})"
                    )
            for block in arch.blocks:
                if block.name not in found:
                    raise WeightsError(
                        f"{p}: no array {block.name!r}; a {arch.label} network needs {listed}"
                    )
                arrays[block.name] = _checked(p, block.name, npz[block.name], block.shape)
    except WeightsError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise WeightsError(f"{p}: cannot read the arrays ({_reason(e)})") from None
    return arch.flatten(arrays)


def _reason(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    if "allow_pickle" in text:
        return "it holds Python objects, not numbers"
    return text[:120]


def _checked(path: Path, name: str, arr: np.ndarray, shape: tuple[int, ...]) -> Array:
    """The array as float64 if it has the shape and finite real numbers."""
    if arr.dtype.kind not in "iuf":
        raise WeightsError(f"{path}: {name} holds {arr.dtype} values, not real numbers")
    if arr.shape != shape:
        role = "(outputs × inputs, as torch.nn.Linear)" if len(shape) == 2 else "(outputs)"
        raise WeightsError(
            f"{path}: {name} has shape {arr.shape}; this network needs {shape} {role}"
        )
    out = arr.astype(np.float64)
    if not np.isfinite(out).all():
        raise WeightsError(f"{path}: {name} holds NaN or infinity; weights must be finite")
    return out
