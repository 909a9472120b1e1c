"""File ▸ Export… as a user drives it: the menu entry, the choices, the file, the progress."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QProgressDialog

from gdstudio.app.export.action import install_export_action
from gdstudio.app.export.dialog import ExportDialog, export_dialog_of
from gdstudio.app.main_window import MainWindow
from gdstudio.app.model import StudioModel
from gdstudio.core.data import parse_csv


def make_window(qtbot, scene: str) -> MainWindow:
    model = StudioModel()
    model.load_scene(scene)
    w = MainWindow(model)
    qtbot.addWidget(w)
    install_export_action(w)
    w.show()
    qtbot.waitExposed(w)
    w.view3d.grabFramebuffer()
    if not w.view3d.isValid():
        pytest.fail("needs an OpenGL context (run under Xvfb)")
    return w


@pytest.fixture
def window(qtbot) -> MainWindow:
    w = make_window(qtbot, "race")
    w.model.step(200)
    return w


@pytest.fixture
def save_to(monkeypatch):
    """Answer the save dialog with a path; records the suggestions it was shown."""
    asked = []

    def answer(path):
        def fake(parent, caption, suggested, pattern):
            asked.append((suggested, pattern))
            return str(path), pattern

        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
        return asked

    return answer


def open_dialog(qtbot, window: MainWindow) -> ExportDialog:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = export_dialog_of(window)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def click_export(qtbot, dialog: ExportDialog) -> None:
    """Click the dialog's Export… button, as a user does."""
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert button.text() == "Export…" and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_export_sits_in_the_file_menu_before_quit_with_ctrl_e(qtbot, window):
    action = window.actions_by_name["export"]
    assert action.shortcut() == QKeySequence("Ctrl+E")
    actions = window.file_menu.actions()
    assert actions.index(action) < actions.index(window.actions_by_name["quit"])
    dialog = open_dialog(qtbot, window)
    assert dialog.windowTitle() == "Export"


def test_the_default_size_is_twice_the_view_and_presets_reach_4k(qtbot, window):
    dialog = open_dialog(qtbot, window)
    dialog.select("3d", "png")
    view = window.view3d
    assert dialog.choice().size == (2 * view.width(), 2 * view.height())
    sizes = [dialog.size_combo.itemData(i) for i in range(dialog.size_combo.count())]
    assert (3840, 2160) in sizes and sizes[-1] == "custom"
    dialog.set_size(640, 360)
    assert dialog.choice().size == (640, 360)


def test_transparency_is_offered_for_the_3d_png_only(qtbot, window):
    dialog = open_dialog(qtbot, window)
    dialog.select("3d", "png")
    assert dialog.transparent_check.isEnabled()
    dialog.select("contour", "png")
    assert not dialog.transparent_check.isEnabled()


def test_exporting_the_3d_view_writes_the_size_chosen(qtbot, window, tmp_path, save_to):
    dialog = open_dialog(qtbot, window)
    dialog.select("3d", "png")
    dialog.set_size(480, 320)
    dialog.transparent_check.setChecked(True)
    asked = save_to(tmp_path / "surface")
    click_export(qtbot, dialog)
    assert asked[0][0].endswith("race-3d.png")
    pixels = iio.imread(tmp_path / "surface.png")  # the format's extension was added
    assert pixels.shape == (320, 480, 4) and pixels[0, 0, 3] == 0
    assert not dialog.isVisible()
    assert "surface.png" in window.statusBar().currentMessage()


def test_exporting_the_contour_view_as_svg(qtbot, window, tmp_path, save_to):
    dialog = open_dialog(qtbot, window)
    dialog.select("contour", "svg")
    save_to(tmp_path / "contour.svg")
    dialog.target_combo.setFocus()
    qtbot.keyClick(dialog.target_combo, Qt.Key.Key_Return)
    root = ET.parse(tmp_path / "contour.svg").getroot()
    assert root.tag.endswith("svg")


