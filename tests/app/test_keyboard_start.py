"""Keyboard-only use: the start typed in, and every field named for assistive technology."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget


def test_typing_a_start_restarts_every_racer_there(studio_window, user):
    window = studio_window("race")
    window.model.step(10)
    first, second = user.find(window, "start0"), user.find(window, "start1")
    assert (first.value(), second.value()) == tuple(window.model.start)
    user.type_into(first, "0.5")
    user.type_into(second, "-0.25")
    np.testing.assert_array_equal(window.model.start, [0.5, -0.25])
    for _, cfg in window.model.active_runs():
        assert cfg.live_run.steps == 0
        np.testing.assert_array_equal(cfg.live_run.params, [0.5, -0.25])


def test_a_start_picked_on_the_surface_shows_in_the_fields(studio_window, user):
    window = studio_window("race")
    window.model.set_start((0.75, 1.5))  # as a click on the surface sets it
    assert (user.find(window, "start0").value(), user.find(window, "start1").value()) == (
        0.75,
        1.5,
    )


def test_a_one_parameter_lesson_has_one_start_field(studio_window, user):
    window = studio_window("learning-rate")
    assert user.find(window, "start0").isVisible()
    assert window.findChild(QWidget, "start1") is None


def test_every_control_field_has_an_accessible_name(studio_window):
    window = studio_window("race")
    panel = window.findChild(QWidget, "runList").window()
    fields = [
        w
        for w in panel.findChildren(QWidget)
        if isinstance(w, (QAbstractSpinBox, QComboBox)) and w.isVisible()
    ]
    assert len(fields) > 8
    unnamed = [w.objectName() or type(w).__name__ for w in fields if not w.accessibleName()]
    assert not unnamed, unnamed
