"""Animation export: CPU per GIF frame of the race scene, ours against the naive way."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import Row, entry

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from ..app.main_window import MainWindow

SIZE = (700, 600)
FPS, SECONDS = 10.0, 3.0  # 30 frames
WINDOW = (1500, 920)  # as `gdstudio export` lays the window out


class _Clock:
    """Process CPU milliseconds spent inside the wrapped calls."""

    def __init__(self) -> None:
        self.ms = 0.0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """fn, timed into self.ms."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.ms += (time.process_time() - t0) * 1000.0

        return timed


def bench_gif_frame(reps: int) -> list[Row]:
    """CPU ms per frame of a 30-frame 700×600 GIF of the race (the whole export: stepping,
    3D render, title, legend and step counter, encoding), and of the encoding alone on the
    same frames.

    The naive way renders the same frames, converts each to an RGB copy and hands it to
    imageio's GIF writer, which quantizes every frame with its own palette.
    """
    from PySide6.QtWidgets import QApplication

    from ..app.export.decor import ALL, decor_of
    from ..app.export.sources import ModelStepper, key_colors
    from ..io.export import export_animation
    from ..io.export_animation import frame_count

    window = _export_window()
    model = window.model
    frames = frame_count(FPS, SECONDS)
    rounds = max(1, min(reps, 3))  # each round is two whole exports
    ours, naive, parts = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        for _ in range(rounds):
            render, step = _Clock(), _Clock()
            stepper = ModelStepper(model)
            stepper.step = step.wrap(stepper.step)  # type: ignore[method-assign]
            stepper.length = step.wrap(stepper.length)  # type: ignore[method-assign]
            t0 = time.process_time()
            export_animation(
                out / "ours.gif",
                render.wrap(window.view3d.render_image),
                stepper,
                *SIZE,
                fps=FPS,
                seconds=SECONDS,
                reserved=key_colors(model),
                decor=decor_of(window, "3d", ALL, animated=True),  # as File ▸ Export draws it
            )
            total = (time.process_time() - t0) * 1000.0
            ours.append(total / frames)
            parts.append((render.ms / frames, step.ms / frames))
            t0 = time.process_time()
            _naive_gif(out / "naive.gif", window, frames)
            naive.append((time.process_time() - t0) * 1000.0 / frames)
        pictures = list(_race_frames(window, frames))
        encode_ours = _median_cpu(lambda: _encode_ours(out / "e.gif", pictures, model), rounds)
        encode_naive = _median_cpu(lambda: _encode_naive(out / "n.gif", pictures), rounds)
    window.close()
    QApplication.processEvents()
    render_ms = statistics.median(r for r, _ in parts)
    step_ms = statistics.median(s for _, s in parts)
    return [
        entry(
            "gif_frame_ms",
            statistics.median(ours),
            statistics.median(naive),
            render_ms=round(render_ms, 1),
            step_ms=round(step_ms, 1),
        ),
        entry("gif_encode_ms", encode_ours / frames, encode_naive / frames),
    ]


def _export_window() -> MainWindow:
    """The race scene laid out as `gdstudio export` does, the 3D view framed for SIZE."""
    from PySide6.QtCore import QCoreApplication, Qt

    from ..app.main_window import MainWindow
    from ..app.model import StudioModel

    model = StudioModel()
    model.load_scene("race")
    window = MainWindow(model, autosave=False)
    window.reset_layout()
    window.resize(*WINDOW)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.show()
    QCoreApplication.processEvents()
    view = window.view3d
    view.set_auto_coarsen(False)
    height = max(1, view.height())
    view.resize(max(1, round(SIZE[0] * height / SIZE[1])), height)
    view.reset_camera()
    return window


def _race_frames(window: MainWindow, frames: int) -> Iterator[QImage]:
    """The 3D view after each step of the frame plan, from the start of the race."""
    from ..app.export.sources import ModelStepper
    from ..io.export_animation import frame_steps

    stepper = ModelStepper(window.model)
    plan = frame_steps(stepper.length(), frames)
    stepper.reset()
    for k in plan:
        if k:
            stepper.step(k)
        yield window.view3d.render_image(*SIZE)


def _naive_gif(path: Path, window: MainWindow, frames: int) -> None:
    """Render, copy to RGB and let imageio quantize each frame on its own."""
    _encode_naive(path, _race_frames(window, frames))


def _encode_naive(path: Path, pictures: Any) -> None:
    import imageio.v2 as imageio

    from ..io.export import qimage_to_rgb

    writer = imageio.get_writer(path, mode="I", duration=1000.0 / FPS, loop=0)
    for picture in pictures:
        writer.append_data(qimage_to_rgb(picture))
    writer.close()


def _encode_ours(path: Path, pictures: list[QImage], model: Any) -> None:
    from ..app.export.sources import key_colors
    from ..io.export import qimage_pixels
    from ..io.export_animation import write_animation

    frames = (qimage_pixels(p) for p in pictures)
    write_animation(path, "gif", frames, len(pictures), FPS, reserved=key_colors(model))


def _median_cpu(fn: Callable[[], object], reps: int) -> float:
    """Median process CPU milliseconds of fn()."""
    times = []
    for _ in range(reps):
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000.0)
    return statistics.median(times)
