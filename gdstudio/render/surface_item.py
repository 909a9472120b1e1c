"""SurfaceItem: a lit height-field mesh with deferred uploads; on software GL a new mesh
under a still camera is drawn ahead, in a turn of its own (render.surface_picture)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer

from gdstudio.render import gl
from gdstudio.render.busy_turn import busy_turn
from gdstudio.render.glitem import BufferedItem
from gdstudio.render.glview import Frame
from gdstudio.render.later import call_later
from gdstudio.render.surface_picture import HOLD_MS, SurfacePicture

# Lighting per vertex (the grid is fine enough that Gouraud matches per-pixel Lambert) so a
# single varying reaches the rasterizer: software GL pays per triangle per varying. Lambert
# from a key light fixed in the scene, a weak head light and ambient; faces seen from below
# are lit as their underside. Height rides in alpha for the iso lines.
_VERTEX = """
uniform mat4 u_mvp;
uniform mat4 u_modelview;
uniform mat3 u_normal;
uniform vec3 u_light;
attribute vec3 a_position;
attribute vec3 a_normal;
attribute vec4 a_color;
varying vec4 v_lit;
void main() {
    vec3 n = a_normal;
    vec3 vn = normalize(u_normal * a_normal);
    vec3 to_eye = normalize(-(u_modelview * vec4(a_position, 1.0)).xyz);
    float side = dot(vn, to_eye) < 0.0 ? -1.0 : 1.0;
    float key = max(side * dot(n, u_light), 0.0);
    float head = max(side * dot(vn, to_eye), 0.0);
    float wall = abs(n.z) > 0.001 ? 1.0 : 0.0;
    v_lit = vec4(a_color.rgb * (0.28 + 0.62 * key + 0.22 * head), wall * (a_position.z + 4.0));
    gl_Position = u_mvp * vec4(a_position, 1.0);
}
"""

# Iso-height lines about a pixel wide, at half steps so the flat floor and the clipped top
# never sit on a line; alpha 0 marks walls, which get none.
_FRAGMENT = """
uniform float u_opacity;
uniform float u_contour_step;
varying vec4 v_lit;
void main() {
    vec3 rgb = v_lit.rgb;
    if (u_contour_step > 0.0 && v_lit.a > 1.0) {
        float f = (v_lit.a - 4.0) / u_contour_step + 0.5;
        float d = abs(fract(f + 0.5) - 0.5);
        float w = fwidth(f);
        rgb *= 1.0 - 0.2 * (1.0 - smoothstep(0.5 * w, 1.5 * w, d));
    }
    gl_FragColor = vec4(min(rgb, vec3(1.0)), u_opacity);
}
"""

DEFAULT_CONTOUR_STEP = 0.05
"""World-height spacing of iso-loss lines (20 across the box)."""
_KEY_LIGHT = np.array([-0.45, -0.65, 1.0])
STILL_MS = 300
"""After a frame drew the surface in place, the camera held still this long: its picture is
drawn ahead for the frames to come."""
AHEAD_PARTS = 2
"""A surface drawn ahead is drawn in this many turns of the event loop (its vertex work on
software GL: ~5 ms at 256², on the thread that draws)."""


class SurfaceItem(BufferedItem):
    """A height-field mesh (vertices, normals, colours, faces) with Lambert + ambient light."""

    VERTEX = _VERTEX
    FRAGMENT = _FRAGMENT
    ATTRIBUTES = ("a_position", "a_normal", "a_color")

    def __init__(self) -> None:
        super().__init__()
        self._opacity = 1.0
        self._contour_step = DEFAULT_CONTOUR_STEP
        self._light = (_KEY_LIGHT / np.linalg.norm(_KEY_LIGHT)).astype(np.float32)
        self._faces: np.ndarray | None = None
        self._picture = SurfacePicture()
        self._ahead_due = False
        self._ahead_part = 0  # the part of the picture drawn ahead next
        self._still: QTimer | None = None  # after a frame drew the surface in place

    def set_mesh(
        self, vertices: np.ndarray, normals: np.ndarray, colors: np.ndarray, faces: np.ndarray
    ) -> None:
        """Store new mesh arrays; uploaded at the next paint (faces only if they changed)."""
        self._set_array("a_position", np.asarray(vertices, dtype=np.float32))
        self._set_array("a_normal", np.asarray(normals, dtype=np.float32))
        colors = np.asarray(colors)
        if colors.dtype != np.uint8:
            colors = colors.astype(np.float32)
        self._set_array("a_color", colors)
        same_grid = faces is self._faces
        if not same_grid:
            self._faces = faces
            self._set_array("faces", np.asarray(faces, dtype=np.uint32))
        if same_grid and self._picture.seen is not None and not self._ahead_due:
            # a new surface on the same grid (a data edit): drawn ahead, the frame that shows
            # it a few ms later only copies it
            self._ahead_due = True
            self._draw_ahead_later()  # after a turn of the loop: one block each
            surface = getattr(self._view, "surface", None)
            if surface is not None:  # the frame that shows it waits for it
                surface.hold(self._ahead_done, HOLD_MS)

    @property
    def drawing_ahead(self) -> bool:
        """Whether a picture of the new surface is being drawn ahead (not all of it yet)."""
        return self._ahead_due

    def _ahead_done(self) -> bool:
        """Whether the surface drawn ahead is ready to copy (or was not drawn ahead after all)."""
        return not self._ahead_due and self._picture.rasterized()

    def picture_ready(self) -> bool:
        """Whether the picture of the surface as it is now was drawn ahead, for the camera of
        the last frame, and is rasterized: a frame that draws the surface first copies it."""
        seen = self._picture.seen
        return (
            not self._ahead_due
            and seen is not None
            and self._picture.drawn_for(seen, self.version)
            and self._picture.rasterized()
        )

    def _draw_ahead_later(self) -> None:
        """_draw_ahead after a turn of the loop; never once the view is gone."""
        if not call_later(1, self._view, self._draw_ahead):
            self._ahead_due = False  # the view is gone: nothing to draw into

    def _draw_ahead(self) -> None:
        with busy_turn().piece() as mine:
            if mine:
                self._draw_ahead_part()
            else:  # other costly work in this turn: in a later one
                self._draw_ahead_later()

    def _draw_ahead_part(self) -> None:
        """Draw the next part of the picture (AHEAD_PARTS of the triangles, in order), and
        ask for the part after it in a later turn."""
        view, faces = self._view, self._drawable()
        part, self._ahead_part = self._ahead_part, 0
        if view is None or faces is None:
            self._ahead_due = False
            return
        triangles = faces.size // 3
        lo, hi = (triangles * k // AHEAD_PARTS for k in (part, part + 1))
        last = part + 1 == AHEAD_PARTS

        def draw(frame: Frame) -> None:
            self._draw(frame, 3 * lo, 3 * (hi - lo))

        drawn = self._picture.draw_ahead(view, self.version, draw, part == 0, last)
        if drawn and not last:
            self._ahead_part = part + 1
            self._draw_ahead_later()
        elif not drawn and part:
            self._draw_ahead_later()  # the camera changed meanwhile: again
        else:
            self._ahead_due = False

    def _drawable(self) -> np.ndarray | None:
        faces = self._array("faces")
        return None if faces is None or self._array("a_position") is None else faces

    def _drawn_first(self) -> bool:
        """Whether the view draws this item before any other (over the cleared frame)."""
        view = self._view
        items = getattr(view, "items", ())
        return next((item for item in items if item.visible()), None) is self

    def clear(self) -> None:
        """Draw nothing until the next set_mesh."""
        self._faces = None
        self._set_array("faces", None)

    def set_opacity(self, opacity: float) -> None:
        """Overall alpha; below 1 the surface is drawn translucent (off by default)."""
        self._opacity = float(np.clip(opacity, 0.0, 1.0))
        self.translucent = self._opacity < 1.0
        self.update()

    def set_contour_step(self, step: float) -> None:
        """World-height spacing of iso lines on the surface; 0 hides them."""
        self._contour_step = max(float(step), 0.0)
        self.update()

    def paint(self, frame: Frame) -> None:
        """Upload dirty buffers and draw the triangles (or copy them, drawn ahead)."""
        if self._drawable() is None:
            return
        seen = self._picture.watch(self._view, frame, self._drawn_first())
        if seen is not None and self._picture.copy(seen, self.version):
            return
        self._draw(frame)
        if seen is not None and self._picture.kept:
            # drawn in place where surfaces were drawn ahead before (a data fit's edits): a
            # picture for this camera once it holds still (elsewhere it would only hold memory)
            if self._still is None:
                self._still = QTimer()
                self._still.setSingleShot(True)
                self._still.setInterval(STILL_MS)
                self._still.timeout.connect(self._draw_still_picture)
            self._still.start()

    def _draw_still_picture(self) -> None:
        """The camera held still since a frame drew the surface in place: draw its picture
        ahead (in idle turns, no frame waits for it), so that the next frame that draws the
        kept layer again (the race started again by the next edit) copies it instead."""
        seen = self._picture.seen
        if seen is None or self._ahead_due or self._picture.drawn_for(seen, self.version):
            return
        self._ahead_due = True
        self._draw_ahead_later()

    def _draw(self, frame: Frame, first: int = 0, count: int | None = None) -> None:
        """Draw the triangles (`count` indices of them from index `first`: all by default)."""
        faces = self._drawable()
        if faces is None:
            return
        count = faces.size - first if count is None else count
        self._gl_state()
        self._prepare()
        gl.glEnable(gl.GL_POLYGON_OFFSET_FILL)
        gl.glPolygonOffset(1.0, 1.0)
        try:
            self._uniform_matrix("u_mvp", frame.mvp)
            self._uniform_matrix("u_modelview", frame.modelview)
            self._uniform_matrix("u_normal", frame.normal)
            self._uniform_vec3("u_light", self._light)
            self._uniform_float("u_opacity", self._opacity)
            self._uniform_float("u_contour_step", self._contour_step)
            gl.glDrawElements(gl.GL_TRIANGLES, count, gl.GL_UNSIGNED_INT, 4 * first or None)
        finally:
            self._finish()
            gl.glDisable(gl.GL_POLYGON_OFFSET_FILL)
