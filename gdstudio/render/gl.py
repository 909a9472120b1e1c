"""The OpenGL functions and constants the render code calls, bound through ctypes.

PyOpenGL cost the start-up 160–250 ms of CPU to import and ~18 MiB of memory for the ~60
functions the studio calls. Here each one is looked up on its first call, in the current
context (QOpenGLContext.getProcAddress, else the system's GL library), and glGetError is read
after every call, as PyOpenGL does: a GL error raises GLError.

The functions take PyOpenGL's arguments: numbers, None or a C-contiguous array where C takes
a pointer, a list of str for glShaderSource. Those whose C form fills a pointer return the
value instead (glGetShaderiv, glGetShaderInfoLog, …); get_integer, get_viewport, gen_texture
and gen_query are the one-value forms of glGetIntegerv, glGenTextures and glGenQueries.
"""

from __future__ import annotations

import ctypes
import sys
from ctypes import c_char_p, c_float, c_int, c_uint, c_uint64, c_void_p
from typing import Any

import numpy as np
from PySide6.QtGui import QOpenGLContext

# --- the constants the render code uses -------------------------------------------------------
GL_ALREADY_SIGNALED = 0x911A
GL_BGRA = 0x80E1
GL_BLEND = 0x0BE2
GL_CLAMP_TO_EDGE = 0x812F
GL_COLOR_ATTACHMENT0 = 0x8CE0
GL_COLOR_BUFFER_BIT = 0x4000
GL_COMPILE_STATUS = 0x8B81
GL_CONDITION_SATISFIED = 0x911C
GL_DEPTH_ATTACHMENT = 0x8D00
GL_DEPTH_BUFFER_BIT = 0x0100
GL_DEPTH_TEST = 0x0B71
GL_DRAW_FRAMEBUFFER = 0x8CA9
GL_DRAW_FRAMEBUFFER_BINDING = 0x8CA6
GL_FALSE = 0x0000
GL_FLOAT = 0x1406
GL_FRAGMENT_SHADER = 0x8B30
GL_FRAMEBUFFER = 0x8D40
GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME = 0x8CD1
GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE = 0x8CD0
GL_FRAMEBUFFER_BINDING = 0x8CA6
GL_LINK_STATUS = 0x8B82
GL_NEAREST = 0x2600
GL_ONE = 0x0001
GL_ONE_MINUS_SRC_ALPHA = 0x0303
GL_PACK_ALIGNMENT = 0x0D05
GL_POINTS = 0x0000
GL_POINT_SPRITE = 0x8861
GL_POLYGON_OFFSET_FILL = 0x8037
GL_PROGRAM_POINT_SIZE = 0x8642
GL_QUERY_RESULT = 0x8866
GL_QUERY_RESULT_AVAILABLE = 0x8867
GL_READ_FRAMEBUFFER = 0x8CA8
GL_RENDERBUFFER = 0x8D41
GL_RENDERER = 0x1F01
GL_RGBA = 0x1908
GL_SCISSOR_TEST = 0x0C11
GL_SRC_ALPHA = 0x0302
GL_SYNC_GPU_COMMANDS_COMPLETE = 0x9117
GL_TEXTURE = 0x1702
GL_TEXTURE0 = 0x84C0
GL_TEXTURE_2D = 0x0DE1
GL_TEXTURE_MAG_FILTER = 0x2800
GL_TEXTURE_MIN_FILTER = 0x2801
GL_TEXTURE_WRAP_S = 0x2802
GL_TEXTURE_WRAP_T = 0x2803
GL_TIME_ELAPSED = 0x88BF
GL_TRIANGLES = 0x0004
GL_TRIANGLE_STRIP = 0x0005
GL_TRUE = 0x0001
GL_UNPACK_ALIGNMENT = 0x0CF5
GL_UNSIGNED_BYTE = 0x1401
GL_UNSIGNED_INT = 0x1405
GL_UNSIGNED_INT_8_8_8_8_REV = 0x8367
GL_VERTEX_SHADER = 0x8B31
GL_VIEWPORT = 0x0BA2
GL_INFO_LOG_LENGTH = 0x8B84

