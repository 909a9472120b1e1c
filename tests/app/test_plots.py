"""The loss and |∇L| plots as a user sees them: one curve per racer, growing, log-y toggle."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from gdstudio.app.docks.plots import PlotsPanel


def points(curve) -> tuple[np.ndarray, np.ndarray]:
    """A curve's (x, y) data as given (not log-mapped); empty arrays when it has none."""
    x, y = curve.getOriginalDataset()
    return (np.array([]), np.array([])) if x is None else (x, y)


@pytest.fixture
def make_panel(show_panel):
    """A PlotsPanel on a scene, shown."""
    return lambda scene: show_panel(PlotsPanel, scene, (520, 420))


@pytest.fixture
def panel(qtbot, make_panel) -> PlotsPanel:
    return make_panel("race")


def test_one_curve_per_enabled_run_in_its_colour(panel):
    runs = panel.model.runs
    assert set(panel.curves()) == {cfg.title for cfg in runs}
    for cfg in runs:
        assert panel.curves()[cfg.title].opts["pen"].color().name() == cfg.color.lower()
        assert panel.grad_curves()[cfg.title].opts["pen"].color().name() == cfg.color.lower()
    legend = {label.text for _, label in panel.legend.items}
    assert legend == {cfg.title for cfg in runs}


def test_a_disabled_run_loses_its_curve(panel):
    title = panel.model.runs[1].title
    panel.model.set_run_enabled(1, False)
    assert title not in panel.curves()
    assert len(panel.curves()) == len(panel.model.runs) - 1


def test_curves_grow_as_the_model_steps(panel):
    model = panel.model
    assert all(len(points(c)[0]) == 1 for c in panel.curves().values())
    model.step(25)
    for cfg in model.runs:
        steps, loss = points(panel.curves()[cfg.title])
        assert steps[-1] == 25
        np.testing.assert_allclose(loss[-1], cfg.run.loss)
        _, grad = points(panel.grad_curves()[cfg.title])
        np.testing.assert_allclose(grad[-1], cfg.run.grad_norm)


def test_curves_start_over_when_the_runs_restart(panel):
    panel.model.step(40)
    panel.model.set_start((0.5, 0.5))
    assert all(len(points(c)[0]) == 1 for c in panel.curves().values())


def test_log_y_checkbox_switches_both_plots(qtbot, panel):
    check = panel.findChild(QCheckBox, "logYCheck")
    assert check.isChecked()
    assert all(plot.getAxis("left").logMode for plot in panel.plots)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert not check.isChecked()
    assert not any(plot.getAxis("left").logMode for plot in panel.plots)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert all(plot.getAxis("left").logMode for plot in panel.plots)


def test_a_diverging_run_ends_its_curve_with_finite_data(qtbot, make_panel):
    panel = make_panel("learning-rate")
    model = panel.model
    model.set_run_hyper(0, "lr", 1.5)
    model.step(2000)
    run = model.runs[0].run
    assert run.status == "diverged"
    for curve in (*panel.curves().values(), *panel.grad_curves().values()):
        x, y = points(curve)
        assert len(x) > 1 and np.all(np.isfinite(x)) and np.all(np.isfinite(y))
        assert x[-1] <= run.status_step


def test_log_scale_leaves_out_a_zero_loss(qtbot, make_panel):
    panel = make_panel("race")
    model = panel.model
    model.set_start((1.0, 1.0))  # Rosenbrock's minimum: loss and |∇L| are exactly 0
    title = model.runs[0].title
    assert len(points(panel.curves()[title])[0]) == 0
    qtbot.mouseClick(panel.findChild(QCheckBox, "logYCheck"), Qt.MouseButton.LeftButton)
    steps, loss = points(panel.curves()[title])
    assert list(steps) == [0] and list(loss) == [0.0]
