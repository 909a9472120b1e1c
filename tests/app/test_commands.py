"""Undo commands for data edits: labels, exact undo/redo, merged drags, restored indices."""

import numpy as np
import pytest

from gdstudio.app import commands
from gdstudio.app.commands import (
    AddPoint,
    MovePoint,
    RemovePoints,
    ReplaceDataset,
    SetLabel,
    new_drag_id,
)
from gdstudio.app.model import StudioModel
from gdstudio.core.data import Dataset


@pytest.fixture
def model(qapp) -> StudioModel:
    m = StudioModel()
    m.load_scene("line-fit")
    return m


def test_add_point_is_labelled_and_undoes_exactly(model):
    before = model.dataset.copy()
    model.undo_stack.push(AddPoint(model, 2.0, 3.1))
    assert model.undo_stack.undoText() == "Add point (2.0, 3.1)"
    assert len(model.dataset) == 6 and (model.dataset.x[-1], model.dataset.y[-1]) == (2.0, 3.1)
    model.undo_stack.undo()
    assert model.dataset == before
    model.undo_stack.redo()
    assert len(model.dataset) == 6


def test_every_edit_rebuilds_the_landscape(model, qtbot):
    old = model.landscape
    with qtbot.waitSignals([model.landscapeChanged, model.dataChanged]):
        model.undo_stack.push(AddPoint(model, 6.0, 0.0))
    assert model.landscape is not old
    assert model.landscape.n_samples == 6


def test_moves_of_one_drag_merge_into_one_step(model):
    before = model.dataset.copy()
    drag = new_drag_id()
    for x, y in [(3.2, 6.5), (3.4, 6.9), (3.5, 7.0)]:
        model.undo_stack.push(MovePoint(model, 2, x, y, drag=drag))
    assert model.undo_stack.count() == 1
    assert model.undo_stack.undoText() == "Move point 3 to (3.5, 7.0)"
    assert (model.dataset.x[2], model.dataset.y[2]) == (3.5, 7.0)
    model.undo_stack.undo()
    assert model.dataset == before


def test_moves_of_separate_drags_or_table_edits_stay_separate(model):
    model.undo_stack.push(MovePoint(model, 2, 3.5, 7.0, drag=new_drag_id()))
    model.undo_stack.push(MovePoint(model, 2, 3.6, 7.0, drag=new_drag_id()))
    model.undo_stack.push(MovePoint(model, 2, 3.7, 7.0))
    model.undo_stack.push(MovePoint(model, 2, 3.8, 7.0))
    assert model.undo_stack.count() == 4


def test_a_drag_back_to_where_it_started_leaves_no_step(model):
    drag = new_drag_id()
    model.undo_stack.push(MovePoint(model, 0, 9.0, 9.0, drag=drag))
    model.undo_stack.push(MovePoint(model, 0, 1.0, 2.1, drag=drag))
    assert model.undo_stack.count() == 0
    assert model.dataset == Dataset.default()


def test_remove_points_puts_them_back_at_their_indices(model):
    before = model.dataset.copy()
    model.undo_stack.push(RemovePoints(model, [3, 0, 1, 4]))
    assert model.undo_stack.undoText() == "Delete 4 points"
    np.testing.assert_array_equal(model.dataset.x, [3.0])
    model.undo_stack.undo()
    assert model.dataset == before
    model.undo_stack.redo()
    np.testing.assert_array_equal(model.dataset.y, [6.1])


def test_remove_one_point_names_it(model):
    model.undo_stack.push(RemovePoints(model, [1]))
    assert model.undo_stack.undoText() == "Delete point 2"


def test_bulk_removal_restores_a_large_dataset_exactly(model, monkeypatch):
    monkeypatch.setattr(commands, "_IN_PLACE_WORK", 0)  # force the one-pass rebuild
    model.replace_dataset(Dataset.generate(1000, seed=3))
    before = model.dataset.copy()
    doomed = np.random.default_rng(1).choice(1000, 300, replace=False)
    model.undo_stack.push(RemovePoints(model, doomed))
    assert len(model.dataset) == 700
    assert not np.isin(before.x[doomed], model.dataset.x).any()
    model.undo_stack.undo()
    assert model.dataset == before


def test_remove_refuses_indices_out_of_range(model):
    with pytest.raises(IndexError):
        RemovePoints(model, [5])


def test_set_label_changes_the_class_and_for_logistic_regression_its_y(model):
    model.set_loss("bce")
    before = model.dataset.copy()
    model.undo_stack.push(SetLabel(model, 1, 1))
    assert model.undo_stack.undoText() == "Set class of point 2 to 1"
    assert model.dataset.label[1] == 1.0 and model.dataset.y[1] == 1.0
    model.undo_stack.undo()
    assert model.dataset == before
    with pytest.raises(ValueError):
        SetLabel(model, 1, 2)


def test_logistic_add_and_move_name_the_class(model):
    model.set_loss("bce")
    model.undo_stack.push(AddPoint(model, 2.25, 0.0, 0.0))
    assert model.undo_stack.undoText() == "Add class 0 point at x = 2.25"
    model.undo_stack.push(MovePoint(model, 0, 0.75, 1.0, 1.0, drag=new_drag_id()))
    assert model.undo_stack.undoText() == "Move point 1 to x = 0.75, class 1"


def test_replace_dataset_swaps_and_keeps_its_copies_untouched(model):
    before = model.dataset.copy()
    generated = Dataset.generate(50, seed=7)
    model.undo_stack.push(ReplaceDataset(model, generated, "Generate 50 points"))
    assert model.dataset == generated and model.dataset is not generated
    model.undo_stack.push(AddPoint(model, 0.0, 0.0))  # an in-place edit of the live dataset
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert model.dataset == before
    model.undo_stack.redo()
    assert model.dataset == generated


def test_undo_of_an_add_after_a_replace_works_on_the_current_dataset(model):
    model.undo_stack.push(ReplaceDataset(model, Dataset(), "Clear data"))
    model.undo_stack.push(AddPoint(model, 1.0, 1.0))
    model.undo_stack.undo()
    assert len(model.dataset) == 0
    model.undo_stack.undo()
    assert model.dataset == Dataset.default()
