"""AxesItem: the 3D view's labelled axes, painted in screen space and laid over the frame.

For each camera the layout (render.axes) is painted with QPainter into an image just large
enough to hold it, which one textured quad lays over the picture, on the window and in
exported pictures alike; the image is painted again only when the camera, the picture's size
or the surface changes.
"""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6 import QtGui
from PySide6.QtCore import QLineF, QPointF, Qt

from gdstudio import theme
from gdstudio.render import gl
from gdstudio.render.axes import AxesLayout, layout_axes
from gdstudio.render.glitem import BufferedItem
from gdstudio.render.glview import Frame
from gdstudio.render.heightmap import HeightMap

_VERTEX = """
uniform vec4 u_rect;
uniform vec2 u_uv_scale;
attribute vec2 a_corner;
varying vec2 v_uv;
void main() {
    v_uv = a_corner * u_uv_scale;
    gl_Position = vec4(mix(u_rect.xy, u_rect.zw, a_corner), 0.0, 1.0);
}
"""

_FRAGMENT = """
uniform sampler2D u_image;
varying vec2 v_uv;
void main() {
    gl_FragColor = texture2D(u_image, v_uv);
}
"""

_CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
FONT_PX = 12.0
"""Tick label size in logical pixels (titles are a little larger and bold)."""
_LINE = QtGui.QColor(theme.MUTED_TEXT_COLOR)
_TEXT = QtGui.QColor(theme.LABEL_COLOR)
_TITLE = QtGui.QColor(theme.TEXT_COLOR)
_HALO = QtGui.QColor(theme.BACKGROUND)


