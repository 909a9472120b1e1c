"""Which OpenGL this machine has: software rasterizers get no multisampling (it costs ×3)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QOffscreenSurface, QOpenGLContext, QSurfaceFormat

SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "swiftshader", "software")
HARDWARE_SAMPLES = 4


@cache
def renderer_name() -> str:
    """GL_RENDERER of a throw-away context ('' if no OpenGL is available)."""
    surface = QOffscreenSurface()
    surface.create()
    context = QOpenGLContext()
    if not context.create() or not context.makeCurrent(surface):
        return ""
    try:
        from gdstudio.render import gl

        name = gl.glGetString(gl.GL_RENDERER)
        return name.decode(errors="replace") if name else ""
    finally:
        context.doneCurrent()
        surface.destroy()


def is_software_gl() -> bool:
    """True when OpenGL is rasterized on the CPU (Mesa llvmpipe and the like)."""
    name = renderer_name().lower()
    return any(s in name for s in SOFTWARE_RENDERERS)


def view_format() -> QSurfaceFormat:
    """Surface format for the 3D view: depth buffer, and 4× MSAA on real GPUs only."""
    fmt = QSurfaceFormat.defaultFormat()
    fmt.setDepthBufferSize(24)
    fmt.setSamples(0 if is_software_gl() else HARDWARE_SAMPLES)
    return fmt
