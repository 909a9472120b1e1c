"""A picture of what did not change (surface, minima, the settled part of the paths), kept in
an offscreen buffer.

While a race plays only the tips of the paths and the balls move: each frame adds the newly
settled segments to the kept picture and copies its colour and depth into the frame (one
blit) instead of drawing 30,000 triangles and every segment again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from PySide6 import QtGui
from PySide6.QtOpenGL import QOpenGLFramebufferObject, QOpenGLFramebufferObjectFormat

from gdstudio.render import gl
from gdstudio.render.fence import Fence
from gdstudio.render.gl import GLError
from gdstudio.render.live_damage import Box, merge_boxes


def offscreen_fbo(width: int, height: int, samples: int = 0) -> QOpenGLFramebufferObject:
    """A colour + depth/stencil framebuffer in the current context (`samples`× multisampled
    where the GL can, else single-sampled; check isValid())."""
    fmt = QOpenGLFramebufferObjectFormat()
    fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
    fmt.setSamples(samples)
    fbo = QOpenGLFramebufferObject(width, height, fmt)
    if samples and not fbo.isValid():
        return offscreen_fbo(width, height)
    return fbo


_TARGETS = {gl.GL_RENDERBUFFER: gl.GL_RENDERBUFFER, gl.GL_TEXTURE: gl.GL_TEXTURE_2D}


def _can_copy_images(ctx: QtGui.QOpenGLContext) -> bool:
    if ctx.isOpenGLES():
        return ctx.format().version() >= (3, 2)
    return ctx.format().version() >= (4, 3) or ctx.hasExtension(b"GL_ARB_copy_image")


def image_copies(source: int, target: int) -> list[tuple[int, int, int, int]]:
    """(source name, source target, target name, target target) of the colour and depth
    images of framebuffers `source` and `target`, for glCopyImageSubData; [] where the GL
    cannot copy images or an attachment is missing. Binds `target` to GL_FRAMEBUFFER."""
    if not source or not target or not _can_copy_images(QtGui.QOpenGLContext.currentContext()):
        return []  # a window's own framebuffer (0) has no images to copy: blit to it
    get = gl.glGetFramebufferAttachmentParameteriv
    copies = []
    for attachment in (gl.GL_COLOR_ATTACHMENT0, gl.GL_DEPTH_ATTACHMENT):
        images = []
        for fbo in (source, target):
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo)
            kind = int(get(gl.GL_FRAMEBUFFER, attachment, gl.GL_FRAMEBUFFER_ATTACHMENT_OBJECT_TYPE))
            if kind not in _TARGETS:
                return []
            name = get(gl.GL_FRAMEBUFFER, attachment, gl.GL_FRAMEBUFFER_ATTACHMENT_OBJECT_NAME)
            images += [int(name), _TARGETS[kind]]
        copies.append((images[0], images[1], images[2], images[3]))
    return copies


def copy_images(
    copies: list[tuple[int, int, int, int]],
    source: int,
    target: int,
    width: int,
    height: int,
    x: int = 0,
    y: int = 0,
) -> None:
    """Copy colour and depth of the width×height box at (x, y) of framebuffer `source` into
    the same box of `target` (same sample count): every sample as it is, with
    glCopyImageSubData where `copies` says how, else a blit (software GL runs a depth blit
    as a shader: slower, and it may round)."""
    if copies:
        for src, src_target, dst, dst_target in copies:
            gl.glCopyImageSubData(
                src, src_target, 0, x, y, 0, dst, dst_target, 0, x, y, 0, width, height, 1
            )
        return
    gl.glBindFramebuffer(gl.GL_READ_FRAMEBUFFER, source)
    gl.glBindFramebuffer(gl.GL_DRAW_FRAMEBUFFER, target)
    mask = gl.GL_COLOR_BUFFER_BIT | gl.GL_DEPTH_BUFFER_BIT
    x1, y1 = x + width, y + height
    gl.glBlitFramebuffer(x, y, x1, y1, x, y, x1, y1, mask, gl.GL_NEAREST)


class LayerCache:
    """Colour and depth of a drawing, redrawn only when its key changes."""

    def __init__(self) -> None:
        self.enabled = True
        self._fbo: QOpenGLFramebufferObject | None = None
        self._context: QtGui.QOpenGLContext | None = None
        self._key: Hashable = None
        self._copies: list[tuple[int, int, int, int]] | None = None  # None: not asked yet
        self._copy_target = -1
        self._last: tuple[int, int, int] | None = None  # the target last copied into, its size
        self._fence = Fence()  # after a picture drawn ahead
        self.copied: list[Box] = []
        """The boxes the last draw() copied into its target (all of it, or around what
        changed)."""

    def draw(
        self,
        target: int,
        width: int,
        height: int,
        key: Hashable,
        paint: Callable[[], None],
        add: Callable[[], None] | None = None,
        boxes: Sequence[Box] | None = None,
    ) -> bool:
        """Copy the kept picture into framebuffer `target` (width×height device pixels),
        running paint() into it first when `key` changed (or else add(), which draws on top
        of what is kept); False if this GL cannot (the caller draws directly, and the cache
        stays off).

        `boxes` (x0, y0, x1, y1) say where the frame can differ from the last one: when
        `target` still holds what this cache copied into it last (the same target and size,
        and no target_changed() since), only they are copied, else the whole picture.
        """
        self.copied = []
        fbo = self._picture(width, height)
        if fbo is None:
            self._last = None
            return False
        try:
            if key != self._key:
                gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo.handle())
                paint()
                self._key, boxes = key, None
            elif add is not None:
                gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo.handle())
                add()
            if self._last != (target, width, height):
                boxes = None
            self._last = None  # until the copy is done
            copied = [(0, 0, width, height)] if boxes is None else merge_boxes(boxes)
            for x0, y0, x1, y1 in copied:
                self._copy(fbo.handle(), target, x1 - x0, y1 - y0, x0, y0)
            self._last, self.copied = (target, width, height), copied
        except GLError:
            self.enabled, self._fbo = False, None  # e.g. depth formats that do not match
            return False
        finally:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, target)
        return True

    def draw_ahead(self, width: int, height: int, key: Hashable, paint: Callable[[], None]) -> bool:
        """Between frames: run paint() into the kept picture now if `key` changed, without
        waiting for it (True if drawn); the next draw() with this key only copies it, whole.
        Call with the context current."""
        fbo = self._picture(width, height)
        if fbo is None or key == self._key:
            return False
        saved = gl.get_integer(gl.GL_FRAMEBUFFER_BINDING)
        try:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, fbo.handle())
            gl.glViewport(0, 0, width, height)
            self._key = None  # the picture is no earlier key's now
            paint()
            self._key, self._last = key, None  # a new picture: the next copy is whole
            self._fence.put()
            gl.glFlush()  # rasterized while the event loop turns
        except GLError:
            self.enabled, self._fbo = False, None
            return False
        finally:
            gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, saved)
        return True

    def rasterized(self) -> bool:
        """Whether the picture drawn ahead is done (its context current)."""
        return self._fence.passed()

    def _picture(self, width: int, height: int) -> QOpenGLFramebufferObject | None:
        """The framebuffer of the kept picture in the current context at this size (made
        anew, empty, when either changed); None where this GL cannot keep one."""
        if not self.enabled:
            return None
        ctx = QtGui.QOpenGLContext.currentContext()
        fbo = self._fbo
        if ctx is not self._context or fbo is None or fbo.size().toTuple() != (width, height):
            self._context = ctx
            fbo = self._fbo = offscreen_fbo(width, height)
            self._key, self._copies = None, None
            self._fence.drop()  # (of the context before, or of the picture before)
            if not fbo.isValid():
                self.enabled, self._fbo = False, None
                return None
        return fbo

    def target_changed(self) -> None:
        """Something else drew into the target: the next frame copies the whole picture."""
        self._last = None

    def _copy(self, source: int, target: int, width: int, height: int, x: int, y: int) -> None:
        """A box of the kept picture into `target`: image copies where they work, else a
        blit."""
        if self._copies is None or target != self._copy_target:
            self._copies, self._copy_target = image_copies(source, target), target
        try:
            copy_images(self._copies, source, target, width, height, x, y)
        except GLError:
            if not self._copies:
                raise
            self._copies = []  # formats that cannot be copied: blit from now on
            copy_images(self._copies, source, target, width, height, x, y)
