"""The readouts table: each racer's parameters, loss, |∇L|, steps, lr, epoch and status."""

import math

import numpy as np
import pytest
from PySide6.QtWidgets import QTableWidget

from gdstudio.app.docks.readouts import ReadoutsPanel, finish_order, format_number
from gdstudio.theme import STATUS_COLORS


@pytest.fixture
def make_panel(show_panel):
    """A ReadoutsPanel on a scene, shown."""
    return lambda scene: show_panel(ReadoutsPanel, scene, (760, 200))


@pytest.fixture
def panel(qtbot, make_panel) -> ReadoutsPanel:
    return make_panel("race")


def header(table: QTableWidget) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def test_one_row_per_enabled_run_with_parameters_by_name(panel):
    table = panel.findChild(QTableWidget, "readoutsTable")
    assert table.rowCount() == len(panel.model.runs)
    assert header(table)[:6] == ["run", "rank", "x", "y", "loss", "|∇L|"]
    for row, cfg in enumerate(panel.model.runs):
        assert table.item(row, 0).text() == cfg.title
        assert not table.item(row, 0).icon().isNull()
    panel.model.set_run_enabled(0, False)
    assert table.rowCount() == len(panel.model.runs) - 1


def test_numbers_follow_the_model_after_a_step(panel):
    model = panel.model
    model.step(30)
    for row, cfg in enumerate(model.runs):
        shown = panel.row_texts(row)
        assert shown["x"] == format_number(cfg.run.params[0])
        assert shown["y"] == format_number(cfg.run.params[1])
        assert shown["loss"] == format_number(cfg.run.loss)
        assert math.isclose(float(shown["loss"]), cfg.run.loss, rel_tol=1e-3)
        assert shown["|∇L|"] == format_number(cfg.run.grad_norm)
        assert shown["steps"] == "30"
        assert shown["lr"] == format_number(cfg.run.lr)
        assert shown["status"] == "paused"  # stepped, not playing


def test_a_diverging_run_says_where_in_red(qtbot, make_panel):
    panel = make_panel("learning-rate")
    panel.model.set_run_hyper(0, "lr", 1.5)
    panel.model.step(2000)
    assert panel.row_texts(0)["lr"] == "1.5"
    run = panel.model.runs[0].run
    status = panel.table.item(0, panel.table.columnCount() - 1)
    assert status.text() == f"diverged at step {run.status_step}"
    assert status.foreground().color().name() == STATUS_COLORS["diverged"].lower()
    assert all("nan" not in t and "inf" not in t for t in panel.row_texts(0).values())


def test_a_converged_run_says_where_in_green(qtbot, make_panel):
    panel = make_panel("learning-rate")
    panel.model.set_run_hyper(0, "lr", 0.5)  # lands on w = 4 in one step
    panel.model.step(5)
    status = panel.table.item(0, panel.table.columnCount() - 1)
    assert status.text() == "converged at step 1"
    assert status.foreground().color().name() == STATUS_COLORS["converged"].lower()
    assert panel.row_texts(0)["w"] == "4"


def test_epoch_column_shows_only_for_stochastic_runs(qtbot, make_panel):
    race = make_panel("race")
    assert race.table.isColumnHidden(header(race.table).index("epoch"))
    variants = make_panel("variants")
    variants.model.step(24)
    col = header(variants.table).index("epoch")
    assert not variants.table.isColumnHidden(col)
    epochs = [variants.row_texts(r)["epoch"] for r in range(variants.table.rowCount())]
    assert epochs[0] == "24.00"  # full batch: every step sees every point
    assert epochs[1] == "2.00"  # one sample per step, 12 points, 24 steps


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (1.5, "1.5"),
        (-2.0303, "-2.03"),
        (47.36, "47.36"),
        (0.004433, "0.004433"),
        (1.234e-7, "1.234e-7"),
        (12345678.0, "1.235e7"),
        (float("nan"), "—"),
        (float("inf"), "—"),
        (None, "—"),
    ],
)
def test_numbers_are_compact(value, text):
    assert format_number(value) == text


