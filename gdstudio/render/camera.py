"""Camera framing for a height map: how far away, and from which side (no Qt)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdstudio.render.heightmap import HeightMap
from gdstudio.render.path_geometry import path_fields

THREE_QUARTER_AZIMUTHS = (-62.0, 118.0, 28.0, 208.0)
DEFAULT_ELEVATION = 40.0


def start_points(paths: list[Any]) -> np.ndarray:
    """The first point of every non-empty path (as the 3D view takes them), (k, 2)."""
    return np.concatenate([np.empty((0, 2)), *(path_fields(p)[1][:1] for p in paths)])


def look_at_height(heightmap: HeightMap) -> float:
    """Height of the point the camera looks at: a little below the box middle."""
    return 0.38 * heightmap.height


def fit_distance(heightmap: HeightMap, fov_deg: float, width: float, height: float) -> float:
    """Camera distance at which the whole world box fits a view of horizontal fov and size."""
    ex, ey = heightmap.extent
    cz = look_at_height(heightmap)
    reach_z = max(cz, heightmap.height - cz)
    radius = 1.04 * math.sqrt(ex * ex + ey * ey + reach_z * reach_z)
    half_h = math.radians(fov_deg) / 2.0
    half_v = math.atan(math.tan(half_h) * max(height, 1.0) / max(width, 1.0))
    return radius / math.sin(min(half_h, half_v))


def best_azimuth(
    heightmap: HeightMap, candidates: tuple[float, ...] = THREE_QUARTER_AZIMUTHS, samples: int = 65
) -> float:
    """The candidate azimuth whose camera-facing box sides are lowest (hide the least)."""
    n = samples
    grid = heightmap.param_grid(n).reshape(-1, 2)
    z = heightmap.surface_z_at_world(heightmap.world_xy(grid)).reshape(n, n)
    side_z = np.array([z[0, :].mean(), z[:, -1].mean(), z[-1, :].mean(), z[:, 0].mean()])
    outward = np.array([[0.0, -1.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    scores = []
    for azimuth in candidates:
        a = math.radians(azimuth)
        facing = np.maximum(outward @ np.array([math.cos(a), math.sin(a)]), 0.0)
        scores.append(float(facing @ side_z / facing.sum()))
    # prefer the first candidate unless another is clearly better
    return candidates[int(np.argmin(np.array(scores) + 0.02 * (np.arange(len(scores)) > 0)))]


FOCUS_ELEVATIONS = (40.0, 52.0, 64.0, 76.0)
"""Elevations tried, lowest first, until the framed points are all in sight."""
FOCUS_FILL = 0.8
"""The framed points reach this far from the centre towards the view's edges (in NDC)."""
FOCUS_PAD = 0.06
"""Margin around the framed points, as a fraction of the box's longest side."""
FOCUS_MIN_HALF = 0.2
"""The framed region is at least this fraction of the box's longest side on each side."""
FOCUS_SHOWN = 0.85
"""The fraction of the surface around the focus points a framing should show (not hide
behind a hill)."""
SIGHT_TOLERANCE = 0.25
"""World units a point may lie behind the first surface a ray meets and still count seen."""
SIGHT_SAMPLES = 96
"""Samples along each sight ray (count_seen's default and frame_focus's)."""


@dataclass(frozen=True)
class Framing:
    """A camera as OrbitView holds it: centre (world), distance, elevation and azimuth."""

    center: tuple[float, float, float]
    distance: float
    elevation: float
    azimuth: float


