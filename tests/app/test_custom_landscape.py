"""Landscapes typed by the user: the "Custom formula…" entry, its dialog, the model and a race."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDoubleSpinBox, QLabel, QLineEdit, QPushButton
from pytestqt.exceptions import TimeoutError as WaitTimeout

from gdstudio.app.model import StudioModel
from gdstudio.core.expression import ExpressionError
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.race import Race
from gdstudio.core.run import Run

EGG = "sin(3*w)*cos(3*b) + 0.1*(w^2 + b^2)"


def egg(w, b):
    return np.sin(3 * w) * np.cos(3 * b) + 0.1 * (w**2 + b**2)


@pytest.fixture
def window(studio_window):
    w = studio_window("race")  # Rosenbrock, four racers
    yield w
    for dialog in w.findChildren(QDialog, "customLandscapeDialog"):
        dialog.close()


def pick(user, qtbot, combo, text):
    """user.pick, clicking the entry again if the popup let the first click pass.

    (A combo's popup ignores a release that comes very soon after it opened: a user clicks
    again.)
    """
    user.click(combo)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    model = view.model()
    texts = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert text in texts, f"{text!r} is not among {texts}"
    index = model.index(texts.index(text), 0)
    view.scrollTo(index)
    centre = view.visualRect(index).center()
    for _ in range(10):
        qtbot.mouseMove(view.viewport(), centre)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        try:
            qtbot.waitUntil(lambda: not view.isVisible(), timeout=500)
            return
        except WaitTimeout:
            continue
    raise AssertionError(f"the popup stayed open after clicking {text!r}")


def open_dialog(window, user, qtbot, entry="Custom formula…"):
    """Pick the combo's custom entry as a user does; the dialog opens."""
    pick(user, qtbot, user.find(window, "landscapeCombo"), entry)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "customLandscapeDialog") is not None)
    dialog = window.findChild(QDialog, "customLandscapeDialog")
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def type_formula(qtbot, dialog, text):
    edit = dialog.findChild(QLineEdit, "formulaEdit")
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    return edit


def ok_button(dialog):
    return next(b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == "OK")


def test_the_custom_entry_is_last_and_opens_the_dialog_with_a_placeholder(window, user, qtbot):
    combo = user.find(window, "landscapeCombo")
    assert combo.itemText(combo.count() - 1) == "Custom formula…"
    dialog = open_dialog(window, user, qtbot)
    edit = dialog.findChild(QLineEdit, "formulaEdit")
    assert edit.text() == "" and "(1 - w)^2" in edit.placeholderText()
    assert not ok_button(dialog).isEnabled()  # nothing typed yet
    assert window.model.landscape_name == "rosenbrock"


def test_typing_the_egg_carton_updates_the_model_and_the_3d_surface(window, user, qtbot):
    dialog = open_dialog(window, user, qtbot)
    type_formula(qtbot, dialog, EGG)
    assert dialog.findChild(QLabel, "formulaError").text() == ""
    qtbot.waitUntil(lambda: window.model.landscape_name == "custom")
    assert window.model.landscape.title == f"f(w, b) = {EGG}"
    qtbot.waitUntil(lambda: window.view3d.heightmap.landscape.name == "custom")
    p = np.array([[0.4, -0.7], [1.1, 2.0]])
    np.testing.assert_allclose(window.view3d.heightmap.loss(p), egg(p[:, 0], p[:, 1]), rtol=1e-12)
    assert [c.run.steps for c in window.model.runs] == [0] * 4  # restarted
    np.testing.assert_allclose(window.model.start, [-1.5, 1.5])  # the formula's default start
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    combo = user.find(window, "landscapeCombo")
    assert combo.currentText().startswith("Custom: f(w, b) = sin(3*w)*cos(3*b)")


def test_a_parse_error_shows_its_message_and_a_caret_under_the_character(window, user, qtbot):
    dialog = open_dialog(window, user, qtbot)
    type_formula(qtbot, dialog, "(1 - w)^2 + 100*(b")
    lines = dialog.findChild(QLabel, "formulaError").text().splitlines()
    assert lines[0] == "this ( is never closed (at character 17)"
    assert lines[1] == "(1 - w)^2 + 100*(b"
    assert lines[2] == " " * 16 + "^" and lines[1][lines[2].index("^")] == "("
    assert not ok_button(dialog).isEnabled()
    assert window.model.landscape_name == "rosenbrock"
    qtbot.keyClicks(dialog.findChild(QLineEdit, "formulaEdit"), " - w^2)^2")
    assert dialog.findChild(QLabel, "formulaError").text() == ""
    assert ok_button(dialog).isEnabled()
    qtbot.waitUntil(lambda: window.model.landscape_name == "custom")
    assert window.model.landscape.value(np.array([1.0, 1.0])) == 0.0  # Rosenbrock typed in


