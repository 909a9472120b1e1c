"""Base for our GL items: one program, buffers in one vertex array object, few calls a frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shiboken6
from PySide6 import QtGui
from PySide6.QtOpenGL import QOpenGLBuffer, QOpenGLVertexArrayObject

from gdstudio.render import gl, glsl

if TYPE_CHECKING:
    from gdstudio.render.glview import Frame, OrbitView

_GL_TYPES = {
    np.dtype(np.float32): (gl.GL_FLOAT, False),
    np.dtype(np.uint8): (gl.GL_UNSIGNED_BYTE, True),
}
_BLEND = (gl.GL_SRC_ALPHA, gl.GL_ONE_MINUS_SRC_ALPHA, gl.GL_ONE, gl.GL_ONE_MINUS_SRC_ALPHA)


class _GLObjects:
    """An item's program and buffers in one group of sharing contexts, with one VAO per
    context of the group that drew the item."""

    def __init__(self, ctx: QtGui.QOpenGLContext, program: int, dirty: set[str]) -> None:
        self.context = ctx
        self.program = program
        self.buffers: dict[str, QOpenGLBuffer] = {}
        self.layout: dict[str, tuple[np.dtype, int]] = {}
        self.locations: dict[str, int] = {}
        self.sent: dict[str, bytes] = {}
        self.dirty = dirty
        self.stale: dict[int, bool] = {}
        self._vaos: dict[int, tuple[QtGui.QOpenGLContext, QOpenGLVertexArrayObject | None]] = {}

    def alive(self) -> bool:
        """Whether the context the group was made in still exists."""
        return shiboken6.isValid(self.context)

    def shares_with(self, ctx: QtGui.QOpenGLContext) -> bool:
        """Whether `ctx` sees this group's objects."""
        return ctx is self.context or QtGui.QOpenGLContext.areSharing(ctx, self.context)

    def vao(self, ctx: QtGui.QOpenGLContext) -> QOpenGLVertexArrayObject | None:
        """`ctx`'s vertex array object (None where the GL has none), made the first time."""
        key = id(ctx)
        entry = self._vaos.get(key)
        if entry is None or entry[0] is not ctx:
            made = QOpenGLVertexArrayObject()
            entry = self._vaos[key] = (ctx, made if made.create() else None)
            self.stale[key] = True
        return entry[1]


class BufferedItem:
    """An item that stores arrays, marks them dirty and uploads them when it paints.

    Subclasses give VERTEX / FRAGMENT sources and ATTRIBUTES (bound to locations 0, 1, ...).
    Attribute pointers live in a vertex array object, set again only when a buffer is new or
    an array changes its layout; uniform locations are looked up once, and a uniform is sent
    only when its value changed. Program and buffers are kept per group of sharing contexts
    and the VAO per context (a view draws on screen and, for pictures, in a context of its
    own), made the first time the item paints in one.
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
        self._group: _GLObjects | None = None
        self._groups: list[_GLObjects] = []
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
        for group in self._groups:  # uploaded again in every share group
            group.dirty.add(name)
        self.update()

    def _array(self, name: str) -> np.ndarray | None:
        return self._arrays.get(name)

    def _prepare(self) -> None:
        """Program, buffers and VAO in the current context, dirty arrays uploaded, program and
        VAO bound (undo with _finish)."""
        ctx = QtGui.QOpenGLContext.currentContext()
        if ctx is not self._context:
            self._switch_to(ctx)
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
        gl.glUseProgram(self._program)

    def _switch_to(self, ctx: QtGui.QOpenGLContext) -> None:
        """Use the program and buffers of `ctx`'s share group (made there the first time)
        and `ctx`'s own VAO (VAOs are not shared between contexts)."""
        self._groups = [g for g in self._groups if g.alive()]
        group = next((g for g in self._groups if g.shares_with(ctx)), None)
        if group is None:
            program = glsl.compile_program(self.VERTEX, self.FRAGMENT, self.ATTRIBUTES)
            group = _GLObjects(ctx, program, set(self._arrays))
            self._groups.append(group)
        self._context, self._group = ctx, group
        self._program, self._buffers, self._layout = group.program, group.buffers, group.layout
        self._locations, self._sent, self._dirty = group.locations, group.sent, group.dirty
        self._vao = group.vao(ctx)

    @property
    def _vao_stale(self) -> bool:
        return self._group is None or self._group.stale.get(id(self._context), True)

    @_vao_stale.setter
    def _vao_stale(self, stale: bool) -> None:
        group = self._group
        if group is None:
            return
        if stale:  # a new buffer or layout: every context's VAO must point again
            group.stale = dict.fromkeys(group.stale, True)
        group.stale[id(self._context)] = stale

    def _bind_attributes(self) -> None:
        """Point every attribute at its buffer (recorded in the VAO when there is one)."""
        for location, name in enumerate(self.ATTRIBUTES):
            array = self._arrays.get(name)
            if array is None or name not in self._buffers:
                gl.glDisableVertexAttribArray(location)
                continue
            gl_type, normalized = _GL_TYPES[array.dtype]
            size = 1 if array.ndim == 1 else array.shape[-1]
            glsl.bind_attribute(location, self._buffers[name], size, gl_type, normalized)
        if "faces" in self._buffers:
            self._buffers["faces"].bind()  # the element buffer binding is VAO state

    def _finish(self) -> None:
        """Unbind program and VAO (without a VAO: disable the attributes)."""
        gl.glUseProgram(0)
        if self._vao is not None:
            self._vao.release()
        else:
            for location in range(len(self.ATTRIBUTES)):
                gl.glDisableVertexAttribArray(location)
            if "faces" in self._buffers:
                self._buffers["faces"].release()

    def _gl_state(self) -> None:
        """Depth test on; blending on for translucent items."""
        gl.glEnable(gl.GL_DEPTH_TEST)
        if self.translucent:
            gl.glEnable(gl.GL_BLEND)
            gl.glBlendFuncSeparate(*_BLEND)
        else:
            gl.glDisable(gl.GL_BLEND)

    # --- uniforms --------------------------------------------------------------------------

    def _location(self, name: str) -> int:
        location = self._locations.get(name)
        if location is None:
            location = self._locations[name] = int(gl.glGetUniformLocation(self._program, name))
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
            setter = gl.glUniformMatrix4fv if value.size == 16 else gl.glUniformMatrix3fv
            setter(self._location(name), 1, False, value)

    def _uniform_float(self, name: str, value: float) -> None:
        """Set a float uniform if it changed."""
        if self._changed(name, np.float32(value)):
            gl.glUniform1f(self._location(name), float(value))

    def _uniform_vec2(self, name: str, value: np.ndarray) -> None:
        """Set a vec2 uniform if it changed."""
        value = np.asarray(value, dtype=np.float32)
        if self._changed(name, value):
            gl.glUniform2fv(self._location(name), 1, value)

    def _uniform_vec3(self, name: str, value: np.ndarray) -> None:
        """Set a vec3 uniform if it changed."""
        value = np.asarray(value, dtype=np.float32)
        if self._changed(name, value):
            gl.glUniform3fv(self._location(name), 1, value)

    def _set_lifted_view(self, frame: Frame, lift: float) -> None:
        """Set the uniforms of glsl.LIFTED_POSITION (the program must be in use)."""
        self._uniform_matrix("u_modelview", frame.modelview)
        self._uniform_matrix("u_projection", frame.projection)
        self._uniform_float("u_lift", lift)