def view_matrix(
    center: np.ndarray, distance: float, elevation: float, azimuth: float
) -> np.ndarray:
    """World → eye matrix of an orbit camera (the same as OrbitView.viewMatrix)."""
    el, az = math.radians(elevation - 90.0), math.radians(azimuth + 90.0)
    ce, se, ca, sa = math.cos(el), math.sin(el), math.cos(az), math.sin(az)
    tilt = np.array([[1, 0, 0, 0], [0, ce, -se, 0], [0, se, ce, 0], [0, 0, 0, 1]], dtype=float)
    turn = np.array([[ca, sa, 0, 0], [-sa, ca, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=float)
    m = np.eye(4)
    m[2, 3] = -distance
    shift = np.eye(4)
    shift[:3, 3] = -np.asarray(center, dtype=float)
    matrix: np.ndarray = m @ tilt @ turn @ shift
    return matrix


def eye_position(
    center: np.ndarray, distance: float, elevation: float, azimuth: float
) -> np.ndarray:
    """World position of an orbit camera's eye (OrbitView.cameraPosition)."""
    el, az = math.radians(elevation), math.radians(azimuth)
    offset = np.array([math.cos(el) * math.cos(az), math.cos(el) * math.sin(az), math.sin(el)])
    eye: np.ndarray = np.asarray(center, dtype=float) + distance * offset
    return eye


def _focus_region(heightmap: HeightMap, focus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Params box around the focus points, padded and at least FOCUS_MIN_HALF wide, kept
    inside the bounds."""
    lo, hi = heightmap.param_lo, heightmap.param_hi
    span = float(np.max(hi - lo))
    a, b = focus.min(axis=0) - FOCUS_PAD * span, focus.max(axis=0) + FOCUS_PAD * span
    middle, half = 0.5 * (a + b), np.maximum(0.5 * (b - a), FOCUS_MIN_HALF * span)
    half = np.minimum(half, 0.5 * (hi - lo))
    middle = np.clip(middle, lo + half, hi - half)
    return middle - half, middle + half


def _on_surface(heightmap: HeightMap, params: np.ndarray) -> np.ndarray:
    """World points (n, 3) on the drawn (clipped) surface above params (n, 2)."""
    points = np.empty((len(params), 3))
    points[:, :2] = heightmap.world_xy(params)
    points[:, 2] = heightmap.z_from_loss(heightmap.loss(params))
    return points


def _sight(heightmap: HeightMap, eyes: np.ndarray, points: np.ndarray, samples: int) -> np.ndarray:
    """Whether each ray from eyes[i] to points[i] (both (n, 3)) meets no part of the solid
    under the surface but for its last SIGHT_TOLERANCE (one vectorized march along all)."""
    ray = points - eyes
    reach = np.linalg.norm(ray, axis=1)
    stop = np.clip(1.0 - SIGHT_TOLERANCE / np.maximum(reach, 1e-9), 0.0, 1.0)
    t = np.linspace(0.0, 1.0, samples)[None, :, None] * stop[:, None, None]
    along = eyes[:, None, :] + t * ray[:, None, :]
    ex, ey = heightmap.extent
    inside = (np.abs(along[..., 0]) <= ex) & (np.abs(along[..., 1]) <= ey)
    blocked = inside & (along[..., 2] < heightmap.surface_z_at_world(along[..., :2]))
    clear: np.ndarray = ~blocked.any(axis=1)
    return clear


def count_seen(
    heightmap: HeightMap, eye: np.ndarray, points: np.ndarray, samples: int = SIGHT_SAMPLES
) -> int:
    """How many world points a camera at `eye` sees: no part of the solid under the surface
    (hills, walls) on the way to them, but for the last SIGHT_TOLERANCE."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    eyes = np.broadcast_to(np.asarray(eye, dtype=np.float64), points.shape)
    return int(np.count_nonzero(_sight(heightmap, eyes, points, samples)))


def _framed_points(
    heightmap: HeightMap, boxes: list[tuple[np.ndarray, np.ndarray]]
) -> list[np.ndarray]:
    """For each params box lo..hi, the world points a framing of it shows: the surface above
    a 9×9 grid on it, and the floor below the samples on the sides of the world box (the
    axes' edges). One loss evaluation for all the boxes."""
    u, v = np.meshgrid(np.linspace(0.0, 1.0, 9), np.linspace(0.0, 1.0, 9))
    unit = np.stack([u.ravel(), v.ravel()], axis=-1)
    regions = [lo + (hi - lo) * unit for lo, hi in boxes]
    surfaces = np.split(_on_surface(heightmap, np.concatenate(regions)), len(boxes))
    framed = []
    for region, surface in zip(regions, surfaces, strict=True):
        side = np.any(
            np.isclose(region, heightmap.param_lo) | np.isclose(region, heightmap.param_hi), 1
        )
        floor = surface[side].copy()
        floor[:, 2] = 0.0
        framed.append(np.concatenate([surface, floor]))
    return framed


def _fit_distance(
    framed: np.ndarray, center: np.ndarray, angles: tuple[float, float], f: tuple[float, float]
) -> float:
    """The distance at which every framed point is within FOCUS_FILL of the view's centre."""
    elevation, azimuth = angles
    turned = view_matrix(center, 0.0, elevation, azimuth) @ np.c_[framed, np.ones(len(framed))].T
    ex, ey, ez = turned[:3]
    need = np.maximum(f[0] * np.abs(ex), f[1] * np.abs(ey)) / FOCUS_FILL + ez
    return float(max(need.max(), 1e-3))


def _spread(points: np.ndarray, framing: Framing, f: tuple[float, float]) -> float:
    """How much of the view (0..1 across) the points span with this camera."""
    view = view_matrix(
        np.array(framing.center), framing.distance, framing.elevation, framing.azimuth
    )
    ex, ey, ez = (view @ np.c_[points, np.ones(len(points))].T)[:3]
    x, y = f[0] * ex / -ez, f[1] * ey / -ez
    return 0.5 * max(float(np.ptp(x)), float(np.ptp(y)))


def frame_focus(
    heightmap: HeightMap, focus: np.ndarray, fov_deg: float, width: float, height: float
) -> Framing:
    """A camera that frames the focus params (start points, minima) with a margin, and the
    box corner nearest the camera (where the axes are): it sees every focus point on the
    surface (else the most of them) and FOCUS_SHOWN of the surface around them (else the
    most), from the lowest elevation in FOCUS_ELEVATIONS that does and the three-quarter
    side that spreads the focus points the most across the view."""
    focus = np.asarray(focus, dtype=np.float64).reshape(-1, 2)
    focus = np.clip(focus, heightmap.param_lo, heightmap.param_hi)
    lo, hi = _focus_region(heightmap, focus)
    u, v = np.meshgrid(np.linspace(0.05, 0.95, 7), np.linspace(0.05, 0.95, 7))
    around = lo + (hi - lo) * np.stack([u.ravel(), v.ravel()], axis=-1)
    targets, region = np.split(
        _on_surface(heightmap, np.concatenate([focus, around])), [len(focus)]
    )
    rays = np.concatenate([targets, region])  # each camera's rays: the targets, then the region
    fx = 1.0 / math.tan(math.radians(fov_deg) / 2.0)
    f = (fx, fx * max(width, 1.0) / max(height, 1.0))
    # What a side frames (the focus box stretched to the box corner nearest the camera, where
    # the axes are) and its centre do not depend on the elevation: found once per azimuth.
    boxes, centers = [], []
    for azimuth in THREE_QUARTER_AZIMUTHS:
        a = math.radians(azimuth)
        toward = np.array([math.cos(a), math.sin(a)]) > 0.0
        corner = np.where(toward, heightmap.param_hi, heightmap.param_lo)
        boxes.append((np.minimum(lo, corner), np.maximum(hi, corner)))
    framed = _framed_points(heightmap, boxes)
    for (rlo, rhi), points in zip(boxes, framed, strict=True):
        cx, cy = (float(c) for c in heightmap.world_xy(0.5 * (rlo + rhi)))
        centers.append(np.array([cx, cy, 0.5 * float(points[:, 2].min() + points[:, 2].max())]))
    all_rays = np.tile(rays, (len(THREE_QUARTER_AZIMUTHS), 1))  # every camera's, in turn
    candidates = []
    for rank, elevation in enumerate(FOCUS_ELEVATIONS):
        framings, eyes = [], []
        for azimuth, points, center in zip(THREE_QUARTER_AZIMUTHS, framed, centers, strict=True):
            distance = _fit_distance(points, center, (elevation, azimuth), f)
            framings.append(Framing(tuple(center.tolist()), distance, elevation, azimuth))
            eyes.append(eye_position(center, distance, elevation, azimuth))
        clear = _sight(heightmap, np.repeat(eyes, len(rays), axis=0), all_rays, SIGHT_SAMPLES)
        for framing, sight in zip(framings, np.split(clear, len(framings)), strict=True):
            seen = int(np.count_nonzero(sight[: len(targets)]))
            shown = np.count_nonzero(sight[len(targets) :]) / len(region)
            enough = shown >= FOCUS_SHOWN
            spread = _spread(targets, framing, f)
            candidates.append((-seen, not enough, rank if enough else -shown, -spread, framing))
        if any(c[0] == -len(targets) and not c[1] for c in candidates):
            break  # every point seen and enough shown: a higher elevation can only rank lower
    return min(candidates, key=lambda c: c[:4])[4]
