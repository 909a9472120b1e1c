"""Widgets bound to declared fields: a new setting is one declaration plus its widget."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox

from gdstudio.app.bindings import bind_flag, bind_number
from gdstudio.state import Field, Settings, Studio
from gdstudio.state.kinds import Flag, Number


class ArrowSettings(Settings):
    """The exercise: two new settings, declared once."""

    arrow_scale: Field[float] = Field(Number(0.1, 10.0), 1.0)
    show_arrows: Field[bool] = Field(Flag(), False)


def test_a_new_setting_is_one_declaration_plus_its_widget(qtbot):
    doc = Studio()
    doc.settings = doc._own(ArrowSettings())
    spin, check = QDoubleSpinBox(), QCheckBox("Arrows")
    spin.setKeyboardTracking(False)  # as every spin box of the studio: a value on Return
    for w in (spin, check):
        qtbot.addWidget(w)
        w.show()
    bind_number(doc.settings, "arrow_scale", spin)
    bind_flag(doc.settings, "show_arrows", check)
    assert (spin.minimum(), spin.maximum(), spin.value()) == (0.1, 10.0, 1.0)

    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "2.5")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert doc.settings.arrow_scale == 2.5 and doc.settings.show_arrows
    assert doc.revision == 2
    saved = doc.to_dict()
    assert (saved["arrow_scale"], saved["show_arrows"]) == (2.5, True)

    doc.settings.set(arrow_scale=7.0, show_arrows=False)  # a session, a script: the widget follows
    assert spin.value() == 7.0 and not check.isChecked()
    assert doc.revision == 4  # shown under a blocker: no echo back as a second edit
    loaded = ArrowSettings.from_dict(saved, "model.")
    assert (loaded.arrow_scale, loaded.show_arrows) == (2.5, True)
