"""Base for our GL items: one program, buffers in one vertex array object, few calls a frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from OpenGL import GL
from PySide6 import QtGui
from PySide6.QtOpenGL import QOpenGLBuffer, QOpenGLVertexArrayObject

from gdstudio.render import glsl

if TYPE_CHECKING:
    from gdstudio.render.glview import Frame, OrbitView

_GL_TYPES = {
    np.dtype(np.float32): (GL.GL_FLOAT, False),
    np.dtype(np.uint8): (GL.GL_UNSIGNED_BYTE, True),
}
_BLEND = (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA, GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)


class BufferedItem:
    """An item that stores arrays, marks them dirty and uploads them when it paints.

    Subclasses give VERTEX / FRAGMENT sources and ATTRIBUTES (bound to locations 0, 1, ...).
    Attribute pointers live in a vertex array object, set again only when a buffer is new or
    an array changes its layout; uniform locations are looked up once, and a uniform is sent
    only when its value changed. Program, buffers and VAO are rebuilt when the item finds
    itself in a new GL context (a view re-parented into another window gets a fresh one).
    """

    VERTEX = ""
    FRAGMENT = ""
    ATTRIBUTES: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray | None] = {}
        self._dirty: set[str] = set()
        self._layout: dict[str, tuple[np.dtype, int]] = {}
        self._buffers: dict[str, QOpenGLBuffer] = {}
        self._program = 0
        self._context: QtGui.QOpenGLContext | None = None
        self._vao: QOpenGLVertexArrayObject | None = None
        self._vao_stale = True
        self._locations: dict[str, int] = {}
        self._sent: dict[str, bytes] = {}
        self._view: OrbitView | None = None
        self._depth = 0.0
        self._visible = True
        self.translucent = False
        self.version = 0
        """Bumped whenever what the item draws changes (a view may cache its picture)."""

    # --- what the view asks ----------------------------------------------------------------

    def attach(self, view: OrbitView | None) -> None:
        """The view this item is drawn in."""
        self._view = view

    def depth_value(self) -> float:
        """Drawing order in the view (lower first)."""
        return self._depth

    def setDepthValue(self, depth: float) -> None:  # noqa: N802 - pyqtgraph's name, kept
        """Set the drawing order."""
        self._depth = float(depth)

    def visible(self) -> bool:
        """Whether the view draws this item."""
        return self._visible

    def setVisible(self, visible: bool) -> None:  # noqa: N802
        """Show or hide the item."""
        self._visible = bool(visible)
        self.update()

    def update(self) -> None:
        """Note a change and ask the view to repaint."""
        self.version += 1
        if self._view is not None:
            self._view.update()

    def paint(self, frame: Frame) -> None:
        """Draw with the frame's matrices (subclasses)."""

    # --- arrays and GL objects -------------------------------------------------------------

    def _set_array(self, name: str, array: np.ndarray | None) -> None:
        """Store an array for upload at the next paint."""
        self._arrays[name] = None if array is None else np.ascontiguousarray(array)
        self._dirty.add(name)
        self.update()

    def _array(self, name: str) -> np.ndarray | None:
        return self._arrays.get(name)

    def _prepare(self) -> None:
        """Program, buffers and VAO in the current context, dirty arrays uploaded, program and
        VAO bound (undo with _finish)."""
        ctx = QtGui.QOpenGLContext.currentContext()
        if ctx is not self._context:
            self._context = ctx
            self._program = glsl.compile_program(self.VERTEX, self.FRAGMENT, self.ATTRIBUTES)
            self._locations = {}
            self._sent = {}
            self._buffers = {}
            self._layout = {}
            vao = QOpenGLVertexArrayObject()
            self._vao = vao if vao.create() else None
            self._dirty = set(self._arrays)
        if self._vao is not None:
            self._vao.bind()
        for name in self._dirty:
            array = self._arrays[name]
            if array is None:
                continue
            if name not in self._buffers:
                kind = (
                    QOpenGLBuffer.Type.IndexBuffer
                    if name == "faces"
                    else QOpenGLBuffer.Type.VertexBuffer
                )
                self._buffers[name] = QOpenGLBuffer(kind)
                self._vao_stale = True
            glsl.upload(self._buffers[name], array)  # releasing an index buffer unbinds it
            self._vao_stale |= name == "faces"
            layout = (array.dtype, 1 if array.ndim == 1 else array.shape[-1])
            if self._layout.get(name) != layout:
                self._layout[name] = layout
                self._vao_stale = True
        self._dirty.clear()
        if self._vao is None or self._vao_stale:
            self._bind_attributes()
            self._vao_stale = self._vao is None
        GL.glUseProgram(self._program)

    def _bind_attributes(self) -> None:
        """Point every attribute at its buffer (recorded in the VAO when there is one)."""
        for location, name in enumerate(self.ATTRIBUTES):
            array = self._arrays.get(name)
            if array is None or name not in self._buffers:
                GL.glDisableVertexAttribArray(location)
                continue
            gl_type, normalized = _GL_TYPES[array.dtype]
            size = 1 if array.ndim == 1 else array.shape[-1]
            glsl.bind_attribute(location, self._buffers[name], size, gl_type, normalized)
        if "faces" in self._buffers:
            self._buffers["faces"].bind()  # the element buffer binding is VAO state

    def _finish(self) -> None:
        """Unbind program and VAO (without a VAO: disable the attributes)."""
        GL.glUseProgram(0)
        if self._vao is not None:
            self._vao.release()
        else:
            for location in range(len(self.ATTRIBUTES)):
                GL.glDisableVertexAttribArray(location)
            if "faces" in self._buffers:
                self._buffers["faces"].release()

    def _gl_state(self) -> None:
        """Depth test on; blending on for translucent items."""
        GL.glEnable(GL.GL_DEPTH_TEST)
        if self.translucent:
            GL.glEnable(GL.GL_BLEND)
            GL.glBlendFuncSeparate(*_BLEND)
        else:
            GL.glDisable(GL.GL_BLEND)

    # --- uniforms --------------------------------------------------------------------------

    def _location(self, name: str) -> int:
        location = self._locations.get(name)
        if location is None:
            location = self._locations[name] = int(GL.glGetUniformLocation(self._program, name))
        return location

    def _changed(self, name: str, value: np.ndarray) -> bool:
        data = value.tobytes()
        if self._sent.get(name) == data:
            return False
        self._sent[name] = data
        return True

    def _uniform_matrix(self, name: str, value: np.ndarray) -> None:
        """Set a 4×4 or 3×3 matrix uniform (column-major float32) if it changed."""
        if self._changed(name, value):
            setter = GL.glUniformMatrix4fv if value.size == 16 else GL.glUniformMatrix3fv
            setter(self._location(name), 1, False, value)

    def _uniform_float(self, name: str, value: float) -> None:
        """Set a float uniform if it changed."""
        if self._changed(name, np.float32(value)):
            GL.glUniform1f(self._location(name), float(value))

    def _uniform_vec2(self, name: str, value: np.ndarray) -> None:
        """Set a vec2 uniform if it changed."""
        value = np.asarray(value, dtype=np.float32)
        if self._changed(name, value):
            GL.glUniform2fv(self._location(name), 1, value)

    def _uniform_vec3(self, name: str, value: np.ndarray) -> None:
        """Set a vec3 uniform if it changed."""
        value = np.asarray(value, dtype=np.float32)
        if self._changed(name, value):
            GL.glUniform3fv(self._location(name), 1, value)

    def _set_lifted_view(self, frame: Frame, lift: float) -> None:
        """Set the uniforms of glsl.LIFTED_POSITION (the program must be in use)."""
        self._uniform_matrix("u_modelview", frame.modelview)
        self._uniform_matrix("u_projection", frame.projection)
        self._uniform_float("u_lift", lift)
