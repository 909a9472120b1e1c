"""Optimizer update rules: hand-computed steps, PyTorch's numbers, validation and state."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdstudio.core.errors import ConfigError
from gdstudio.core.optimizers import OPTIMIZERS, Optimizer, make_optimizer, optimizer_names

# eps must be > 0; this one vanishes beside every denominator here (bit for bit, as eps 0 did).
TINY = 1e-300

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "torch_reference.json").read_text(encoding="utf-8")
)


def trajectory(opt: Optimizer, start: float, grads: list[float]) -> list[float]:
    """The single parameter after each step, fed the given gradients in turn."""
    p = np.array([start])
    out = []
    for g in grads:
        p = opt.step(p, np.array([g]))
        out.append(float(p[0]))
    return out


# --- registry and defaults ----------------------------------------------------------------


def test_registry_lists_every_optimizer_in_display_order() -> None:
    assert optimizer_names() == [
        "sgd",
        "momentum",
        "nesterov",
        "rmsprop",
        "adagrad",
        "adam",
        "adamw",
        "nadam",
    ]
    assert all(OPTIMIZERS[name].name == name for name in optimizer_names())


def test_defaults_are_pytorchs() -> None:
    sgd = {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}
    adam = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False}
    expected = {
        "sgd": sgd,
        "momentum": {**sgd, "momentum": 0.9},
        "nesterov": {**sgd, "momentum": 0.9, "nesterov": True},
        "rmsprop": {
            "lr": 1e-2,
            "alpha": 0.99,
            "eps": 1e-8,
            "weight_decay": 0.0,
            "momentum": 0.0,
            "centered": False,
        },
        "adagrad": {
            "lr": 1e-2,
            "lr_decay": 0.0,
            "weight_decay": 0.0,
            "initial_accumulator_value": 0.0,
            "eps": 1e-10,
        },
        "adam": adam,
        "adamw": {**adam, "weight_decay": 1e-2},
        "nadam": {
            "lr": 2e-3,
            "betas": (0.9, 0.999),
            "eps": 1e-8,
            "weight_decay": 0.0,
            "momentum_decay": 4e-3,
            "decoupled_weight_decay": False,
        },
    }
    for name, defaults in expected.items():
        assert make_optimizer(name).hyper == defaults, name


def test_titles_are_display_names() -> None:
    titles = [OPTIMIZERS[name].title for name in optimizer_names()]
    assert titles == ["SGD", "Momentum", "Nesterov", "RMSprop", "Adagrad", "Adam", "AdamW", "NAdam"]


def test_make_optimizer_rejects_unknown_name_listing_allowed() -> None:
    with pytest.raises(ValueError, match=r"unknown optimizer 'lion'; allowed: sgd, momentum, "):
        make_optimizer("lion")


# --- SGD family, p = 1 and gradients 2 then 1 unless stated ---------------------------------


def test_sgd_steps_against_the_gradient() -> None:
    # p1 = 1 - 0.1 * 2 = 0.8;  p2 = 0.8 - 0.1 * 1 = 0.7
    assert trajectory(make_optimizer("sgd", lr=0.1), 1.0, [2.0, 1.0]) == pytest.approx([0.8, 0.7])


def test_sgd_weight_decay_adds_decay_times_params_to_the_gradient() -> None:
    # g1 = 2 + 0.5 * 1 = 2.5 -> p1 = 1 - 0.1 * 2.5 = 0.75
    # g2 = 1 + 0.5 * 0.75 = 1.375 -> p2 = 0.75 - 0.1 * 1.375 = 0.6125
    opt = make_optimizer("sgd", lr=0.1, weight_decay=0.5)
    assert trajectory(opt, 1.0, [2.0, 1.0]) == pytest.approx([0.75, 0.6125])


def test_sgd_momentum_buffer_starts_at_the_first_gradient() -> None:
    # b1 = g1 = 2 -> p1 = 1 - 0.1 * 2 = 0.8
    # b2 = 0.9 * 2 + 1 = 2.8 -> p2 = 0.8 - 0.1 * 2.8 = 0.52
    opt = make_optimizer("sgd", lr=0.1, momentum=0.9)
    assert trajectory(opt, 1.0, [2.0, 1.0]) == pytest.approx([0.8, 0.52])
    assert opt.state["momentum_buffer"] == pytest.approx([2.8])


def test_sgd_dampening_scales_new_gradients_but_not_the_first() -> None:
    # b1 = g1 = 2 (PyTorch does not dampen the first gradient) -> p1 = 0.8
    # b2 = 0.9 * 2 + (1 - 0.5) * 1 = 2.3 -> p2 = 0.8 - 0.1 * 2.3 = 0.57
    opt = make_optimizer("sgd", lr=0.1, momentum=0.9, dampening=0.5)
    assert trajectory(opt, 1.0, [2.0, 1.0]) == pytest.approx([0.8, 0.57])


def test_momentum_preset_is_sgd_with_momentum_09() -> None:
    preset = trajectory(make_optimizer("momentum", lr=0.1), 1.0, [2.0, 1.0, -3.0])
    plain = trajectory(make_optimizer("sgd", lr=0.1, momentum=0.9), 1.0, [2.0, 1.0, -3.0])
    assert preset == plain
    assert preset[:2] == pytest.approx([0.8, 0.52])


def test_nesterov_looks_ahead_along_the_buffer() -> None:
    # b1 = 2;  step1 = g1 + 0.9 * b1 = 3.8 -> p1 = 1 - 0.1 * 3.8 = 0.62
    # b2 = 0.9 * 2 + 1 = 2.8;  step2 = 1 + 0.9 * 2.8 = 3.52 -> p2 = 0.62 - 0.352 = 0.268
    opt = make_optimizer("nesterov", lr=0.1)
    assert trajectory(opt, 1.0, [2.0, 1.0]) == pytest.approx([0.62, 0.268])


def test_nesterov_with_weight_decay() -> None:
    # g1 = 2 + 0.5 * 1 = 2.5;  b1 = 2.5;  step1 = 2.5 + 0.9 * 2.5 = 4.75 -> p1 = 0.525
    # g2 = 1 + 0.5 * 0.525 = 1.2625;  b2 = 0.9 * 2.5 + 1.2625 = 3.5125
    # step2 = 1.2625 + 0.9 * 3.5125 = 4.42375 -> p2 = 0.525 - 0.442375 = 0.082625
    opt = make_optimizer("nesterov", lr=0.1, weight_decay=0.5)
    assert trajectory(opt, 1.0, [2.0, 1.0]) == pytest.approx([0.525, 0.082625])


@pytest.mark.parametrize(
    ("hyper", "fragment"),
    [
        ({"nesterov": True}, "momentum=0, dampening=0"),
        ({"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "momentum=0.9, dampening=0.1"),
    ],
)
def test_sgd_nesterov_requires_momentum_and_no_dampening(hyper: dict, fragment: str) -> None:
    with pytest.raises(
        ValueError, match="nesterov for sgd requires momentum > 0 and dampening = 0"
    ):
        make_optimizer("sgd", **hyper)
    with pytest.raises(ValueError, match=fragment):
        make_optimizer("sgd", **hyper)


def test_momentum_with_dampening_is_the_articles_ema() -> None:
    """v = βv + (1 − β)∇L, β = 0.9: dampening = β. PyTorch starts v at the first gradient."""
    beta, lr = 0.9, 0.1
    opt = make_optimizer("momentum", lr=lr, dampening=beta)
    rng = np.random.default_rng(7)
    p = np.array([1.0, -2.0])
    v = None
    for _ in range(30):
        g = rng.normal(size=2)
        v = g.copy() if v is None else beta * v + (1 - beta) * g
        expected = p - lr * v
        p = opt.step(p, g)
        np.testing.assert_allclose(p, expected, rtol=1e-12)
        np.testing.assert_allclose(opt.state["momentum_buffer"], v, rtol=1e-12)


def test_ema_momentum_by_hand() -> None:
    # v1 = 2;  v2 = 0.9 * 2 + 0.1 * 1 = 1.9;  v3 = 0.9 * 1.9 + 0.1 * 4 = 2.11
    # p = 1 - 0.2 = 0.8 -> 0.8 - 0.19 = 0.61 -> 0.61 - 0.211 = 0.399
    opt = make_optimizer("momentum", lr=0.1, dampening=0.9)
    assert trajectory(opt, 1.0, [2.0, 1.0, 4.0]) == pytest.approx([0.8, 0.61, 0.399])


# --- RMSprop: alpha 0.75 and eps TINY make the roots whole; gradients 4 then 2 -------------


def test_rmsprop_divides_by_root_mean_square() -> None:
    # s1 = 0.25 * 16 = 4 -> p1 = 1 - 0.1 * 4 / 2 = 0.8
    # s2 = 0.75 * 4 + 0.25 * 4 = 4 -> p2 = 0.8 - 0.1 * 2 / 2 = 0.7
    opt = make_optimizer("rmsprop", lr=0.1, alpha=0.75, eps=TINY)
    assert trajectory(opt, 1.0, [4.0, 2.0]) == pytest.approx([0.8, 0.7])


def test_rmsprop_defaults_first_step() -> None:
    # s1 = (1 - 0.99) * 2² = 0.04 -> p1 = 1 - 0.01 * 2 / (√0.04 + 1e-8)
    opt = make_optimizer("rmsprop")
    assert trajectory(opt, 1.0, [2.0]) == pytest.approx([1 - 0.01 * 2 / (0.2 + 1e-8)], rel=1e-14)


def test_rmsprop_centered_subtracts_the_squared_mean_gradient() -> None:
    # s1 = 4, m1 = 0.25 * 4 = 1 -> p1 = 1 - 0.1 * 4 / √(4 - 1)
    # s2 = 4, m2 = 0.75 * 1 + 0.25 * 2 = 1.25 -> p2 = p1 - 0.1 * 2 / √(4 - 1.5625)
    opt = make_optimizer("rmsprop", lr=0.1, alpha=0.75, eps=TINY, centered=True)
    p1 = 1 - 0.1 * 4 / math.sqrt(3)
    p2 = p1 - 0.1 * 2 / math.sqrt(2.4375)
    assert trajectory(opt, 1.0, [4.0, 2.0]) == pytest.approx([p1, p2], rel=1e-14)


def test_rmsprop_momentum_buffer_starts_at_zero() -> None:
    # b1 = 0.9 * 0 + 4 / 2 = 2 -> p1 = 1 - 0.1 * 2 = 0.8
    # b2 = 0.9 * 2 + 2 / 2 = 2.8 -> p2 = 0.8 - 0.1 * 2.8 = 0.52
    opt = make_optimizer("rmsprop", lr=0.1, alpha=0.75, eps=TINY, momentum=0.9)
    assert trajectory(opt, 1.0, [4.0, 2.0]) == pytest.approx([0.8, 0.52])


def test_rmsprop_weight_decay() -> None:
    # g1 = 3.5 + 0.5 * 1 = 4 -> s1 = 4 -> p1 = 1 - 0.1 * 4 / 2 = 0.8
    opt = make_optimizer("rmsprop", lr=0.1, alpha=0.75, eps=TINY, weight_decay=0.5)
    assert trajectory(opt, 1.0, [3.5]) == pytest.approx([0.8])


# --- Adagrad: eps 0, gradients 3 then 4 ------------------------------------------------------


def test_adagrad_divides_by_root_of_summed_squares() -> None:
    # sum1 = 9 -> p1 = 1 - 0.1 * 3 / 3 = 0.9;  sum2 = 9 + 16 = 25 -> p2 = 0.9 - 0.1 * 4 / 5 = 0.82
    opt = make_optimizer("adagrad", lr=0.1, eps=TINY)
    assert trajectory(opt, 1.0, [3.0, 4.0]) == pytest.approx([0.9, 0.82])


def test_adagrad_lr_decay_shrinks_the_rate_per_step() -> None:
    # clr1 = 0.1 / (1 + 0 * 0.5) = 0.1 -> p1 = 0.9
    # clr2 = 0.1 / (1 + 1 * 0.5) = 0.0666… -> p2 = 0.9 - 0.0666… * 4 / 5 = 0.84666…
    opt = make_optimizer("adagrad", lr=0.1, eps=TINY, lr_decay=0.5)
    assert trajectory(opt, 1.0, [3.0, 4.0]) == pytest.approx([0.9, 0.9 - 0.1 / 1.5 * 0.8])


def test_adagrad_initial_accumulator_value() -> None:
    # sum1 = 16 + 9 = 25 -> p1 = 1 - 0.1 * 3 / 5 = 0.94
    opt = make_optimizer("adagrad", lr=0.1, eps=TINY, initial_accumulator_value=16.0)
    assert trajectory(opt, 1.0, [3.0]) == pytest.approx([0.94])


def test_adagrad_weight_decay() -> None:
    # g1 = 2 + 1 * 1 = 3 -> sum1 = 9 -> p1 = 1 - 0.1 * 3 / 3 = 0.9
    opt = make_optimizer("adagrad", lr=0.1, eps=TINY, weight_decay=1.0)
    assert trajectory(opt, 1.0, [2.0]) == pytest.approx([0.9])


def test_adagrad_default_eps() -> None:
    opt = make_optimizer("adagrad", lr=0.1)
    assert trajectory(opt, 1.0, [3.0]) == pytest.approx([1 - 0.1 * 3 / (3 + 1e-10)], rel=1e-14)


# --- Adam family: lr 0.1, betas (0.9, 0.999), eps 1e-8, gradients 2 then 1 -------------------

# After g = 2, 1: m = 0.2, 0.28; v = 0.004, 0.004996; 1 - β1^t = 0.1, 0.19;
# 1 - β2^t = 0.001, 0.001999. Update: p -= lr · (m / (1 - β1^t)) / (√(v / (1 - β2^t)) + eps).
ADAM_P1 = 1 - 0.1 * (0.2 / 0.1) / (math.sqrt(0.004 / 0.001) + 1e-8)
ADAM_P2 = ADAM_P1 - 0.1 * (0.28 / 0.19) / (math.sqrt(0.004996 / 0.001999) + 1e-8)


def test_adam_first_step_moves_about_lr_and_second_follows_bias_correction() -> None:
    opt = make_optimizer("adam", lr=0.1)
    assert trajectory(opt, 1.0, [2.0, 1.0]) == pytest.approx([ADAM_P1, ADAM_P2], rel=1e-14)
    assert ADAM_P1 == pytest.approx(0.9)
    np.testing.assert_allclose(opt.state["exp_avg"], [0.28], rtol=1e-14)
    np.testing.assert_allclose(opt.state["exp_avg_sq"], [0.004996], rtol=1e-14)


def test_adam_amsgrad_keeps_the_largest_second_moment() -> None:
    # g2 = 0: m2 = 0.18, v2 = 0.999 * 0.004 = 0.003996 < v_max = 0.004
    opt = make_optimizer("adam", lr=0.1, amsgrad=True)
    p2 = ADAM_P1 - 0.1 * (0.18 / 0.19) / (math.sqrt(0.004 / 0.001999) + 1e-8)
    assert trajectory(opt, 1.0, [2.0, 0.0]) == pytest.approx([ADAM_P1, p2], rel=1e-14)
    plain = trajectory(make_optimizer("adam", lr=0.1), 1.0, [2.0, 0.0])
    assert plain[1] == pytest.approx(
        ADAM_P1 - 0.1 * (0.18 / 0.19) / (math.sqrt(0.003996 / 0.001999) + 1e-8), rel=1e-14
    )


def test_adam_weight_decay_is_l2_added_to_the_gradient() -> None:
    # g1 = 1.5 + 0.5 * 1 = 2, the same first step as plain Adam with g = 2
    opt = make_optimizer("adam", lr=0.1, weight_decay=0.5)
    assert trajectory(opt, 1.0, [1.5]) == pytest.approx([ADAM_P1], rel=1e-14)


def test_adam_betas_accept_a_list() -> None:
    # β = (0.5, 0.75), eps 0, g = 2: m = 1, v = 1; m̂ = 2, v̂ = 4 -> p1 = 1 - 0.1 * 2 / 2 = 0.9
    opt = make_optimizer("adam", lr=0.1, betas=[0.5, 0.75], eps=TINY)
    assert opt.hyper["betas"] == (0.5, 0.75)
    assert trajectory(opt, 1.0, [2.0]) == pytest.approx([0.9])


def test_adamw_decays_parameters_before_the_adam_step() -> None:
    # p ← 1 · (1 - 0.1 · 0.01) = 0.999, then the plain Adam step of 0.1 · 2 / (2 + 1e-8)
    opt = make_optimizer("adamw", lr=0.1)
    p1 = 0.999 - 0.1 * 2 / (2 + 1e-8)
    assert trajectory(opt, 1.0, [2.0]) == pytest.approx([p1], rel=1e-14)


def test_adamw_amsgrad() -> None:
    opt = make_optimizer("adamw", lr=0.1, weight_decay=0.0, amsgrad=True)
    p2 = ADAM_P1 - 0.1 * (0.18 / 0.19) / (math.sqrt(0.004 / 0.001999) + 1e-8)
    assert trajectory(opt, 1.0, [2.0, 0.0]) == pytest.approx([ADAM_P1, p2], rel=1e-14)


def _mu(t: int, momentum_decay: float = 4e-3, beta1: float = 0.9) -> float:
    """NAdam's momentum schedule μ_t = β1 (1 - ½ · 0.96^(t · ψ))."""
    return beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))


