"""Learning-rate schedules and gradient clipping: hand-computed values and PyTorch's numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdstudio.core.errors import ConfigError
from gdstudio.core.schedules import SCHEDULES, clip_grad_norm, make_schedule, schedule_names

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "torch_reference.json").read_text(encoding="utf-8")
)

HALF_COS_QUARTER = (1 + math.cos(math.pi / 4)) / 2  # 0.8535…, the cosine factor one eighth in


def lrs(name: str, base_lr: float, last_t: int, **params: object) -> list[float]:
    """lr_at(t) for t = 0..last_t."""
    schedule = make_schedule(name, **params)
    return [schedule.lr_at(t, base_lr) for t in range(last_t + 1)]


def test_registry_lists_every_schedule_in_display_order() -> None:
    assert schedule_names() == ["constant", "step", "exponential", "cosine", "warmup-cosine"]
    assert all(SCHEDULES[name].name == name for name in schedule_names())


def test_constant_keeps_the_base_lr() -> None:
    assert lrs("constant", 0.1, 5) == [0.1] * 6


def test_step_decay_multiplies_by_gamma_every_step_size_updates() -> None:
    # Updates 1-3 (t = 0, 1, 2) use 0.4, updates 4-6 use 0.4 · 0.5 = 0.2, then 0.1.
    assert lrs("step", 0.4, 6, step_size=3, gamma=0.5) == pytest.approx(
        [0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1]
    )


def test_step_decay_default_gamma_is_a_tenth() -> None:
    assert lrs("step", 1.0, 4, step_size=2) == pytest.approx([1.0, 1.0, 0.1, 0.1, 0.01])


def test_exponential_multiplies_by_gamma_every_update() -> None:
    assert lrs("exponential", 0.8, 3, gamma=0.5) == pytest.approx([0.8, 0.4, 0.2, 0.1])


def test_cosine_falls_from_base_to_eta_min_over_t_max() -> None:
    # lr_t = eta_min + (base - eta_min) · (1 + cos(π t / T_max)) / 2 with T_max = 4
    values = lrs("cosine", 1.0, 4, T_max=4)
    assert values == pytest.approx([1.0, HALF_COS_QUARTER, 0.5, 1 - HALF_COS_QUARTER, 0.0])


def test_cosine_climbs_back_after_t_max_like_torch() -> None:
    # CosineAnnealingLR is periodic: past T_max it rises again and is back at base at 2 · T_max.
    values = lrs("cosine", 1.0, 8, T_max=4)
    assert values[4:] == pytest.approx([0.0, 1 - HALF_COS_QUARTER, 0.5, HALF_COS_QUARTER, 1.0])


def test_cosine_eta_min_is_the_floor() -> None:
    # 0.1 + (1 - 0.1) · (1 + cos(π/2)) / 2 = 0.55 at t = 2;  0.1 at t = T_max = 4
    values = lrs("cosine", 1.0, 4, T_max=4, eta_min=0.1)
    assert values[2] == pytest.approx(0.55)
    assert values[4] == pytest.approx(0.1)


def test_warmup_cosine_ramps_linearly_then_anneals() -> None:
    # Warm-up over 4 updates from 0.3 / 3 = 0.1: 0.1, 0.15, 0.2, 0.25; then the cosine with
    # period T_max - warmup = 4 starts at the full 0.3 at t = 4 and reaches 0 at t = T_max = 8.
    values = lrs("warmup-cosine", 0.3, 8, warmup_steps=4, T_max=8)
    expected = [
        0.1,
        0.15,
        0.2,
        0.25,
        0.3,
        0.3 * HALF_COS_QUARTER,
        0.15,
        0.3 * (1 - HALF_COS_QUARTER),
    ]
    assert values == pytest.approx([*expected, 0.0])


def test_warmup_cosine_options_and_past_t_max() -> None:
    # start_factor 0.5: 0.5, 0.75 then 1.0 at t = 2; cosine to eta_min 0.2 at t = T_max = 4;
    # beyond T_max it climbs back: t = 5 mirrors t = 3.
    values = lrs("warmup-cosine", 1.0, 6, warmup_steps=2, T_max=4, start_factor=0.5, eta_min=0.2)
    assert values == pytest.approx([0.5, 0.75, 1.0, 0.6, 0.2, 0.6, 1.0])


def test_warmup_cosine_without_warmup_is_cosine() -> None:
    assert lrs("warmup-cosine", 0.1, 30, warmup_steps=0, T_max=10) == pytest.approx(
        lrs("cosine", 0.1, 30, T_max=10), rel=1e-15
    )


@pytest.mark.parametrize("entry", REFERENCE["schedules"], ids=lambda e: e["id"])
def test_matches_torch_reference(entry: dict) -> None:
    ours = lrs(entry["schedule"], entry["base_lr"], len(entry["lr"]) - 1, **entry["params"])
    # Exact zeros (cosine at T_max) come out as exact zeros on both sides.
    np.testing.assert_allclose(ours, entry["lr"], rtol=1e-12, atol=1e-300)


def test_torch_reference_covers_every_schedule() -> None:
    assert {e["schedule"] for e in REFERENCE["schedules"]} == set(schedule_names())


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("step", "step schedule needs step_size"),
        ("exponential", "exponential schedule needs gamma"),
        ("cosine", "cosine schedule needs T_max"),
        ("warmup-cosine", "warmup-cosine schedule needs warmup_steps, T_max"),
    ],
)
def test_missing_required_parameters_are_named(name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_schedule(name)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        (
            "step",
            {"step_size": 0},
            r"step_size for step must be an integer >= 1 and < 2\*\*63, got 0",
        ),
        ("step", {"step_size": 2.5}, "step_size for step must be an integer >= 1"),
        ("step", {"step_size": True}, "step_size for step must be an integer >= 1"),
        ("step", {"step_size": 2, "gamma": 0}, "gamma for step must be a number > 0"),
        ("exponential", {"gamma": -0.5}, "gamma for exponential must be a number > 0"),
        ("exponential", {"gamma": math.nan}, "gamma for exponential must be a number > 0"),
        ("cosine", {"T_max": 0}, "T_max for cosine must be an integer >= 1"),
        (
            "cosine",
            {"T_max": "10"},
            r"T_max for cosine must be an integer >= 1 and < 2\*\*63, got '10'",
        ),
        ("cosine", {"T_max": 10, "eta_min": -0.1}, "eta_min for cosine must be a number >= 0"),
        (
            "warmup-cosine",
            {"warmup_steps": -1, "T_max": 10},
            "warmup_steps for warmup-cosine must be an integer >= 0",
        ),
        (
            "warmup-cosine",
            {"warmup_steps": 2, "T_max": 10, "start_factor": 0},
            r"start_factor for warmup-cosine must be a number in \(0, 1\]",
        ),
        (
            "warmup-cosine",
            {"warmup_steps": 10, "T_max": 10},
            "warmup_steps for warmup-cosine must be less than T_max, got warmup_steps=10, T_max=10",
        ),
        (
            "cosine",
            {"T_max": 10, "gamma": 0.5},
            "unknown parameter 'gamma' for cosine; allowed: T_max, eta_min",
        ),
        ("constant", {"gamma": 0.5}, "unknown parameter 'gamma' for constant; allowed: none"),
    ],
)
def test_bad_values_name_the_parameter_and_range(name: str, params: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_schedule(name, **params)


def test_unknown_schedule_lists_allowed_names() -> None:
    with pytest.raises(ValueError, match="unknown schedule 'linear'; allowed: constant, step, "):
        make_schedule("linear")


def test_integral_floats_are_accepted_as_integers() -> None:
    schedule = make_schedule("step", step_size=10.0, gamma=1)
    assert schedule.params == {"step_size": 10, "gamma": 1.0}
    assert type(schedule.params["step_size"]) is int


def test_lr_at_rejects_negative_update_index() -> None:
    with pytest.raises(ValueError, match="update index must be an integer >= 0, got -1"):
        make_schedule("constant").lr_at(-1, 0.1)


# --- gradient clipping ---------------------------------------------------------------------


def test_clip_scales_a_long_gradient_to_max_norm() -> None:
    # |(3, 4)| = 5 -> coef = 1 / (5 + 1e-6) -> (0.6, 0.8) shrunk by 1e-6 / 5 relative
    clipped, norm = clip_grad_norm(np.array([3.0, 4.0]), 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(clipped, np.array([3.0, 4.0]) / (5 + 1e-6), rtol=1e-15)


def test_clip_leaves_a_short_gradient_unchanged() -> None:
    # coef = 10 / 5.000001 > 1 is clamped to 1
    grad = np.array([3.0, 4.0])
    clipped, norm = clip_grad_norm(grad, 10.0)
    assert norm == 5.0
    np.testing.assert_array_equal(clipped, grad)
    assert clipped is not grad


@pytest.mark.parametrize(
    ("norm_type", "total"), [(1.0, 7.0), (math.inf, 4.0), (3.0, 91 ** (1 / 3))]
)
def test_clip_other_norms(norm_type: float, total: float) -> None:
    # |3| + |-4| = 7;  max(|3|, |-4|) = 4;  (27 + 64)^(1/3)
    clipped, norm = clip_grad_norm(np.array([3.0, -4.0]), 1.0, norm_type)
    assert norm == pytest.approx(total, rel=1e-15)
    np.testing.assert_allclose(clipped, np.array([3.0, -4.0]) / (total + 1e-6), rtol=1e-15)


def test_clip_zero_gradient() -> None:
    clipped, norm = clip_grad_norm(np.zeros(2), 1.0)
    assert norm == 0.0
    np.testing.assert_array_equal(clipped, [0.0, 0.0])


def test_clip_overflowing_norm_zeroes_the_gradient_like_torch() -> None:
    # (1e200)² overflows, so the 2-norm is inf and coef = 1 / inf = 0, as clip_grad_norm_ does.
    clipped, norm = clip_grad_norm(np.array([1e200, 1.0]), 1.0)
    assert norm == math.inf
    np.testing.assert_array_equal(clipped, [0.0, 0.0])


def test_clip_propagates_nan() -> None:
    clipped, norm = clip_grad_norm(np.array([math.nan, 1.0]), 1.0)
    assert math.isnan(norm)
    assert np.isnan(clipped).all()


@pytest.mark.parametrize(
    ("max_norm", "norm_type", "message"),
    [
        (0.0, 2.0, "max_norm must be a finite number > 0, got 0.0"),
        (-1.0, 2.0, "max_norm must be a finite number > 0"),
        (1.0, 0.0, "norm_type must be a number > 0 or inf, got 0.0"),
    ],
)
def test_clip_rejects_bad_arguments(max_norm: float, norm_type: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        clip_grad_norm(np.ones(2), max_norm, norm_type)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        (
            "step",
            {"step_size": 10**400},
            "step_size for step must be an integer >= 1 and < "
            r"2\*\*63, got an integer of 401 digits",
        ),
        ("step", {"step_size": 2**63}, "step_size for step must be an integer >= 1"),
        ("step", {"step_size": 1e300}, "step_size for step must be an integer >= 1"),
        ("exponential", {"gamma": 10**400}, "gamma for exponential must be a number > 0"),
        ("exponential", {"gamma": math.inf}, "gamma for exponential must be a number > 0"),
        ("cosine", {"T_max": -(10**400)}, "got a negative integer of 401 digits"),
        ("cosine", {"T_max": 5, "eta_min": 10**5000 - 1}, "got an integer of 5000 digits"),
        ("warmup-cosine", {"warmup_steps": True, "T_max": 5}, "warmup_steps for warmup-cosine"),
    ],
)
def test_huge_or_odd_parameters_are_refused_in_one_short_line(name, params, message) -> None:
    with pytest.raises(ConfigError, match=message) as e:
        make_schedule(name, **params)
    assert len(str(e.value)) < 160


def test_unknown_schedules_of_any_type_are_a_config_error() -> None:
    for name in (["step"], None, 3):
        with pytest.raises(ConfigError, match="unknown schedule"):
            make_schedule(name)


@pytest.mark.parametrize(
    ("name", "params"),
    [("exponential", {"gamma": 1e300}), ("step", {"step_size": 1, "gamma": 1e300})],
)
def test_an_lr_beyond_a_float_comes_back_as_inf_not_an_overflow_error(name, params) -> None:
    sched = make_schedule(name, **params)
    assert sched.lr_at(1, 1e-3) == pytest.approx(1e297)
    assert sched.lr_at(2, 1e-3) == math.inf
    assert sched.lr_at(10**6, 0.0) == 0.0  # a zero lr stays zero however large gamma**t
    assert make_schedule(name, **{**params, "gamma": 1e-300}).lr_at(10**6, 0.1) == 0.0