class AxesItem(BufferedItem):
    """Axes of the surface's box with round ticks in the landscape's own units."""

    VERTEX = _VERTEX
    FRAGMENT = _FRAGMENT
    ATTRIBUTES = ("a_corner",)

    def __init__(self) -> None:
        super().__init__()
        self.translucent = True
        self._heightmap: HeightMap | None = None
        self._names = ("w", "b")
        self._key: tuple[object, ...] | None = None
        self._image: QtGui.QImage | None = None
        self._origin = (0, 0)
        self._textures: dict[int, tuple[QtGui.QOpenGLContext, int, int, int, int]] = {}
        self._generation = 0  # bumped with every new image
        self._sizes: dict[tuple[str, bool], tuple[float, float]] = {}  # measured labels
        self._sizes_scale = 0.0
        self.layout: AxesLayout | None = None
        """The layout last painted (for tests and callers that want the label positions)."""
        self._set_array("a_corner", _CORNERS)

    def set_heightmap(self, heightmap: HeightMap | None) -> None:
        """The box (and the landscape's parameter names) the axes describe; the axes laid out
        are kept (not laid out or painted again) while the box and its mapping are the same."""
        names = getattr(heightmap.landscape, "param_names", None) if heightmap else None
        names = (str(names[0]), str(names[1])) if names and len(names) == 2 else ("w", "b")
        same = names == self._names and _box(heightmap) == _box(self._heightmap)
        self._heightmap, self._names = heightmap, names
        if not same:
            self._key = None
            self.update()

    def fonts(self, scale: float) -> tuple[QtGui.QFont, QtGui.QFont]:
        """Tick label and title fonts at `scale` pixels per logical pixel."""
        tick = QtGui.QFont()
        tick.setPixelSize(max(round(FONT_PX * scale), 1))
        title = QtGui.QFont(tick)
        title.setPixelSize(max(round((FONT_PX + 1.0) * scale), 1))
        title.setBold(True)
        return tick, title

    def _scale(self, width: int, height: int) -> float:
        view = self._view
        if view is None or view.width() < 1 or view.height() < 1:
            return 1.0
        return min(width / view.width(), height / view.height())

    def _paint_image(self, frame: Frame, width: int, height: int) -> None:
        """Lay the axes out for this camera and paint them into a fresh image."""
        assert self._heightmap is not None
        scale = self._scale(width, height)
        fonts = self.fonts(scale)
        metrics = [QtGui.QFontMetricsF(f) for f in fonts]

        sizes = self._sizes if self._sizes_scale == scale else {}
        self._sizes, self._sizes_scale = sizes, scale

        def measure(text: str, title: bool) -> tuple[float, float]:
            size = sizes.get((text, title))
            if size is None:
                m = metrics[title]
                size = sizes[(text, title)] = (m.horizontalAdvance(text) + 2.0 * scale, m.height())
            return size

        mvp = frame.mvp.reshape(4, 4).T.astype(np.float64)
        layout = layout_axes(self._heightmap, mvp, (width, height), measure, scale, self._names)
        self.layout = layout
        self._generation += 1
        boxes = [(lb.x, lb.y, lb.x + lb.w, lb.y + lb.h) for lb in layout.labels]
        lines = layout.lines
        if len(lines):
            xs, ys = lines[:, 0::2].ravel(), lines[:, 1::2].ravel()
            boxes.append((xs.min(), ys.min(), xs.max(), ys.max()))
        if not boxes:
            self._image = None
            return
        b = np.array(boxes)
        x0 = int(max(np.floor(b[:, 0].min()) - 2, 0))
        y0 = int(max(np.floor(b[:, 1].min()) - 2, 0))
        x1 = int(min(np.ceil(b[:, 2].max()) + 2, width))
        y1 = int(min(np.ceil(b[:, 3].max()) + 2, height))
        if x1 <= x0 or y1 <= y0:
            self._image = None
            return
        image = QtGui.QImage(x1 - x0, y1 - y0, QtGui.QImage.Format.Format_RGBA8888_Premultiplied)
        image.fill(0)
        painter = QtGui.QPainter(image)
        try:
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
            painter.translate(-x0, -y0)
            draw_layout(painter, layout, fonts, scale)
        finally:
            painter.end()
        self._image, self._origin = image, (x0, y0)

    def paint(self, frame: Frame) -> None:
        """Lay the image of the axes over the picture (no depth test, no depth written)."""
        if self._heightmap is None:
            return
        _, _, width, height = gl.get_viewport()
        if width < 1 or height < 1:
            return
        key = (frame.mvp.tobytes(), width, height, self._scale(width, height))
        if key != self._key:
            self._paint_image(frame, width, height)
            self._key = key
        image = self._image
        if image is None:
            return
        self._gl_state()
        self._prepare()
        gl.glDisable(gl.GL_DEPTH_TEST)
        gl.glDepthMask(gl.GL_FALSE)
        gl.glBlendFunc(gl.GL_ONE, gl.GL_ONE_MINUS_SRC_ALPHA)  # premultiplied
        try:
            gl.glActiveTexture(gl.GL_TEXTURE0)
            _, u, v = self._texture(image)
            self._uniform_vec2("u_uv_scale", np.array([u, v]))
            x0, y0 = self._origin
            left, right = 2.0 * x0 / width - 1.0, 2.0 * (x0 + image.width()) / width - 1.0
            top, bottom = 1.0 - 2.0 * y0 / height, 1.0 - 2.0 * (y0 + image.height()) / height
            self._uniform_vec4("u_rect", np.array([left, top, right, bottom]))
            gl.glDrawArrays(gl.GL_TRIANGLE_STRIP, 0, 4)
        finally:
            gl.glBindTexture(gl.GL_TEXTURE_2D, 0)
            gl.glDepthMask(gl.GL_TRUE)
            gl.glEnable(gl.GL_DEPTH_TEST)
            self._finish()

    def _uniform_vec4(self, name: str, value: np.ndarray) -> None:
        value = np.asarray(value, dtype=np.float32)
        if self._changed(name, value):
            gl.glUniform4fv(self._location(name), 1, value)

    def _texture(self, image: QtGui.QImage) -> tuple[int, float, float]:
        """This context's texture holding `image` at its corner (uploaded when new here),
        and the part of the texture it covers: the texture only grows, so a camera that
        moves every frame uploads into it instead of allocating one a frame."""
        ctx = QtGui.QOpenGLContext.currentContext()
        self._textures = {k: v for k, v in self._textures.items() if shiboken6.isValid(v[0])}
        entry = self._textures.get(id(ctx))
        if entry is None or entry[0] is not ctx:
            name = gl.gen_texture()
            gl.glBindTexture(gl.GL_TEXTURE_2D, name)
            for pname, value in (
                (gl.GL_TEXTURE_MIN_FILTER, gl.GL_NEAREST),
                (gl.GL_TEXTURE_MAG_FILTER, gl.GL_NEAREST),
                (gl.GL_TEXTURE_WRAP_S, gl.GL_CLAMP_TO_EDGE),
                (gl.GL_TEXTURE_WRAP_T, gl.GL_CLAMP_TO_EDGE),
            ):
                gl.glTexParameteri(gl.GL_TEXTURE_2D, pname, value)
            entry = (ctx, name, -1, 0, 0)
        ctx_, name, generation, cap_w, cap_h = entry
        gl.glBindTexture(gl.GL_TEXTURE_2D, name)
        w, h = image.width(), image.height()
        if generation != self._generation:
            if w > cap_w or h > cap_h:
                cap_w, cap_h = max(w, cap_w), max(h, cap_h)
                gl.glTexImage2D(
                    gl.GL_TEXTURE_2D,
                    0,
                    gl.GL_RGBA,
                    cap_w,
                    cap_h,
                    0,
                    gl.GL_RGBA,
                    gl.GL_UNSIGNED_BYTE,
                    None,
                )
            gl.glPixelStorei(gl.GL_UNPACK_ALIGNMENT, 4)
            data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
            pixels = np.ascontiguousarray(data.reshape(h, image.bytesPerLine())[:, : 4 * w])
            gl.glTexSubImage2D(
                gl.GL_TEXTURE_2D, 0, 0, 0, w, h, gl.GL_RGBA, gl.GL_UNSIGNED_BYTE, pixels
            )
        self._textures[id(ctx)] = (ctx_, name, self._generation, cap_w, cap_h)
        return name, w / cap_w, h / cap_h


