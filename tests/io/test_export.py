"""Pictures and data exports, written and read back: PNG, SVG, window grab, CSV, JSON."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import imageio.v3 as iio
import numpy as np
import pytest

from gdstudio.app.export.sources import export, grab_window, trajectories_of
from gdstudio.app.main_window import MainWindow
from gdstudio.app.model import StudioModel
from gdstudio.core.data import parse_csv
from gdstudio.io.export import (
    ExportError,
    export_dataset_csv,
    export_trajectories_csv,
    export_trajectories_json,
)
from gdstudio.io.export_data import trajectory_rows

SVG = "{http://www.w3.org/2000/svg}"
RACE_STEPS = 400


@pytest.fixture
def window(studio_window):
    """The race scene in a shown window, every run RACE_STEPS steps along."""
    return studio_window("race", RACE_STEPS)


def run_colors(window: MainWindow) -> list[str]:
    return [cfg.color for _, cfg in window.model.active_runs()]


# --- pictures ------------------------------------------------------------------------------------


def test_3d_png_has_the_size_asked_for_with_the_surface_and_every_run_colour(
    window,
    tmp_path,
    count_near,
):
    window.view3d.set_camera_state({"elevation": 80.0})  # from above: no path behind a ridge
    path = tmp_path / "race.png"
    assert export(window, "3d", path, 800, 450)
    pixels = iio.imread(path)
    assert pixels.shape == (450, 800, 3)
    assert len(np.unique(pixels.reshape(-1, 3) // 8, axis=0)) > 100  # a lit, coloured surface
    window.view3d.set_paths([])
    bare = iio.imread(_write_3d(window, tmp_path / "bare.png"))
    for color in run_colors(window):
        assert count_near(pixels, color) >= count_near(bare, color) + 5, color


def _write_3d(window: MainWindow, path):
    export(window, "3d", path, 800, 450)
    return path


def test_transparent_3d_png_is_clear_in_the_corners_and_opaque_on_the_surface(window, tmp_path):
    path = tmp_path / "clear.png"
    export(window, "3d", path, 320, 200, transparent=True)
    pixels = iio.imread(path)
    assert pixels.shape == (200, 320, 4)
    alpha = pixels[..., 3]
    assert all(a < 255 for a in (alpha[0, 0], alpha[0, -1], alpha[-1, 0], alpha[-1, -1]))
    assert (alpha == 255).mean() > 0.04


def test_3d_png_defaults_to_twice_the_view_size(window, tmp_path):
    path = tmp_path / "default.png"
    export(window, "3d", path)
    view = window.view3d
    assert iio.imread(path).shape[:2] == (2 * view.height(), 2 * view.width())


@pytest.mark.parametrize("view", ["contour", "plots"])
def test_2d_views_as_png_show_every_run_in_its_colour(window, tmp_path, view, count_near):
    path = tmp_path / f"{view}.png"
    export(window, view, path, 640, 480)
    pixels = iio.imread(path)
    assert pixels.shape == (480, 640, 3)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50
    for color in run_colors(window):
        assert count_near(pixels, color) > 0, color


@pytest.mark.parametrize("view", ["contour", "plots"])
def test_2d_views_as_svg_parse_and_draw_the_runs_as_vector_paths(window, tmp_path, view):
    path = tmp_path / f"{view}.svg"
    export(window, view, path, 800, 600)
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 800 600"
    shapes = [e for e in root.iter() if e.tag in (f"{SVG}path", f"{SVG}polyline")]
    assert len(shapes) >= len(run_colors(window))
    strokes = {g.get("stroke", "").lower() for g in root.iter(f"{SVG}g")}
    for color in run_colors(window):
        assert color.lower() in strokes, color


def test_plots_export_fills_the_picture_even_with_the_plots_dock_closed(
    window,
    tmp_path,
    qtbot,
    count_near,
):
    window.plots_dock.close()
    qtbot.waitUntil(lambda: not window.plots.isVisible())
    window.model.step(100)
    path = tmp_path / "plots.png"
    export(window, "plots", path, 900, 500)
    right = iio.imread(path)[:, 600:]
    assert count_near(right, run_colors(window)[1]) > 0  # curves reach across the picture
    assert not window.plots.isVisible()


@pytest.mark.parametrize("view", ["plots", "window"])
def test_an_export_right_after_steps_draws_them_as_a_frame_would(window, tmp_path, view):
    # steps the plots have not drawn yet (no frame since) are drawn before the picture is
    # taken, not from inside its render, which drew stale curves at the new size
    window.model.step(400)
    first, again = tmp_path / "first.png", tmp_path / "again.png"
    export(window, view, first, 900, 600)
    export(window, view, again, 900, 600)
    assert np.array_equal(iio.imread(first), iio.imread(again))


def test_contour_export_from_3d_mode_leaves_the_3d_view_showing(window, tmp_path, count_near):
    assert window.stack.currentWidget() is window.view3d
    path = tmp_path / "contour.png"
    export(window, "contour", path, 400, 300)
    assert window.stack.currentWidget() is window.view3d
    pixels = iio.imread(path)
    assert count_near(pixels, run_colors(window)[0]) > 0


def test_whole_window_png_includes_the_3d_picture(window, tmp_path):
    path = tmp_path / "window.png"
    export(window, "window", path)
    pixels = iio.imread(path)
    ratio = window.devicePixelRatioF()
    assert pixels.shape[:2] == (round(window.height() * ratio), round(window.width() * ratio))
    view = window.view3d
    top_left = view.mapTo(window, view.rect().topLeft())
    x, y = round(top_left.x() * ratio), round(top_left.y() * ratio)
    area = pixels[y : y + round(view.height() * ratio), x : x + round(view.width() * ratio)]
    assert area.max() > 100  # not a black hole where the OpenGL view is
    assert len(np.unique(area.reshape(-1, 3) // 8, axis=0)) > 50


def test_window_png_at_a_size_then_the_window_goes_back(window, tmp_path):
    before = window.size()
    path = tmp_path / "window.png"
    export(window, "window", path, 1200, 800)
    assert iio.imread(path).shape[:2] == (800, 1200)
    assert window.size() == before


@pytest.fixture
def hidden_window(studio_window):
    """The race scene RACE_STEPS steps along in a window that was never shown."""
    return studio_window("race", RACE_STEPS, show=False)


def test_a_window_never_shown_exports_its_views_and_stays_hidden(
    hidden_window,
    tmp_path,
    count_near,
):
    w = hidden_window
    export(w, "contour", tmp_path / "contour.png", 400, 300)
    export(w, "window", tmp_path / "window.png")
    assert not w.isVisible()
    contour = iio.imread(tmp_path / "contour.png")
    for color in run_colors(w):
        assert count_near(contour, color) > 0, color
    image = grab_window(w)
    assert not image.isNull()
    whole = iio.imread(tmp_path / "window.png")
    assert whole.shape[:2] == (w.height(), w.width())
    assert count_near(whole, run_colors(w)[1]) > 0  # the 3D paths and the plots are in


# --- what the extension decides ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "name", "message"),
    [
        ("3d", "x.svg", "cannot be written as .svg"),
        ("window", "x.svg", "cannot be written as .svg"),
        ("contour", "x.bmp", "unsupported file type"),
        ("plots", "x", "no extension"),
    ],
)
def test_a_format_the_view_cannot_take_is_refused(window, tmp_path, view, name, message):
    with pytest.raises(ExportError, match=message):
        export(window, view, tmp_path / name, 100, 100)
    assert not (tmp_path / name).exists()


def test_a_missing_folder_is_refused_and_nothing_is_written(window, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        export(window, "3d", tmp_path / "nowhere" / "x.png", 100, 100)


def test_a_failed_render_keeps_the_previous_file(window, tmp_path, monkeypatch):
    path = tmp_path / "keep.png"
    path.write_bytes(b"previous")

    def broken(*_args, **_kwargs):
        raise RuntimeError("GL went away")

    monkeypatch.setattr(window.view3d, "render_image", broken)
    with pytest.raises(RuntimeError):
        export(window, "3d", path, 100, 100)
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.png"]


# --- data ----------------------------------------------------------------------------------------


@pytest.fixture
def raced(qapp):
    """The race scene's model after 300 steps (decimation not yet involved)."""
    model = StudioModel()
    model.load_scene("race")
    model.step(300)
    return model


