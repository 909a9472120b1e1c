"""The 3D view: surface rebuilds and paints."""

from __future__ import annotations

from .common import Row


def bench_surface(reps: int) -> Row:
    """Landscape change → 256×256 surface buffers ready, vs GLSurfacePlotItem + paint."""
    from ..render.bench_surface import bench_surface_rebuild

    return bench_surface_rebuild(256, reps)