def test_nadam_two_steps() -> None:
    # p -= lr (1 - μ_t) / (1 - Πμ_1..t) · g / d  +  lr μ_{t+1} / (1 - Πμ_1..t+1) · m / d
    # d = √(v / (1 - β2^t)) + eps; m and v as for Adam (0.2, 0.28 and 0.004, 0.004996).
    mu1, mu2, mu3 = _mu(1), _mu(2), _mu(3)
    d1 = math.sqrt(0.004 / 0.001) + 1e-8
    p1 = 1 - 0.1 * (1 - mu1) / (1 - mu1) * 2 / d1 - 0.1 * mu2 / (1 - mu1 * mu2) * 0.2 / d1
    d2 = math.sqrt(0.004996 / 0.001999) + 1e-8
    p2 = (
        p1
        - 0.1 * (1 - mu2) / (1 - mu1 * mu2) * 1 / d2
        - 0.1 * mu3 / (1 - mu1 * mu2 * mu3) * 0.28 / d2
    )
    opt = make_optimizer("nadam", lr=0.1)
    assert trajectory(opt, 1.0, [2.0, 1.0]) == pytest.approx([p1, p2], rel=1e-14)
    assert float(opt.state["mu_product"]) == pytest.approx(mu1 * mu2, rel=1e-15)


