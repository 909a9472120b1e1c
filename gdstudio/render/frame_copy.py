"""Copy boxes of a frame into the window by drawing them, instead of glBlitFramebuffer.

A window's framebuffer is stored upside down in Mesa, so a blit into it runs a blit shader of
Mesa's own, compiled in every new process: ~60 ms of the first frame on llvmpipe. This
program fetches each pixel's texel (texelFetch, no filtering: the same pixels as the blit)
and llvmpipe keeps its compiled form in its shader cache (~15 ms in a new process).
"""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtGui import QOpenGLContext
from PySide6.QtOpenGL import QOpenGLVertexArrayObject

from gdstudio.render import gl, glsl

# One triangle over the whole viewport, from the vertex index alone (no buffer to fill).
_VERTEX = """
void main() {
    gl_Position = vec4(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0, 0.0, 1.0);
}
"""
_FRAGMENT = """
uniform sampler2D u_frame;
void main() {
    gl_FragColor = texelFetch(u_frame, ivec2(gl_FragCoord.xy), 0);
}
"""


def _can_fetch(ctx: QOpenGLContext) -> bool:
    """Whether `ctx` speaks the GLSL of gl_VertexID and texelFetch (1.30, ES 3.0)."""
    version = ctx.format().version()
    return version >= (3, 0) if ctx.isOpenGLES() else version >= (3, 1)


class FrameCopy:
    """Draws boxes of a texture's texels into the framebuffer bound for drawing, pixel for
    pixel, in the context current at each copy (its program made there the first time)."""

    def __init__(self) -> None:
        self._context: QOpenGLContext | None = None
        self._program = 0
        self._vao: QOpenGLVertexArrayObject | None = None

    def copy(
        self, texture: int, width: int, height: int, boxes: Sequence[tuple[int, int, int, int]]
    ) -> bool:
        """Copy the (x0, y0, x1, y1) `boxes` of `texture` (width×height texels, the size of
        the target) into the same boxes of the target; False where this GL cannot (the
        caller blits). Leaves depth testing on, blending off and no program in use."""
        ctx = QOpenGLContext.currentContext()
        if ctx is None:
            return False
        if ctx is not self._context or not shiboken6.isValid(self._context):
            self._context, self._program, self._vao = ctx, 0, None
            if not _can_fetch(ctx):
                return False
            try:
                self._program = glsl.compile_program(_VERTEX, _FRAGMENT, ())
            except RuntimeError:
                return False  # a GL that refuses the program: blit
            vao = QOpenGLVertexArrayObject()
            self._vao = vao if vao.create() else None
        if not self._program:
            return False
        gl.glViewport(0, 0, width, height)
        gl.glDisable(gl.GL_DEPTH_TEST)
        gl.glDisable(gl.GL_BLEND)
        gl.glUseProgram(self._program)
        if self._vao is not None:
            self._vao.bind()
        gl.glActiveTexture(gl.GL_TEXTURE0)
        gl.glBindTexture(gl.GL_TEXTURE_2D, texture)
        gl.glEnable(gl.GL_SCISSOR_TEST)
        try:
            for x0, y0, x1, y1 in boxes:
                gl.glScissor(x0, y0, x1 - x0, y1 - y0)
                gl.glDrawArrays(gl.GL_TRIANGLES, 0, 3)
        finally:
            gl.glDisable(gl.GL_SCISSOR_TEST)
            gl.glBindTexture(gl.GL_TEXTURE_2D, 0)
            if self._vao is not None:
                self._vao.release()
            gl.glUseProgram(0)
            gl.glEnable(gl.GL_DEPTH_TEST)
        return True
