"""The studio's own GL binding: values read back, errors raised as PyOpenGL raised them."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest
from PySide6.QtGui import QOffscreenSurface, QOpenGLContext
from PySide6.QtOpenGL import QOpenGLFramebufferObject

from gdstudio.render import gl, glsl


@pytest.fixture
def context(qapp):
    """A current GL context on an offscreen surface (Xvfb + Mesa)."""
    surface = QOffscreenSurface()
    surface.create()
    ctx = QOpenGLContext()
    if not ctx.create() or not ctx.makeCurrent(surface):
        pytest.fail("needs an OpenGL context (run under Xvfb, not offscreen)")
    yield ctx
    ctx.doneCurrent()
    surface.destroy()


def test_a_gl_error_raises_and_the_next_call_works(context):
    with pytest.raises(gl.GLError, match="glEnable: GL_INVALID_ENUM") as raised:
        gl.glEnable(0xDEAD)
    assert raised.value.error == 0x0500
    gl.glEnable(gl.GL_DEPTH_TEST)  # the error was read: it is not blamed on this call


def test_state_reads_back_what_was_set(context):
    fbo = QOpenGLFramebufferObject(64, 48)
    gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo.handle())
    gl.glViewport(3, 5, 40, 30)
    assert gl.get_viewport() == (3, 5, 40, 30)
    assert gl.get_integer(gl.GL_FRAMEBUFFER_BINDING) == fbo.handle() != 0
    gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)
    assert gl.get_integer(gl.GL_FRAMEBUFFER_BINDING) == 0
    assert gl.gen_texture() != gl.gen_texture()
    assert gl.glGetString(gl.GL_RENDERER)


def test_pixels_cleared_are_read_back_into_the_array_given(context):
    fbo = QOpenGLFramebufferObject(8, 4)
    gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo.handle())
    gl.glViewport(0, 0, 8, 4)
    gl.glClearColor(1.0, 0.0, 0.0, 1.0)
    gl.glClear(gl.GL_COLOR_BUFFER_BIT)
    pixels = np.zeros((4, 8), dtype=np.uint32)
    gl.glPixelStorei(gl.GL_PACK_ALIGNMENT, 4)
    gl.glReadPixels(0, 0, 8, 4, gl.GL_BGRA, gl.GL_UNSIGNED_INT_8_8_8_8_REV, pixels)
    assert (pixels == 0xFFFF0000).all()  # opaque red as 0xAARRGGBB
    with pytest.raises(ctypes.ArgumentError, match="C-contiguous"):  # never a stray write
        gl.glReadPixels(0, 0, 4, 4, gl.GL_BGRA, gl.GL_UNSIGNED_INT_8_8_8_8_REV, pixels[:, ::2])
    gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, 0)


def test_a_program_links_and_a_broken_shader_reports_its_log(context):
    program = glsl.compile_program(
        "attribute vec3 a_position;\nvoid main() { gl_Position = vec4(a_position, 1.0); }",
        "uniform vec4 u_color;\nvoid main() { gl_FragColor = u_color; }",
        ("a_position",),
    )
    assert gl.glGetProgramiv(program, gl.GL_LINK_STATUS)
    location = gl.glGetUniformLocation(program, "u_color")
    assert location >= 0
    gl.glUseProgram(program)
    gl.glUniform4fv(location, 1, np.array([0.25, 0.5, 0.75, 1.0]))  # float64 in: converted
    gl.glUseProgram(0)
    with pytest.raises(RuntimeError, match="shader compile failure: .*undeclared"):
        glsl.compile_program(
            "void main() { gl_Position = vec4(0.0); }",
            "void main() { gl_FragColor = no_such_colour; }",
            (),
        )