_FUNCTYPE = getattr(ctypes, "WINFUNCTYPE", ctypes.CFUNCTYPE)  # GL's calling convention
_LIBRARIES = {
    "win32": ("opengl32",),
    "darwin": ("/System/Library/Frameworks/OpenGL.framework/OpenGL",),
}.get(sys.platform, ("libGL.so.1", "libOpenGL.so.0", "libGLESv2.so.2"))
_loaded: list[ctypes.CDLL] | None = None
_ERRORS = {
    0x0500: "GL_INVALID_ENUM",
    0x0501: "GL_INVALID_VALUE",
    0x0502: "GL_INVALID_OPERATION",
    0x0503: "GL_STACK_OVERFLOW",
    0x0504: "GL_STACK_UNDERFLOW",
    0x0505: "GL_OUT_OF_MEMORY",
    0x0506: "GL_INVALID_FRAMEBUFFER_OPERATION",
}


class GLError(RuntimeError):
    """A GL call failed: glGetError's code after it (0 if this GL has no such function)."""

    def __init__(self, function: str, error: int) -> None:
        what = _ERRORS.get(error, f"error 0x{error:04X}") if error else "not available"
        super().__init__(f"{function}: {what}")
        self.function, self.error = function, error


def _library_address(name: str) -> int:
    """`name`'s address in the system's GL library (0 if none has it)."""
    global _loaded
    if _loaded is None:
        _loaded = []
        for path in _LIBRARIES:
            try:
                _loaded.append(ctypes.CDLL(path))
            except OSError:
                continue
    for library in _loaded:
        address = ctypes.cast(getattr(library, name, None) or 0, c_void_p).value
        if address:
            return address
    return 0


def _address(name: str) -> int:
    """Where `name` is, for the current context; GLError if this GL has no such function."""
    ctx = QOpenGLContext.currentContext()
    address = int(ctx.getProcAddress(name.encode())) if ctx is not None else 0
    address = address or _library_address(name)
    if not address:
        raise GLError(name, 0)
    return address


class _Function:
    """One GL function: looked up on its first call, glGetError read after each call."""

    __slots__ = ("name", "_prototype", "_call", "_check")

    def __init__(self, name: str, restype: Any, *argtypes: Any, check: bool = True) -> None:
        self.name = name
        self._prototype = _FUNCTYPE(restype, *argtypes)
        self._call: Any = None
        self._check = check

    def __call__(self, *args: Any) -> Any:
        call = self._call
        if call is None:
            call = self._call = self._prototype(_address(self.name))
        result = call(*args)
        if self._check:
            error = glGetError()
            if error:
                raise GLError(self.name, error)
        return result


class _Data:
    """Argument type of a pointer to data: None, an offset, or a C-contiguous array."""

    @classmethod
    def from_param(cls, value: Any) -> Any:
        """The pointer ctypes passes (it holds the array alive through the call)."""
        if value is None or isinstance(value, c_void_p):
            return value
        if isinstance(value, int):
            return c_void_p(value)  # an offset into the bound buffer
        array = value if isinstance(value, np.ndarray) else np.asarray(value)
        if not array.flags.c_contiguous:
            raise TypeError("GL needs a C-contiguous array here")
        return array.ctypes


class _Floats:
    """Argument type of a pointer to GLfloats: any array-like, converted to float32."""

    @classmethod
    def from_param(cls, value: Any) -> Any:
        """The pointer ctypes passes (it holds the converted array alive through the call)."""
        return np.ascontiguousarray(value, dtype=np.float32).ctypes


class _Name:
    """Argument type of a GLchar* name: str (encoded as UTF-8) or bytes."""

    @classmethod
    def from_param(cls, value: str | bytes) -> bytes:
        """The bytes ctypes passes."""
        return value.encode() if isinstance(value, str) else value


def _f(name: str, restype: Any, *argtypes: Any) -> Any:
    return _Function(name, restype, *argtypes)


