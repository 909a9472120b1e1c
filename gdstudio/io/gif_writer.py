"""A GIF89a file written frame by frame: one global palette, each frame stored as the
rectangle that changed since the one before (with a local colour table when it needs
colours of its own), identical frames merged. Pillow does the LZW coding.

Memory stays bounded by one frame whatever the animation's length: the pending one, written
once the next frame shows how long it lasts.
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
        _check_table(palette)
        self._file = file
        self._size = (width, height)
        self._frame_cs = 100.0 / fps
        self._frames = 0  # frames received: the clock of the animation, in frame periods
        self._written_cs = 0  # centiseconds of the frames already written
        self._pending: tuple[np.ndarray, int, int, bytes | None, int | None] | None = None
        file.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0))
        file.write(palette + NETSCAPE_LOOP + struct.pack("<H", loop) + b"\0")

    def add(self, indices: np.ndarray, table: bytes | None = None) -> None:
        """Add one whole frame; `table` is its own colour table (None: the palette)."""
        if indices.shape != (self._size[1], self._size[0]) or indices.dtype != np.uint8:
            raise ValueError(
                f"expected a {self._size[0]}×{self._size[1]} uint8 frame, got {indices.shape}"
            )
        self._push(indices, 0, 0, table, None)

    def add_patch(
        self,
        patch: np.ndarray,
        x: int,
        y: int,
        table: bytes | None = None,
        transparent: int | None = None,
    ) -> None:
        """Add the frame that is the last one with the rectangle at (x, y) replaced by `patch`
        (indices into `table`, or into the palette when it is None); pixels of index
        `transparent` keep what the frame before showed."""
        if self._frames == 0:
            raise ValueError("the first frame of a GIF is a whole frame (add)")
        height, width = patch.shape
        if not (0 <= x and 0 <= y and x + width <= self._size[0] and y + height <= self._size[1]):
            raise ValueError(f"a {width}×{height} patch at ({x}, {y}) leaves the frame")
        self._push(patch, x, y, table, transparent)

    def repeat(self) -> None:
        """Add a frame equal to the last one (it lengthens that one)."""
        if self._frames == 0:
            raise ValueError("the first frame of a GIF is a whole frame (add)")
        self._frames += 1

    def close(self) -> None:
        """Write the last frame and the trailer."""
        self._flush()
        self._file.write(b";")

    def _push(
        self, pixels: np.ndarray, x: int, y: int, table: bytes | None, transparent: int | None
    ) -> None:
        if table is not None:
            _check_table(table)
        self._flush()
        self._pending = (np.array(pixels, dtype=np.uint8), x, y, table, transparent)
        self._frames += 1

    def _flush(self) -> None:
        """Write the pending frame, lasting until the frame that is arriving now."""
        if self._pending is None:
            return
        pixels, x, y, table, transparent = self._pending
        self._pending = None
        end_cs = round(self._frames * self._frame_cs)  # rounded on the clock: no drift
        delay = max(end_cs - self._written_cs, 0)
        self._written_cs = end_cs
        flags = DISPOSE_NONE << 2 | (transparent is not None)
        see_through = transparent or 0
        self._file.write(struct.pack("<3sBHBB", b"!\xf9\x04", flags, delay, see_through, 0))
        self._file.write(_encoded(pixels, x, y, table))


def changed_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) bounding the pixels that differ; None if the frames are equal."""
    diff = before != after
    rows = np.flatnonzero(diff.any(axis=1))
    if not len(rows):
        return None
    cols = np.flatnonzero(diff[rows[0] : rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def _check_table(table: bytes) -> None:
    if len(table) != 3 * PALETTE_SIZE:
        raise ValueError(f"a GIF colour table has {3 * PALETTE_SIZE} bytes, got {len(table)}")


def _encoded(pixels: np.ndarray, x: int, y: int, table: bytes | None) -> bytes:
    """The image descriptor (with `table` as a local colour table if given) and the LZW data
    of one frame at (x, y), by Pillow's GIF encoder."""
    from PIL import GifImagePlugin, Image

    data = np.ascontiguousarray(pixels)
    height, width = data.shape
    if table is None:
        image = Image.frombuffer("L", (width, height), data, "raw", "L", 0, 1)
        return b"".join(GifImagePlugin.getdata(image, offset=(x, y)))
    image = Image.frombuffer("P", (width, height), data, "raw", "P", 0, 1)
    image.putpalette(table)
    return b"".join(GifImagePlugin.getdata(image, offset=(x, y), include_color_table=True))
