"""LandscapeView3D: the 3D loss surface with optimizer paths, camera controls and picking."""

from __future__ import annotations

import enum
import math
from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from gdstudio import theme
from gdstudio.render import gl, glprobe
from gdstudio.render.arrows3d import ArrowModel, SurfaceArrows
from gdstudio.render.axes_item import AxesItem
from gdstudio.render.camera import start_points
from gdstudio.render.camera_view import CameraView
from gdstudio.render.export_target import (
    ExportTarget,
    FullGridSurface,
    Moving,
    export_fov,
    pixels_to_image,
)
from gdstudio.render.frame_timer import FrameTimer
from gdstudio.render.heightmap import HeightMap, SurfaceLandscape, SurfaceMesh, prepared_range
from gdstudio.render.layers_ahead import LayersAhead
from gdstudio.render.line_item import PathLinesItem
from gdstudio.render.loss_range import LossRange
from gdstudio.render.marker_item import MarkerItem
from gdstudio.render.path_tracks import PathTracks
from gdstudio.render.picking import intersect_heightfield, project_to_screen, ray_from_screen
from gdstudio.render.race_layers import RaceLayers
from gdstudio.render.surface_item import SurfaceItem

DEFAULT_GRID = 256
COARSE_GRIDS = (128, 96)
FRAME_BUDGET_MS = 1000.0 / 30.0
SLOW_FRAMES_BEFORE_COARSENING = 3
CLICK_SLOP_PX = 4.0
BACKGROUND = theme.BACKGROUND_RGB
MINIMUM_COLOR = (*theme.hex_to_rgb(theme.MINIMUM_COLOR), 1.0)
HEAD_SIZE_PX = 17.0
PATH_STYLE: dict[str, float] = {"width": 3.0, "lift": 0.03}
MINIMUM_SIZE_PX = 12.0


class _Keep(enum.Enum):
    """The type of _KEEP."""

    KEEP = enum.auto()


_KEEP = _Keep.KEEP  # set_landscape: leave the height scale as it is


