"""Base for our GL items: one shader program and deferred buffer uploads per GL context."""

from __future__ import annotations

import numpy as np
from OpenGL import GL
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem
from PySide6 import QtGui
from PySide6.QtOpenGL import QOpenGLBuffer

from gdstudio.render import glsl

_GL_TYPES = {
    np.dtype(np.float32): (GL.GL_FLOAT, False),
    np.dtype(np.uint8): (GL.GL_UNSIGNED_BYTE, True),
}


class BufferedItem(GLGraphicsItem):  # type: ignore[misc]  # pyqtgraph ships no type information
    """A GLGraphicsItem that stores arrays, marks them dirty and uploads them in paint().

    Subclasses give VERTEX / FRAGMENT sources and ATTRIBUTES (bound to locations 0, 1, ...).
    Programs and buffers are rebuilt when the item finds itself in a new GL context (a view
    re-parented into another window gets a fresh context).
    """

    VERTEX = ""
    FRAGMENT = ""
    ATTRIBUTES: tuple[str, ...] = ()

    def __init__(self, parentItem: GLGraphicsItem | None = None) -> None:
        super().__init__(parentItem=parentItem)
        self._arrays: dict[str, np.ndarray | None] = {}
        self._dirty: set[str] = set()
        self._buffers: dict[str, QOpenGLBuffer] = {}
        self._program = 0
        self._context: QtGui.QOpenGLContext | None = None

    def _set_array(self, name: str, array: np.ndarray | None) -> None:
        """Store an array for upload at the next paint."""
        self._arrays[name] = None if array is None else np.ascontiguousarray(array)
        self._dirty.add(name)
        self.update()

    def _array(self, name: str) -> np.ndarray | None:
        return self._arrays.get(name)

    def _prepare(self) -> int:
        """Make sure program and buffers exist in the current context; upload dirty arrays."""
        ctx = QtGui.QOpenGLContext.currentContext()
        if ctx is not self._context:
            self._context = ctx
            self._program = glsl.compile_program(self.VERTEX, self.FRAGMENT, self.ATTRIBUTES)
            self._buffers = {}
            self._dirty = set(self._arrays)
        for name in self._dirty:
            array = self._arrays[name]
            if array is None:
                continue
            if name not in self._buffers:
                kind = (
                    QOpenGLBuffer.Type.IndexBuffer
                    if name == "faces"
                    else (QOpenGLBuffer.Type.VertexBuffer)
                )
                self._buffers[name] = QOpenGLBuffer(kind)
            glsl.upload(self._buffers[name], array)
        self._dirty.clear()
        return self._program

    def _bind(self, name: str) -> int | None:
        """Enable attribute `name` from its buffer; returns its location (None if absent)."""
        array = self._arrays.get(name)
        if array is None:
            return None
        location = self.ATTRIBUTES.index(name)
        gl_type, normalized = _GL_TYPES[array.dtype]
        size = 1 if array.ndim == 1 else array.shape[-1]
        glsl.bind_attribute(location, self._buffers[name], size, gl_type, normalized)
        return location

    def _set_lifted_view(self, lift: float) -> None:
        """Set the uniforms of glsl.LIFTED_POSITION (the program must be in use)."""
        GL.glUniformMatrix4fv(
            self._uniform("u_modelview"), 1, False, glsl.matrix(self.modelViewMatrix())
        )
        GL.glUniformMatrix4fv(
            self._uniform("u_projection"), 1, False, glsl.matrix(self.projectionMatrix())
        )
        GL.glUniform1f(self._uniform("u_lift"), lift)

    def _uniform(self, name: str) -> int:
        return int(GL.glGetUniformLocation(self._program, name))

    @staticmethod
    def _release(locations: list[int | None]) -> None:
        for location in locations:
            if location is not None:
                GL.glDisableVertexAttribArray(location)
