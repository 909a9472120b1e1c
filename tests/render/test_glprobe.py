"""Which GL this is: a software rasterizer gets no multisampling and a coarser surface, a GPU
gets 4× and the full grid; a window learns it from its own context, making no other."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QOffscreenSurface

from gdstudio.core.landscapes import ANALYTIC
from gdstudio.render import gl, glprobe
from gdstudio.render.view3d import DEFAULT_GRID, LandscapeView3D
from tests.render.conftest import _image_rgba

LLVMPIPE = "llvmpipe (LLVM 15.0.6, 256 bits)"
NVIDIA = "NVIDIA GeForce RTX 4070/PCIe/SSE2"


def test_renderer_is_named_under_xvfb(qapp, monkeypatch):
    monkeypatch.setattr(glprobe, "_renderer", None)  # asked afresh, of a throw-away context
    assert "llvmpipe" in glprobe.renderer_name()  # Mesa under Xvfb, e.g. "llvmpipe (LLVM ...)"
    assert glprobe.known_renderer() == glprobe.renderer_name() and glprobe.is_software_gl()


@pytest.mark.parametrize(
    ("name", "software"),
    [
        (LLVMPIPE, True),
        ("softpipe", True),
        ("Google SwiftShader", True),
        ("GDI Generic Software Renderer", True),
        (NVIDIA, False),
        ("AMD Radeon RX 7600 (radeonsi, navi33, LLVM 17.0.6, DRM 3.57)", False),
        ("Apple M2", False),
    ],
)
def test_samples_follow_the_renderer(name, software):
    assert glprobe.is_software_renderer(name) is software
    assert glprobe.samples_for(name) == (0 if software else glprobe.HARDWARE_SAMPLES)


class _NoProbe(QOffscreenSurface):
    def create(self) -> None:
        raise AssertionError("a throw-away context was made to ask which GL this is")


def _shown(qtbot, view: LandscapeView3D) -> LandscapeView3D:
    qtbot.addWidget(view)
    view.set_auto_coarsen(False)
    view.set_software_grid(128)
    view.set_landscape(ANALYTIC["rosenbrock"])
    view.resize(320, 240)
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        view.show()
    return view


def test_a_window_on_software_gl_learns_it_from_its_own_context(qtbot, monkeypatch):
    monkeypatch.setattr(glprobe, "_renderer", None)  # as in a process just started
    monkeypatch.setattr(glprobe, "QOffscreenSurface", _NoProbe)
    view = _shown(qtbot, LandscapeView3D())
    assert "llvmpipe" in (glprobe.known_renderer() or "")
    assert view.grid_size == 128 and view.mesh.n == 128  # made once, at the software grid
    surface = view.surface
    assert surface.samples == 0 and view.samples() == 0
    assert surface.keeps_frames  # Mesa's llvmpipe on X11 keeps its back buffer


def test_a_window_on_a_gpu_takes_the_full_grid_and_multisampled_frames(qtbot, monkeypatch):
    monkeypatch.setattr(glprobe, "_renderer", None)
    monkeypatch.setattr(glprobe, "QOffscreenSurface", _NoProbe)
    monkeypatch.setattr(glprobe, "current_renderer", lambda: NVIDIA)  # llvmpipe plays one
    view = _shown(qtbot, LandscapeView3D())
    assert glprobe.known_renderer() == NVIDIA
    assert view.grid_size == DEFAULT_GRID and view.mesh.n == DEFAULT_GRID
    surface = view.surface
    assert surface.samples == glprobe.HARDWARE_SAMPLES == view.samples()
    assert not surface.keeps_frames  # a GPU's swapped buffer holds nothing: copied whole
    rgb = _image_rgba(view.grabFramebuffer())[..., :3].astype(int)  # drawn multisampled,
    background = np.round(np.array(view.opts["bgcolor"][:3]) * 255)  # resolved, read back
    surface_pixels = np.abs(rgb - background).max(axis=-1) > 30
    assert 0.1 < surface_pixels.mean() < 0.95  # the landscape, on its background
    assert surface._frame is not None and surface._frame.format().samples() > 0
    # a frame with nothing new is shown again from the framebuffer object, copied whole
    blits: list[tuple[int, ...]] = []
    blit = gl.glBlitFramebuffer
    monkeypatch.setattr(gl, "glBlitFramebuffer", lambda *a: (blits.append(a[:4]), blit(*a)))
    with qtbot.waitSignal(view.frameSwapped, timeout=5000):
        surface.requestUpdate()
    assert blits == [(0, 0, view.deviceWidth(), view.deviceHeight())]