def test_reversed_bounds_are_refused_and_set_bounds_reach_the_view(window, user, qtbot):
    dialog = open_dialog(window, user, qtbot)
    type_formula(qtbot, dialog, "w^2 + b^2")
    high = dialog.findChild(QDoubleSpinBox, "wHighSpin")
    qtbot.mouseClick(high, Qt.MouseButton.LeftButton)
    high.selectAll()
    qtbot.keyClicks(high, "-4")
    assert "low < high" in dialog.findChild(QLabel, "formulaError").text()
    assert not ok_button(dialog).isEnabled()
    high.selectAll()
    qtbot.keyClicks(high, "5")
    assert ok_button(dialog).isEnabled()
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert window.model.landscape.bounds == ((-3.0, 5.0), (-3.0, 3.0))
    assert window.model.state.bounds == ((-3.0, 5.0), (-3.0, 3.0))


def test_cancel_puts_back_the_landscape_and_start_from_before(window, user, qtbot):
    model = window.model
    before = model.start.copy()
    dialog = open_dialog(window, user, qtbot)
    qtbot.mouseClick(dialog.findChild(QPushButton, "exampleEgg"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.landscape_name == "custom")
    qtbot.mouseClick(
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel"),
        Qt.MouseButton.LeftButton,
    )
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert model.landscape_name == "rosenbrock"
    np.testing.assert_array_equal(model.start, before)
    assert model.state.expression is None
    combo = user.find(window, "landscapeCombo")
    assert combo.currentText() == model.landscape.title
    assert combo.itemText(combo.count() - 1) == "Custom formula…"
    qtbot.waitUntil(lambda: window.view3d.heightmap.landscape.name == "rosenbrock")


def test_choosing_the_custom_entry_again_reopens_the_dialog_with_the_formula(window, user, qtbot):
    dialog = open_dialog(window, user, qtbot)
    qtbot.mouseClick(dialog.findChild(QPushButton, "exampleRosenbrock"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "customLandscapeDialog") is None)
    again = open_dialog(window, user, qtbot, "Custom: f(w, b) = (1 - w)^2 + 100*(b - w^2)^2")
    assert again.findChild(QLineEdit, "formulaEdit").text() == "(1 - w)^2 + 100*(b - w^2)^2"
    assert again.findChild(QDoubleSpinBox, "bLowSpin").value() == -1.0
    assert again.findChild(QDoubleSpinBox, "bHighSpin").value() == 3.0


def test_a_one_parameter_formula_is_drawn_as_a_curve(window, user, qtbot):
    dialog = open_dialog(window, user, qtbot)
    type_formula(qtbot, dialog, "w^4 - 3*w^2 + w")
    assert not dialog.findChild(QDoubleSpinBox, "bLowSpin").isEnabled()
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert window.model.landscape.dim == 1
    assert window.model.view.view_mode == "contour"
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.contour)


# --- the model ------------------------------------------------------------------------------


def test_bad_text_raises_and_changes_nothing(qapp):
    model = StudioModel()
    model.load_scene("race")
    before = model.snapshot()
    with pytest.raises(ExpressionError, match="at character 3"):
        model.set_custom_landscape("w+")
    assert model.snapshot() == before


def test_the_egg_carton_sends_racers_from_different_starts_to_different_cups(qapp):
    model = StudioModel()
    model.load_scene("race")
    model.set_custom_landscape(EGG, ((-3, 3), (-3, 3)))
    landscape = model.landscape
    starts = [(-1.5, 1.5), (1.5, 1.5), (-1.5, -1.5), (1.5, -1.5)]
    runs = [
        Run(landscape, make_optimizer("momentum", lr=0.02), s, tol=1e-8, max_steps=3000)
        for s in starts
    ]
    Race(runs).step(3000)
    ends = np.array([r.params for r in runs])
    for end in ends:
        g = landscape.grad(end)
        assert np.linalg.norm(g) < 1e-6
        h = 1e-4  # a minimum: the loss rises in every direction around it
        for d in ([h, 0], [0, h], [h, h], [h, -h]):
            assert landscape.value(end + np.array(d)) > landscape.value(end)
            assert landscape.value(end - np.array(d)) > landscape.value(end)
    gaps = [np.linalg.norm(a - b) for i, a in enumerate(ends) for b in ends[i + 1 :]]
    assert min(gaps) > 1.0  # four different cups
