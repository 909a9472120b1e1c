"""Batch modes of the network's racers in the window: picked in the Controls dock, seeded, saved."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from gdstudio.app.main_window import MainWindow
from gdstudio.app.model import StudioModel
from gdstudio.app.session.manager import SessionManager
from gdstudio.state.build import build_run
from gdstudio.state.network import build_network
from tests.app.test_network_presets import pick


def _edit_racer(window, user, index: int) -> None:
    window.activateWindow()
    runs = window.findChild(QListWidget, "runList")
    user.click(runs.viewport(), runs.visualItemRect(runs.item(index)).center())


def _headless(model, index: int, steps: int) -> np.ndarray:
    """Racer `index` stepped as `gdstudio train` steps it: the core's Run with its batch mode."""
    cfg = model.runs[index]
    land = build_network(model.state.network)
    run = build_run(
        land, cfg.optimizer, cfg.hyper, land.default_start, batch=cfg.batch, seed=cfg.seed,
        tol=0.0, max_steps=steps, name="headless",
    )  # fmt: skip
    run.step(steps)
    return run.params


def _run_steps(window, qtbot, steps: int) -> None:
    """Space until every racer has taken at least `steps` steps, then Space again."""
    model = window.model
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view3d.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: min(c.run.steps for c in model.runs) >= steps, timeout=120_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not model.playing)


def test_a_network_racer_trains_on_mini_batches_picked_in_the_controls(studio_window, user, qtbot):
    window = studio_window("network")
    model = window.model
    _edit_racer(window, user, 3)  # Adam
    pick(qtbot, user.find(window, "batchCombo"), "Mini-batch")
    user.type_into(user.field(window, "Batch size"), "16")
    user.type_into(user.field(window, "Seed"), "7")
    cfg = model.runs[3]
    assert (cfg.batch, cfg.seed, cfg.run.batch_size) == (16, 7, 16)
    assert cfg.title == "Adam"  # the lesson's label; the batch mode shows in the editor
    _edit_racer(window, user, 0)  # SGD: one sample a step
    pick(qtbot, user.find(window, "batchCombo"), "SGD (1 sample)")
    assert model.runs[0].batch == 1 and model.runs[0].run.batch_size == 1

    _run_steps(window, qtbot, 60)
    for index in (0, 3, 1):  # as gdstudio train --batch sgd / 16 --seed 7 / full steps them
        run = model.runs[index].run
        assert np.allclose(run.params, _headless(model, index, run.steps), rtol=0, atol=1e-12)
    full = _headless(model, 1, model.runs[3].run.steps)
    assert not np.allclose(full, model.runs[3].run.params)  # mini-batches: another path


def test_a_network_session_keeps_each_racers_batch_mode_and_replays_it(qtbot, tmp_path):
    def window_with_sessions() -> tuple[MainWindow, SessionManager]:
        model = StudioModel()
        model.load_scene("network")
        window = MainWindow(model)
        qtbot.addWidget(window)
        return window, window.sessions

    w1, s1 = window_with_sessions()
    w1.model.set_run_batch(2, 8, seed=3)
    path = tmp_path / "batches.gdstudio"
    assert s1.save_to(path)
    w2, s2 = window_with_sessions()
    assert s2.open_path(path)
    assert w2.model.snapshot() == w1.model.snapshot()
    cfg = w2.model.runs[2]
    assert (cfg.batch, cfg.seed, cfg.run.batch_size) == (8, 3, 8)
    w1.model.step(40)
    w2.model.step(40)
    assert np.array_equal(w2.model.runs[2].run.params, w1.model.runs[2].run.params)


def test_a_network_sessions_export_steps_each_racer_in_its_batch_mode(qtbot, tmp_path):
    from gdstudio.io.session import load_session
    from gdstudio.io.trajectories import from_session

    model = StudioModel()
    model.load_scene("network")
    window = MainWindow(model)
    qtbot.addWidget(window)
    model.set_run_batch(2, 8, seed=3)
    path = tmp_path / "batches.gdstudio"
    assert window.sessions.save_to(path)
    exported = from_session(load_session(path))  # what `gdstudio export --session` draws
    assert exported.racers[2].run.batch_size == 8
    exported.racers[2].run.step(40)
    model.step(40)
    assert np.array_equal(exported.racers[2].run.params, model.runs[2].run.params)