def test_nadam_without_momentum_decay_uses_half_beta1() -> None:
    # ψ = 0: μ = 0.9 · (1 - 0.5) = 0.45 every step; eps 0, g = 2, d = 2:
    # p1 = 1 - 0.1 · 0.55 / 0.55 · 2 / 2 - 0.1 · 0.45 / (1 - 0.2025) · 0.2 / 2
    opt = make_optimizer("nadam", lr=0.1, momentum_decay=0.0, eps=TINY)
    p1 = 1 - 0.1 - 0.1 * 0.45 / 0.7975 * 0.1
    assert trajectory(opt, 1.0, [2.0]) == pytest.approx([p1], rel=1e-14)


def test_nadam_weight_decay_l2_or_decoupled() -> None:
    mu1, mu2 = _mu(1), _mu(2)

    def first_step(p: float, g: float) -> float:
        d = 2.0 + 1e-8  # √(v̂) = |g| = 2 for every first step here
        return p - 0.1 * g / d - 0.1 * mu2 / (1 - mu1 * mu2) * 0.1 * g / d

    l2 = make_optimizer("nadam", lr=0.1, weight_decay=0.5)
    # g = 1.5 + 0.5 * 1 = 2
    assert trajectory(l2, 1.0, [1.5]) == pytest.approx([first_step(1.0, 2.0)], rel=1e-14)
    decoupled = make_optimizer("nadam", lr=0.1, weight_decay=0.5, decoupled_weight_decay=True)
    # p ← 1 · (1 - 0.1 · 0.5) = 0.95, then the step with g = 2
    assert trajectory(decoupled, 1.0, [2.0]) == pytest.approx([first_step(0.95, 2.0)], rel=1e-14)


