"""The network: its flat layout, initialisation, loss, gradients against finite differences,
the L2 penalty, the landscape Run steps (every batch mode), and accuracy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.datasets import Points, make_points, split
from gdstudio.core.errors import ConfigError
from gdstudio.core.nn import ACTIVATIONS, Architecture, check_layers, parse_layers
from gdstudio.core.nn_landscape import NetworkLandscape
from gdstudio.core.nn_passes import accuracy, activate, logits, mean_bce
from gdstudio.core.optimizers import make_optimizer
from gdstudio.core.run import CONVERGED, STOPPED, Run


def _landscape(hidden=(4, 3), activation="tanh", n=25, seed=0, l2=0.0) -> NetworkLandscape:
    return NetworkLandscape(
        Architecture(hidden, activation), make_points("moons", n, 0.2, seed), l2=l2, seed=seed
    )


def _fd_grad(land: NetworkLandscape, p: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    eye = np.eye(len(p))
    return np.array([(land.value(p + eps * e) - land.value(p - eps * e)) / (2 * eps) for e in eye])


# --- layout and initialisation -----------------------------------------------------------


def test_the_flat_layout_is_torch_linears_row_major_w_then_b():
    arch = Architecture((3,), "tanh")
    assert arch.n_params == 3 * 2 + 3 + 1 * 3 + 1
    names = arch.param_names()
    assert names[:7] == ("W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "W1[2,0]", "W1[2,1]", "b1[0]")
    assert names[9:] == ("W2[0,0]", "W2[0,1]", "W2[0,2]", "b2[0]")
    p = np.arange(arch.n_params, dtype=float)
    w1, b1 = arch.layers(p)[0]
    assert w1.shape == (3, 2) and w1[2, 1] == p[2 * 2 + 1] and b1[0] == p[6]
    parts = arch.unflatten(p)
    assert list(parts) == ["W1", "b1", "W2", "b2"] and parts["W2"].shape == (1, 3)
    assert np.array_equal(arch.flatten(parts), p)


def test_the_network_computes_what_its_layout_says():
    arch = Architecture((3,), "tanh")
    p = np.random.default_rng(1).normal(size=arch.n_params)
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    w1, b1 = p[:6].reshape(3, 2), p[6:9]
    w2, b2 = p[9:12].reshape(1, 3), p[12:]
    by_hand = (np.tanh(x @ w1.T + b1) @ w2.T + b2)[:, 0]
    np.testing.assert_allclose(logits(arch, p, x), by_hand, rtol=1e-15)


def test_init_is_seeded_and_within_torch_linears_bounds():
    arch = Architecture((16, 8), "relu")
    a, b = arch.init(3), arch.init(3)
    assert np.array_equal(a, b) and not np.array_equal(a, arch.init(4))
    bounds = arch.init_bounds()
    assert np.all(np.abs(a) <= bounds)
    parts = arch.unflatten(a)
    assert np.abs(parts["W2"]).max() > 0.8 / 4  # the bound is 1/sqrt(16): spread over it
    assert np.abs(parts["b1"]).max() <= 1 / math.sqrt(2)
    assert np.abs(parts["W3"]).max() <= 1 / math.sqrt(8)


@pytest.mark.parametrize(
    "text, sizes",
    [("0", ()), ("8,8", (8, 8)), (" 1 , 32 ", (1, 32)), ("32,32,32", (32, 32, 32)), ("5", (5,))],
)
def test_layers_parse(text, sizes):
    assert parse_layers(text) == sizes


@pytest.mark.parametrize(
    "text, message",
    [
        ("33", "a layer of 33 units (from 1 to 32)"),
        ("8,,8", "an empty size in '8,,8'"),
        ("-1", "'-1' is not a size"),
        ("8,8,8,8", "4 hidden layers in '8,8,8,8' (at most 3)"),
        ("", "an empty size"),
        ("8,0", "a layer of 0 units"),
        ("8.5", "'8.5' is not a size"),
        ("٣", "'٣' is not a size"),
        ("99999999999999", "is not a size"),
    ],
)
def test_bad_layers_are_refused_with_one_line(text, message):
    with pytest.raises(ConfigError) as info:
        parse_layers(text)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert "give 0 (no hidden layer) or up to 3 sizes from 1 to 32" in str(info.value)


def test_architecture_refuses_bad_settings():
    with pytest.raises(ConfigError, match="unknown activation 'gelu'"):
        Architecture((4,), "gelu")
    with pytest.raises(ConfigError, match="4 hidden layers"):
        check_layers([1, 2, 3, 4])
    with pytest.raises(ConfigError, match="a layer of True units"):
        check_layers([True])


# --- the loss and its gradient -------------------------------------------------------------


def test_the_loss_is_bce_with_logits_stable_for_huge_logits():
    z = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    expected = np.mean(
        [800.0, math.log1p(math.exp(-30.0)), math.log(2.0), 9.357622968839299e-14, 800.0]
    )
    assert math.isclose(mean_bce(z, y), expected, rel_tol=1e-13)
    assert math.isnan(mean_bce(np.empty(0), np.empty(0)))


@settings(max_examples=24, deadline=None)
@given(
    activation=st.sampled_from(ACTIVATIONS),
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    seed=st.integers(0, 2**16),
    l2=st.sampled_from([0.0, 0.3]),
)
def test_gradient_matches_finite_differences(activation, hidden, seed, l2):
    land = _landscape(tuple(hidden), activation, n=17, seed=seed, l2=l2)
    p = land.arch.init(seed) * 1.5
    loss, grad = land.value_and_grad(p)
    assert float(loss) == float(land.value(p))  # one pass, the same bits
    np.testing.assert_allclose(grad, _fd_grad(land, p), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_gradient_matches_finite_differences_at_every_depth(activation, depth):
    land = _landscape((3, 4, 2)[:depth], activation, n=20, seed=depth)
    p = land.arch.init(depth + 10)
    np.testing.assert_allclose(land.grad(p), _fd_grad(land, p), rtol=1e-6, atol=1e-9)


def test_the_l2_penalty_is_half_l2_times_the_squared_weights_not_biases():
    plain, penalised = _landscape(l2=0.0), _landscape(l2=0.4)
    p = plain.arch.init(2)
    weights = np.concatenate([p[b.start : b.stop] for b in plain.arch.blocks[::2]])
    assert float(penalised.value(p)) == pytest.approx(
        float(plain.value(p)) + 0.2 * float(weights @ weights), rel=1e-14
    )
    bias = plain.arch.blocks[1]
    g0, g1 = plain.grad(p), penalised.grad(p)
    assert np.array_equal(g0[bias.start : bias.stop], g1[bias.start : bias.stop])


def test_batch_grad_is_the_mean_over_the_batch():
    land = _landscape(n=30)
    p = land.arch.init(1)
    idx = np.array([3, 7, 11, 29])
    sub = NetworkLandscape(land.arch, land.train.subset(idx))
    np.testing.assert_allclose(land.batch_grad(p, idx), sub.grad(p), rtol=1e-14)


def test_value_of_many_points_equals_each_alone():
    land = _landscape((5, 3), "sigmoid", l2=0.1)
    ps = np.random.default_rng(0).normal(size=(2, 3, land.dim))
    many = land.value(ps)
    assert many.shape == (2, 3)
    alone = np.array([[float(land.value(q)) for q in row] for row in ps])
    np.testing.assert_allclose(many, alone, rtol=1e-13)
    assert land.grad(ps).shape == ps.shape


def test_activations_are_what_they_say():
    z = np.array([[-50.0, -1.0, 0.0, 2.0, 800.0]])
    np.testing.assert_allclose(activate("tanh", z), np.tanh(z))
    np.testing.assert_allclose(activate("relu", z), np.maximum(z, 0))
    with np.errstate(over="ignore"):
        np.testing.assert_allclose(activate("sigmoid", z), 1 / (1 + np.exp(-z)), rtol=1e-15)


def test_the_float64_tanh_is_within_one_and_a_half_units_of_1s_last_place_of_numpys():
    rng = np.random.default_rng(7)
    scales = (1e-300, 1e-12, 1e-3, 0.1, 1.0, 3.0, 20.0, 400.0)
    z = np.concatenate([rng.standard_normal(20_000) * s for s in scales])
    z = np.concatenate([z, [0.0, -0.0, 1e308, -1e308, np.inf, -np.inf]])
    with np.errstate(divide="raise", invalid="raise"):
        ours = activate("tanh", z)
    assert np.abs(ours - np.tanh(z)).max() <= 1.5 * 2.0**-52
    assert np.array_equal(ours[-4:], [1.0, -1.0, 1.0, -1.0])
    away = np.abs(z) > 0.5  # there also within a few units of its own last place
    assert np.all(np.abs(ours - np.tanh(z))[away] <= 8 * np.spacing(np.abs(np.tanh(z[away]))))
    z32 = z[:1000].astype(np.float32)
    assert np.array_equal(activate("tanh", z32), np.tanh(z32))  # float32 (the slice): numpy's


def test_a_reused_workspace_gives_what_a_fresh_pass_gives():
    from gdstudio.core.nn_passes import Workspace, loss_and_grad

    arch = Architecture((5, 4), "tanh")
    data = make_points("spiral", 40, 0.2, 1)
    other = make_points("moons", 40, 0.2, 2)
    ws = Workspace(arch, 40)
    for seed, pts in ((1, data), (2, other), (3, data)):
        p = arch.init(seed)
        again = loss_and_grad(arch, p, pts.inputs, pts.labels, ws)
        fresh = loss_and_grad(arch, p, pts.inputs, pts.labels)
        assert again[0] == fresh[0] and np.array_equal(again[1], fresh[1])
    first = loss_and_grad(arch, arch.init(4), data.inputs, data.labels, ws)[1]
    loss_and_grad(arch, arch.init(5), data.inputs, data.labels, ws)
    assert np.array_equal(first, loss_and_grad(arch, arch.init(4), data.inputs, data.labels)[1])


def test_accuracy_counts_points_on_the_right_side():
    arch = Architecture((), "tanh")
    p = np.array([1.0, 0.0, 0.0])  # z = x1: class 1 right of the axis
    x = np.array([[1.0, 5.0], [-1.0, 2.0], [2.0, 0.0], [-3.0, 1.0]])
    assert accuracy(arch, p, x, np.array([1.0, 0.0, 0.0, 0.0])) == 0.75
    assert math.isnan(accuracy(arch, p, np.empty((0, 2)), np.empty(0)))


def test_the_landscape_refuses_bad_input():
    arch = Architecture((2,), "tanh")
    bad = Points(np.array([[0.0, 1.0]]), np.array([2.0]))
    with pytest.raises(ConfigError, match="labels must be 0 or 1"):
        NetworkLandscape(arch, bad)
    with pytest.raises(ConfigError, match="start must be 9 numbers"):
        NetworkLandscape(arch, make_points("xor", 5), start=np.zeros(4))
    with pytest.raises(ConfigError, match="l2 must be a finite number >= 0"):
        NetworkLandscape(arch, make_points("xor", 5), l2=-1.0)


# --- the run -------------------------------------------------------------------------------


def test_run_trains_a_network_on_moons_to_high_accuracy():
    train, val = split(make_points("moons", 200, 0.1, 0), 0.25, 0)
    land = NetworkLandscape(Architecture((8, 8), "tanh"), train, val, seed=0)
    run = Run(land, make_optimizer("adam", lr=0.05), tol=0.0, max_steps=400)
    first = run.loss
    run.step(400)
    assert run.status == STOPPED and run.loss < 0.1 * first
    m = land.evaluate(run.params)
    assert m.train_acc > 0.97 and m.val_acc > 0.95 and m.val_loss < 0.2


@pytest.mark.parametrize("batch", [None, 1, 16])
def test_every_batch_mode_steps_the_network_reproducibly(batch):
    def run_once(seed):
        land = _landscape((6,), "relu", n=60)
        run = Run(land, make_optimizer("sgd", lr=0.5), batch_size=batch, seed=seed, tol=0.0)
        run.step(50)
        return run

    a, b, c = run_once(1), run_once(1), run_once(2)
    assert np.array_equal(a.params, b.params)
    assert a.loss < a.history.rows()[0, -3]  # the loss went down
    assert np.array_equal(a.params, c.params) == (batch is None)  # the seed picks the batches
    if batch is not None:
        per_epoch = -(-60 // batch)  # the last batch of an epoch takes what is left
        assert a.epoch == pytest.approx(50 // per_epoch + (50 % per_epoch) * batch / 60)


def test_a_run_converges_on_separable_blobs_with_a_tolerance():
    land = NetworkLandscape(Architecture((), "tanh"), make_points("blobs", 40, 0.0, 0))
    run = Run(land, make_optimizer("adam", lr=0.5), tol=0.05, max_steps=10_000)
    run.step(10_000)
    assert run.status == CONVERGED and run.grad_norm < 0.05


def test_a_network_with_no_training_points_has_no_data_to_step_on():
    empty = Points(np.empty((0, 2)), np.empty(0))
    land = NetworkLandscape(Architecture((4,), "tanh"), empty)
    run = Run(land, make_optimizer("adam"), max_steps=5)
    assert run.status == "no data" and run.step(5) == 0
    assert math.isnan(float(land.value(np.array(land.default_start))))


def test_evaluate_reports_both_sets_with_the_penalty_on_each():
    train, val = split(make_points("circles", 60, 0.1, 0), 0.5, 0)
    land = NetworkLandscape(Architecture((5,), "relu"), train, val, l2=0.1)
    p = np.array(land.default_start)
    m = land.evaluate(p)
    assert m.train_loss == float(land.value(p))
    on_val = NetworkLandscape(land.arch, val, l2=0.1)
    assert m.val_loss == pytest.approx(float(on_val.value(p)), rel=1e-14)
    assert m.val_acc == accuracy(land.arch, p, val.inputs, val.labels)
    assert land.evaluate(p, train_loss=1.5).train_loss == 1.5
    probs = land.probabilities(p, val.inputs)
    assert np.all((probs > 0) & (probs < 1))


def test_pooled_buffers_give_each_size_and_each_thread_what_a_fresh_landscape_gives():
    from concurrent.futures import ThreadPoolExecutor

    train, val = split(make_points("moons", 90, 0.2, 3), 0.3, 3)
    land = NetworkLandscape(Architecture((7, 5), "tanh"), train, val)
    ps = [land.arch.init(seed) for seed in range(12)] * 5
    idx = np.arange(0, len(train), 4)

    def results(on: NetworkLandscape, q: np.ndarray) -> tuple:
        loss, grad = on.value_and_grad(q)
        return (
            float(loss),
            on.evaluate(q),
            grad,
            on.batch_grad(q, idx),
            on.probabilities(q, val.inputs),
        )

    with ThreadPoolExecutor(4) as pool:  # passes at once on several threads, sizes mixed
        got = list(pool.map(lambda q: results(land, q), ps))
    for q, row in zip(ps, got, strict=True):
        want = results(NetworkLandscape(land.arch, train, val), q)
        assert row[:2] == want[:2]
        assert all(np.array_equal(a, b) for a, b in zip(row[2:], want[2:], strict=True))
    assert set(land._pools) == {len(train), len(idx), len(val)}
