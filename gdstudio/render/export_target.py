"""Offscreen buffers for exported pictures, kept between frames of one size.

An export draws many frames of one size in which only the paths and balls move. The buffers
(a multisampled frame, a multisampled copy of the static layer and a single-sampled buffer
the frame is resolved into) are made once per size; the static layer (surface and minima)
is drawn once and its colour and depth copied into each frame, exactly as drawing it again
would leave them; the resolved pixels are read straight into an array.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence

import numpy as np
from PySide6 import QtCore, QtGui
from PySide6.QtOpenGL import QOpenGLFramebufferObject

from gdstudio.render import gl
from gdstudio.render.export_damage import Box, PathDamage
from gdstudio.render.gl import GLError
from gdstudio.render.glitem import BufferedItem
from gdstudio.render.glview import Frame, OrbitView
from gdstudio.render.heightmap import HeightMap
from gdstudio.render.layer_cache import copy_images, image_copies, offscreen_fbo
from gdstudio.render.line_item import PathLinesItem
from gdstudio.render.path_geometry import PathGeometry
from gdstudio.render.surface_item import SurfaceItem

EXPORT_SAMPLES = 4
"""Multisampling of exported pictures (antialiased surface edges, lines and balls)."""
IDLE_RELEASE_MS = 5000
"""Buffers are freed this long after the last frame (a 1920×1080 export holds ~150 MB)."""


Ranges = list[tuple[int, int]]


class Moving:
    """What moves in an export frame: the paths (drawn whole or by segment ranges) and the
    balls on their heads."""

    def __init__(
        self, geometry: PathGeometry, paths: PathLinesItem, heads: BufferedItem, margin: float
    ) -> None:
        self.geometry, self.paths, self.heads = geometry, paths, heads
        self.margin = margin
        """Pixels around a path point that hold everything drawn for it (line, ball)."""

    def key(self) -> Hashable:
        """What the boxes of the last frame assumed besides the path points."""
        return (
            self.paths.visible(),
            self.heads.visible(),
            self.paths.pixel_scale,
            self.margin,
            self.geometry.head_colors.tobytes(),
        )

    def draw(self, frame: Frame, ranges: Ranges | None) -> None:
        """Paths (all segments, or the (first, count) `ranges`), then balls."""
        if self.paths.visible():
            self.paths.paint(frame, ranges)
        OrbitView.draw_items([self.heads], frame)


class FullGridSurface:
    """The surface exports draw while the view shows a coarser grid (sampled once per
    landscape and grid, so export frames keep their surface layer)."""

    def __init__(self) -> None:
        self._item = SurfaceItem()
        self._key: tuple[HeightMap, int] | None = None

    def item(self, heightmap: HeightMap | None, grid: int, shown: int) -> SurfaceItem | None:
        """The surface at `grid` for `heightmap`, or None when the view shows that grid."""
        if heightmap is None or grid == shown:
            return None
        if self._key is None or self._key[0] is not heightmap or self._key[1] != grid:
            mesh = heightmap.sample(grid)
            self._item.set_mesh(mesh.vertices, mesh.normals, mesh.colors, mesh.faces)
            self._key = (heightmap, grid)
        return self._item


class ExportTarget:
    """Renders frames of one size into kept buffers and reads them back as pixels; the
    buffers are freed once `widget` (in whose offscreen context they live) has exported
    nothing for IDLE_RELEASE_MS."""

    def __init__(self, widget: OrbitView) -> None:
        self._widget = widget
        self._idle = QtCore.QTimer(widget)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_RELEASE_MS)
        self._idle.timeout.connect(self._release_idle)
        self._context: QtGui.QOpenGLContext | None = None
        self._size = (0, 0)
        self._frame: QOpenGLFramebufferObject | None = None
        self._layer: QOpenGLFramebufferObject | None = None
        self._resolve: QOpenGLFramebufferObject | None = None
        self._pixels = np.zeros((0, 0), dtype=np.uint32)
        self._key: Hashable = None
        self._copies: list[tuple[int, int, int, int]] = []  # see layer_cache.image_copies
        self._damage = PathDamage()
        self.layer_enabled = True

    def render(
        self,
        frame: Frame,
        size: tuple[int, int],
        background: tuple[float, ...],
        static: Sequence[BufferedItem],
        moving: Moving,
        *key: Hashable,
    ) -> np.ndarray:
        """The pixels of `background`, `static` and `moving` drawn multisampled with
        `frame`'s matrices at `size` (width, height): (height, width) uint32 0xAARRGGBB
        (premultiplied), bottom row first as GL has them; valid until the next call.

        The static items are drawn only when the frame's matrices, the background, their
        versions or visibility or `key` (what else they depend on) changed since the last
        frame of this size; else their kept colour and depth are copied in. While only the
        paths grow, only boxes around their tips are drawn again (with the segments that
        reach into them, in their order: the same pixels). The context is current.
        """
        width, height = size
        self._idle.start()
        self._ensure(width, height)
        gl.glViewport(0, 0, width, height)
        target = self._frame
        assert target is not None
        key = (frame.mvp.tobytes(), background, *key)
        key += tuple((item.version, item.visible()) for item in static)
        regions = self._damage.regions(
            moving.geometry, frame.mvp, size, moving.margin, (key, moving.key())
        )

        def draw_static() -> None:
            gl.glClearColor(*background)
            gl.glClear(gl.GL_DEPTH_BUFFER_BIT | gl.GL_COLOR_BUFFER_BIT)
            OrbitView.draw_items(static, frame)

        try:
            if regions is not None and self._layer is not None and key == self._key:
                self._redraw(regions, frame, moving)
                return self._read(width, height, resolve=False)
            if not self._copy_layer(width, height, key, draw_static):
                gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, target.handle())
                draw_static()
                self._damage.forget()  # no layer to restore boxes from
            moving.draw(frame, None)
            return self._read(width, height)
        except BaseException:
            self._damage.forget()  # the frame kept is not the one the boxes assume
            raise

    def _redraw(self, regions: list[tuple[Box, Ranges]], frame: Frame, moving: Moving) -> None:
        """Draw each box again: the kept layer copied in, then what moves, scissored to it,
        and resolved."""
        layer, target, resolve = self._layer, self._frame, self._resolve
        assert layer is not None and target is not None and resolve is not None
        mask = gl.GL_COLOR_BUFFER_BIT
        for (x0, y0, x1, y1), ranges in regions:
            w, h = x1 - x0, y1 - y0
            copy_images(self._copies, layer.handle(), target.handle(), w, h, x0, y0)
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, target.handle())
            gl.glEnable(gl.GL_SCISSOR_TEST)
            gl.glScissor(x0, y0, w, h)
            try:
                moving.draw(frame, ranges)
            finally:
                gl.glDisable(gl.GL_SCISSOR_TEST)
            gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, target.handle())
            gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, resolve.handle())
            gl.glBlitFramebuffer(x0, y0, x1, y1, x0, y0, x1, y1, mask, gl.GL_NEAREST)

    def release(self) -> None:
        """Free the buffers (the context they were made in is current)."""
        self._frame = self._layer = self._resolve = None
        self._context, self._size, self._key = None, (0, 0), None

    def _release_idle(self) -> None:
        if self._frame is None:
            return
        offscreen = self._widget.offscreen()
        if offscreen.make_current():
            self.release()
            offscreen.done_current()

    def _ensure(self, width: int, height: int) -> None:
        ctx = QtGui.QOpenGLContext.currentContext()
        if ctx is self._context and self._size == (width, height) and self._frame is not None:
            return
        self.release()
        self._damage.forget()
        self._context, self._size = ctx, (width, height)
        self._frame = offscreen_fbo(width, height, samples=EXPORT_SAMPLES)
        self._resolve = offscreen_fbo(width, height)
        samples = self._frame.format().samples()
        if self.layer_enabled:
            layer = offscreen_fbo(width, height, samples=samples)
            self._layer = layer if layer.format().samples() == samples else None
            self._copies = image_copies(layer.handle(), self._frame.handle())
        self._pixels = np.empty((height, width), dtype=np.uint32)

    def _copy_layer(
        self,
        width: int,
        height: int,
        key: Hashable,
        draw: Callable[[], None],
    ) -> bool:
        """Frame = the kept static layer (drawn first if `key` changed); False if this GL
        cannot copy it (the caller draws the static items itself)."""
        layer, frame = self._layer, self._frame
        if layer is None or frame is None or not layer.isValid():
            return False
        try:
            if key != self._key:
                self._key = None
                gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, layer.handle())
                draw()
                self._key = key
            copy_images(self._copies, layer.handle(), frame.handle(), width, height)
        except GLError:
            self.layer_enabled, self._layer, self._key, self._copies = False, None, None, []
            return False
        finally:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, frame.handle())
        return True

    def _read(self, width: int, height: int, resolve: bool = True) -> np.ndarray:
        """Resolve the frame (unless done already) and read it as 0xAARRGGBB words, bottom
        row first."""
        frame, resolved = self._frame, self._resolve
        assert frame is not None and resolved is not None
        if resolve:
            gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, frame.handle())
            gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, resolved.handle())
            mask = gl.GL_COLOR_BUFFER_BIT
            gl.glBlitFramebuffer(0, 0, width, height, 0, 0, width, height, mask, gl.GL_NEAREST)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, resolved.handle())
        pixels = self._pixels
        if QtGui.QOpenGLContext.currentContext().isOpenGLES():
            image = resolved.toImage(False).convertToFormat(
                QtGui.QImage.Format.Format_ARGB32_Premultiplied
            )
            line = image.bytesPerLine() // 4
            data = np.frombuffer(image.constBits(), dtype=np.uint32, count=height * line)
            pixels[...] = data.reshape(height, line)[:, :width]
        else:  # BGRA bytes = 0xAARRGGBB words on any byte order with this type
            gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 4)
            gl.glReadPixels(0, 0, width, height, gl.GL_BGRA, gl.GL_UNSIGNED_INT_8_8_8_8_REV, pixels)
        return pixels


def export_fov(fov: float, view_size: tuple[int, int], size: tuple[int, int]) -> float:
    """The (horizontal) field of view that frames a picture of `size` as the view of
    `view_size` is framed: a wider picture keeps the vertical framing."""
    (w, h), (width, height) = view_size, size
    if width / height <= w / h:
        return fov
    half_v = math.atan(math.tan(math.radians(fov) / 2.0) * h / w)
    return math.degrees(2.0 * math.atan(math.tan(half_v) * width / height))


def pixels_to_image(pixels: np.ndarray, transparent: bool) -> QtGui.QImage:
    """A QImage owning a copy of ExportTarget.render's pixels, top row first: RGB32, or ARGB32
    (straight alpha) when `transparent`, as QOpenGLFramebufferObject.toImage converts."""
    height, width = pixels.shape
    fmt = QtGui.QImage.Format
    image = QtGui.QImage(
        width, height, fmt.Format_ARGB32_Premultiplied if transparent else fmt.Format_RGB32
    )
    line = image.bytesPerLine() // 4
    data = np.frombuffer(image.bits(), dtype=np.uint32, count=height * line)
    rows = data.reshape(height, line)[:, :width]
    if transparent:
        np.copyto(rows, pixels[::-1])
        return image.convertToFormat(fmt.Format_ARGB32)
    np.bitwise_or(pixels[::-1], np.uint32(0xFF000000), out=rows)
    return image