_e = _i = c_int  # GLenum, GLbitfield and GLuint pass as int
_u = c_uint
_b = ctypes.c_ubyte  # GLboolean
_v = c_void_p
glGetError = _Function("glGetError", _u, check=False)

# --- state, clearing, drawing ---------------------------------------------------------------
glEnable = _f("glEnable", None, _u)
glDisable = _f("glDisable", None, _u)
glViewport = _f("glViewport", None, _i, _i, _i, _i)
glScissor = _f("glScissor", None, _i, _i, _i, _i)
glClearColor = _f("glClearColor", None, c_float, c_float, c_float, c_float)
glClear = _f("glClear", None, _u)
glDepthMask = _f("glDepthMask", None, _b)
glBlendFunc = _f("glBlendFunc", None, _u, _u)
glBlendFuncSeparate = _f("glBlendFuncSeparate", None, _u, _u, _u, _u)
glPolygonOffset = _f("glPolygonOffset", None, c_float, c_float)
glPixelStorei = _f("glPixelStorei", None, _u, _i)
glDrawArrays = _f("glDrawArrays", None, _u, _i, _i)
glDrawElements = _f("glDrawElements", None, _u, _i, _u, _Data)
glFlush = _f("glFlush", None)
glFinish = _f("glFinish", None)
glGetString = _f("glGetString", c_char_p, _u)
_glGetIntegerv = _f("glGetIntegerv", None, _u, _v)

# --- framebuffers, textures, pixels ---------------------------------------------------------
glBindFramebuffer = _f("glBindFramebuffer", None, _u, _u)
glBlitFramebuffer = _f("glBlitFramebuffer", None, *[_i] * 8, _u, _u)
glCopyImageSubData = _f("glCopyImageSubData", None, *[_u, _u, _i, _i, _i, _i] * 2, _i, _i, _i)
_glGetFramebufferAttachmentParameteriv = _f(
    "glGetFramebufferAttachmentParameteriv", None, _u, _u, _u, _v
)
glReadPixels = _f("glReadPixels", None, _i, _i, _i, _i, _u, _u, _Data)
_glGenTextures = _f("glGenTextures", None, _i, _v)
glBindTexture = _f("glBindTexture", None, _u, _u)
glActiveTexture = _f("glActiveTexture", None, _u)
glTexParameteri = _f("glTexParameteri", None, _u, _u, _i)
glTexImage2D = _f("glTexImage2D", None, _u, _i, _i, _i, _i, _i, _u, _u, _Data)
glTexSubImage2D = _f("glTexSubImage2D", None, _u, _i, _i, _i, _i, _i, _u, _u, _Data)

# --- shaders, programs, attributes, uniforms ------------------------------------------------
glCreateShader = _f("glCreateShader", _u, _u)
_glShaderSource = _f("glShaderSource", None, _u, _i, _v, _v)
glCompileShader = _f("glCompileShader", None, _u)
glDeleteShader = _f("glDeleteShader", None, _u)
_glGetShaderiv = _f("glGetShaderiv", None, _u, _u, _v)
_glGetShaderInfoLog = _f("glGetShaderInfoLog", None, _u, _i, _v, _v)
glCreateProgram = _f("glCreateProgram", _u)
glAttachShader = _f("glAttachShader", None, _u, _u)
glBindAttribLocation = _f("glBindAttribLocation", None, _u, _u, _Name)
glLinkProgram = _f("glLinkProgram", None, _u)
glUseProgram = _f("glUseProgram", None, _u)
_glGetProgramiv = _f("glGetProgramiv", None, _u, _u, _v)
_glGetProgramInfoLog = _f("glGetProgramInfoLog", None, _u, _i, _v, _v)
glGetUniformLocation = _f("glGetUniformLocation", c_int, _u, _Name)
glUniform1f = _f("glUniform1f", None, _i, c_float)
glUniform2fv = _f("glUniform2fv", None, _i, _i, _Floats)
glUniform3fv = _f("glUniform3fv", None, _i, _i, _Floats)
glUniform4fv = _f("glUniform4fv", None, _i, _i, _Floats)
glUniformMatrix3fv = _f("glUniformMatrix3fv", None, _i, _i, _b, _Floats)
glUniformMatrix4fv = _f("glUniformMatrix4fv", None, _i, _i, _b, _Floats)
glVertexAttribPointer = _f("glVertexAttribPointer", None, _u, _i, _u, _b, _i, _Data)
glEnableVertexAttribArray = _f("glEnableVertexAttribArray", None, _u)
glDisableVertexAttribArray = _f("glDisableVertexAttribArray", None, _u)