class LandscapeView3D(CameraView):
    """A 2-parameter landscape as a lit 3D surface with runs drawn on it.

    Left-drag rotates, wheel zooms, middle-drag or shift+left-drag pans; a left click on the
    surface emits startPicked with the params under the cursor. Bound to a state Camera
    (`bind_camera`), the view reports its moves there, once per drag, and follows its events.
    """

    startPicked = Signal(object)
    _painting = False  # a class default: OrbitView calls update() before __init__ has run

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackgroundColor(BACKGROUND)
        self._landscape: SurfaceLandscape | None = None
        self._heightmap: HeightMap | None = None
        self._log_height: bool | None = None
        self._requested_grid = DEFAULT_GRID
        self._grid = DEFAULT_GRID
        self._gpu_grid: int | None = None  # the grid to take back on a GPU (set_software_grid)
        self._paths: list[Any] = []
        self._paths_changed = False  # followed at the next paint (once per frame)
        self._tracks = PathTracks()
        self._mesh: SurfaceMesh | None = None
        self._auto_coarsen = True
        self.frame_budget_ms = FRAME_BUDGET_MS
        self._slow_frames = 0
        self.last_frame_ms = float("nan")
        self._press_pos: QtCore.QPointF | None = None
        self._dragging = False
        self._shift_drag = False

        self._surface = SurfaceItem()
        self._minima = MarkerItem()
        self._paths_item = PathLinesItem(**PATH_STYLE)
        self._moving = PathLinesItem(**PATH_STYLE)  # drawn by the race layers only
        self._heads = MarkerItem()
        self._axes = AxesItem()
        for depth, item in enumerate((self._surface, self._minima, self._paths_item, self._heads)):
            item.setDepthValue(depth)
            self.addItem(item)
        self._axes.setDepthValue(1.5)  # over the surface, under the paths and balls
        self.addItem(self._axes)
        self._arrows = SurfaceArrows(self)
        for depth, item in enumerate(self._arrows.items):
            item.setDepthValue(2.5 + 0.1 * depth)  # over the paths, under the balls
            self.addItem(item)
        static = [self._surface, self._minima, self._axes]
        # the arrows are drawn over the kept layer with the balls, which copies it again
        # around where they were and are: they never force the surface to be drawn again
        arrows = self._arrows.items
        self._layers = RaceLayers(static, self._paths_item, self._moving, self._heads, arrows)
        self._ahead = LayersAhead(self, self._surface, self._layers, self._follow_paths)
        self._timer = FrameTimer()
        self._export = ExportTarget(self)
        self._export_surface = FullGridSurface()

    # --- model -> view -------------------------------------------------------------------

    @property
    def heightmap(self) -> HeightMap | None:
        """The current params/loss <-> world mapping (None before a landscape is set)."""
        return self._heightmap

    @property
    def mesh(self) -> SurfaceMesh | None:
        """The surface mesh last sampled for display."""
        return self._mesh

    @property
    def minima_positions(self) -> np.ndarray:
        """World positions (m, 3) of the minimum markers drawn."""
        return self._minima.positions

    @property
    def arrows(self) -> SurfaceArrows:
        """The step arrows at the balls (its check box switches them on)."""
        return self._arrows

    def bind_arrows(self, model: ArrowModel) -> None:
        """Draw the step arrows of `model`'s racers (when its check box is on)."""
        self._arrows.bind(model)

    @property
    def axes(self) -> AxesItem:
        """The labelled axes (their last layout says where each label is)."""
        return self._axes

    @property
    def grid_size(self) -> int:
        """Grid size in use (may be below the requested one after automatic coarsening)."""
        return self._grid

    def set_landscape(
        self,
        landscape: SurfaceLandscape,
        fit_camera: bool = True,
        log_height: bool | None | _Keep = _KEEP,
    ) -> None:
        """Show a 2-parameter landscape: rebuild surface, minima and paths; fit the camera.

        Pass fit_camera=False when the same scene only changed (e.g. a data edit), and
        log_height to change the height scale in the same single rebuild. An edit keeps the
        loss range drawn (and so the axes) while the new one fits in it (render.loss_range).
        """
        if log_height is not _KEEP:
            self._log_height = log_height
        keep = self._kept_range(landscape, edit=not fit_camera)
        # refuses a bad landscape first
        heightmap = HeightMap(landscape, self._log_height, keep=keep)
        self._landscape = landscape
        self._show(heightmap)
        if self._camera is not None and self._camera.take_hold():
            self._apply_camera()  # a session's camera was waiting for this surface
        elif fit_camera:
            self.reset_camera()
            self.expect_starts(start_points(self._paths))

    def _kept_range(self, landscape: SurfaceLandscape, edit: bool) -> LossRange | None:
        """The range to draw `landscape` with: the one its surface was prepared with off the
        UI thread, else for an edit the one drawn now (same fit, bounds and scale)."""
        log = self._log_height
        log_scale = bool(getattr(landscape, "log_height", False) if log is None else log)
        prepared = prepared_range(landscape, log_scale)
        if prepared is not None or not edit:
            return prepared
        hm = self._heightmap
        if hm is None or hm.log_scale != log_scale or hm.landscape.name != landscape.name:
            return None
        return hm.loss_range if hm.landscape.bounds == landscape.bounds else None

    def set_log_height(self, log_height: bool | None) -> None:
        """Log-scale heights (True/False) or follow the landscape's preference (None)."""
        if log_height == self._log_height:
            return
        self._log_height = log_height
        if self._landscape is not None:
            self._show(HeightMap(self._landscape, log_height))

    def set_grid_size(self, n: int) -> None:
        """Sample the surface on an n×n grid (automatic coarsening starts again from here)."""
        if n < 2:
            raise ValueError(f"grid size must be at least 2, got {n}")
        self._requested_grid = self._grid = int(n)
        self._gpu_grid = None
        self._slow_frames = 0
        self._rebuild_surface()

    def set_software_grid(self, n: int) -> None:
        """Sample at most an n×n grid where OpenGL is rasterized on the CPU (a finer one
        costs its frames). Until the view's context says which GL this is, the machine is
        taken to be such a one (the grid costs less to make): a view on a GPU takes its
        grid back when its context is made (initializeGL)."""
        renderer = glprobe.known_renderer()
        if renderer is not None and not glprobe.is_software_renderer(renderer):
            return
        grid = self._requested_grid
        if n < grid:
            self.set_grid_size(n)
            self._gpu_grid = None if renderer is not None else grid

    def initializeGL(self) -> None:  # noqa: N802
        """The GL is known now: a view on a GPU takes back the grid set_software_grid left."""
        super().initializeGL()
        grid, self._gpu_grid = self._gpu_grid, None
        if grid is not None and not glprobe.is_software_gl():
            self.set_grid_size(grid)

    def set_auto_coarsen(self, enabled: bool) -> None:
        """Let slow frames (software GL) lower the grid so animation keeps ≥ 30 fps."""
        self._auto_coarsen = bool(enabled)
        self._slow_frames = 0

    def set_paths(self, paths: list[Any]) -> None:
        """Draw runs; each has `color` (r, g, b in 0..1), `points` (n, 2) and `losses` (n,).

        The paths are read at the next paint (a race ticks faster than frames are drawn),
        and only what they added since the last one is mapped: hand a path that changed as
        new arrays (as History.columns does), not the same arrays edited in place.
        """
        self._paths = list(paths)
        self._paths_changed = True
        self.update()
        self.take_starts(start_points(self._paths))
        self._arrows.request()

    def _show(self, heightmap: HeightMap) -> None:
        self._heightmap = heightmap
        self._axes.set_heightmap(heightmap)
        self._rebuild_surface()
        self._rebuild_minima(heightmap)
        self._paths_changed = True  # the new landscape or height scale maps them again
        self._arrows.set_heightmap(heightmap)

    def _rebuild_surface(self) -> None:
        if self._heightmap is None:
            return
        mesh = self._mesh = self._heightmap.sample(self._grid, out=self._mesh)
        self._surface.set_mesh(mesh.vertices, mesh.normals, mesh.colors, mesh.faces)
        self._ahead.start()  # a new surface drawn ahead: the kept layer is drawn ahead too

    def _rebuild_minima(self, hm: HeightMap) -> None:
        minima = hm.minima_inside()
        world = hm.to_world(minima)
        world[:, 2] = hm.z_from_loss(hm.loss(minima))
        count = len(world)
        self._minima.set_markers(
            world, np.tile(MINIMUM_COLOR, (count, 1)), np.full(count, MINIMUM_SIZE_PX)
        )

    def _follow_paths(self) -> None:
        """Bring the drawn paths up to the last set_paths (what grew since is mapped)."""
        if not self._paths_changed or self._heightmap is None:
            return
        self._paths_changed = False
        if self._tracks.update(self._heightmap, self._paths):
            positions, colors = self._tracks.heads()
            self._heads.set_markers(positions, colors, np.full(len(positions), HEAD_SIZE_PX))
            self._layers.set_paths(self._tracks, positions)

    def update(self) -> None:  # type: ignore[override]  # the no-argument form only
        """Schedule a repaint (not for what the frame being painted changes itself)."""
        if not self._painting:
            super().update()

    # --- camera ----------------------------------------------------------------------------

    def reset_camera(self) -> None:
        """Frame the paths' start points and the minima (the whole surface without paths)."""
        if self._heightmap is None:
            self.setCameraPosition(pos=QtGui.QVector3D(0.0, 0.0, 0.0), distance=4.0)
        else:
            self.frame_surface(self._heightmap, start_points(self._paths))

    # --- picking ---------------------------------------------------------------------------

    def screen_position(self, params: np.ndarray) -> QtCore.QPointF:
        """Widget position (logical pixels) of the surface point above params."""
        hm = self._heightmap
        if hm is None:
            raise RuntimeError("no landscape shown yet")
        params = np.asarray(params, dtype=np.float64)
        world = hm.to_world(params)
        world[..., 2] = hm.z_from_loss(hm.loss(params))
        view, projection = self.camera_matrices()
        x, y = project_to_screen(world, self.width(), self.height(), view, projection)
        return QtCore.QPointF(float(x), float(y))

    def pick(self, pos: QtCore.QPointF) -> np.ndarray | None:
        """Params of the surface point under a widget position, or None if it misses."""
        hm = self._heightmap
        if hm is None:
            return None
        # The projection depends only on the viewport's aspect ratio, so logical positions
        # over the logical size are the same ray as device pixels over the device size.
        view, projection = self.camera_matrices()
        origin, direction = ray_from_screen(
            pos.x(), pos.y(), self.width(), self.height(), view, projection
        )
        lo, hi = hm.world_box()
        hit = intersect_heightfield(origin, direction, hm.surface_z_at_world, lo, hi)
        if hit is None:
            return None
        params: np.ndarray = np.clip(hm.params_from_world(hit[:2]), hm.param_lo, hm.param_hi)
        return params

    # --- Qt overrides ----------------------------------------------------------------------

    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:
        """Remember where a possible click started and whether shift makes it a pan."""
        super().mousePressEvent(ev)
        self._press_pos = ev.position()
        self._dragging = False
        self._shift_drag = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent) -> None:
        """Orbit / pan once the pointer has moved past the click slop."""
        if self._press_pos is not None and not self._dragging:
            moved = ev.position() - self._press_pos
            if math.hypot(moved.x(), moved.y()) < CLICK_SLOP_PX:
                return
            self._dragging = True
        if ev.buttons() == Qt.MouseButton.LeftButton and (
            self._shift_drag or ev.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            diff = ev.position() - self.mousePos
            self.mousePos = ev.position()
            self.pan(diff.x(), diff.y(), 0, relative="view")
            return
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev: QtGui.QMouseEvent) -> None:
        """A left press and release without dragging picks a start point."""
        clicked = (
            ev.button() == Qt.MouseButton.LeftButton
            and self._press_pos is not None
            and not self._dragging
        )
        dragged = self._dragging
        self._press_pos = None
        self._dragging = False
        if dragged:
            self._report_camera()  # once per gesture
        if clicked:
            params = self.pick(ev.position())
            if params is not None:
                self.startPicked.emit(params)

    def showEvent(self, ev: QtGui.QShowEvent) -> None:
        """Shown: the arrows of the bound racers (bind_arrows) caught up."""
        super().showEvent(ev)
        self._arrows.refresh()

    def paintGL(self) -> None:
        """Paint the frame with the paths as last set; time it (without waiting for it) to
        coarsen the grid when software GL cannot keep up."""
        self._painting = True
        try:
            self._paint_frame()
        finally:
            self._painting = False

    def _paint_frame(self) -> None:
        on_screen = QtGui.QOpenGLContext.currentContext() is self.surface.context()
        if on_screen and self.shows_current_frame():
            self.surface.set_damage([])  # the window's framebuffer holds this frame: swap it
            return
        self._follow_paths()
        self._layers.set_overlay(self._arrows.groups)
        self._set_pixel_scale(self.devicePixelRatioF())
        if self._auto_coarsen:
            self._timer.begin()
        region = self.getViewport()
        frame = self.frame(region, region)
        # multisampled views (GPUs) draw everything: their surface costs little
        key = (frame.mvp.tobytes(), self.opts["bgcolor"], self._minima.pixel_scale)
        # on screen a frame is drawn over the last one (the surface's framebuffer keeps it):
        # only the boxes around what moved are copied in, and blitted to the window
        margin = HEAD_SIZE_PX * self._heads.pixel_scale + 3 if on_screen else None
        if self.samples() > 0 or not self._layers.paint(self, frame, key, margin):
            self._layers.full_geometry()
            self.paint(region=region, viewport=region)
        elif on_screen:
            self.surface.set_damage(self._layers.damage)
        if on_screen:
            self.note_shown_frame()
        if self._auto_coarsen:
            ms = self._timer.end()
            if ms is not None:
                self._on_frame_timed(ms)

    def _set_pixel_scale(self, scale: float) -> None:
        for item in (self._paths_item, self._moving, self._minima, self._heads):
            item.pixel_scale = scale
        for line in self._arrows.items:
            line.pixel_scale = scale

    def _on_frame_timed(self, ms: float) -> None:
        self.last_frame_ms = ms
        self._slow_frames = self._slow_frames + 1 if ms > self.frame_budget_ms else 0
        coarser = [n for n in COARSE_GRIDS if n < self._grid]
        if self._slow_frames >= SLOW_FRAMES_BEFORE_COARSENING and coarser:
            self._slow_frames = 0
            self._grid = coarser[0]
            QtCore.QTimer.singleShot(0, self, self._rebuild_surface)

    # --- export ----------------------------------------------------------------------------

    def render_image(self, width: int, height: int, transparent: bool = False) -> QtGui.QImage:
        """Render the scene offscreen at any size with the current camera and the full grid."""
        width, height = int(width), int(height)
        if width < 1 or height < 1:
            raise ValueError(f"image size must be positive, got {width}×{height}")
        offscreen = self.offscreen()  # shown or not, pictures use the view's own context
        if not offscreen.make_current():
            raise RuntimeError("no OpenGL context to draw the picture with")
        self._follow_paths()
        saved_bg, saved_fov = self.opts["bgcolor"], self.opts["fov"]
        w, h = max(self.width(), 1), max(self.height(), 1)
        self.opts["fov"] = export_fov(saved_fov, (w, h), (width, height))
        if transparent:
            self.opts["bgcolor"] = (0.0, 0.0, 0.0, 0.0)
        scale = min(width / w, height / h)  # lines and balls keep their size in the picture
        self._set_pixel_scale(scale)
        full = self._export_surface.item(self._heightmap, self._requested_grid, self._grid)
        static = [full or self._surface, self._minima, self._axes, *self._arrows.items]
        margin = HEAD_SIZE_PX * scale + 3
        try:
            frame = self.frame((0, 0, width, height), (0, 0, width, height))
            geometry = self._layers.full_geometry()
            moving = Moving(geometry, self._paths_item, self._heads, margin)
            bg = self.opts["bgcolor"]
            pixels = self._export.render(frame, (width, height), bg, static, moving, scale)
            image = pixels_to_image(pixels, transparent)
        finally:
            self.opts["bgcolor"], self.opts["fov"] = saved_bg, saved_fov
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
            offscreen.done_current()
        return image