# --- PyTorch's own numbers -------------------------------------------------------------------


@pytest.mark.parametrize("entry", REFERENCE["optimizers"], ids=lambda e: e["id"])
def test_matches_torch_reference(entry: dict) -> None:
    center = np.array(REFERENCE["center"])
    opt = make_optimizer(entry["optimizer"], **entry["hyper"])
    p = np.array(REFERENCE["start"])
    factor = entry["lr_factor_per_step"]
    for t, expected in enumerate(entry["params"]):
        lr = None if factor is None else entry["hyper"]["lr"] * factor**t
        p = opt.step(p, 2 * (p - center) + np.sin(p), lr=lr)
        np.testing.assert_allclose(p, expected, rtol=1e-12, atol=0, err_msg=f"step {t + 1}")


def test_torch_reference_covers_every_optimizer() -> None:
    assert {e["optimizer"] for e in REFERENCE["optimizers"]} == set(optimizer_names())


# --- validation --------------------------------------------------------------------------------


def test_unknown_parameter_names_the_allowed_ones() -> None:
    with pytest.raises(ValueError) as info:
        make_optimizer("adam", foo=1)
    assert str(info.value) == (
        "unknown parameter 'foo' for adam; allowed: lr, betas, eps, weight_decay, amsgrad"
    )