def history_lengths(model: StudioModel) -> list[int]:
    return [len(cfg.run.history.columns()["step"]) for _, cfg in model.active_runs()]


def test_trajectories_csv_has_one_row_per_recorded_step_per_run(raced, tmp_path):
    path = tmp_path / "paths.csv"
    export_trajectories_csv(trajectories_of(raced), path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0] == ["run", "optimizer", "step", "x", "y", "loss", "grad_norm", "lr", "status"]
    assert len(rows) - 1 == sum(history_lengths(raced)) == 4 * 301
    sgd = [r for r in rows[1:] if r[0] == "SGD"]
    assert [int(r[2]) for r in sgd] == list(range(301))
    assert sgd[0][1] == "sgd" and float(sgd[0][3]) == -1.5 and float(sgd[0][4]) == 2.0
    last = raced.runs[0].run
    assert float(sgd[-1][3]) == last.params[0] and float(sgd[-1][5]) == last.loss


def test_trajectories_json_holds_each_run_with_its_rows(raced, tmp_path):
    path = tmp_path / "paths.json"
    export_trajectories_json(trajectories_of(raced), path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["landscape"] == "rosenbrock" and doc["param_names"] == ["x", "y"]
    assert [r["run"] for r in doc["runs"]] == ["SGD", "Momentum", "RMSprop", "Adam"]
    assert [len(r["rows"]) for r in doc["runs"]] == history_lengths(raced)
    first = doc["runs"][3]["rows"][1]
    assert set(first) == {"step", "x", "y", "loss", "grad_norm", "lr"}
    assert first["step"] == 1 and first["lr"] == 0.05


def test_trajectories_only_hold_enabled_runs(raced):
    raced.set_run_enabled(1, False)
    assert {row[0] for row in trajectory_rows(trajectories_of(raced))} == {"SGD", "RMSprop", "Adam"}


def test_dataset_csv_reads_back_as_the_same_points(qapp, tmp_path):
    model = StudioModel()
    model.load_scene("line-fit")
    path = tmp_path / "points.csv"
    export_dataset_csv(model.dataset, path)
    assert parse_csv(path.read_text(encoding="utf-8")) == model.dataset


def test_a_view_without_a_background_is_drawn_on_the_studios(qapp):
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    from gdstudio.io.export import qimage_to_rgb
    from gdstudio.io.export_graphics import render_graphics_image
    from gdstudio.theme import BACKGROUND_RGB

    scene = QGraphicsScene()
    view = QGraphicsView(scene)
    view.resize(80, 60)
    pixels = qimage_to_rgb(render_graphics_image(view, 80, 60))
    assert tuple(pixels[0, 0]) == tuple(pixels[-1, -1]) == BACKGROUND_RGB
