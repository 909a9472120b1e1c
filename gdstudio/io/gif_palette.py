"""One 256-colour palette for a whole GIF and a fast nearest-colour mapping to it (numpy only).

Frames are (h, w, 3) uint8 RGB arrays or (h, w) uint32 arrays of 0xAARRGGBB pixels (Qt's
RGB32 / ARGB32 images, viewed without a copy). A pixel is mapped through a lookup table
indexed by its colour at LUT_BITS per channel; each entry is computed once, the first time
a frame shows that colour, so a frame costs a few vectorized integer operations.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence

import numpy as np

PALETTE_SIZE = 256
MAX_PALETTE_SAMPLES = 200_000
LUT_BITS = 6
TRANSPARENT = PALETTE_SIZE - 1  # the entry a frame's unchanged pixels show (see through)
LOCAL_ERROR = 16  # a pixel off its palette colour by more, on a channel, gets a local one
MAX_LOCAL_COLORS = 128
COVERED = 0.7  # local colours from crowded cells when these hold this share of the pixels
_UNKNOWN = -1


def packed(frame: np.ndarray) -> np.ndarray:
    """(…, 3) uint8 RGB pixels as (…) uint32 0xAARRGGBB (uint32 pixels are returned as is)."""
    if frame.dtype == np.uint32:
        return frame
    if frame.ndim < 2 or frame.shape[-1] != 3 or frame.dtype != np.uint8:
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
    """One palette for every frame: the first frame's colours (variance_cut), plus reserved
    colours (the runs' and their shades) that keep an exact entry even as a few pixels; the
    entries a first frame of few colours leaves over spread evenly over the colour cube."""

    def __init__(
        self, first_frame: np.ndarray, reserved: Sequence[tuple[int, int, int]] = ()
    ) -> None:
        keep = shades(reserved)[: PALETTE_SIZE // 4]
        pixels = packed(first_frame).reshape(-1)
        if len(pixels) > MAX_PALETTE_SAMPLES:
            pixels = pixels[:: len(pixels) // MAX_PALETTE_SAMPLES + 1]
        colors, counts = np.unique(pixels | np.uint32(0xFF000000), return_counts=True)
        adaptive = variance_cut(unpacked(colors), TRANSPARENT - len(keep), counts)
        used = np.concatenate([keep.reshape(-1, 3), adaptive]).astype(np.uint8)
        used = np.concatenate([used, spare_cube(TRANSPARENT - len(used))])
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

    def local_indices(
        self, frame: np.ndarray, changed: np.ndarray | None = None
    ) -> tuple[np.ndarray, bytes | None]:
        """Indices of a frame (or a patch of one) and the colour table they index.

        With a `changed` mask, pixels outside it get TRANSPARENT: they keep what is shown.

        Pixels the palette renders within LOCAL_ERROR keep their palette entry, so they look
        as everywhere else. The others (a ball lit or blended in a way the first frame did
        not show) get colours of their own, in entries the patch does not use: the table is
        the palette with those replaced (None: the palette itself).
        """
        if changed is not None:  # only the changed pixels are mapped: the cost follows them
            full = np.full(changed.shape, TRANSPARENT, dtype=np.uint8)
            if not changed.any():
                return full, None
            index, table = self.local_indices(packed(frame)[changed])
            full[changed] = index
            return full, table
        index = self.indices(frame)
        rgb = unpacked(packed(frame)).astype(np.int32)
        error = np.abs(self.colors[index].astype(np.int32) - rgb).max(axis=-1)
        bad = error > LOCAL_ERROR
        if not bad.any():
            return index, None
        kept = np.zeros(PALETTE_SIZE, dtype=bool)
        kept[index[~bad]] = True  # entries well-rendered pixels show keep their colour
        kept[TRANSPARENT] = True  # never a colour: frames may see through it
        free = np.flatnonzero(~kept)[:MAX_LOCAL_COLORS]
        if not len(free):
            return index, None
        wrong = rgb[bad]
        extra = common_colors(wrong, len(free))
        replaced = free[: len(extra)]
        nearest, distance = _nearest(wrong, extra)
        own = index[bad]
        stays = ~np.isin(own, replaced) & (
            ((self.colors[own].astype(np.int32) - wrong) ** 2).sum(axis=-1) <= distance
        )
        index[bad] = np.where(stays, own, replaced[nearest])
        table = self.colors.copy()
        table[replaced] = extra
        return index, table.tobytes()

    def _learn(self, codes: np.ndarray) -> None:
        """Fill the table for colour codes not seen before: the nearest used palette colour."""
        if len(codes) < len(self._lut) // 4:
            new = np.unique(codes)
        else:  # a whole frame: marking a table beats sorting
            seen = np.zeros(len(self._lut), dtype=bool)
            seen[codes] = True
            new = np.flatnonzero(seen)
        mask = (1 << LUT_BITS) - 1
        shift = 8 - LUT_BITS
        cells = np.stack([new >> (2 * LUT_BITS), new >> LUT_BITS, new], axis=-1) & mask
        centres = ((cells << shift) + (1 << (shift - 1))).astype(np.float32)
        pal = self._used
        norms = (pal * pal).sum(1)[None, :]
        chunk = 8192
        for start in range(0, len(new), chunk):
            g = centres[start : start + chunk]
            self._lut[new[start : start + chunk]] = np.argmin(norms - 2.0 * g @ pal.T, axis=1)


def _nearest(rgb: np.ndarray, colors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For (n, 3) int pixels, the index of the nearest of (k, 3) colours and its squared
    distance (in chunks, so memory stays small for a whole frame)."""
    pal = colors.astype(np.float32)
    norms = (pal * pal).sum(axis=1)[None, :]
    nearest = np.empty(len(rgb), dtype=np.intp)
    for start in range(0, len(rgb), 8192):
        part = rgb[start : start + 8192].astype(np.float32)
        nearest[start : start + 8192] = np.argmin(norms - 2.0 * part @ pal.T, axis=1)
    distance: np.ndarray = ((rgb - colors[nearest]) ** 2).sum(axis=1)
    return nearest, distance


def common_colors(rgb: np.ndarray, count: int) -> np.ndarray:
    """Up to `count` colours standing for (n, 3) int pixels: the mean colour of each cell of
    the colour cube (5, else 4 bits per channel) they fall in; when they fall in more cells
    than `count` even so, of the `count` most crowded 4-bit cells, or a variance cut when
    those hold less than COVERED of the pixels."""
    for bits in (5, 4):
        cells = rgb >> (8 - bits)
        codes = (cells[:, 0] << (2 * bits)) | (cells[:, 1] << bits) | cells[:, 2]
        _, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
        if len(counts) <= count:
            break
    top = np.argsort(-counts, kind="stable")[:count]
    if counts[top].sum() < COVERED * len(rgb):  # spread wide (a frame unlike the first)
        colors, weights = np.unique(packed(rgb.astype(np.uint8)), return_counts=True)
        cut: np.ndarray = variance_cut(unpacked(colors), count, weights).astype(np.int32)
        return cut
    sums = np.stack([np.bincount(inverse, rgb[:, c], len(counts)) for c in range(3)], -1)
    means: np.ndarray = np.rint(sums[top] / counts[top, None]).astype(np.int32)
    return means


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


def variance_cut(colors: np.ndarray, count: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Up to `count` representative colours of (n, 3) uint8 colours: the box of colours with
    the largest squared error is split, along its channel of largest variance, where the two
    halves' squared error is least; each box gives its weighted mean.

    `weights` (n,) counts how many pixels each colour stands for (default: one each).
    """
    w = np.ones(len(colors)) if weights is None else np.asarray(weights, dtype=np.float64)
    boxes: list[tuple[float, int, np.ndarray, np.ndarray]] = []  # (-error, order, box, weights)
    made = itertools.count()  # ties go to the box made first

    def push(box: np.ndarray, bw: np.ndarray) -> None:
        mean = (box * bw[:, None]).sum(axis=0) / bw.sum()
        error = float((((box - mean) ** 2) * bw[:, None]).sum())
        heapq.heappush(boxes, (-error, next(made), box, bw))

    if len(colors):
        push(colors.astype(np.float64), w)
    while boxes and len(boxes) < count and boxes[0][0] < 0:
        _, _, box, bw = heapq.heappop(boxes)
        mean = (box * bw[:, None]).sum(axis=0) / bw.sum()
        channel = int(np.argmax((((box - mean) ** 2) * bw[:, None]).sum(axis=0)))
        order = np.argsort(box[:, channel], kind="stable")
        box, bw = box[order], bw[order]
        cut = _best_cut(box, bw, box[:, channel])
        push(box[:cut], bw[:cut])
        push(box[cut:], bw[cut:])
    final = sorted(boxes, key=lambda b: b[1])
    means = [np.rint((b * bw[:, None]).sum(axis=0) / bw.sum()) for _, _, b, bw in final]
    return np.array(means, dtype=np.uint8).reshape(-1, 3)


def _best_cut(box: np.ndarray, bw: np.ndarray, values: np.ndarray) -> int:
    """Where to split colours sorted by `values` so the halves' squared error is least,
    never between equal values."""
    n = np.cumsum(bw)[:-1, None]
    s = np.cumsum(box * bw[:, None], axis=0)
    q = np.cumsum(box * box * bw[:, None], axis=0)
    total_n, total_s, total_q = n[-1] + bw[-1], s[-1], q[-1]
    left = (q[:-1] - s[:-1] ** 2 / n).sum(axis=1)
    right = ((total_q - q[:-1]) - (total_s - s[:-1]) ** 2 / (total_n - n)).sum(axis=1)
    cost = np.where(values[1:] != values[:-1], left + right, np.inf)
    return int(np.argmin(cost)) + 1


def spare_cube(count: int) -> np.ndarray:
    """Up to `count` colours evenly spread over the RGB cube, for entries the first frame
    leaves unused (a later frame's new colours then land near one)."""
    side = int(round(count ** (1.0 / 3.0)))
    while side**3 > count:
        side -= 1
    if side < 2:
        return np.empty((0, 3), dtype=np.uint8)
    levels = np.rint(np.linspace(0, 255, side)).astype(np.uint8)
    return np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)


def shades(colors: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """Each colour with darker and lighter shades (lit balls and paths on the surface)."""
    if not colors:
        return np.empty((0, 3), dtype=np.uint8)
    base = np.array(colors, dtype=np.float64).reshape(-1, 1, 3)
    dark = base * np.array([1.0, 0.8, 0.6, 0.4]).reshape(1, -1, 1)
    light = base + (255.0 - base) * np.array([0.35, 0.7]).reshape(1, -1, 1)
    all_shades = np.concatenate([dark, light], axis=1).reshape(-1, 3)
    return np.unique(np.rint(all_shades).clip(0, 255).astype(np.uint8), axis=0)
