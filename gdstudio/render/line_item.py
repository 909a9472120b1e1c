"""PathLinesItem: polylines of many runs as antialiased ribbons, in one draw call."""

from __future__ import annotations

import ctypes

import numpy as np

from gdstudio.render import gl, glsl
from gdstudio.render.glitem import BufferedItem
from gdstudio.render.glview import Frame

# One quad per segment, around it in screen space, `u_half_width` + 1 pixel to each side and
# past each end; coverage falls off over a pixel at the edges, set so a line looks as wide
# as GL_LINE_SMOOTH drew it (without the software rasterizer's per-line cost).
_VERTEX = (
    glsl.LIFTED_POSITION
    + """
uniform vec2 u_viewport;
uniform float u_half_width;
attribute vec2 a_corner;
attribute vec3 a_start;
attribute vec3 a_end;
attribute vec4 a_color;
varying vec4 v_color;
varying float v_across;
void main() {
    vec4 p0 = lifted_position(a_start);
    vec4 p1 = lifted_position(a_end);
    vec2 half_viewport = 0.5 * u_viewport;
    vec2 d = (p1.xy / max(p1.w, 1e-6) - p0.xy / max(p0.w, 1e-6)) * half_viewport;
    float len = length(d);
    vec2 along = len > 1e-6 ? d / len : vec2(1.0, 0.0);
    vec2 across = vec2(-along.y, along.x);
    float reach = u_half_width + 1.0;
    vec4 p = a_corner.x < 0.5 ? p0 : p1;
    vec2 offset = (across * a_corner.y + along * (2.0 * a_corner.x - 1.0)) * reach;
    gl_Position = vec4(p.xy + offset / half_viewport * p.w, p.zw);
    if (a_color.a <= 0.0) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);  // a gap: drawn nowhere
    v_color = a_color;
    v_across = a_corner.y * reach;
}
"""
)

_FRAGMENT = """
uniform float u_half_width;
varying vec4 v_color;
varying float v_across;
void main() {
    float coverage = clamp(u_half_width + 0.125 - abs(v_across), 0.0, 1.0);
    if (coverage <= 0.0) discard;  // the margin must not hide the balls drawn later
    gl_FragColor = vec4(v_color.rgb, v_color.a * coverage);
}
"""

_CORNER = np.array([[0.0, -1.0], [0.0, 1.0], [1.0, -1.0], [1.0, 1.0]], dtype=np.float32)
_QUAD = np.array([0, 1, 2, 2, 1, 3], dtype=np.uint32)
_FLOAT = ctypes.sizeof(ctypes.c_float)


class PathLinesItem(BufferedItem):
    """Polylines (segment i from point i to i + 1 in colour i), `width` pixels wide and
    antialiased, depth-tested: a hill or a wall in front hides them.

    Each point is stored four times (the corners of the quad of the segment it starts): the
    segment's end is the same buffer four vertices on, so one indexed draw covers every
    segment of every run, with no instancing (software GL pays per instance).
    """

    VERTEX = _VERTEX
    FRAGMENT = _FRAGMENT
    ATTRIBUTES = ("a_corner", "a_start", "a_end", "a_color")

    def __init__(self, width: float = 2.0, lift: float = 0.0) -> None:
        super().__init__()
        self.width = float(width)
        self.pixel_scale = 1.0
        self._lift = float(lift)
        self._segments = 0
        self._capacity = 0  # segments the corner and index buffers hold
        self.translucent = True

    def set_polylines(self, points: np.ndarray, colors: np.ndarray) -> None:
        """Points (n, 3) and RGBA colours (n, 4) in 0..1: segment i is drawn in colors[i]."""
        points = np.asarray(points, dtype=np.float32).reshape(-1, 3)
        self._segments = max(len(points) - 1, 0)
        if self._segments > self._capacity:
            self._grow(max(self._segments, 2 * self._capacity, 1024))
        self._set_array("a_start", np.repeat(points, 4, axis=0))
        colors = np.asarray(colors, dtype=np.float32).reshape(-1, 4)
        self._set_array("a_color", np.repeat(colors, 4, axis=0))

    def _grow(self, segments: int) -> None:
        """Corner and index buffers for `segments` quads (made rarely, kept)."""
        self._capacity = segments
        self._set_array("a_corner", np.tile(_CORNER, (segments + 1, 1)))
        quads = _QUAD[None, :] + 4 * np.arange(segments, dtype=np.uint32)[:, None]
        self._set_array("faces", quads.reshape(-1))

    def _bind_attributes(self) -> None:
        """Corner, start, end (the start buffer four vertices on) and colour."""
        if "a_start" not in self._buffers:
            return
        corner, start, end, color = range(4)
        glsl.bind_attribute(corner, self._buffers["a_corner"], 2, gl.GL_FLOAT)
        points = self._buffers["a_start"]
        points.bind()
        stride = 3 * _FLOAT
        gl.glVertexAttribPointer(start, 3, gl.GL_FLOAT, False, stride, None)
        gl.glVertexAttribPointer(end, 3, gl.GL_FLOAT, False, stride, ctypes.c_void_p(4 * stride))
        points.release()
        gl.glEnableVertexAttribArray(start)
        gl.glEnableVertexAttribArray(end)
        glsl.bind_attribute(color, self._buffers["a_color"], 4, gl.GL_FLOAT)
        self._buffers["faces"].bind()

    def paint(self, frame: Frame, ranges: list[tuple[int, int]] | None = None) -> None:
        """Draw all segments, or only the (first, count) `ranges` of them, depth-tested."""
        if self._segments == 0:
            return
        if ranges is None:
            ranges = [(0, self._segments)]
        ranges = [(first, count) for first, count in ranges if count > 0]
        if not ranges:
            return
        self._gl_state()
        self._prepare()
        try:
            self._set_lifted_view(frame, self._lift)
            viewport = gl.get_viewport()
            self._uniform_vec2("u_viewport", np.array(viewport[2:4]))
            self._draw(ranges, self.width)
        finally:
            self._finish()

    def _draw(self, ranges: list[tuple[int, int]], width: float) -> None:
        self._uniform_float("u_half_width", 0.5 * max(width * self.pixel_scale, 1.0))
        for first, count in ranges:
            offset = ctypes.c_void_p(6 * first * ctypes.sizeof(ctypes.c_uint32))
            gl.glDrawElements(gl.GL_TRIANGLES, 6 * count, gl.GL_UNSIGNED_INT, offset)