@pytest.mark.parametrize(
    ("name", "hyper", "message"),
    [
        ("sgd", {"lr": -0.1}, "lr for sgd must be a number >= 0, got -0.1"),
        ("sgd", {"lr": math.inf}, "lr for sgd must be a number >= 0"),
        ("sgd", {"lr": math.nan}, "lr for sgd must be a number >= 0"),
        ("sgd", {"lr": "0.1"}, "lr for sgd must be a number >= 0, got '0.1'"),
        ("sgd", {"momentum": 1.0}, r"momentum for sgd must be a number in \[0, 1\)"),
        ("sgd", {"momentum": True}, r"momentum for sgd must be a number in \[0, 1\)"),
        ("sgd", {"dampening": 1.5}, r"dampening for sgd must be a number in \[0, 1\]"),
        ("sgd", {"nesterov": 1}, "nesterov for sgd must be true or false, got 1"),
        ("rmsprop", {"alpha": -0.5}, r"alpha for rmsprop must be a number in \[0, 1\)"),
        ("rmsprop", {"centered": "yes"}, "centered for rmsprop must be true or false"),
        ("adagrad", {"lr_decay": -1}, "lr_decay for adagrad must be a number >= 0"),
        (
            "adagrad",
            {"initial_accumulator_value": -1},
            "initial_accumulator_value for adagrad must be a number >= 0",
        ),
        ("adam", {"eps": -1e-8}, "Invalid epsilon value: eps for adam must be a number > 0"),
        ("adam", {"eps": 0.0}, "eps for adam must be a number > 0, got 0.0"),
        ("adam", {"betas": (0.9, 1.0)}, r"betas for adam must be two numbers in \[0, 1\)"),
        ("adam", {"betas": (-0.1, 0.9)}, r"betas for adam must be two numbers in \[0, 1\)"),
        ("adam", {"betas": (0.9,)}, r"betas for adam must be two numbers in \[0, 1\)"),
        ("adam", {"betas": 0.9}, r"betas for adam must be two numbers in \[0, 1\), got 0.9"),
        ("adam", {"betas": ("a", 0.9)}, r"betas for adam must be two numbers"),
        ("adam", {"amsgrad": None}, "amsgrad for adam must be true or false"),
        ("adamw", {"weight_decay": -0.01}, "weight_decay for adamw must be a number >= 0"),
        ("nadam", {"momentum_decay": -1}, "momentum_decay for nadam must be a number >= 0"),
        (
            "nadam",
            {"decoupled_weight_decay": 0},
            "decoupled_weight_decay for nadam must be true or false",
        ),
        ("momentum", {"amsgrad": True}, "unknown parameter 'amsgrad' for momentum; allowed: lr,"),
    ],
)
def test_bad_values_name_the_parameter_and_range(name: str, hyper: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_optimizer(name, **hyper)


def test_numpy_scalars_and_edge_values_are_accepted() -> None:
    opt = make_optimizer("adam", lr=np.float32(0.5), amsgrad=np.bool_(True), betas=(0.0, 0.5))
    assert opt.hyper["lr"] == 0.5 and type(opt.hyper["lr"]) is float
    assert opt.hyper["amsgrad"] is True
    assert make_optimizer("sgd", lr=0, momentum=0.5, dampening=1).hyper["dampening"] == 1.0


# --- stepping, set_hyper, reset -----------------------------------------------------------------


def test_step_returns_new_array_and_leaves_inputs_alone() -> None:
    opt = make_optimizer("adam", lr=0.1, weight_decay=0.1)
    params = np.array([1.0, 2.0])
    grad = np.array([0.5, -0.5])
    new = opt.step(params, grad)
    assert new is not params
    np.testing.assert_array_equal(params, [1.0, 2.0])
    np.testing.assert_array_equal(grad, [0.5, -0.5])
    assert new.dtype == np.float64
    assert opt.steps == 1


def test_step_accepts_integer_arrays_and_counts_steps() -> None:
    opt = make_optimizer("sgd", lr=0.5)
    p = opt.step(np.array([1, 2]), np.array([1, 1]))
    np.testing.assert_array_equal(p, [0.5, 1.5])
    opt.step(p, np.array([1.0, 1.0]))
    assert opt.steps == 2


def test_lr_argument_overrides_for_one_step_only() -> None:
    # p1 = 1 - 0.5 * 2 = 0;  p2 = 0 - 0.1 * 1 = -0.1 (hyper lr again)
    opt = make_optimizer("sgd", lr=0.1)
    p = opt.step(np.array([1.0]), np.array([2.0]), lr=0.5)
    assert p == pytest.approx([0.0])
    assert opt.hyper["lr"] == 0.1
    assert opt.step(p, np.array([1.0])) == pytest.approx([-0.1])


def test_lr_argument_is_validated() -> None:
    with pytest.raises(ValueError, match="lr for sgd must be a number >= 0"):
        make_optimizer("sgd").step(np.array([1.0]), np.array([1.0]), lr=-1.0)


def test_gradient_shape_must_match_parameters() -> None:
    with pytest.raises(ValueError, match=r"gradient shape \(3,\) does not match .* \(2,\)"):
        make_optimizer("sgd").step(np.zeros(2), np.zeros(3))


def test_state_shape_change_requires_reset() -> None:
    opt = make_optimizer("adam")
    opt.step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="reset"):
        opt.step(np.zeros(3), np.ones(3))
    opt.reset()
    assert opt.step(np.zeros(3), np.ones(3)).shape == (3,)


