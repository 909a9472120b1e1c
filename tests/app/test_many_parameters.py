"""Parts that list one entry per parameter on a landscape of ~100 (a network's weights)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel

from gdstudio.app.docks.start_fields import StartFields
from gdstudio.app.step_panel import StepPanel, exact
from gdstudio.core.datasets import make_points, split
from gdstudio.core.nn import Architecture
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import Run


def on_a_network(model) -> NetworkLandscape:
    """Put the model's racers on a 2-8-8-1 network (the lesson is not in the state yet): the
    landscape and each racer's run from the seeded weights, announced as a load announces."""
    train, val = split(make_points("moons", 100, 0.2, 0), 0.2, seed=0)
    land = NetworkLandscape(Architecture((8, 8), "tanh"), train, val)
    model.landscape = land
    for cfg in model.runs:
        cfg.run = Run(land, make_optimizer(cfg.optimizer, **cfg.hyper), tol=0.0, name=cfg.title)
    model.landscapeChanged.emit()
    model.runsChanged.emit()
    return land


def test_the_start_fields_give_way_to_one_line_on_a_network_and_come_back(show_panel):
    fields = show_panel(StartFields, "race", (500, 40))
    assert [label.text() for label in fields.labels] == ["x", "y"]
    on_a_network(fields.model)
    assert fields.fields == [] and fields.labels == []
    many = fields.findChild(QLabel, "startMany")
    assert many.isVisible() and "105 weights" in many.text()
    fields.model.load_scene("race")
    assert [label.text() for label in fields.labels] == ["x", "y"]
    assert not many.isVisible()
    assert [f.value() for f in fields.fields] == [-1.5, 2.0]


def test_a_network_step_is_written_out_by_the_norms_of_its_terms(show_panel):
    panel = show_panel(StepPanel, "race", (600, 400))
    on_a_network(panel.model)
    panel.model.step(1)
    panel.show_last()
    table = panel.table
    values = [table.item(r, 2).text() for r in range(table.rowCount())]
    assert values and all(len(v) < 80 for v in values)
    assert any("(105 weights)" in v for v in values)
    step = panel.recorder.last
    row = [t.symbol for t in step.terms].index("g")
    assert values[row] == f"‖·‖ {exact(float(np.linalg.norm(step.term('g'))))}  (105 weights)"
