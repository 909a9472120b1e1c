"""The 3D view: surface rebuilds and paints."""

from __future__ import annotations

from .common import Row


def bench_surface(reps: int) -> Row:
    """Landscape change → 256×256 surface buffers ready, vs GLSurfacePlotItem + paint."""
    from ..render.bench_surface import bench_surface_rebuild

    return bench_surface_rebuild(256, reps)


def bench_paint3d(reps: int) -> Row:
    """CPU of one paintGL of the race (8 racers, full histories, grid 128, 800×700) while it
    plays, vs pyqtgraph's surface, line-per-path and scatter items in the same run."""
    from ..render.bench_paint3d import bench_paint3d_128

    return bench_paint3d_128(reps)


def bench_race_repaints(reps: int) -> Row:
    """3D repaints per second while the 8-racer race plays in a 1600×1000 window."""
    from ..render.bench_paint3d import bench_race_repaints as repaints

    return repaints(seconds=3.0 if reps <= 7 else 5.0)
