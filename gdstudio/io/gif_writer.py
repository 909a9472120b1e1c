"""A GIF89a file written frame by frame: one global palette, each frame cropped to what
changed since the one before, identical frames merged (Pillow does the LZW coding).

Memory stays bounded by two frames whatever the animation's length: the last frame shown and
the pending one, written once the next frame shows it is not repeated.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

import numpy as np

from .gif_palette import PALETTE_SIZE

NETSCAPE_LOOP = b"!\xff\x0bNETSCAPE2.0\x03\x01"
DISPOSE_NONE = 1  # the next frame is drawn over this one


class GifStream:
    """Writes (h, w) uint8 palette-index frames to a binary file as an animated GIF."""

    def __init__(
        self,
        file: BinaryIO,
        width: int,
        height: int,
        palette: bytes,
        fps: float,
        loop: int = 0,
    ) -> None:
        if len(palette) != 3 * PALETTE_SIZE:
            raise ValueError(f"a GIF palette has {3 * PALETTE_SIZE} bytes, got {len(palette)}")
        self._file = file
        self._size = (width, height)
        self._frame_cs = 100.0 / fps
        self._frames = 0  # frames received: the clock of the animation, in frame periods
        self._written_cs = 0  # centiseconds of the frames already written
        self._shown: np.ndarray | None = None  # the picture so far, as a viewer shows it
        self._pending: tuple[np.ndarray, int, int] | None = None  # crop, x, y
        file.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0))
        file.write(palette + NETSCAPE_LOOP + struct.pack("<H", loop) + b"\0")

    def add(self, indices: np.ndarray) -> None:
        """Add one frame; a frame equal to the one before only lengthens it."""
        if indices.shape != (self._size[1], self._size[0]) or indices.dtype != np.uint8:
            raise ValueError(
                f"expected a {self._size[0]}×{self._size[1]} uint8 frame, got {indices.shape}"
            )
        shown = self._shown
        if shown is None:
            self._shown = indices.copy()
            self._pending = (self._shown, 0, 0)
        else:
            box = changed_box(shown, indices)
            if box is not None:
                self._flush()
                y0, y1, x0, x1 = box
                shown[y0:y1, x0:x1] = indices[y0:y1, x0:x1]
                self._pending = (shown[y0:y1, x0:x1].copy(), x0, y0)
        self._frames += 1

    def close(self) -> None:
        """Write the last frame and the trailer."""
        self._flush()
        self._file.write(b";")

    def _flush(self) -> None:
        """Write the pending frame, lasting until the frame that is arriving now."""
        if self._pending is None:
            return
        crop, x, y = self._pending
        self._pending = None
        end_cs = round(self._frames * self._frame_cs)  # rounded on the clock: no drift
        delay = max(end_cs - self._written_cs, 0)
        self._written_cs = end_cs
        self._file.write(struct.pack("<3sBHBB", b"!\xf9\x04", DISPOSE_NONE << 2, delay, 0, 0))
        self._file.write(_encoded(crop, x, y))


def changed_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) bounding the pixels that differ; None if the frames are equal."""
    diff = before != after
    rows = np.flatnonzero(diff.any(axis=1))
    if not len(rows):
        return None
    cols = np.flatnonzero(diff[rows[0] : rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _encoded(crop: np.ndarray, x: int, y: int) -> bytes:
    """The image descriptor and LZW data of one frame at (x, y), by Pillow's GIF encoder."""
    from PIL import GifImagePlugin, Image

    data = np.ascontiguousarray(crop)
    height, width = data.shape
    image = Image.frombuffer("L", (width, height), data, "raw", "L", 0, 1)
    return b"".join(GifImagePlugin.getdata(image, offset=(x, y)))