def test_set_hyper_applies_from_next_step_and_keeps_state() -> None:
    # b1 = 2 -> p1 = 0.8 (lr 0.1);  lr := 0.05;  b2 = 0.9 * 2 + 1 = 2.8 -> p2 = 0.8 - 0.14 = 0.66
    opt = make_optimizer("momentum", lr=0.1)
    p = opt.step(np.array([1.0]), np.array([2.0]))
    opt.set_hyper("lr", 0.05)
    assert opt.step(p, np.array([1.0])) == pytest.approx([0.66])
    assert opt.steps == 2


def test_set_hyper_mid_run_keeps_adam_moments_and_step_count() -> None:
    # Raising eps after step 1 changes only the denominator of step 2.
    opt = make_optimizer("adam", lr=0.1)
    p = opt.step(np.array([1.0]), np.array([2.0]))
    opt.set_hyper("eps", 0.5)
    p2 = ADAM_P1 - 0.1 * (0.28 / 0.19) / (math.sqrt(0.004996 / 0.001999) + 0.5)
    assert opt.step(p, np.array([1.0])) == pytest.approx([p2], rel=1e-14)


def test_set_hyper_turns_amsgrad_on_mid_run() -> None:
    # v_max starts at zero when switched on, so step 2 uses max(0, v2) = v2: plain Adam's step.
    opt = make_optimizer("adam", lr=0.1)
    p = opt.step(np.array([1.0]), np.array([2.0]))
    opt.set_hyper("amsgrad", True)
    assert opt.step(p, np.array([1.0])) == pytest.approx([ADAM_P2], rel=1e-14)
    assert opt.state["max_exp_avg_sq"] == pytest.approx([0.004996])


