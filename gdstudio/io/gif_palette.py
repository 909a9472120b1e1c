"""One 256-colour palette for a whole GIF and a fast nearest-colour mapping to it (numpy only).

Frames are (h, w, 3) uint8 RGB arrays or (h, w) uint32 arrays of 0xAARRGGBB pixels (Qt's
RGB32 / ARGB32 images, viewed without a copy). A pixel is mapped through a lookup table
indexed by its colour at LUT_BITS per channel; each entry is computed once, the first time
a frame shows that colour, so a frame costs a few vectorized integer operations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

PALETTE_SIZE = 256
MAX_PALETTE_SAMPLES = 200_000
LUT_BITS = 6
_UNKNOWN = -1


def packed(frame: np.ndarray) -> np.ndarray:
    """A frame as (h, w) uint32 0xAARRGGBB pixels (the same array if it is already)."""
    if frame.ndim == 2 and frame.dtype == np.uint32:
        return frame
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
        raise ValueError(f"expected (h, w, 3) uint8 or (h, w) uint32 pixels, got {frame.shape}")
    rgb = frame.astype(np.uint32)
    out: np.ndarray = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2] | 0xFF000000
    return out


def unpacked(pixels: np.ndarray) -> np.ndarray:
    """(…,) uint32 0xAARRGGBB pixels as (…, 3) uint8 RGB."""
    shifts = np.array([16, 8, 0], dtype=np.uint32)
    rgb: np.ndarray = ((pixels[..., None] >> shifts) & 0xFF).astype(np.uint8)
    return rgb


class GifPalette:
    """One palette for every frame: the first frame's colours by median cut, plus reserved
    colours (the runs' and their shades) that keep an exact entry even as a few pixels."""

    def __init__(
        self, first_frame: np.ndarray, reserved: Sequence[tuple[int, int, int]] = ()
    ) -> None:
        keep = shades(reserved)[: PALETTE_SIZE // 4]
        pixels = packed(first_frame).reshape(-1)
        if len(pixels) > MAX_PALETTE_SAMPLES:
            pixels = pixels[:: len(pixels) // MAX_PALETTE_SAMPLES + 1]
        colors, counts = np.unique(pixels | np.uint32(0xFF000000), return_counts=True)
        adaptive = median_cut(unpacked(colors), PALETTE_SIZE - len(keep), counts)
        used = np.concatenate([keep.reshape(-1, 3), adaptive]).astype(np.uint8)
        self.colors = np.zeros((PALETTE_SIZE, 3), dtype=np.uint8)
        self.colors[: len(used)] = used
        self._used = used.astype(np.float32)
        self._lut = np.full(1 << (3 * LUT_BITS), _UNKNOWN, dtype=np.int16)

    def indices(self, frame: np.ndarray) -> np.ndarray:
        """Palette index of every pixel of a frame, (h, w) uint8 (nearest colour)."""
        codes = lut_codes(packed(frame))
        index = self._lut[codes]
        if index.min() == _UNKNOWN:
            self._learn(codes[index == _UNKNOWN])
            index = self._lut[codes]
        out: np.ndarray = index.astype(np.uint8)
        return out

    def palette_bytes(self) -> bytes:
        """The palette as RGBRGB... bytes, as GIF encoders take it."""
        return self.colors.tobytes()

    def _learn(self, codes: np.ndarray) -> None:
        """Fill the table for colour codes not seen before: the nearest used palette colour."""
        new = np.unique(codes)
        mask = (1 << LUT_BITS) - 1
        shift = 8 - LUT_BITS
        cells = np.stack([new >> (2 * LUT_BITS), new >> LUT_BITS, new], axis=-1) & mask
        centres = ((cells << shift) + (1 << (shift - 1))).astype(np.float32)
        pal = self._used
        chunk = 8192
        for start in range(0, len(new), chunk):
            g = centres[start : start + chunk]
            d = (g * g).sum(1)[:, None] - 2.0 * g @ pal.T + (pal * pal).sum(1)[None, :]
            self._lut[new[start : start + chunk]] = np.argmin(d, axis=1)


def lut_codes(pixels: np.ndarray) -> np.ndarray:
    """Each uint32 0xAARRGGBB pixel's colour at LUT_BITS per channel, as one table index."""
    b = LUT_BITS
    top = (1 << b) - 1
    codes: np.ndarray = (
        ((pixels >> (24 - 3 * b)) & (top << (2 * b)))
        | ((pixels >> (16 - 2 * b)) & (top << b))
        | ((pixels >> (8 - b)) & top)
    )
    return codes


def median_cut(colors: np.ndarray, count: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Up to `count` representative colours of (n, 3) uint8 colours (median cut).

    `weights` (n,) counts how many pixels each colour stands for (default: one each).
    """
    w = np.ones(len(colors)) if weights is None else np.asarray(weights, dtype=np.float64)

    def entry(box: np.ndarray, bw: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        span = box.max(axis=0) - box.min(axis=0)
        return float(span.max()) * np.sqrt(bw.sum()), span, box, bw

    boxes = [entry(colors.astype(np.int16), w)] if len(colors) else []
    while 0 < len(boxes) < count:
        i = max(range(len(boxes)), key=lambda j: boxes[j][0])
        score, span, box, bw = boxes[i]
        if score == 0:
            break
        del boxes[i]
        channel = int(np.argmax(span))
        order = np.argsort(box[:, channel], kind="stable")
        box, bw = box[order], bw[order]
        cut = _cut_between_values(box[:, channel], np.cumsum(bw))
        boxes += [entry(box[:cut], bw[:cut]), entry(box[cut:], bw[cut:])]
    means = [np.rint((b * bw[:, None]).sum(axis=0) / bw.sum()) for _, _, b, bw in boxes]
    return np.array(means, dtype=np.uint8).reshape(-1, 3)


def _cut_between_values(values: np.ndarray, cumulative: np.ndarray) -> int:
    """Index near the weighted median of sorted values that does not split equal values."""
    middle = cumulative[-1] / 2.0
    half = min(int(np.searchsorted(cumulative, middle)), len(values) - 1)
    lo = int(np.searchsorted(values, values[half], side="left"))
    hi = int(np.searchsorted(values, values[half], side="right"))
    if lo == 0 or (hi < len(values) and cumulative[hi - 1] - middle < middle - cumulative[lo - 1]):
        return hi
    return lo


def shades(colors: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """Each colour with darker and lighter shades (lit balls and paths on the surface)."""
    if not colors:
        return np.empty((0, 3), dtype=np.uint8)
    base = np.array(colors, dtype=np.float64).reshape(-1, 1, 3)
    dark = base * np.array([1.0, 0.8, 0.6, 0.4]).reshape(1, -1, 1)
    light = base + (255.0 - base) * np.array([0.35, 0.7]).reshape(1, -1, 1)
    all_shades = np.concatenate([dark, light], axis=1).reshape(-1, 3)
    return np.unique(np.rint(all_shades).clip(0, 255).astype(np.uint8), axis=0)
