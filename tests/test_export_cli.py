"""`gdstudio export`: pictures, animations and trajectories from the command line."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

from gdstudio.cli import main
from gdstudio.theme import RUN_COLORS


def cli_env(tmp_path, **changes: str | None) -> dict[str, str]:
    """The test's environment with settings in tmp_path; None removes a variable."""
    env = dict(
        os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data")
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_cli(
    tmp_path, *args: str, timeout: float = 300, **env: str | None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gdstudio", "export", *args],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path, **env),
        timeout=timeout,
    )


def fails(capsys, *args: str) -> str:
    """Run `gdstudio export ARGS` in-process; it must exit 2 with one line on stderr."""
    with pytest.raises(SystemExit) as e:
        main(["export", *args])
    err = capsys.readouterr().err
    assert e.value.code == 2
    assert err.count("\n") == 1 and err.startswith("gdstudio export: error: "), err
    return err


@pytest.fixture
def needs_gl(qapp):
    from gdstudio.export_cli import _opengl_works

    if not os.environ.get("DISPLAY") or not _opengl_works():
        pytest.fail("needs an OpenGL display (run under Xvfb)")


# --- the picture the issue asks for ------------------------------------------------------------


def test_race_at_1600x900_shows_the_surface_and_four_coloured_paths(tmp_path, needs_gl, count_near):
    out = tmp_path / "race.png"
    done = run_cli(
        tmp_path,
        "--scene",
        "race",
        "--steps",
        "300",
        "--view",
        "3d",
        "--out",
        str(out),
        "--size",
        "1600x900",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    pixels = iio.imread(out)
    assert pixels.shape == (900, 1600, 3)
    background = pixels[0, 0]
    surface = np.abs(pixels.astype(int) - background).max(axis=-1) > 12
    assert 0.15 < surface.mean() < 0.9
    assert len(np.unique(pixels[surface] // 8, axis=0)) > 200  # lit and colour-mapped
    for color in RUN_COLORS[:4]:
        assert count_near(pixels, color) >= 8, color


def test_the_network_lesson_exports_its_slice_in_3d_with_the_racers(tmp_path, needs_gl, count_near):
    """Lesson 7's 3D view is a slice of its 105 weights: drawn like every lesson's, not refused
    as a landscape of one parameter."""
    out = tmp_path / "network.png"
    args = ("--scene", "network", "--steps", "300", "--view", "3d", "--out", str(out))
    done = run_cli(tmp_path, *args, "--size", "800x600")
    assert done.returncode == 0, done.stderr
    pixels = iio.imread(out)
    assert pixels.shape == (600, 800, 3)
    surface = np.abs(pixels.astype(int) - pixels[0, 0]).max(axis=-1) > 12
    assert 0.15 < surface.mean() < 0.9
    assert len(np.unique(pixels[surface] // 8, axis=0)) > 200  # lit and colour-mapped
    for color in RUN_COLORS[:4]:  # the four racers' balls and paths, and the legend's keys
        assert count_near(pixels, color) >= 8, color


# --- every format, in-process ------------------------------------------------------------------


def test_contour_svg_has_the_paths(tmp_path, needs_gl):
    out = tmp_path / "race.svg"
    assert (
        main(
            [
                "export",
                "--scene",
                "race",
                "--steps",
                "200",
                "--view",
                "contour",
                "--out",
                str(out),
                "--size",
                "640x480",
            ]
        )
        == 0
    )
    root = ET.parse(out).getroot()
    assert root.get("viewBox") == "0 0 640 480"
    strokes = {g.get("stroke", "").lower() for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert {c.lower() for c in RUN_COLORS[:4]} <= strokes


def test_plots_png_and_window_png(tmp_path, needs_gl, count_near):
    plots, whole = tmp_path / "plots.png", tmp_path / "window.png"
    assert (
        main(
            [
                "export",
                "--scene",
                "race",
                "--steps",
                "200",
                "--view",
                "plots",
                "--out",
                str(plots),
                "--size",
                "500x400",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "export",
                "--scene",
                "race",
                "--steps",
                "200",
                "--view",
                "window",
                "--out",
                str(whole),
                "--size",
                "1200x760",
            ]
        )
        == 0
    )
    assert iio.imread(plots).shape == (400, 500, 3)
    pixels = iio.imread(whole)
    assert pixels.shape == (760, 1200, 3)
    plots_dock = pixels[:, 900:]  # the Plots dock, right of the 3D view: real curves, not empty
    for color in RUN_COLORS[:4]:
        assert count_near(plots_dock, color) >= 8, color


def test_gif_animates_the_race_for_fps_times_seconds_frames(tmp_path, needs_gl):
    out = tmp_path / "race.gif"
    assert (
        main(
            [
                "export",
                "--scene",
                "race",
                "--steps",
                "300",
                "--view",
                "3d",
                "--out",
                str(out),
                "--size",
                "320x180",
                "--fps",
                "4",
                "--seconds",
                "1.5",
            ]
        )
        == 0
    )
    assert iio.imread(out, index=None).shape == (6, 180, 320, 3)


def test_mp4_defaults_to_20_fps_for_5_seconds(tmp_path, needs_gl):
    out = tmp_path / "valley.mp4"
    assert (
        main(
            [
                "export",
                "--scene",
                "challenges",
                "--view",
                "contour",
                "--out",
                str(out),
                "--size",
                "161x121",
            ]
        )
        == 0
    )
    frames = iio.imread(out, index=None, plugin="FFMPEG")
    assert frames.shape == (100, 120, 160, 3)
    assert iio.immeta(out, plugin="FFMPEG")["fps"] == 20


def test_trajectories_need_no_display(tmp_path):
    out = tmp_path / "race.csv"
    done = run_cli(
        tmp_path,
        "--scene",
        "race",
        "--steps",
        "100",
        "--out",
        str(out),
        DISPLAY=None,
        WAYLAND_DISPLAY=None,
        QT_QPA_PLATFORM=None,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:3] == ["run", "optimizer", "step"]
    assert len(rows) == 1 + 4 * 101


def test_trajectories_as_json_run_until_every_run_stops(qapp, tmp_path):
    out = tmp_path / "surface.json"
    assert main(["export", "--scene", "surface", "--view", "3d", "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    (run,) = doc["runs"]
    assert run["status"] == "converged"
    assert run["rows"][-1]["step"] == run["steps"] == run["status_step"]


def test_a_saved_session_exports_its_own_race(qapp, tmp_path):
    from gdstudio.app.model import StudioModel
    from gdstudio.io import session

    model = StudioModel()
    model.load_scene("race")
    model.set_run_enabled(0, False)
    path = tmp_path / "mine.gdstudio"
    session.save_session(path, session.new_document(model.snapshot(), None))
    out = tmp_path / "mine.csv"
    assert main(["export", "--session", str(path), "--steps", "10", "--out", str(out)]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert {r[0] for r in rows[1:]} == {"Momentum", "RMSprop", "Adam"}


def test_a_saved_network_session_exports_its_race_with_every_weight(qapp, tmp_path):
    from gdstudio.app.model import StudioModel
    from gdstudio.io import session

    model = StudioModel()
    model.load_scene("network")
    path = tmp_path / "net.gdstudio"
    session.save_session(path, session.new_document(model.snapshot(), None))
    out = tmp_path / "net.csv"
    assert main(["export", "--session", str(path), "--steps", "5", "--out", str(out)]) == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:4] == ["run", "optimizer", "step", "W1[0,0]"]
    assert len(rows[0]) >= 3 + 105  # every one of the 2-8-8-1 network's weights
    assert {r[0] for r in rows[1:]} == {"SGD", "Momentum", "RMSprop", "Adam"}


def test_a_session_on_a_typed_formula_exports_its_paths(qapp, tmp_path):
    from gdstudio.app.model import StudioModel
    from gdstudio.io import session

    model = StudioModel()
    model.load_scene("race")
    model.set_custom_landscape("(w - 1)^2 + (b + 2)^2", ((-3.0, 3.0), (-4.0, 2.0)))
    path = tmp_path / "typed.gdstudio"
    session.save_session(path, session.new_document(model.snapshot(), None))
    out = tmp_path / "typed.json"
    assert main(["export", "--session", str(path), "--steps", "20", "--out", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["landscape"] == "custom" and written["param_names"] == ["w", "b"]
    assert written["runs"] and all(r["steps"] == 20 for r in written["runs"])


# --- bad arguments: one line, exit 2 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scene", "nope", "--view", "3d", "--out", "x.png"], "--scene: unknown scene 'nope'"),
        (["--scene", "race", "--view", "3d", "--out", "x.png", "--size", "16x"], "--size"),
        (["--scene", "race", "--view", "3d", "--out", "x.png", "--size", "0x100"], "--size"),
        (["--scene", "race", "--view", "3d", "--out", "x.bmp"], "unsupported file type ('.bmp')"),
        (["--scene", "race", "--view", "3d", "--out", "x.svg"], "--view 3d: the 3D view cannot"),
        (["--scene", "race", "--view", "window", "--out", "x.svg"], "allowed: .png, .gif, .mp4"),
        (["--scene", "race", "--out", "x.png"], "--view is required"),
        (["--scene", "race", "--view", "3d", "--out", "/no/such/folder/x.png"], "does not exist"),
        (["--scene", "race", "--view", "3d", "--out", "x.png", "--fps", "10"], "--fps applies"),
        (["--scene", "race", "--view", "3d", "--out", "x.gif", "--seconds", "0"], "--seconds"),
        (["--scene", "race", "--view", "3d", "--out", "x.png", "--steps", "-1"], "--steps"),
        (
            ["--scene", "race", "--view", "contour", "--out", "x.png", "--transparent"],
            "--transparent",
        ),
        (["--scene", "race", "--out", "x.csv", "--size", "10x10"], "--size applies"),
        (
            ["--session", "/no/such.gdstudio", "--out", "x.csv"],
            "--session: Could not open “such.gdstudio”: the file does not exist",
        ),
        (["--scene", "race", "--view", "cube", "--out", "x.png"], "invalid choice: 'cube'"),
        (["--scene", "race", "--session", "s.gdstudio", "--out", "x.png"], "not allowed with"),
        (["--view", "3d", "--out", "x.png"], "one of the arguments --scene --session is required"),
        (["--scene", "race", "--view", "3d"], "--out"),
    ],
)
def test_a_bad_argument_gets_one_line_and_exit_2(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert message in fails(capsys, *args)
    assert list(tmp_path.iterdir()) == []


def test_a_directory_as_output_is_refused(capsys, tmp_path):
    (tmp_path / "pics.png").mkdir()
    assert "cannot write" in fails(
        capsys, "--scene", "race", "--view", "3d", "--out", str(tmp_path / "pics.png")
    )


def test_a_corrupt_session_gets_one_line(capsys, qapp, tmp_path):
    bad = tmp_path / "bad.gdstudio"
    bad.write_text("{ not json", encoding="utf-8")
    assert "--session" in fails(capsys, "--session", str(bad), "--out", str(tmp_path / "x.csv"))


def test_no_3d_view_of_a_one_parameter_landscape(capsys, tmp_path, needs_gl):
    err = fails(
        capsys, "--scene", "learning-rate", "--view", "3d", "--out", str(tmp_path / "x.png")
    )
    assert "one parameter" in err and "--view contour" in err


def test_without_a_display_it_says_to_use_xvfb(tmp_path):
    done = run_cli(
        tmp_path,
        "--scene",
        "race",
        "--view",
        "3d",
        "--out",
        str(tmp_path / "x.png"),
        DISPLAY=None,
        WAYLAND_DISPLAY=None,
        QT_QPA_PLATFORM=None,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "xvfb-run" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.png").exists()


def test_an_unreachable_display_is_an_error_not_a_crash(tmp_path):
    done = run_cli(
        tmp_path,
        "--scene",
        "race",
        "--view",
        "3d",
        "--out",
        str(tmp_path / "x.png"),
        DISPLAY=":4711",
        WAYLAND_DISPLAY=None,
        QT_QPA_PLATFORM=None,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "':4711'" in done.stderr, done.stderr


# --- malformed sessions ------------------------------------------------------------------------

CORPUS = Path(__file__).parent / "io" / "corpus" / "sessions"
MANIFEST: dict[str, str | list[str]] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_corpus_session_gets_one_line_and_exit_2(capsys, tmp_path, name):
    err = fails(capsys, "--session", str(CORPUS / name), "--out", str(tmp_path / "x.csv"))
    want = MANIFEST[name]
    assert f"--session: “{name}”" in err
    for part in [want] if isinstance(want, str) else want:
        assert part in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_as_session_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.gdstudio"
    os.mkfifo(fifo)
    done = run_cli(tmp_path, "--session", str(fifo), "--out", str(tmp_path / "x.csv"), timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a regular file" in done.stderr, done.stderr


def test_the_window_refuses_a_bad_session_with_one_line_and_exit_2(tmp_path):
    bad = CORPUS / "max_steps_10_pow_400.gdstudio"
    code = (
        "import sys; from gdstudio.app import application as a; "
        "from PySide6.QtWidgets import QApplication, QMessageBox; "
        "QMessageBox.warning = staticmethod(lambda *x, **k: sys.exit(5)); "
        "QApplication.exec = lambda self: 0; "
        f"sys.exit(a.run_app(session={str(bad)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path, QT_QPA_PLATFORM="offscreen"),
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "model.max_steps" in done.stderr


def test_an_export_leaves_a_running_studios_autosave_and_marker_alone(tmp_path, needs_gl):
    folder = tmp_path / "data" / "gdstudio" / "Gradient Descent Studio"
    folder.mkdir(parents=True)
    autosave, marker = folder / "autosave.gdstudio", folder / "running.lock"
    autosave.write_bytes(b'{"unsaved": "work of the studio the user has open"}')
    marker.write_text('{"pid": 1}')
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = run_cli(
        tmp_path,
        "--scene",
        "race",
        "--steps",
        "20",
        "--view",
        "3d",
        "--out",
        str(tmp_path / "race.png"),
        "--size",
        "320x200",
    )
    assert done.returncode == 0, done.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


# --- pictures that stand on their own: title, legend, labels inside ----------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_matrix(group) -> tuple[float, ...]:
    text = group.get("transform", "matrix(1,0,0,1,0,0)")
    return tuple(float(v) for v in text[text.index("(") + 1 : -1].split(","))


def svg_texts(root):
    """(text, x, baseline y, font px) of every unrotated text, in picture pixels."""
    for group in root.iter(f"{SVG_NS}g"):
        a, b, c, d, e, f = svg_matrix(group)
        if b or c:
            continue
        for t in group.iter(f"{SVG_NS}text"):
            x, y = float(t.get("x")), float(t.get("y"))
            yield t.text.strip(), a * x + e, d * y + f, float(t.get("font-size")) * d


def svg_points(root) -> np.ndarray:
    """Every path and polyline coordinate, in picture pixels."""
    import re

    number = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
    out = []
    for group in root.iter(f"{SVG_NS}g"):
        a, b, c, d, e, f = svg_matrix(group)
        for shape in group:
            text = shape.get("d") or shape.get("points") or ""
            values = np.array([float(v) for v in number.findall(text)])
            xy = values[: len(values) // 2 * 2].reshape(-1, 2)
            out.append(
                np.column_stack((a * xy[:, 0] + c * xy[:, 1] + e, b * xy[:, 0] + d * xy[:, 1] + f))
            )
    return np.concatenate(out)


def export_args(out, *extra: str, scene: str = "race", view: str = "contour") -> list[str]:
    return ["export", "--scene", scene, "--view", view, "--out", str(out), *extra]


def test_contour_svg_has_title_legend_and_every_label_inside(tmp_path, needs_gl):
    out = tmp_path / "race.svg"
    assert main(export_args(out, "--steps", "300", "--size", "800x600")) == 0
    root = ET.parse(out).getroot()
    texts = list(svg_texts(root))
    names = [t for t, *_ in texts]
    assert "Optimizer race (Rosenbrock)" in names
    assert {"1 Momentum", "2 Adam", "3 SGD", "4 RMSprop"} <= set(names)  # ranked after 300
    assert "x" in names  # the bottom axis' label, the landscape's first parameter
    for text, x, baseline, px in texts:
        assert 0 <= x < 800 and px * 0.7 <= baseline <= 600 - px * 0.2, (text, x, baseline)
    fills = {g.get("fill", "").lower() for g in root.iter(f"{SVG_NS}g")}
    assert {c.lower() for c in RUN_COLORS[:4]} <= fills  # the legend's swatches


def legend_names(root) -> list[str]:
    """The legend's entries of an SVG picture, left to right (the band's texts after the title)."""
    band = [(x, text) for text, x, baseline, _ in svg_texts(root) if baseline < 60]
    names = [text for _, text in sorted(band) if text.split(" ")[-1] in RACERS]
    return list(dict.fromkeys(names))  # each text is drawn twice: its halo, then itself


RACERS = ("SGD", "Momentum", "RMSprop", "Adam")


@pytest.mark.parametrize(
    ("steps", "legend"),
    [
        ("0", ["SGD", "Momentum", "RMSprop", "Adam"]),  # nobody has stepped: racer order
        ("2000", ["1 Adam", "2 Momentum", "3 SGD", "4 RMSprop"]),  # Adam converges first
    ],
)
def test_the_legend_lists_the_racers_in_finish_order_with_ranks(tmp_path, needs_gl, steps, legend):
    out = tmp_path / "race.svg"
    assert main(export_args(out, "--steps", steps, "--size", "1000x600")) == 0
    assert legend_names(ET.parse(out).getroot()) == legend


def test_a_diverged_racer_leaves_the_svg_geometry_inside_the_view(tmp_path, needs_gl, qapp):
    from gdstudio.app.export.sources import export, run_race
    from gdstudio.app.main_window import MainWindow
    from gdstudio.app.model import StudioModel

    model = StudioModel()
    model.load_scene("race")
    model.set_run_hyper(0, "lr", 0.005)  # SGD runs off to ~1e17 in a few hundred steps
    window = MainWindow(model, autosave=False)
    try:
        run_race(model, 300)
        assert np.abs(model.runs[0].run.params).max() > 1e12
        out = tmp_path / "diverged.svg"
        export(window, "contour", out, 640, 480)
    finally:
        window.close()
        window.deleteLater()
    points = svg_points(ET.parse(out).getroot())
    assert len(points) > 100
    assert np.isfinite(points).all()
    assert (points[:, 0] > -640).all() and (points[:, 0] < 2 * 640).all()
    assert (points[:, 1] > -480).all() and (points[:, 1] < 2 * 480).all()


def bright_rows(pixels: np.ndarray) -> np.ndarray:
    """Rows holding light text (the axis label's colour) in the middle third."""
    w = pixels.shape[1]
    return np.flatnonzero((pixels[:, w // 3 : 2 * w // 3, :3].min(axis=-1) > 150).any(axis=1))


def test_mp4_keeps_the_x_label_inside_and_counts_the_steps(tmp_path, needs_gl, count_near):
    out = tmp_path / "race.mp4"
    args = export_args(out, "--size", "640x480", "--fps", "4", "--seconds", "1", "--steps", "400")
    assert main(args) == 0
    frames = iio.imread(out, index=None, plugin="FFMPEG")
    assert frames.shape == (4, 480, 640, 3)
    last = frames[-1]
    rows = bright_rows(last)
    assert rows.max() < 480 - 3  # the x label's glyph ends above the bottom edge
    assert rows.max() > 480 - 40  # and it is there, near the bottom
    band = last[:60]
    for color in RUN_COLORS[:4]:
        assert count_near(band, color, tol=30) >= 12, color  # each racer's legend swatch
    corner = (slice(0, 30), slice(480, 640))
    assert np.abs(frames[0][corner].astype(int) - last[corner].astype(int)).max() > 60


def test_no_step_counter_keeps_the_band_still(tmp_path, needs_gl):
    counted, still = tmp_path / "counted.gif", tmp_path / "still.gif"
    base = ("--size", "320x240", "--fps", "4", "--seconds", "1", "--steps", "200")
    assert main(export_args(counted, *base, view="3d")) == 0
    assert main(export_args(still, *base, "--no-step-counter", view="3d")) == 0
    corner = (slice(0, 24), slice(200, 320))
    with_counter = iio.imread(counted, index=None)
    without = iio.imread(still, index=None)
    assert not np.array_equal(with_counter[0][corner], with_counter[-1][corner])
    assert np.array_equal(without[0][corner], without[-1][corner])


def test_no_title_and_no_legend_leave_them_out(tmp_path, needs_gl):
    bare, titled = tmp_path / "bare.svg", tmp_path / "titled.svg"
    assert main(export_args(bare, "--size", "400x300", "--no-title", "--no-legend")) == 0
    assert main(export_args(titled, "--size", "400x300", "--no-legend")) == 0
    bare_texts = {t for t, *_ in svg_texts(ET.parse(bare).getroot())}
    titled_texts = {t for t, *_ in svg_texts(ET.parse(titled).getroot())}
    assert "x" in bare_texts and "Optimizer race (Rosenbrock)" not in bare_texts
    assert "Optimizer race (Rosenbrock)" in titled_texts
    assert not {"SGD", "Adam"} & (bare_texts | titled_texts)


def test_step_counter_options_are_in_the_help_and_only_for_animations(capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    help_text = capsys.readouterr().out
    assert "--step-counter" in help_text and "--no-title" in help_text
    assert "--no-legend" in help_text
    assert "applies to .gif and .mp4" in fails(
        capsys,
        "--scene",
        "race",
        "--view",
        "3d",
        "--out",
        str(tmp_path / "x.png"),
        "--step-counter",
    )
    assert "apply to pictures" in fails(
        capsys, "--scene", "race", "--out", str(tmp_path / "x.csv"), "--no-title"
    )


def test_from_the_desktop_a_bad_session_is_explained_over_the_shown_window(tmp_path, xvfb):
    """gdstudio-gui FILE (a double-click): the window opens on the default lesson and the
    message about the file comes over it, not alone on an empty screen before any window."""
    bad = CORPUS / "max_steps_10_pow_400.gdstudio"
    code = (
        "import sys; from gdstudio.app import application as a; "
        "from PySide6.QtWidgets import QApplication, QMessageBox\n"
        "def warned(parent, title, text, *rest, **kw):\n"
        "    print('parent shown:', parent is not None and parent.window().isVisible())\n"
        "    print('text:', text.splitlines()[0])\n"
        "    QApplication.instance().exit(7)\n"
        "QMessageBox.warning = staticmethod(warned)\n"
        f"sys.stdout.flush(); rc = a.run_app(session={str(bad)!r}, console=False)\n"
        "sys.stdout.flush(); import os; os._exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path, DISPLAY=os.environ["DISPLAY"]),
        timeout=60,
    )
    assert done.returncode == 7, done.stdout + done.stderr
    assert "parent shown: True" in done.stdout, done.stdout
    assert "max_steps_10_pow_400.gdstudio" in done.stdout
