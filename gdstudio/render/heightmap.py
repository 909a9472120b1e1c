"""Map a two-parameter landscape into a world box and sample it as a lit height field (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from gdstudio.render.colormap import VIRIDIS_LUT
from gdstudio.render.loss_range import LossRange, settle

WORLD_HEIGHT = 1.0
_RANGE_SAMPLES = 65


class SurfaceLandscape(Protocol):
    """What the 3D view reads of a landscape: analytic, a fit to data, or a table of either."""

    @property
    def name(self) -> str: ...
    @property
    def dim(self) -> int: ...
    @property
    def bounds(self) -> tuple[tuple[float, float], ...]: ...
    @property
    def minima(self) -> tuple[tuple[float, ...], ...]: ...
    @property
    def log_height(self) -> bool: ...
    def value(self, p: np.ndarray) -> np.ndarray: ...
    def grad(self, p: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class SurfaceMesh:
    """An n×n height field (then 8n side-wall vertices) ready for upload.

    vertices and normals are float32 (count, 3), colors RGBA uint8 (count, 4), faces uint32.
    """

    n: int
    vertices: np.ndarray
    normals: np.ndarray
    colors: np.ndarray
    faces: np.ndarray


@lru_cache(maxsize=8)
def grid_faces(n: int) -> np.ndarray:
    """Triangle indices (2·(n−1)², 3) uint32 for an n×n row-major vertex grid (cached)."""
    idx = np.arange(n * n, dtype=np.uint32).reshape(n, n)
    a, b = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel()
    c, d = idx[1:, :-1].ravel(), idx[1:, 1:].ravel()
    faces = np.empty((2 * a.size, 3), dtype=np.uint32)
    faces[0::2] = np.stack([a, b, d], axis=-1)
    faces[1::2] = np.stack([a, d, c], axis=-1)
    faces.setflags(write=False)
    return faces


def _edge_indices(n: int) -> np.ndarray:
    """Grid indices of the four box sides (y = lo, x = hi, y = hi, x = lo), shape (4, n)."""
    idx = np.arange(n * n).reshape(n, n)
    return np.stack([idx[0, :], idx[:, -1], idx[-1, :], idx[:, 0]])


_WALL_RGB = np.array([92.0, 98.0, 112.0], dtype=np.float32)
_SIDE_NORMALS = np.array([[0, -1, 0], [1, 0, 0], [0, 1, 0], [-1, 0, 0]], dtype=np.float32)


@lru_cache(maxsize=8)
def mesh_faces(n: int) -> np.ndarray:
    """Faces of the n×n surface followed by its four side walls (cached)."""
    base = n * n
    side = np.arange(n - 1, dtype=np.uint32)
    quads = []
    for s in range(4):
        top = base + 2 * n * s + side
        bottom = top + n
        quads.append(np.stack([top, bottom, top + 1], axis=-1))
        quads.append(np.stack([top + 1, bottom, bottom + 1], axis=-1))
    faces = np.concatenate([grid_faces(n), *quads])
    faces.setflags(write=False)
    return faces


class HeightMap:
    """Two-way mapping between (params, loss) and world (x, y, z) for a 2-parameter landscape.

    Params map affinely onto a box whose longest side spans [-1, 1] (true aspect kept); loss
    maps onto z in [0, height], linearly or as log1p(L − Lmin). `keep`, the range drawn
    before a small edit, is kept while it holds this landscape's exact one (render.loss_range).
    """

    def __init__(
        self,
        landscape: SurfaceLandscape,
        log_height: bool | None = None,
        height: float = WORLD_HEIGHT,
        keep: LossRange | None = None,
    ) -> None:
        if landscape.dim != 2:
            raise ValueError(
                f"the 3D view needs a landscape with 2 parameters; {landscape.name} has "
                f"{landscape.dim}"
            )
        self.landscape = landscape
        self.log_scale = bool(landscape.log_height if log_height is None else log_height)
        self.height = float(height)
        lo, hi = np.array(landscape.bounds, dtype=np.float64).T
        self.param_lo, self.param_hi = lo, hi
        self._center = 0.5 * (lo + hi)
        self._scale = 2.0 / float(np.max(hi - lo))
        self.extent = 0.5 * (hi - lo) * self._scale
        self.exact_range = self._loss_range()
        """The loss range over the bounds; (loss_min, loss_max) is the one drawn."""
        self.loss_min, self.loss_max = settle(self.exact_range, keep, self.log_scale)
        self._g_max = float(self._g(np.float64(self.loss_max)))

    def loss(self, params: np.ndarray) -> np.ndarray:
        """Landscape loss at params, quietly (overflow becomes inf, handled downstream)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return self.landscape.value(params)

    def _gradient(self, params: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            return self.landscape.grad(params)

    def _grid_loss_and_grad(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Loss (n²,) and gradient (n², 2) on the n×n grid.

        A landscape with `grid_value_and_grad(ws, bs)` (a data fit, a table of one) gives both
        from one fused pass over the grid's axes; any other is asked for value() and grad().
        """
        fused = getattr(self.landscape, "grid_value_and_grad", None)
        if fused is None:
            params = _grids(tuple(self.param_lo), tuple(self.param_hi), n)[0]
            return self.loss(params), self._gradient(params)
        xs = np.linspace(self.param_lo[0], self.param_hi[0], n)
        ys = np.linspace(self.param_lo[1], self.param_hi[1], n)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            loss, grad = fused(xs, ys)
        return np.asarray(loss, dtype=np.float64).reshape(-1), np.reshape(grad, (-1, 2))

    def _grid_loss(self, n: int) -> np.ndarray:
        """Loss (n²,) on the n×n grid (from the fused pass when the landscape has one)."""
        if getattr(self.landscape, "grid_value_and_grad", None) is None:
            return self.loss(self.param_grid(n)).ravel()
        return self._grid_loss_and_grad(n)[0]

    def _loss_range(self) -> tuple[float, float]:
        """Loss range over the bounds, from a coarse grid plus the known minima."""
        values = self._grid_loss(_RANGE_SAMPLES)
        minima = self.landscape.minima
        if minima:
            # A data fit's one optimum: its exact loss, even when a table of it is drawn.
            known = getattr(self.landscape, "minimum_value", None) if len(minima) == 1 else None
            at_minima = self.loss(np.array(minima)) if known is None else np.array([known])
            values = np.concatenate([values, at_minima])
        values = values[np.isfinite(values)]
        if values.size == 0:
            return 0.0, 1.0
        lo, hi = float(values.min()), float(values.max())
        if not hi - lo > 1e-12 * max(1.0, abs(lo)):
            hi = lo + 1.0
        return lo, hi

    def _g(self, loss: np.ndarray) -> np.ndarray:
        d = np.maximum(loss - self.loss_min, 0.0)
        return np.log1p(d) if self.log_scale else d

    def param_grid(self, n: int) -> np.ndarray:
        """Params on an n×n grid over the bounds, (n, n, 2), row j = y_j, column i = x_i."""
        return _grids(tuple(self.param_lo), tuple(self.param_hi), n)[0].reshape(n, n, 2)

    def minima_inside(self) -> np.ndarray:
        """The landscape's known minima within the bounds, (m, 2)."""
        minima = np.array(self.landscape.minima, dtype=np.float64).reshape(-1, 2)
        inside = np.all((minima >= self.param_lo) & (minima <= self.param_hi), axis=1)
        kept: np.ndarray = minima[inside]
        return kept

    def world_box(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper corners of the world box that holds the surface."""
        ex, ey = self.extent
        return np.array([-ex, -ey, 0.0]), np.array([ex, ey, self.height])

    def world_xy(self, params: np.ndarray) -> np.ndarray:
        """World (x, y) of params, shape (..., 2)."""
        xy: np.ndarray = (np.asarray(params, dtype=np.float64) - self._center) * self._scale
        return xy

    def params_from_world(self, xy: np.ndarray) -> np.ndarray:
        """Params at world (x, y), shape (..., 2)."""
        params: np.ndarray = np.asarray(xy, dtype=np.float64)[..., :2] / self._scale + self._center
        return params

    def z_from_loss(self, loss: np.ndarray, clip: bool = True) -> np.ndarray:
        """World z of a loss; non-finite -> top; clipped to [0, height] unless clip is False."""
        z = np.array(loss, dtype=np.float64)
        z -= self.loss_min
        with np.errstate(over="ignore", invalid="ignore"):
            np.maximum(z, 0.0, out=z)
            if self.log_scale:
                np.log1p(z, out=z)
            z *= self.height / self._g_max
        z[~np.isfinite(z)] = self.height
        return np.clip(z, 0.0, self.height, out=z) if clip else z

    def loss_from_z(self, z: np.ndarray) -> np.ndarray:
        """Loss at world height z (inverse of z_from_loss inside the box)."""
        g = np.asarray(z, dtype=np.float64) / self.height * self._g_max
        return self.loss_min + (np.expm1(g) if self.log_scale else g)

    def to_world(self, params: np.ndarray, loss: np.ndarray | None = None) -> np.ndarray:
        """World points (..., 3) of params at the given losses (computed when None), unclipped."""
        params = np.asarray(params, dtype=np.float64)
        if loss is None:
            loss = self.loss(params)
        out = np.empty(params.shape[:-1] + (3,))
        out[..., :2] = self.world_xy(params)
        out[..., 2] = self.z_from_loss(loss, clip=False)
        return out

    def surface_z_at_world(self, xy: np.ndarray) -> np.ndarray:
        """Height of the drawn surface above world (x, y), shape (...,)."""
        return self.z_from_loss(self.loss(self.params_from_world(xy)))

    @property
    def loss_range(self) -> LossRange:
        """The loss range drawn, (loss_min, loss_max)."""
        return self.loss_min, self.loss_max

    def _mesh_key(self, n: int, walls: bool) -> tuple[object, ...]:
        return (n, walls, self.log_scale, self.height, self.loss_min, self.loss_max)

    def prepare(self, n: int, walls: bool = True) -> None:
        """Sample the n×n mesh now and keep it in the landscape's `meshes` (a table computed
        off the UI thread), so that drawing it later only copies it; the range it was drawn
        with is kept there too (see `prepared_range`)."""
        meshes = getattr(self.landscape, "meshes", None)
        if meshes is not None:
            meshes[self._mesh_key(n, walls)] = self.sample(n, walls)
            meshes[_range_key(self.log_scale, self.height)] = self.loss_range

    def sample(self, n: int, walls: bool = True, out: SurfaceMesh | None = None) -> SurfaceMesh:
        """The surface as an n×n mesh (gradient normals, viridis by height), walls down to 0.

        `out`, a previous mesh of the same size, has its arrays refilled in place: fresh
        megabyte-sized arrays cost page faults comparable to the whole computation.
        """
        if n < 2:
            raise ValueError(f"grid size must be at least 2, got {n}")
        world_xy = _grids(tuple(self.param_lo), tuple(self.param_hi), n)[1]
        m = n * n
        count = m + (8 * n if walls else 0)
        if out is not None and out.n == n and len(out.vertices) == count:
            vertices, normals, colors = out.vertices, out.normals, out.colors
        else:
            vertices = np.empty((count, 3), dtype=np.float32)
            normals = np.empty((count, 3), dtype=np.float32)
            colors = np.empty((count, 4), dtype=np.uint8)
        made = getattr(self.landscape, "meshes", {}).get(self._mesh_key(n, walls))
        if made is not None:  # sampled already, off the UI thread (see `prepare`)
            np.copyto(vertices, made.vertices)
            np.copyto(normals, made.normals)
            np.copyto(colors, made.colors)
            return SurfaceMesh(n, vertices, normals, colors, made.faces)

        loss, grad = self._grid_loss_and_grad(n)
        z = self.z_from_loss(loss)
        vertices[:m, :2] = world_xy
        vertices[:m, 2] = z

        # chain rule: dz/dworld = dz/dL · dL/dp · dp/dworld, flat where the surface is clipped
        d = np.subtract(loss, self.loss_min)
        outside = ~((d >= 0.0) & (loss <= self.loss_max))
        factor = self.height / (self._g_max * self._scale)
        if self.log_scale:
            dz = np.add(d, 1.0, out=d)
            np.divide(factor, dz, out=dz)
        else:
            dz = np.full_like(d, factor)
        dz[outside] = 0.0
        slope = normals[:m, :2]
        with np.errstate(invalid="ignore", over="ignore"):
            np.multiply(grad, dz[:, None], out=slope, casting="same_kind")
        slope[~np.isfinite(slope)] = 0.0
        inv = np.einsum("ij,ij->i", slope, slope)
        inv += 1.0
        np.sqrt(inv, out=inv)
        np.divide(1.0, inv, out=inv)
        slope *= -inv[:, None]
        normals[:m, 2] = inv

        z *= (len(VIRIDIS_LUT) - 1) / self.height
        z += 0.5
        np.take(VIRIDIS_LUT, z.astype(np.intp), axis=0, out=colors[:m])
        if not walls:
            return SurfaceMesh(n, vertices, normals, colors, grid_faces(n))
        _fill_walls(vertices, normals, colors, n)
        return SurfaceMesh(n, vertices, normals, colors, mesh_faces(n))


@lru_cache(maxsize=8)
def _grids(lo: tuple[float, float], hi: tuple[float, float], n: int) -> tuple[np.ndarray, ...]:
    """Params (n², 2) on the grid and their world (x, y) as float32 (cached, read-only)."""
    xs = np.linspace(lo[0], hi[0], n)
    ys = np.linspace(lo[1], hi[1], n)
    grid = np.empty((n, n, 2))
    grid[..., 0] = xs[None, :]
    grid[..., 1] = ys[:, None]
    params = grid.reshape(-1, 2)
    center = 0.5 * (np.array(lo) + np.array(hi))
    scale = 2.0 / float(np.max(np.array(hi) - np.array(lo)))
    world = ((params - center) * scale).astype(np.float32)
    params.setflags(write=False)
    world.setflags(write=False)
    return params, world


def _fill_walls(vertices: np.ndarray, normals: np.ndarray, colors: np.ndarray, n: int) -> None:
    """Fill the wall part (after n² surface vertices): per side n top then n bottom vertices."""
    edges = _edge_indices(n)
    walls = slice(n * n, None)
    w_vertices = vertices[walls].reshape(4, 2, n, 3)
    w_vertices[:, 0] = vertices[edges]
    w_vertices[:, 1] = vertices[edges]
    w_vertices[:, 1, :, 2] = 0.0
    normals[walls] = np.repeat(_SIDE_NORMALS, 2 * n, axis=0)
    # muted: a little of the edge colour over slate, darker towards the floor
    top_rgb = 0.35 * colors[edges][..., :3] + 0.65 * _WALL_RGB
    w_colors = colors[walls].reshape(4, 2, n, 4)
    w_colors[:, 0, :, :3] = top_rgb
    w_colors[:, 1, :, :3] = 0.55 * top_rgb
    w_colors[..., 3] = 255


def _range_key(log_scale: bool, height: float) -> tuple[object, ...]:
    return ("loss_range", log_scale, height)


def prepared_range(
    landscape: object, log_scale: bool, height: float = WORLD_HEIGHT
) -> LossRange | None:
    """The loss range the meshes prepared off the UI thread for `landscape` were drawn with
    (None if none were): a view that draws it with this range only copies them."""
    meshes = getattr(landscape, "meshes", None)
    kept = meshes.get(_range_key(log_scale, height)) if isinstance(meshes, dict) else None
    return kept if isinstance(kept, tuple) else None
