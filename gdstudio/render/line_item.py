"""LineSegmentsItem: many coloured line segments in one draw call."""

from __future__ import annotations

import numpy as np
from OpenGL import GL

from gdstudio.render import glsl
from gdstudio.render.glitem import BufferedItem
from gdstudio.render.glview import Frame

_VERTEX = (
    glsl.LIFTED_POSITION
    + """
attribute vec3 a_position;
attribute vec4 a_color;
varying vec4 v_color;
void main() {
    v_color = a_color;
    gl_Position = lifted_position(a_position);
}
"""
)

_FRAGMENT = """
uniform float u_alpha;
varying vec4 v_color;
void main() {
    gl_FragColor = vec4(v_color.rgb, v_color.a * u_alpha);
}
"""


class LineSegmentsItem(BufferedItem):
    """Coloured GL_LINES segments, antialiased; a faint ghost pass shows them through hills."""

    VERTEX = _VERTEX
    FRAGMENT = _FRAGMENT
    ATTRIBUTES = ("a_position", "a_color")

    def __init__(self, width: float = 2.0, ghost_alpha: float = 0.0, lift: float = 0.0) -> None:
        super().__init__()
        self.width = float(width)
        self.pixel_scale = 1.0
        self._ghost_alpha = float(ghost_alpha)
        self._lift = float(lift)
        self._count = 0
        self.translucent = True

    def set_segments(self, positions: np.ndarray, colors: np.ndarray) -> None:
        """Vertex pairs (2m, 3) and their RGBA colours (2m, 4), floats 0..1."""
        self._count = len(positions)
        self._set_array("a_position", np.asarray(positions, dtype=np.float32).reshape(-1, 3))
        self._set_array("a_color", np.asarray(colors, dtype=np.float32).reshape(-1, 4))

    def paint(self, frame: Frame) -> None:
        """Draw all segments (ghost pass first, without depth test)."""
        if self._count == 0:
            return
        self._gl_state()
        self._prepare()
        wide = glsl.wide_lines_supported()
        GL.glEnable(GL.GL_LINE_SMOOTH)
        try:
            self._set_lifted_view(frame, self._lift)
            if self._ghost_alpha > 0.0:
                GL.glDisable(GL.GL_DEPTH_TEST)
                self._draw(self._ghost_alpha, 0.5 * self.width, wide)
                GL.glEnable(GL.GL_DEPTH_TEST)
            self._draw(1.0, self.width, wide)
        finally:
            self._finish()
            if wide:
                GL.glLineWidth(1.0)
            GL.glDisable(GL.GL_LINE_SMOOTH)

    def _draw(self, alpha: float, width: float, wide: bool) -> None:
        if wide:
            GL.glLineWidth(max(width * self.pixel_scale, 1.0))
        self._uniform_float("u_alpha", alpha)
        GL.glDrawArrays(GL.GL_LINES, 0, self._count)
