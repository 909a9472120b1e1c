"""Plan an animation's frames and encode them as an animated GIF (gif_palette, gif_writer)
or an MP4 (imageio-ffmpeg, imported on first use), each frame written as it is made."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import numpy as np

from .export_files import atomic_path
from .export_formats import ANIMATION_FORMATS, ExportCancelled
from .gif_palette import TRANSPARENT, GifPalette, packed, unpacked
from .gif_writer import GifStream, changed_box

Progress = Callable[[int, int], bool]
"""Called as progress(frames_done, frames_total); returning False cancels the export."""


def frame_count(fps: float, seconds: float) -> int:
    """Number of frames of an animation (at least 1)."""
    if not (fps > 0 and seconds > 0):
        raise ValueError(f"fps and seconds must be > 0, got fps={fps:g}, seconds={seconds:g}")
    return max(1, round(fps * seconds))


def frame_steps(total_steps: int, frames: int) -> list[int]:
    """Steps to take before each frame so the frames sample 0..total_steps evenly.

    The first frame shows the start, the last one the state after total_steps steps.
    """
    if frames == 1:
        return [total_steps]
    marks = np.rint(np.linspace(0, total_steps, frames)).astype(int)
    return [int(k) for k in np.diff(marks, prepend=0)]


def encoder_size(fmt: str, width: int, height: int) -> tuple[int, int]:
    """The frame size the encoder accepts: H.264 in yuv420p needs even sides."""
    if fmt == "mp4":
        return max(2, width - width % 2), max(2, height - height % 2)
    return max(1, width), max(1, height)


def write_animation(
    path: str | os.PathLike[str],
    fmt: str,
    frames: Iterable[np.ndarray],
    total: int,
    fps: float,
    progress: Progress | None = None,
    reserved: Sequence[tuple[int, int, int]] = (),
) -> bool:
    """Encode frames to `path`; False (and no file) if progress cancels.

    A frame is an (h, w, 3) uint8 RGB array or an (h, w) uint32 array of 0xAARRGGBB pixels
    (a Qt RGB32 image seen without a copy); each is encoded before the next is asked for.

    `reserved` colours (e.g. the runs') keep an exact place in a GIF's palette. A GIF stores
    identical consecutive frames once, with their durations added.
    """
    if fmt not in ANIMATION_FORMATS:
        raise ValueError(f"unsupported animation format '{fmt}'; allowed: gif, mp4")
    try:
        with atomic_path(path) as tmp:
            writer = _open_writer(tmp, fmt, fps, reserved)
            try:
                for done, frame in enumerate(frames, start=1):
                    writer.append_data(frame)
                    if progress is not None and not progress(done, total):
                        raise ExportCancelled
            except BaseException:
                getattr(writer, "abort", writer.close)()
                raise
            writer.close()
    except ExportCancelled:
        return False
    return True


class FrameWriter(Protocol):
    """An encoder taking one frame at a time (imageio's MP4 writer, _GifWriter)."""

    def append_data(self, frame: np.ndarray) -> None:
        """Encode one frame: (h, w, 3) uint8 RGB or (h, w) uint32 0xAARRGGBB pixels."""

    def close(self) -> None:
        """Finish the file."""


def _open_writer(
    path: os.PathLike[str],
    fmt: str,
    fps: float,
    reserved: Sequence[tuple[int, int, int]],
) -> FrameWriter:
    if fmt == "gif":
        return _GifWriter(path, fps, reserved)
    return _Mp4Writer(path, fps)


class _Mp4Writer:
    """H.264 in yuv420p through imageio-ffmpeg (imported on the first MP4 export)."""

    def __init__(self, path: os.PathLike[str], fps: float) -> None:
        import imageio.v2 as imageio

        self._writer = imageio.get_writer(
            os.fspath(path),
            format="FFMPEG",
            mode="I",
            fps=fps,
            codec="libx264",
            pixelformat="yuv420p",
            quality=8,
            macro_block_size=2,
            ffmpeg_log_level="error",
        )

    def append_data(self, frame: np.ndarray) -> None:
        """Encode one frame."""
        self._writer.append_data(unpacked(frame) if frame.dtype == np.uint32 else frame)

    def close(self) -> None:
        """Finish the file."""
        self._writer.close()


class _GifWriter:
    """Frames reduced to one palette (made from the first frame and the reserved colours),
    written to the file as they arrive; only the pixels that changed are mapped and coded."""

    def __init__(
        self, path: os.PathLike[str], fps: float, reserved: Sequence[tuple[int, int, int]]
    ) -> None:
        self._file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._fps = fps
        self._reserved = reserved
        self._palette: GifPalette | None = None
        self._stream: GifStream | None = None
        self._last: np.ndarray | None = None  # the last frame's pixels (uint32)

    def append_data(self, frame: np.ndarray) -> None:
        """Add one frame."""
        pixels = packed(frame)
        if self._palette is None or self._stream is None or self._last is None:
            self._palette = GifPalette(pixels, self._reserved)
            height, width = pixels.shape
            palette = self._palette.palette_bytes()
            self._stream = GifStream(self._file, width, height, palette, self._fps)
            self._stream.add(self._palette.indices(pixels))  # the palette is made from it
            self._last = pixels.copy()
            return
        if pixels.shape != self._last.shape:
            raise ValueError(f"frame size changed from {self._last.shape} to {pixels.shape}")
        box = changed_box(self._last, pixels)
        if box is None:
            self._stream.repeat()
            return
        y0, y1, x0, x1 = box
        patch = pixels[y0:y1, x0:x1]
        changed = self._last[y0:y1, x0:x1] != patch
        self._last[y0:y1, x0:x1] = patch
        index, table = self._palette.local_indices(patch, changed)
        self._stream.add_patch(index, x0, y0, table, TRANSPARENT)

    def close(self) -> None:
        """Finish the file."""
        try:
            if self._stream is not None:
                self._stream.close()
        finally:
            self._file.close()

    def abort(self) -> None:
        """Close the file unfinished (it is a temporary that is removed)."""
        self._file.close()
