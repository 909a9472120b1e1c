"""Benchmark: landscape change -> surface rebuilt, uploaded and painted, ours vs pyqtgraph's."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph.opengl as gl
from OpenGL import GL
from PySide6 import QtWidgets
from PySide6.QtTest import QTest

from gdstudio.core.landscapes import ANALYTIC, Landscape
from gdstudio.render.colormap import map_colors
from gdstudio.render.glview import OrbitView
from gdstudio.render.heightmap import HeightMap, SurfaceMesh
from gdstudio.render.surface_item import SurfaceItem

from .common import pyqtgraph_view

_LANDSCAPES = ("rosenbrock", "himmelblau")
_VIEW_SIZE = (640, 480)


View = Any  # pyqtgraph's GLViewWidget (untyped) or our OrbitView


def _shown_view(kind: Any = pyqtgraph_view) -> View:
    """A shown 640×480 view (pyqtgraph's for the baseline, ours for our item)."""
    view = kind()
    view.resize(*_VIEW_SIZE)
    view.setCameraPosition(distance=3.5, elevation=40, azimuth=-62)
    view.show()
    if not QTest.qWaitForWindowExposed(view):
        raise RuntimeError("the benchmark view was never exposed (is there a display?)")
    return view


def _median_ms(
    step: Callable[[Landscape], None], view: View, reps: int, paint: bool = True
) -> float:
    """Median time of step(landscape) (+ one real repaint), alternating landscapes."""
    landscapes = [ANALYTIC[name] for name in _LANDSCAPES]
    step(landscapes[-1])
    view.grabFramebuffer()  # warm-up: shader compilation, first allocation
    times = []
    for i in range(reps):
        start = time.perf_counter()
        step(landscapes[i % len(landscapes)])
        if paint:
            view.grabFramebuffer()  # renders the scene through paintGL and reads it back
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def _unchanged_repaint_ms(view: View, reps: int) -> float:
    """Median repaint time of a scene that did not change (pure rasterization cost)."""
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        view.grabFramebuffer()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def _ours(n: int, reps: int) -> tuple[float, float, float, float]:
    view = _shown_view(OrbitView)
    item = SurfaceItem()
    view.addItem(item)
    meshes: list[SurfaceMesh] = []

    def step(landscape: Landscape) -> None:
        mesh = HeightMap(landscape).sample(n, out=meshes.pop() if meshes else None)
        meshes.append(mesh)
        item.set_mesh(mesh.vertices, mesh.normals, mesh.colors, mesh.faces)

    def step_and_upload(landscape: Landscape) -> None:
        step(landscape)
        view.makeCurrent()
        item._prepare()  # upload the dirty buffers, as paint() would, without drawing
        GL.glFinish()
        view.doneCurrent()

    try:
        return (
            _median_ms(step, view, reps),
            _median_ms(step, view, reps, paint=False),
            _unchanged_repaint_ms(view, reps),
            _median_ms(step_and_upload, view, reps, paint=False),
        )
    finally:
        view.close()
        view.deleteLater()


def _baseline(n: int, reps: int) -> float:
    view = _shown_view()
    item = gl.GLSurfacePlotItem(shader="shaded", smooth=True)
    view.addItem(item)

    def step(landscape: Landscape) -> None:
        hm = HeightMap(landscape)
        grid = hm.param_grid(n)
        z = hm.z_from_loss(hm.loss(grid))
        colors = map_colors(z / hm.height).astype(np.float32) / 255.0
        xs = hm.world_xy(grid[0, :, :])[:, 0]
        ys = hm.world_xy(grid[:, 0, :])[:, 1]
        # pyqtgraph wants z[i, j] at (x_i, y_j); our grid is row = y
        item.setData(x=xs, y=ys, z=z.T, colors=colors.transpose(1, 0, 2).reshape(-1, 4))

    try:
        return _median_ms(step, view, reps)
    finally:
        view.close()
        view.deleteLater()


def bench_surface_rebuild(n: int = 256, reps: int = 7) -> dict[str, object]:
    """Landscape change → surface buffers ready (values, normals, colours, upload), ours,
    against GLSurfacePlotItem.setData + one paint.

    Also reports whole frames (ours with its paint) and the repaint of an unchanged scene,
    which on software GL is the rasterization both sides pay.
    """
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    frame, rebuild, repaint, buffers = _ours(n, reps)
    baseline = _baseline(n, reps)
    app.processEvents()
    return {
        "name": f"surface_rebuild_{n}",
        "ours_ms": round(buffers, 3),
        "baseline_ms": round(baseline, 3),
        "ratio": round(baseline / buffers, 2),
        "ours_cpu_rebuild_ms": round(rebuild, 3),
        "ours_frame_ms": round(frame, 3),
        "frame_ratio": round(baseline / frame, 2),
        "repaint_unchanged_ms": round(repaint, 3),
    }