# --- queries and fences ---------------------------------------------------------------------
_glGenQueries = _f("glGenQueries", None, _i, _v)
glBeginQuery = _f("glBeginQuery", None, _u, _u)
glEndQuery = _f("glEndQuery", None, _u)
_glGetQueryObjectiv = _f("glGetQueryObjectiv", None, _u, _u, _v)
_glGetQueryObjectuiv = _f("glGetQueryObjectuiv", None, _u, _u, _v)
glFenceSync = _f("glFenceSync", _v, _u, _u)
glClientWaitSync = _f("glClientWaitSync", _u, _v, _u, c_uint64)
glDeleteSync = _f("glDeleteSync", None, _v)


def _out(function: _Function, *args: Any, kind: Any = c_int) -> int:
    """Call a function that fills one value through its last pointer; the value."""
    value = kind()
    function(*args, ctypes.byref(value))
    return int(value.value)


def get_integer(pname: int) -> int:
    """glGetIntegerv of a one-value state (a binding, a limit)."""
    return _out(_glGetIntegerv, pname)


def get_viewport() -> tuple[int, int, int, int]:
    """glGetIntegerv(GL_VIEWPORT): x, y, width, height."""
    box = (c_int * 4)()
    _glGetIntegerv(GL_VIEWPORT, box)
    return box[0], box[1], box[2], box[3]


def gen_texture() -> int:
    """A new texture name (glGenTextures of one)."""
    return _out(_glGenTextures, 1, kind=c_uint)


def gen_query() -> int:
    """A new query name (glGenQueries of one)."""
    return _out(_glGenQueries, 1, kind=c_uint)


def glGetFramebufferAttachmentParameteriv(target: int, attachment: int, pname: int) -> int:
    """One parameter of a framebuffer attachment."""
    return _out(_glGetFramebufferAttachmentParameteriv, target, attachment, pname)


def glGetQueryObjectiv(query: int, pname: int) -> int:
    """A query's state, as a signed int."""
    return _out(_glGetQueryObjectiv, query, pname)


def glGetQueryObjectuiv(query: int, pname: int) -> int:
    """A query's state (its result), as an unsigned int."""
    return _out(_glGetQueryObjectuiv, query, pname, kind=c_uint)


def glShaderSource(shader: int, sources: list[str]) -> None:
    """Set a shader's source, the strings of `sources` one after the other."""
    encoded = [s.encode() for s in sources]
    _glShaderSource(shader, len(encoded), (c_char_p * len(encoded))(*encoded), None)


def glGetShaderiv(shader: int, pname: int) -> int:
    """One parameter of a shader (its compile status, …)."""
    return _out(_glGetShaderiv, shader, pname)


def glGetProgramiv(program: int, pname: int) -> int:
    """One parameter of a program (its link status, …)."""
    return _out(_glGetProgramiv, program, pname)


def _log(function: _Function, length: Any, name: int) -> bytes:
    size = max(length(name, GL_INFO_LOG_LENGTH), 1)
    text = ctypes.create_string_buffer(size)
    function(name, size, None, text)
    return text.value


def glGetShaderInfoLog(shader: int) -> bytes:
    """A shader's compile log."""
    return _log(_glGetShaderInfoLog, glGetShaderiv, shader)


def glGetProgramInfoLog(program: int) -> bytes:
    """A program's link log."""
    return _log(_glGetProgramInfoLog, glGetProgramiv, program)
