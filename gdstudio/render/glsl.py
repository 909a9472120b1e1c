"""Compile one GLSL source for whichever OpenGL flavour the current context speaks."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6 import QtGui
from PySide6.QtOpenGL import QOpenGLBuffer

from gdstudio.render import gl

# Sources are written in GLSL 1.20 style; these headers translate them for newer dialects.
_CORE_VERTEX = "#define attribute in\n#define varying out\n"
_CORE_FRAGMENT = (
    "#define varying in\nout vec4 fragColor;\n#define gl_FragColor fragColor\n"
    "#define texture2D texture\n"
)


LIFTED_POSITION = """
uniform mat4 u_modelview;
uniform mat4 u_projection;
uniform float u_lift;
// Clip position of p pulled `lift` towards the camera, so the surface just below does not
// swallow the lines and balls drawn on it.
vec4 lifted_by(vec3 p, float lift) {
    vec4 eye = u_modelview * vec4(p, 1.0);
    float d = length(eye.xyz);
    eye.xyz *= max(d - lift, 0.5 * d) / d;
    return u_projection * eye;
}
vec4 lifted_position(vec3 p) {
    return lifted_by(p, u_lift);
}
"""
"""GLSL for vertex shaders of items drawn on the surface; see BufferedItem._set_lifted_view."""


def _headers() -> tuple[str, str]:
    """Vertex and fragment preambles for the current context."""
    ctx = QtGui.QOpenGLContext.currentContext()
    version = ctx.format().version()
    if ctx.isOpenGLES():
        if version >= (3, 0):
            head = "#version 300 es\nprecision highp float;\n"
            return head + _CORE_VERTEX, head + _CORE_FRAGMENT
        precision = "precision mediump float;\n"
        derivatives = "#extension GL_OES_standard_derivatives : enable\n"
        return "#version 100\n" + precision, "#version 100\n" + derivatives + precision
    if version >= (3, 1):
        return "#version 140\n" + _CORE_VERTEX, "#version 140\n" + _CORE_FRAGMENT
    return "#version 120\n", "#version 120\n"


def enable_point_sprites() -> None:
    """Let shaders size points and read gl_PointCoord (compatibility profiles need a switch)."""
    ctx = QtGui.QOpenGLContext.currentContext()
    if ctx.isOpenGLES():
        return
    fmt = ctx.format()
    profile = fmt.profile()
    version = fmt.version()
    compatibility = profile == QtGui.QSurfaceFormat.OpenGLContextProfile.CompatibilityProfile or (
        profile == QtGui.QSurfaceFormat.OpenGLContextProfile.NoProfile
        and (version <= (3, 0) or ctx.hasExtension(b"GL_ARB_compatibility"))
    )
    if compatibility:
        gl.glEnable(gl.GL_POINT_SPRITE)
    gl.glEnable(gl.GL_PROGRAM_POINT_SIZE)


def _shader(kind: int, sources: list[str]) -> int:
    shader = gl.glCreateShader(kind)
    gl.glShaderSource(shader, sources)
    gl.glCompileShader(shader)
    if not gl.glGetShaderiv(shader, gl.GL_COMPILE_STATUS):
        log = gl.glGetShaderInfoLog(shader)
        raise RuntimeError(f"shader compile failure: {log.decode(errors='replace')}")
    return int(shader)


def compile_program(vertex: str, fragment: str, attributes: tuple[str, ...]) -> int:
    """Link a program; attribute i of `attributes` is bound to generic location i.

    (Raw GL calls: OpenGL.gl.shaders costs 150 ms to import.)
    """
    vhead, fhead = _headers()
    program = gl.glCreateProgram()
    for shader in (
        _shader(gl.GL_VERTEX_SHADER, [vhead, vertex]),
        _shader(gl.GL_FRAGMENT_SHADER, [fhead, fragment]),
    ):
        gl.glAttachShader(program, shader)
        gl.glDeleteShader(shader)  # freed with the program
    for i, name in enumerate(attributes):
        gl.glBindAttribLocation(program, i, name)
    gl.glLinkProgram(program)
    if not gl.glGetProgramiv(program, gl.GL_LINK_STATUS):
        log = gl.glGetProgramInfoLog(program)
        raise RuntimeError(f"shader link failure: {log.decode(errors='replace')}")
    return int(program)


def upload(buffer: QOpenGLBuffer, array: np.ndarray) -> None:
    """Copy a contiguous array into a buffer object, reallocating only when the size changes."""
    array = np.ascontiguousarray(array)
    if not buffer.isCreated():
        buffer.create()
    buffer.bind()
    # PySide6 takes any buffer-protocol object here; its stubs say bytes (allocate), int (write).
    data: Any = array
    if buffer.size() != array.nbytes:
        buffer.allocate(data, array.nbytes)
    else:
        buffer.write(0, data, array.nbytes)
    buffer.release()


def bind_attribute(
    location: int, buffer: QOpenGLBuffer, size: int, gl_type: int, normalized: bool = False
) -> None:
    """Point generic attribute `location` at `buffer` and enable it."""
    buffer.bind()
    gl.glVertexAttribPointer(location, size, gl_type, normalized, 0, None)
    buffer.release()
    gl.glEnableVertexAttribArray(location)


def matrix(m: QtGui.QMatrix4x4 | QtGui.QMatrix3x3) -> np.ndarray:
    """Column-major float32 data of a Qt matrix, as glUniformMatrix*fv expects."""
    return np.array(m.data(), dtype=np.float32)
