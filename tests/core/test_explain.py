"""A step written out: the engine's own numbers, and the same step the engine takes."""

from __future__ import annotations

import numpy as np
import pytest

from gdstudio.core.catalog import make_landscape
from gdstudio.core.explain import explain_step
from gdstudio.core.optimizers import make_optimizer, optimizer_names
from gdstudio.core.run import Run


def _run(name: str, **hyper) -> Run:
    return Run(make_landscape("rosenbrock"), make_optimizer(name, **hyper), (-1.5, 2.0))


@pytest.mark.parametrize("name", optimizer_names())
def test_a_written_out_step_is_the_step_the_engine_takes(name: str):
    explained, plain = _run(name, lr=1e-3), _run(name, lr=1e-3)
    for _ in range(5):
        before = explained.params.copy()
        step = explain_step(explained)
        plain.step(1)
        assert step is not None and step.step == explained.steps
        np.testing.assert_array_equal(explained.params, plain.params)  # same bits
        assert step.before == tuple(before) and step.after == tuple(explained.params)
        assert step.term("Δθ") == tuple(explained.params - before)
        np.testing.assert_array_equal(np.negative(step.term("g")), step.vectors["-grad"])
    for key, value in plain.optimizer.state.items():
        np.testing.assert_array_equal(explained.optimizer.state[key], value)


def test_adams_terms_reproduce_its_update_by_hand():
    run = _run("adam", lr=0.05)
    for _ in range(3):
        step = explain_step(run)
    lr, eps = step.term("lr"), step.term("ε")
    m_hat, v_hat = np.array(step.term("m̂")), np.array(step.term("v̂"))
    by_hand = -lr * m_hat / (np.sqrt(v_hat) + eps)
    np.testing.assert_allclose(by_hand, step.term("Δθ"), rtol=1e-12)
    np.testing.assert_array_equal(step.term("m"), run.optimizer.state["exp_avg"])
    np.testing.assert_array_equal(step.term("v"), run.optimizer.state["exp_avg_sq"])
    assert any("m̂" in f and "v̂" in f for f in step.formulas)
    assert step.term("t") == 3.0


def test_sgd_momentum_and_adagrad_terms_reproduce_their_updates():
    sgd = _run("sgd", lr=1e-3)
    step = explain_step(sgd)
    np.testing.assert_allclose(
        step.term("Δθ"), -step.term("lr") * np.array(step.term("g")), rtol=1e-12
    )
    momentum = _run("momentum", lr=1e-3)
    explain_step(momentum)
    step = explain_step(momentum)
    np.testing.assert_allclose(
        step.term("Δθ"), -step.term("lr") * np.array(step.term("b")), rtol=1e-12
    )
    np.testing.assert_array_equal(step.vectors["moment"], step.term("b"))
    ada = _run("adagrad", lr=0.1, lr_decay=0.5)
    explain_step(ada)
    step = explain_step(ada)
    assert step.term("lr′") == pytest.approx(0.1 / 1.5)
    g, s = np.array(step.term("g")), np.array(step.term("s"))
    np.testing.assert_allclose(
        step.term("Δθ"), -step.term("lr′") * g / (np.sqrt(s) + 1e-10), rtol=1e-12
    )


def test_adagrads_accumulator_outgrows_rmsprops():
    ada, rms = _run("adagrad", lr=1e-3), _run("rmsprop", lr=1e-3)
    for _ in range(50):
        a, r = explain_step(ada), explain_step(rms)
    assert np.all(np.array(a.vectors["accumulator"]) > np.array(r.vectors["accumulator"]))
    assert "accumulator" not in explain_step(_run("sgd")).vectors


def test_weight_decay_and_nesterov_are_written_into_the_formulas():
    step = explain_step(_run("sgd", lr=1e-3, momentum=0.9, nesterov=True, weight_decay=0.1))
    assert any("Nesterov" in f for f in step.formulas)
    assert any("weight decay" in f for f in step.formulas) and step.term("λ") == 0.1
    adamw = explain_step(_run("adamw", lr=1e-3))
    assert any("decoupled" in f for f in adamw.formulas)


def test_an_ended_run_has_no_step_to_write_out():
    run = Run(make_landscape("rosenbrock"), make_optimizer("adam"), (1.0, 1.0))
    assert run.status == "converged"
    assert explain_step(run) is None


def test_the_fast_path_is_back_after_a_written_out_step():
    run = _run("adam")
    explain_step(run)
    assert run.fast and run.optimizer.observer is None


def test_a_recorder_writes_out_every_step_any_caller_takes():
    from gdstudio.core.explain import StepRecorder

    recorded, plain = _run("adam", lr=0.01), _run("adam", lr=0.01)
    recorder = StepRecorder()
    recorder.attach(recorded)
    assert not recorded.fast
    recorded.step(7)  # as the window's stepper steps it
    plain.step(7)
    np.testing.assert_array_equal(recorded.params, plain.params)
    assert recorder.last is not None and recorder.last.step == 7
    assert recorder.last.after == tuple(recorded.params)
    recorder.detach()
    assert recorded.fast and recorded.optimizer.observer is None
    recorded.step(1)
    assert recorder.last.step == 7  # detached: nothing more recorded


@pytest.mark.parametrize("name", optimizer_names())
def test_a_preview_is_the_step_the_run_takes_next_and_changes_nothing(name: str):
    from gdstudio.core.explain import preview_step

    run = _run(name, lr=1e-3)
    run.step(4)
    before, state = run.params.copy(), run.optimizer.state
    preview = preview_step(run)
    np.testing.assert_array_equal(run.params, before)
    for key, value in state.items():
        np.testing.assert_array_equal(run.optimizer.state[key], value)
    taken = explain_step(run)
    assert preview.after == taken.after and preview.term("Δθ") == taken.term("Δθ")
    assert preview.vectors == taken.vectors