_HALO_OFFSETS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def _box(heightmap: HeightMap | None) -> tuple[object, ...] | None:
    """All the axes' layout reads of a height map: its bounds and its loss-to-height map."""
    if heightmap is None:
        return None
    hm = heightmap
    bounds = (*hm.param_lo.tolist(), *hm.param_hi.tolist())
    return (bounds, hm.loss_min, hm.loss_max, hm.log_scale, hm.height)


def draw_layout(
    painter: QtGui.QPainter,
    layout: AxesLayout,
    fonts: tuple[QtGui.QFont, QtGui.QFont],
    scale: float,
) -> None:
    """Paint the axes' lines and labels (with a dark halo, legible over the surface)."""
    pen = QtGui.QPen(_LINE, max(1.0, scale))
    pen.setCosmetic(True)  # the fast antialiased line of a 1-pixel pen
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.drawLines([QLineF(x0, y0, x1, y1) for x0, y0, x1, y1 in layout.lines])
    reach = max(1.0, scale)
    for label in layout.labels:
        font = fonts[label.title]
        painter.setFont(font)
        metrics = QtGui.QFontMetricsF(font)
        x = label.x + 0.5 * (label.w - metrics.horizontalAdvance(label.text))
        spot = QPointF(x, label.y + metrics.ascent())
        painter.setPen(_HALO)  # the glyphs drawn around it: cached, unlike a stroked path
        for dx, dy in _HALO_OFFSETS:
            painter.drawText(spot + QPointF(dx * reach, dy * reach), label.text)
        painter.setPen(_TITLE if label.title else _TEXT)
        painter.drawText(spot, label.text)