def test_an_animation_runs_with_a_progress_dialog(qtbot, window, tmp_path, save_to, monkeypatch):
    dialog = open_dialog(qtbot, window)
    dialog.select("animation", "gif")
    dialog.view_combo.setCurrentIndex(dialog.view_combo.findData("contour"))
    dialog.set_size(200, 150)
    dialog.fps_spin.setValue(4)
    dialog.seconds_spin.setValue(1.0)
    dialog.steps_spin.setValue(100)
    assert dialog.frames_label.text() == "4 frames"
    values = []
    set_value = QProgressDialog.setValue

    def record(self, value):
        values.append(value)
        set_value(self, value)

    monkeypatch.setattr(QProgressDialog, "setValue", record)
    save_to(tmp_path / "race.gif")
    click_export(qtbot, dialog)
    assert iio.imread(tmp_path / "race.gif", index=None).shape == (4, 150, 200, 3)
    assert values[-1] == 4
    assert [c.run.steps for c in window.model.runs] == [100] * 4


def test_cancelling_the_animation_writes_nothing(qtbot, window, tmp_path, save_to, monkeypatch):
    dialog = open_dialog(qtbot, window)
    dialog.select("animation", "mp4")
    dialog.set_size(160, 120)
    dialog.fps_spin.setValue(10)
    dialog.seconds_spin.setValue(2.0)
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    save_to(tmp_path / "race.mp4")
    click_export(qtbot, dialog)
    assert list(tmp_path.iterdir()) == []
    assert dialog.isVisible()  # still there to try again
    assert "cancelled" in window.statusBar().currentMessage()


def test_trajectories_and_the_dataset_of_a_line_fit(qtbot, tmp_path, save_to):
    window = make_window(qtbot, "line-fit")
    window.model.step(50)
    dialog = open_dialog(qtbot, window)
    dialog.select("trajectories", "csv")
    assert dialog.choice().size is None
    save_to(tmp_path / "paths.csv")
    click_export(qtbot, dialog)
    lines = (tmp_path / "paths.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + sum(len(c.run.history.columns()["step"]) for c in window.model.runs)
    dialog = open_dialog(qtbot, window)
    dialog.select("dataset", "csv")
    save_to(tmp_path / "points.csv")
    click_export(qtbot, dialog)
    text = (tmp_path / "points.csv").read_text(encoding="utf-8")
    assert parse_csv(text) == window.model.dataset


def test_the_dataset_is_not_offered_without_data(qtbot, window):
    dialog = open_dialog(qtbot, window)
    combo = dialog.target_combo
    assert not combo.model().item(combo.findData("dataset")).isEnabled()


# --- title, legend and step counter ------------------------------------------------------------


def click(qtbot, check) -> None:
    """A user's click on a check box's box (a box stretched along its row is not all box)."""
    assert check.isVisible() and check.isEnabled()
    before = check.isChecked()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))
    assert check.isChecked() != before


def test_the_contour_png_carries_title_and_legend_in_the_racers_colours(
    qtbot, window, tmp_path, save_to, count_near
):
    dialog = open_dialog(qtbot, window)
    dialog.select("contour", "png")
    dialog.set_size(800, 600)
    assert dialog.title_check.isChecked() and dialog.legend_check.isChecked()
    save_to(tmp_path / "contour.png")
    click_export(qtbot, dialog)
    pixels = iio.imread(tmp_path / "contour.png")
    assert pixels.shape == (600, 800, 3)
    band = pixels[:70]
    background = np.array([0x16, 0x18, 0x1D])
    title = band[:30, :300]
    assert (np.abs(title.astype(int) - background).max(axis=-1) > 60).mean() > 0.02
    colors = window.plots.curve_colors()
    assert set(colors) == {cfg.title for _, cfg in window.model.active_runs()}
    for color in colors.values():
        assert count_near(band, color, tol=6) >= 20, color


