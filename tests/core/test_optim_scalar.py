"""Optimizers on Python floats: Optimizer.step's bits, state included, and torch's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from optimizer_strategies import draw_optimizer

from gdstudio.core.optim_scalar import scalar_kernel
from gdstudio.core.optimizers import SGD, make_optimizer

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "torch_reference.json").read_text(encoding="utf-8")
)


def _bits(x) -> bytes:
    return np.asarray(x, dtype=np.float64).tobytes()


def _same_state(a, b) -> bool:
    sa, sb = a.state, b.state
    return sa.keys() == sb.keys() and all(_bits(sa[k]) == _bits(sb[k]) for k in sa)


@pytest.mark.parametrize("dim", [2, 3])  # 2: the rules written out for a pair; 3: the loops
@pytest.mark.parametrize("entry", REFERENCE["optimizers"], ids=lambda e: e["id"])
def test_scalar_updates_match_torch_and_the_array_updates_bit_for_bit(entry, dim):
    center = np.array(REFERENCE["center"][:dim])  # elementwise rules: any leading coordinates
    arrays = make_optimizer(entry["optimizer"], **entry["hyper"])
    floats = make_optimizer(entry["optimizer"], **entry["hyper"])
    kernel = scalar_kernel(floats, dim)
    assert kernel is not None
    update, commit = kernel
    p = np.array(REFERENCE["start"][:dim])
    q = p.tolist()
    factor = entry["lr_factor_per_step"]
    for t, expected in enumerate(entry["params"]):
        lr = entry["hyper"]["lr"] * (1.0 if factor is None else factor**t)
        p = arrays.step(p, 2 * (p - center) + np.sin(p), lr=lr)
        qa = np.array(q)
        q = update(q, (2 * (qa - center) + np.sin(qa)).tolist(), lr)
        assert _bits(q) == _bits(p), f"step {t + 1}"
        np.testing.assert_allclose(q, expected[:dim], rtol=1e-12, atol=0, err_msg=f"step {t + 1}")
    commit()
    assert floats.steps == arrays.steps and _same_state(floats, arrays)


FRACTION = st.floats(0.0, 1.0, exclude_max=True)
HYPER = {
    "lr": st.floats(0.0, 2.0) | st.sampled_from([0.0, 1e-12, 1e300]),
    "momentum": FRACTION,
    "dampening": st.just(0.0) | st.floats(0.0, 1.0),
    "weight_decay": st.just(0.0) | st.floats(0.0, 1.0) | st.just(1e300),
    "nesterov": st.booleans(),
    "alpha": FRACTION,
    "eps": st.floats(1e-300, 1.0) | st.just(1e300),
    "centered": st.booleans(),
    "lr_decay": st.floats(0.0, 10.0) | st.just(1e300),
    "initial_accumulator_value": st.floats(0.0, 10.0),
    "betas": st.tuples(FRACTION, FRACTION),
    "amsgrad": st.booleans(),
    "momentum_decay": st.floats(0.0, 1.0) | st.just(1e300),
    "decoupled_weight_decay": st.booleans(),
}
NUMBER = (
    st.floats(-1e3, 1e3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, 5e-324, -1e-300, 1e200])
)


@st.composite
def optimizer_and_updates(draw):
    name, hyper = draw_optimizer(draw, HYPER)
    dim = draw(st.sampled_from([1, 2, 2, 3]))
    start = draw(st.lists(NUMBER, min_size=dim, max_size=dim))
    steps = draw(
        st.lists(
            st.tuples(
                st.lists(NUMBER, min_size=dim, max_size=dim),
                st.none() | st.floats(0.0, 10.0),
                st.booleans(),  # commit after this step and go on with a new kernel
            ),
            min_size=1,
            max_size=12,
        )
    )
    return name, hyper, start, steps


@settings(max_examples=300, deadline=None)
@given(optimizer_and_updates())
def test_scalar_updates_and_state_equal_the_array_updates_bit_for_bit(case):
    name, hyper, start, steps = case
    arrays, floats = make_optimizer(name, **hyper), make_optimizer(name, **hyper)
    p, q = np.array(start), list(start)
    update, commit = scalar_kernel(floats, len(q))
    with np.errstate(all="ignore"):
        for grad, lr, renew in steps:
            rate = floats.hyper["lr"] if lr is None else lr
            p = arrays.step(p, np.array(grad), lr=lr)
            q = update(q, grad, rate)
            assert _bits(q) == _bits(p), (name, hyper)
            if renew:
                commit()
                assert floats.steps == arrays.steps and _same_state(floats, arrays)
                update, commit = scalar_kernel(floats, len(q))
    commit()
    assert floats.steps == arrays.steps and _same_state(floats, arrays)


def test_a_kernel_that_took_no_step_leaves_the_optimizer_as_it_was():
    opt = make_optimizer("adam")
    _, commit = scalar_kernel(opt, 2)
    commit()
    assert opt.state == {} and opt.steps == 0


def test_no_kernel_for_an_unknown_rule_or_a_state_of_another_shape():
    class Halving(SGD):
        def _update(self, p, g, lr):
            return p / 2

    assert scalar_kernel(Halving(), 2) is None
    opt = make_optimizer("adam")
    opt.step(np.zeros(3), np.ones(3))
    assert scalar_kernel(opt, 2) is None
    assert scalar_kernel(opt, 3) is not None
