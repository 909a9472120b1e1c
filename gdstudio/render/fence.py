"""Fence: whether GL work issued ahead (a picture drawn between frames) is done yet."""

from __future__ import annotations

from gdstudio.render import gl
from gdstudio.render.gl import GLError

_DONE = (gl.GL_ALREADY_SIGNALED, gl.GL_CONDITION_SATISFIED)


class Fence:
    """A GL fence after the last work `put` after, asked without waiting (the context that
    put it current)."""

    def __init__(self) -> None:
        self._sync: object = None

    def put(self) -> None:
        """After the work issued so far (an earlier fence is forgotten)."""
        self.forget()
        self._sync = gl.glFenceSync(gl.GL_SYNC_GPU_COMMANDS_COMPLETE, 0)

    def passed(self) -> bool:
        """Whether the work before the fence is done (True with no fence)."""
        if self._sync is None:
            return True
        try:
            done = gl.glClientWaitSync(self._sync, 0, 0) in _DONE
        except GLError:
            done = True
        if done:
            self.forget()
        return done

    def forget(self) -> None:
        """Drop the fence (the work before it is no longer waited for)."""
        if self._sync is not None:
            try:
                gl.glDeleteSync(self._sync)
            except GLError:
                pass
            self._sync = None

    def drop(self) -> None:
        """Forget the fence without GL (its context is gone)."""
        self._sync = None
