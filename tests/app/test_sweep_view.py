"""View ▸ Sweep driven as a user: sweep, read the plot, click a rate, tune the race."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QDockWidget

from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run


def _swept(studio_window, qtbot, user, count: str = "8", steps: str = "300"):
    window = studio_window("race")
    dock = window.findChild(QDockWidget, "sweepDock")
    window.resize(1500, 950)
    user.menu_bar(window, "View", "Sweep")
    qtbot.waitUntil(dock.isVisible)
    panel = dock.widget()
    user.type_into(user.find(window, "sweepCount"), count)
    user.type_into(user.find(window, "sweepSteps"), steps)
    with qtbot.waitSignal(panel.sweepDone, timeout=60_000):
        user.click(user.find(window, "sweepButton"))
    return window, panel


def test_a_sweep_gives_every_racer_its_rows_as_lone_runs_would(studio_window, qtbot, user):
    window, panel = _swept(studio_window, qtbot, user)
    enabled = window.model.active_runs()
    assert [r.index for r in panel.results] == [i for i, _ in enabled]
    assert all(len(r.rows) == 8 for r in panel.results)
    first = panel.results[0]
    cfg = window.model.runs[first.index]
    for row in first.rows[::3]:
        hyper = {**cfg.live_run.optimizer.hyper, "lr": row.lr}
        run = Run(cfg.live_run.landscape, make_optimizer(cfg.optimizer, **hyper),
                  tuple(cfg.live_run.start), tol=cfg.live_run.tol, max_steps=300)  # fmt: skip
        run.step(300)
        assert (row.status, row.status_step) == (run.status, run.status_step)
        assert row.final_loss == run.loss or math.isnan(row.final_loss)
    assert "runs" in user.find(window, "sweepStatus").text()


def test_the_plot_draws_each_racer_in_its_colour(studio_window, qtbot, user, count_near):
    window, panel = _swept(studio_window, qtbot, user)
    image = (
        panel.plot.grab().toImage().convertToFormat(panel.plot.grab().toImage().Format.Format_RGB32)
    )
    w, h = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine() // 4, 4)[
        :, :w, [2, 1, 0]
    ]
    for result in panel.results:
        assert count_near(pixels, result.color, tol=30) > 20, result.title


def _point_on_plot(panel, rate: float, value: float):
    vb = panel.plot.getPlotItem().getViewBox()
    scene = vb.mapViewToScene(QPointF(math.log10(rate), math.log10(value)))
    return panel.plot.mapFromScene(scene)


def test_clicking_a_point_sets_that_racers_rate(studio_window, qtbot, user):
    window, panel = _swept(studio_window, qtbot, user)
    result = panel.results[-1]

    def apart(row) -> float:  # how far this point lies from the other racers' points
        others = [
            o.final_loss for other in panel.results[:-1] for o in other.rows
            if o.lr == row.lr and o.status != "diverged" and o.final_loss > 0
        ]  # fmt: skip
        return min((abs(math.log10(row.final_loss / o)) for o in others), default=99.0)

    usable = [r for r in result.rows if r.status != "diverged" and r.final_loss > 0]
    row = max(usable, key=apart)
    inside = panel.plot.viewport().rect()
    qtbot.waitUntil(lambda: inside.contains(_point_on_plot(panel, row.lr, row.final_loss)))
    pos = _point_on_plot(panel, row.lr, row.final_loss)
    qtbot.mouseClick(panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: window.model.runs[result.index].hyper.get("lr") == row.lr)
    assert window.model.runs[result.index].live_run.steps == 0


def test_tune_gives_every_racer_its_best_rate_and_resets(studio_window, qtbot, user):
    window, panel = _swept(studio_window, qtbot, user)
    window.model.step(5)
    user.click(user.find(window, "tuneButton"))
    for result in panel.results:
        best = result.best()
        assert window.model.runs[result.index].hyper["lr"] == best.lr
        assert best.status != "diverged"
        assert window.model.runs[result.index].live_run.steps == 0
    assert "Tuned" in user.find(window, "sweepStatus").text()


def test_a_changed_landscape_makes_the_sweep_stale(studio_window, qtbot, user):
    window, panel = _swept(studio_window, qtbot, user)
    window.model.set_landscape("himmelblau")
    qtbot.waitUntil(lambda: not panel.results)
    assert not user.find(window, "tuneButton").isEnabled()
    assert "sweep again" in user.find(window, "sweepStatus").text()