def test_title_and_legend_can_be_turned_off_and_stay_off(qtbot, window, tmp_path, save_to):
    dialog = open_dialog(qtbot, window)
    dialog.select("contour", "svg")
    click(qtbot, dialog.title_check)
    click(qtbot, dialog.legend_check)
    save_to(tmp_path / "bare.svg")
    click_export(qtbot, dialog)
    texts = "".join(ET.parse(tmp_path / "bare.svg").getroot().itertext())
    assert "Optimizer race" not in texts and "Momentum" not in texts
    dialog = open_dialog(qtbot, window)  # File ▸ Export… again: the same choices
    assert not dialog.title_check.isChecked() and not dialog.legend_check.isChecked()
    click(qtbot, dialog.title_check)
    save_to(tmp_path / "titled.svg")
    click_export(qtbot, dialog)
    texts = "".join(ET.parse(tmp_path / "titled.svg").getroot().itertext())
    assert "Optimizer race (Rosenbrock)" in texts and "Momentum" not in texts


def test_the_plots_keep_their_own_legend(qtbot, window):
    dialog = open_dialog(qtbot, window)
    dialog.select("plots", "png")
    assert dialog.title_check.isEnabled() and not dialog.legend_check.isEnabled()
    dialog.select("trajectories", "csv")
    assert not dialog.title_check.isVisible()


def test_an_animation_counts_its_steps_unless_told_not_to(qtbot, window, tmp_path, save_to):
    dialog = open_dialog(qtbot, window)
    dialog.select("animation", "gif")
    dialog.view_combo.setCurrentIndex(dialog.view_combo.findData("contour"))
    dialog.set_size(320, 240)
    dialog.fps_spin.setValue(3)
    dialog.seconds_spin.setValue(1.0)
    dialog.steps_spin.setValue(300)
    assert dialog.counter_check.isChecked()
    save_to(tmp_path / "counted.gif")
    click_export(qtbot, dialog)
    frames = iio.imread(tmp_path / "counted.gif", index=None)
    corner = (slice(0, 24), slice(200, 320))
    assert not np.array_equal(frames[0][corner], frames[-1][corner])
    dialog = open_dialog(qtbot, window)
    click(qtbot, dialog.counter_check)
    save_to(tmp_path / "still.gif")
    click_export(qtbot, dialog)
    frames = iio.imread(tmp_path / "still.gif", index=None)
    assert np.array_equal(frames[0][corner], frames[-1][corner])


def test_a_race_running_before_an_export_runs_on_after_it(qtbot, window, tmp_path, save_to):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.stepper.playing
    dialog = open_dialog(qtbot, window)
    dialog.select("3d", "png")
    dialog.set_size(320, 240)
    save_to(tmp_path / "moment")
    click_export(qtbot, dialog)
    assert (tmp_path / "moment.png").exists()
    assert window.stepper.playing
    steps = window.model.runs[0].run.steps
    qtbot.waitUntil(lambda: window.model.runs[0].run.steps > steps)
    qtbot.keyClick(window, Qt.Key.Key_Space)  # paused before an export: stays paused after
    dialog = open_dialog(qtbot, window)
    dialog.select("3d", "png")
    save_to(tmp_path / "again")
    click_export(qtbot, dialog)
    assert not window.stepper.playing


def test_the_network_lessons_3d_view_exports_its_slice(qtbot, tmp_path, save_to):
    """Lesson 7's 3D view draws a slice of its 105 weights: it exports like any lesson's."""
    window = make_window(qtbot, "network")
    window.model.step(100)
    qtbot.waitUntil(lambda: window.model.display_landscape.dim == 2, timeout=60_000)
    dialog = open_dialog(qtbot, window)
    dialog.select("3d", "png")
    dialog.set_size(480, 320)
    save_to(tmp_path / "slice")
    click_export(qtbot, dialog)
    pixels = iio.imread(tmp_path / "slice.png")
    assert pixels.shape[:2] == (320, 480)
    surface = np.abs(pixels[..., :3].astype(int) - pixels[0, 0, :3]).max(axis=-1) > 12
    assert surface.mean() > 0.15  # the slice's surface, not an error
    assert "slice.png" in window.statusBar().currentMessage()
