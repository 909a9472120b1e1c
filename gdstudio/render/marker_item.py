"""MarkerItem: shaded balls drawn as point sprites (run heads, minima)."""

from __future__ import annotations

import numpy as np

from gdstudio.render import gl, glsl
from gdstudio.render.glitem import BufferedItem
from gdstudio.render.glview import Frame

RADII_LIFT = 4.0
"""A ball is drawn over surfaces up to this many of its radii in front of its centre."""

_VERTEX = (
    f"#define RADII_LIFT {RADII_LIFT:.3f}\n"
    + glsl.LIFTED_POSITION
    + """
uniform float u_pixel_scale;
uniform float u_viewport_height;
attribute vec3 a_position;
attribute vec4 a_color;
attribute float a_size;
varying vec4 v_color;
varying float v_feather;
void main() {
    gl_PointSize = a_size * u_pixel_scale;
    // the ball's radius in world units at its depth: it is hidden only by what is more
    // than RADII_LIFT of them in front of its centre (not by the pit it sits in)
    float depth = -(u_modelview * vec4(a_position, 1.0)).z;
    float radius = 0.5 * gl_PointSize * 2.0 * depth / (u_viewport_height * u_projection[1][1]);
    gl_Position = lifted_by(a_position, u_lift + RADII_LIFT * radius);
    v_color = a_color;
    v_feather = 2.0 / max(gl_PointSize, 2.0);
}
"""
)

# A sphere shaded from the sprite coordinate: diffuse + specular highlight and a dark rim
# that keeps the ball readable on any surface colour.
_FRAGMENT = """
varying vec4 v_color;
varying float v_feather;
void main() {
    vec2 xy = gl_PointCoord * 2.0 - 1.0;
    float r2 = dot(xy, xy);
    if (r2 > 1.0) discard;
    vec3 n = vec3(xy.x, -xy.y, sqrt(1.0 - r2));
    vec3 l = normalize(vec3(-0.45, 0.6, 0.75));
    float diffuse = max(dot(n, l), 0.0);
    float spec = pow(max(dot(reflect(-l, n), vec3(0.0, 0.0, 1.0)), 0.0), 24.0);
    vec3 rgb = v_color.rgb * (0.35 + 0.75 * diffuse) + 0.4 * spec;
    float r = sqrt(r2);
    rgb = mix(rgb, v_color.rgb * 0.2, smoothstep(0.8, 0.95, r));
    float alpha = 1.0 - smoothstep(1.0 - v_feather, 1.0, r);
    gl_FragColor = vec4(min(rgb, vec3(1.0)), v_color.a * alpha);
}
"""


class MarkerItem(BufferedItem):
    """Balls of given pixel sizes and colours, depth-tested (a hill or wall in front hides them)."""

    VERTEX = _VERTEX
    FRAGMENT = _FRAGMENT
    ATTRIBUTES = ("a_position", "a_color", "a_size")

    def __init__(self, lift: float = 0.05) -> None:
        super().__init__()
        self.pixel_scale = 1.0
        self._lift = float(lift)
        self._count = 0
        self.translucent = True

    @property
    def positions(self) -> np.ndarray:
        """World positions (m, 3) of the balls drawn."""
        positions = self._array("a_position")
        return np.empty((0, 3), np.float32) if positions is None else positions

    def set_markers(self, positions: np.ndarray, colors: np.ndarray, sizes: np.ndarray) -> None:
        """World positions (m, 3), RGBA colours (m, 4) in 0..1, diameters in pixels (m,)."""
        positions = np.asarray(positions, dtype=np.float32).reshape(-1, 3)
        self._count = len(positions)
        self._set_array("a_position", positions)
        self._set_array("a_color", np.asarray(colors, dtype=np.float32).reshape(-1, 4))
        self._set_array("a_size", np.asarray(sizes, dtype=np.float32).reshape(-1))

    def paint(self, frame: Frame) -> None:
        """Draw all balls as point sprites, depth-tested against what is drawn already."""
        if self._count == 0:
            return
        self._gl_state()
        self._prepare()
        glsl.enable_point_sprites()
        try:
            self._set_lifted_view(frame, self._lift)
            self._uniform_float("u_pixel_scale", self.pixel_scale)
            self._uniform_float("u_viewport_height", float(gl.get_viewport()[3]))
            gl.glDrawArrays(gl.GL_POINTS, 0, self._count)
        finally:
            self._finish()