def test_a_run_at_max_steps_says_stopped_in_amber_and_how_to_go_on(make_panel):
    panel = make_panel("race")
    panel.model.set_max_steps(5)
    panel.model.step(10)
    status = panel.table.item(0, panel.table.columnCount() - 1)
    assert status.text() == "stopped at step 5 (max steps)"
    assert status.foreground().color().name() == STATUS_COLORS["stopped"].lower()
    assert "max steps" in status.toolTip()


def test_the_rank_column_orders_the_race_as_its_caption_says(panel):
    """Adam converges first, Momentum second; SGD and RMSprop follow by final loss."""
    model = panel.model
    assert header(panel.table)[1] == "rank"
    model.step(60)
    assert not any(cfg.run.status == "converged" for cfg in model.runs)
    by_loss = sorted(model.runs, key=lambda c: c.run.loss)
    ranks = {cfg.title: panel.row_texts(r)["rank"] for r, cfg in enumerate(model.runs)}
    assert [ranks[c.title] for c in by_loss] == ["1", "2", "3", "4"]  # live, by loss so far
    model.step(5000)
    titles = [cfg.title for cfg in model.runs]
    ranks = {t: int(panel.table.item(r, 1).text()) for r, t in enumerate(titles)}
    adam, momentum = (next(c for c in model.runs if c.title == t) for t in ("Adam", "Momentum"))
    assert adam.run.status == momentum.run.status == "converged"
    assert adam.run.status_step < momentum.run.status_step
    assert ranks["Adam"] == 1 and ranks["Momentum"] == 2
    rest = sorted((c for c in model.runs if c.run.status != "converged"), key=lambda c: c.run.loss)
    assert [ranks[c.title] for c in rest] == [3, 4]


def test_a_diverged_run_ranks_last(qtbot, make_panel):
    panel = make_panel("race")
    panel.model.set_run_hyper(0, "lr", 0.05)  # SGD far too fast for Rosenbrock
    panel.model.step(200)
    assert panel.model.runs[0].run.status == "diverged"
    assert panel.row_texts(0)["rank"] == str(len(panel.model.runs))


def test_finish_order_shares_ties_and_puts_unfinished_by_loss():
    from types import SimpleNamespace as R

    runs = [
        R(status="running", status_step=None, loss=0.5),
        R(status="converged", status_step=40, loss=1e-9),
        R(status="diverged", status_step=12, loss=float("nan")),
        R(status="stopped", status_step=99, loss=0.2),
        R(status="converged", status_step=40, loss=1e-8),
        R(status="diverged", status_step=30, loss=float("inf")),
    ]
    assert finish_order(runs) == [4, 1, 6, 3, 1, 5]


def _on_a_network(model) -> None:
    """Put the model's racers on a 2-8-8-1 network (the lesson's landscape is not in the state
    yet): the landscape and a run of each racer from its seeded weights, announced as a load
    announces them."""
    from gdstudio.core.datasets import make_points, split
    from gdstudio.core.nn import Architecture
    from gdstudio.core.nn_landscape import NetworkLandscape
    from gdstudio.core.optimizers import make_optimizer
    from gdstudio.core.run import Run

    train, val = split(make_points("moons", 100, 0.2, 0), 0.2, seed=0)
    land = NetworkLandscape(Architecture((8, 8), "tanh"), train, val)
    model.landscape = land
    for cfg in model.runs:
        cfg.run = Run(land, make_optimizer(cfg.optimizer, **cfg.hyper), tol=0.0, name=cfg.title)
    model.landscapeChanged.emit()


def test_a_network_shows_the_norm_of_its_weights_in_one_column(panel):
    model = panel.model
    _on_a_network(model)
    table = panel.findChild(QTableWidget, "readoutsTable")
    heads = header(table)
    assert heads[:5] == ["run", "rank", "‖θ‖ (105 weights)", "loss", "|∇L|"]
    model.step(5)
    for row, cfg in enumerate(model.runs):
        shown = panel.row_texts(row)
        assert shown["‖θ‖ (105 weights)"] == format_number(float(np.linalg.norm(cfg.run.params)))
        assert shown["steps"] == "5"
        assert shown["loss"] == format_number(cfg.run.loss)
    model.load_scene("race")  # back on two parameters: one column each again
    assert header(table)[2:4] == ["x", "y"]
