"""Encode rendered frames as an animated GIF or an MP4 (imageio / imageio-ffmpeg)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import numpy as np

from .export_files import atomic_path
from .export_formats import ANIMATION_FORMATS, ExportCancelled

PALETTE_SIZE = 256
MAX_PALETTE_SAMPLES = 200_000
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
    """Encode (h, w, 3) uint8 frames to `path`; False (and no file) if progress cancels.

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
    """An encoder taking one frame at a time (imageio's writers, _GifWriter)."""

    def append_data(self, frame: np.ndarray) -> None:
        """Encode one (h, w, 3) uint8 frame."""

    def close(self) -> None:
        """Finish the file."""


def _open_writer(
    path: os.PathLike[str], fmt: str, fps: float, reserved: Sequence[tuple[int, int, int]]
) -> FrameWriter:
    if fmt == "gif":
        return _GifWriter(path, fps, reserved)
    import imageio.v2 as imageio

    return imageio.get_writer(
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


class GifPalette:
    """One 256-colour palette for every frame: the first frame's colours by median cut, plus
    reserved colours (the runs' and their shades) that must survive even as a few pixels."""

    LUT_BITS = 6

    def __init__(
        self, first_frame: np.ndarray, reserved: Sequence[tuple[int, int, int]] = ()
    ) -> None:
        keep = _shades(reserved)[: PALETTE_SIZE // 4]
        pixels = first_frame.reshape(-1, 3)
        if len(pixels) > MAX_PALETTE_SAMPLES:
            pixels = pixels[:: len(pixels) // MAX_PALETTE_SAMPLES + 1]
        adaptive = median_cut(pixels, PALETTE_SIZE - len(keep))
        colors = np.concatenate([keep.reshape(-1, 3), adaptive]).astype(np.uint8)
        self.colors = np.zeros((PALETTE_SIZE, 3), dtype=np.uint8)
        self.colors[: len(colors)] = colors
        self._lut = _nearest_lut(self.colors[: len(colors)], self.LUT_BITS)

    def indices(self, frame: np.ndarray) -> np.ndarray:
        """Palette index of every pixel of an (h, w, 3) uint8 frame (nearest colour)."""
        shift = 8 - self.LUT_BITS
        q = (frame >> shift).astype(np.intp)
        index: np.ndarray = self._lut[
            (q[..., 0] << (2 * self.LUT_BITS)) | (q[..., 1] << self.LUT_BITS) | q[..., 2]
        ]
        return index

    def palette_bytes(self) -> bytes:
        """The palette as RGBRGB... bytes, as GIF encoders take it."""
        return self.colors.tobytes()


def median_cut(pixels: np.ndarray, count: int) -> np.ndarray:
    """Up to `count` representative colours of (n, 3) uint8 pixels (median cut)."""

    def entry(box: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        span = box.max(axis=0) - box.min(axis=0)
        return float(span.max()) * np.sqrt(len(box)), span, box

    boxes = [entry(pixels.astype(np.int16))] if len(pixels) else []
    while 0 < len(boxes) < count:
        i = max(range(len(boxes)), key=lambda j: boxes[j][0])
        score, span, box = boxes[i]
        if score == 0:
            break
        del boxes[i]
        channel = int(np.argmax(span))
        box = box[np.argsort(box[:, channel], kind="stable")]
        cut = _cut_between_values(box[:, channel])
        boxes += [entry(box[:cut]), entry(box[cut:])]
    return np.array([np.rint(b.mean(axis=0)) for _, _, b in boxes], dtype=np.uint8).reshape(-1, 3)


def _cut_between_values(values: np.ndarray) -> int:
    """Index near the median of sorted values that does not split equal values apart."""
    half = len(values) // 2
    lo = int(np.searchsorted(values, values[half], side="left"))
    hi = int(np.searchsorted(values, values[half], side="right"))
    if lo == 0 or (hi < len(values) and hi - half < half - lo):
        return hi
    return lo


def _shades(colors: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """Each colour with darker and lighter shades (lit balls and paths on the surface)."""
    if not colors:
        return np.empty((0, 3), dtype=np.uint8)
    base = np.array(colors, dtype=np.float64).reshape(-1, 1, 3)
    dark = base * np.array([1.0, 0.8, 0.6, 0.4]).reshape(1, -1, 1)
    light = base + (255.0 - base) * np.array([0.35, 0.7]).reshape(1, -1, 1)
    shades = np.concatenate([dark, light], axis=1).reshape(-1, 3)
    return np.unique(np.rint(shades).clip(0, 255).astype(np.uint8), axis=0)


def _nearest_lut(colors: np.ndarray, bits: int) -> np.ndarray:
    """For every colour quantized to `bits` per channel, the index of the nearest palette colour."""
    n = 1 << bits
    levels = (np.arange(n) << (8 - bits)) + (1 << (7 - bits))
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    pal = colors.astype(np.float32)
    lut = np.empty(len(grid), dtype=np.uint8)
    chunk = 16384
    for start in range(0, len(grid), chunk):
        g = grid[start : start + chunk].astype(np.float32)
        d = (g * g).sum(1)[:, None] - 2.0 * g @ pal.T + (pal * pal).sum(1)[None, :]
        lut[start : start + chunk] = np.argmin(d, axis=1)
    return lut


class _GifWriter:
    """Frames reduced to one shared palette, encoded by imageio's pillow plugin on close."""

    def __init__(
        self, path: os.PathLike[str], fps: float, reserved: Sequence[tuple[int, int, int]]
    ) -> None:
        import imageio.v3 as iio

        self._file = iio.imopen(os.fspath(path), "w", extension=".gif", plugin="pillow")
        self._duration = 1000.0 / fps
        self._reserved = reserved
        self._palette: GifPalette | None = None

    def append_data(self, frame: np.ndarray) -> None:
        """Add one (h, w, 3) uint8 frame."""
        if self._palette is None:
            self._palette = GifPalette(frame, self._reserved)
        self._file.write(
            self._palette.indices(frame),
            mode="P",
            is_batch=False,
            palette=self._palette.palette_bytes(),
            duration=self._duration,
            loop=0,
        )

    def close(self) -> None:
        """Write the file."""
        self._file.close()

    def abort(self) -> None:
        """Close without encoding the frames collected so far."""
        pending = getattr(self._file, "images_to_write", None)
        if pending is not None:
            pending.clear()
        self._file.close()
