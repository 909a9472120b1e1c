"""The GL probe: a software rasterizer gets no multisampling, a GPU gets 4×."""

from gdstudio.render import glprobe


def test_renderer_is_named_under_xvfb(qapp):
    assert glprobe.renderer_name()  # Mesa under Xvfb answers, e.g. "llvmpipe (LLVM ...)"


def test_samples_follow_the_renderer(qapp, monkeypatch):
    monkeypatch.setattr(glprobe, "renderer_name", lambda: "llvmpipe (LLVM 15.0.6, 256 bits)")
    assert glprobe.is_software_gl() and glprobe.view_format().samples() == 0
    monkeypatch.setattr(glprobe, "renderer_name", lambda: "NVIDIA GeForce RTX 4070/PCIe/SSE2")
    assert not glprobe.is_software_gl()
    assert glprobe.view_format().samples() == glprobe.HARDWARE_SAMPLES
    assert glprobe.view_format().depthBufferSize() == 24