def test_set_hyper_rejects_bad_values_and_keeps_the_old_ones() -> None:
    opt = make_optimizer("nesterov", lr=0.1)
    with pytest.raises(ValueError, match="lr for nesterov must be a number >= 0"):
        opt.set_hyper("lr", -1)
    with pytest.raises(ValueError, match="nesterov for nesterov requires momentum > 0"):
        opt.set_hyper("momentum", 0.0)
    with pytest.raises(ValueError, match="unknown parameter 'beta'"):
        opt.set_hyper("beta", 0.9)
    assert opt.hyper == {
        "lr": 0.1,
        "momentum": 0.9,
        "dampening": 0.0,
        "weight_decay": 0.0,
        "nesterov": True,
    }


def test_set_hyper_coerces_betas_to_a_tuple() -> None:
    opt = make_optimizer("nadam")
    opt.set_hyper("betas", [0.5, 0.9])
    assert opt.hyper["betas"] == (0.5, 0.9)


@pytest.mark.parametrize("name", optimizer_names())
def test_reset_makes_the_next_step_a_first_step(name: str) -> None:
    opt = make_optimizer(name, lr=0.1)
    fresh = make_optimizer(name, lr=0.1)
    p = np.array([1.0, -1.0])
    for g in ([2.0, 1.0], [0.5, -3.0], [1.0, 1.0]):
        p = opt.step(p, np.array(g))
    opt.reset()
    assert opt.steps == 0
    assert opt.state == {}
    start, grad = np.array([0.3, 0.7]), np.array([1.5, -0.5])
    np.testing.assert_array_equal(opt.step(start, grad), fresh.step(start, grad))


