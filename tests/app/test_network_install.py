"""The network docks in a window: hidden off a network, shown and following the racers on one."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow

from gdstudio import theme
from gdstudio.app.network.install import install_network
from gdstudio.core.datasets import make_points, split
from gdstudio.core.landscapes import ANALYTIC
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run


def _view_titles(window) -> dict[str, object]:
    view = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View")
    return {a.text().replace("&", ""): a for a in view.actions()}


class NetworkRace(QObject):
    """The model's side the docks follow: a landscape, racers with runs, and their steps."""

    landscapeChanged = Signal()
    runsChanged = Signal()
    runsReset = Signal()
    stepped = Signal()
    sceneChanged = Signal(str)

    def __init__(self, landscape, racers) -> None:
        super().__init__()
        self.landscape = landscape
        self.racers = racers
        self.runs = racers
        self.scene = None  # no lesson, no preset: the Preset combo shows its placeholder
        self.state = SimpleNamespace(network=None)

    def active_runs(self):
        return list(enumerate(self.racers))

    def step(self, n: int) -> None:
        for cfg in self.racers:
            cfg.run.step(n)
        self.stepped.emit()

    def take_slice(self, table) -> None:
        self.sliced = table

    def set_landscape(self, landscape) -> None:
        self.landscape = landscape
        self.landscapeChanged.emit()


def _race(max_steps: int = 400):
    train, val = split(make_points("moons", 120, 0.1, 0), 0.25, seed=0)
    land = NetworkLandscape(Architecture((8, 8), "tanh"), train, val)
    racers = [
        SimpleNamespace(
            title=title,
            color=theme.run_color(i),
            run=Run(land, opt, tol=0.0, max_steps=max_steps),
            optimizer=title.lower(),
            batch=None,
        )
        for i, (title, opt) in enumerate(
            [("Adam", make_optimizer("adam", lr=0.05)), ("SGD", make_optimizer("sgd", lr=0.5))]
        )
    ]
    return land, NetworkRace(land, racers)


def _window(qtbot, model) -> QMainWindow:
    window = QMainWindow()
    window.menuBar().addMenu("&View")
    window.model = model
    qtbot.addWidget(window)
    install_network(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_off_a_network_the_docks_are_hidden_and_their_toggles_disabled(studio_window):
    window = studio_window("race")  # the window installs them (app/extras.py)
    titles = _view_titles(window)
    for title in ("Decision Boundary", "Training and Validation"):
        assert not titles[title].isEnabled()
    for dock in window.network_panels.docks():
        assert dock.isHidden()
    assert not window.network_panels.built  # no widgets made for a lesson without a network


def test_on_a_network_the_docks_show_the_chosen_racer_and_every_racers_curves(qtbot):
    land, model = _race()
    window = _window(qtbot, model)
    panels = window.network_panels
    boundary_dock, curves_dock = panels.docks()
    assert boundary_dock.isVisible() and curves_dock.isVisible()
    assert [panels.racer.itemText(i) for i in range(panels.racer.count())] == ["Adam", "SGD"]
    model.step(50)
    qtbot.waitUntil(lambda: "Adam at step 50" in panels.boundary.title.text())
    qtbot.waitUntil(lambda: len(panels.curves.columns("SGD")["step"]) > 1)
    panels.racer.setFocus()
    qtbot.keyClick(panels.racer, Qt.Key.Key_Down)
    assert panels.racer.currentText() == "SGD"
    qtbot.waitUntil(lambda: "SGD at step 50" in panels.boundary.title.text())
    assert np.array_equal(panels.boundary.weights, model.racers[1].run.params)


def test_the_view_menu_hides_and_shows_a_dock(qtbot):
    _, model = _race()
    window = _window(qtbot, model)
    toggle = _view_titles(window)["Training and Validation"]
    assert toggle.isEnabled() and toggle.isChecked()
    toggle.trigger()
    assert window.network_panels.curves_dock.isHidden()
    toggle.trigger()
    assert window.network_panels.curves_dock.isVisible()


def test_leaving_the_network_hides_the_docks(qtbot):
    _, model = _race()
    window = _window(qtbot, model)
    model.set_landscape(ANALYTIC["rosenbrock"])
    assert all(dock.isHidden() for dock in window.network_panels.docks())
    assert not _view_titles(window)["Decision Boundary"].isEnabled()


def test_when_the_chosen_run_ends_its_sharpness_is_computed(qtbot):
    _, model = _race(max_steps=60)
    window = _window(qtbot, model)
    readout = window.network_panels.sharpness
    model.step(30)
    assert "not computed" in readout.label.text()
    panels = window.network_panels
    with qtbot.waitSignals([readout.computed, panels.sliceReady], timeout=20000):
        model.step(30)  # Adam reaches its 60 steps
    assert "Adam at step 60" in readout.label.text() and "λmax" in readout.label.text()
    assert np.array_equal(panels.slicer.last.plane.origin, model.racers[0].run.params)


def test_slice_landscape_slices_through_the_chosen_racer_along_the_chosen_directions(qtbot):
    _, model = _race()
    window = _window(qtbot, model)
    panels = window.network_panels
    model.step(40)
    panels.racer.setFocus()
    qtbot.keyClick(panels.racer, Qt.Key.Key_Down)  # SGD
    panels.slicer.kind.setFocus()
    qtbot.keyClick(panels.slicer.kind, Qt.Key.Key_Down)  # PCA of the trajectory
    assert panels.slicer.directions == "pca"
    with qtbot.waitSignal(panels.sliceReady, timeout=20000) as got:
        qtbot.mouseClick(panels.slicer.button, Qt.MouseButton.LeftButton)
    made = got.args[0]
    assert made.plane.kind == "pca" and made.values.shape == (64, 64)
    assert np.array_equal(made.plane.origin, model.racers[1].run.params)
    assert "SGD at step 40" in panels.slicer.label.text()
