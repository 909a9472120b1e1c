"""View ▸ Step by Step driven as a user: choose a racer, press →, read the engine's numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from gdstudio.app.step_panel import exact


def _panel(studio_window, qtbot, user):
    window = studio_window("race")
    dock = window.findChild(QDockWidget, "stepDock")
    window.resize(1500, 950)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    user.menu_bar(window, "View", "Step by Step")
    qtbot.waitUntil(dock.isVisible)
    return window, dock.widget()


def _terms(panel) -> dict[str, str]:
    t = panel.table
    return {t.item(r, 0).text(): t.item(r, 2).text() for r in range(t.rowCount())}


def _press_step(window, qtbot) -> None:
    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)


def test_each_arrow_press_writes_out_the_step_adam_took(studio_window, qtbot, user):
    window, panel = _panel(studio_window, qtbot, user)
    assert "Press →" in panel.heading.text()
    user.pick(user.find(window, "stepRacer"), "Adam")
    index = panel.racer.currentData()
    run = window.model.runs[index].live_run
    for n in (1, 2):
        before = run.params.copy()
        _press_step(window, qtbot)
        qtbot.waitUntil(lambda n=n: f"Adam: step {n}" in panel.heading.text())
        terms = _terms(panel)
        assert {"g", "m", "v", "m̂", "v̂", "lr", "Δθ"} <= set(terms)
        delta = run.params - before
        assert terms["Δθ"] == f"x {exact(delta[0])},  y {exact(delta[1])}"
        m = run.optimizer.state["exp_avg"]
        assert terms["m"] == f"x {exact(m[0])},  y {exact(m[1])}"
    assert "m̂" in panel.formulas.text()


def test_the_chosen_racer_steps_with_the_others_bit_for_bit(studio_window, qtbot, user):
    window, panel = _panel(studio_window, qtbot, user)
    user.pick(user.find(window, "stepRacer"), "Momentum")
    watched = window.model.runs[panel.racer.currentData()].live_run
    assert not watched.fast  # recorded through the array path
    from gdstudio.core.optimizers import make_optimizer
    from gdstudio.core.run import Run

    twin = Run(watched.landscape, make_optimizer("momentum", **watched.optimizer.hyper),
               tuple(watched.start), tol=watched.tol)  # fmt: skip
    for _ in range(3):
        _press_step(window, qtbot)
    qtbot.waitUntil(lambda: "step 3" in panel.heading.text())
    twin.step(3)
    np.testing.assert_array_equal(watched.params, twin.params)
    assert "b" in _terms(panel)


def test_closing_the_panel_gives_the_run_its_fast_path_back(studio_window, qtbot, user):
    window, panel = _panel(studio_window, qtbot, user)
    run = window.model.runs[panel.racer.currentData()].live_run
    assert not run.fast
    user.menu_bar(window, "View", "Step by Step")
    qtbot.waitUntil(lambda: not panel.isVisible())
    assert run.fast and run.optimizer.observer is None


def test_a_panel_never_shown_watches_no_racer(studio_window):
    window = studio_window("race")
    assert not window.findChild(QDockWidget, "stepDock").isVisible()
    for _, cfg in window.model.active_runs():
        assert cfg.live_run.fast and cfg.live_run.optimizer.observer is None
    window.model.set_landscape("himmelblau")  # racers built anew: still nobody watched
    for _, cfg in window.model.active_runs():
        assert cfg.live_run.fast and cfg.live_run.optimizer.observer is None