@pytest.mark.parametrize("name", optimizer_names())
def test_zero_gradient_at_the_minimum_stays_put(name: str) -> None:
    opt = make_optimizer(name, lr=0.1, **({"weight_decay": 0.0} if name == "adamw" else {}))
    p = np.array([0.0, 0.0])
    for _ in range(5):
        p = opt.step(p, np.zeros(2))
    np.testing.assert_array_equal(p, [0.0, 0.0])


@pytest.mark.parametrize(
    ("name", "hyper", "message"),
    [
        (
            "sgd",
            {"lr": 10**400},
            "Invalid learning rate: lr for sgd must be a number >= 0, got an integer of 401 digits",
        ),
        ("adam", {"lr": 10**5000 - 1}, "got an integer of 5000 digits"),
        ("adam", {"betas": (0.9, 10**400)}, "Invalid beta parameter: betas for adam"),
        ("rmsprop", {"eps": 10**400}, "Invalid epsilon value: eps for rmsprop"),
        ("sgd", {"weight_decay": "9" * 400}, r"Invalid weight_decay value: .* \(402 characters\)"),
        ("nadam", {"momentum_decay": np.nan}, "Invalid momentum_decay value"),
        ("sgd", {"lr": np.array([0.1])}, "Invalid learning rate"),
    ],
)
def test_huge_or_odd_values_are_refused_in_one_short_line(name, hyper, message) -> None:
    with pytest.raises(ConfigError, match=message) as e:
        make_optimizer(name, **hyper)
    assert len(str(e.value)) < 160


def test_every_refusal_is_a_config_error() -> None:
    for call in (
        lambda: make_optimizer(["sgd"]),
        lambda: make_optimizer("lion"),
        lambda: make_optimizer("sgd", foo=1),
        lambda: make_optimizer("sgd", nesterov=True),
        lambda: make_optimizer("adam").set_hyper("eps", 0),
    ):
        with pytest.raises(ConfigError):
            call()


def test_an_absurd_but_legal_learning_rate_is_accepted() -> None:
    opt = make_optimizer("adam", lr=1e300)
    assert opt.hyper["lr"] == 1e300
    assert np.isfinite(opt.step(np.array([1.0]), np.array([1.0]))).all()
