"""Which OpenGL this machine has: software rasterizers get no multisampling (it costs ×3).

The 3D view learns it from its own context when that is made (`note_renderer`), so a
window's start pays for no other context; a process that draws without ever showing a view
(an export from the command line) asks a throw-away context once (`renderer_name`).
"""

from __future__ import annotations

from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "swiftshader", "software")
HARDWARE_SAMPLES = 4

_renderer: str | None = None  # GL_RENDERER, once a context told it


def current_renderer() -> str:
    """GL_RENDERER of the current context ('' if it names none)."""
    from gdstudio.render import gl

    name = gl.glGetString(gl.GL_RENDERER)
    return name.decode(errors="replace") if name else ""


def note_renderer(name: str) -> None:
    """What a view's context named as its renderer: the answer of every later question."""
    global _renderer
    _renderer = name


def known_renderer() -> str | None:
    """GL_RENDERER if a context has told it already, else None (nothing is asked)."""
    return _renderer


def renderer_name() -> str:
    """GL_RENDERER of this machine's OpenGL: the one a view noted, else the current
    context's, else that of a throw-away context ('' if no OpenGL is available)."""
    if _renderer is None:  # (with a context current, a throw-away one would replace it)
        has_context = QOpenGLContext.currentContext() is not None
        note_renderer(current_renderer() if has_context else _throw_away_renderer())
    return _renderer or ""


def _throw_away_renderer() -> str:
    """GL_RENDERER of a context made for the question ('' if none can be made)."""
    surface = QOffscreenSurface()
    surface.create()
    context = QOpenGLContext()
    if not context.create() or not context.makeCurrent(surface):
        return ""
    try:
        return current_renderer()
    finally:
        context.doneCurrent()
        surface.destroy()


def is_software_renderer(name: str) -> bool:
    """Whether a GL_RENDERER names a rasterizer on the CPU (Mesa llvmpipe and the like)."""
    return any(s in name.lower() for s in SOFTWARE_RENDERERS)


def is_software_gl() -> bool:
    """True when OpenGL is rasterized on the CPU (Mesa llvmpipe and the like)."""
    return is_software_renderer(renderer_name())


def samples_for(name: str) -> int:
    """Multisampling for frames drawn by this renderer: none in software, 4× on GPUs."""
    return 0 if is_software_renderer(name) else HARDWARE_SAMPLES
