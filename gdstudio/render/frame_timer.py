"""How long the GL work of a frame took, without stalling the pipeline (no glFinish)."""

from __future__ import annotations

import time
from collections import deque

from PySide6 import QtGui

from gdstudio.render import gl


def _timer_queries(ctx: QtGui.QOpenGLContext) -> bool:
    if ctx.isOpenGLES():
        return False
    return ctx.format().version() >= (3, 3) or ctx.hasExtension(b"GL_ARB_timer_query")


class FrameTimer:
    """Times frames with GL_TIME_ELAPSED queries read back a frame or two later.

    Without timer queries (old or ES contexts) a frame is timed by waiting for it with
    glFinish, the only way left to see what the rasterizer spent.
    """

    def __init__(self) -> None:
        self._context: QtGui.QOpenGLContext | None = None
        self._queries = False
        self._free: list[int] = []
        self._pending: deque[int] = deque()
        self._started = 0.0

    def begin(self) -> None:
        """Start timing the GL commands of this frame (its context is current)."""
        ctx = QtGui.QOpenGLContext.currentContext()
        if ctx is not self._context:
            self._context = ctx
            self._queries = _timer_queries(ctx)
            self._free, self._pending = [], deque()
        if not self._queries:
            self._started = time.perf_counter()
            return
        query = self._free.pop() if self._free else gl.gen_query()
        gl.glBeginQuery(gl.GL_TIME_ELAPSED, query)
        self._pending.append(query)

    def end(self) -> float | None:
        """Stop timing; milliseconds of the newest frame whose result is in (None if none)."""
        if not self._queries:
            gl.glFinish()
            return (time.perf_counter() - self._started) * 1000.0
        gl.glEndQuery(gl.GL_TIME_ELAPSED)
        ms = None
        while len(self._pending) > 1:  # never the frame just ended: it has not run yet
            query = self._pending[0]
            if not gl.glGetQueryObjectiv(query, gl.GL_QUERY_RESULT_AVAILABLE):
                break
            ms = int(gl.glGetQueryObjectuiv(query, gl.GL_QUERY_RESULT)) / 1e6  # ns, < 4 s
            self._free.append(self._pending.popleft())
        return ms
