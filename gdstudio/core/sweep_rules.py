"""The sweep's update rules as one shared template with per-run coefficient columns.

A sweep steps hundreds of runs of a few optimizers at once. Stepping each optimizer's runs on
their own costs one numpy call per operation per optimizer; here the rules share their
operations instead, each run carrying its own coefficients (SGD with or without momentum,
Nesterov, RMSprop, Adagrad, Adam, AdamW, NAdam):

    s ← s·α + (w·g)·g                 d ← √(s / c) / e + ε
    b ← b·μ + δ·g  (b = g at step 1)  h ← κ·g + ν·b
    p' ← p + c₁·(h / d)               m ← m + w₁·(g − m)          p' ← p' + c₂·(m / d)

Each rule is this with its own numbers: Adam has c = 1, e = √(1 − β₂ᵗ), c₁ = 0,
c₂ = −lr / (1 − β₁ᵗ); SGD has s = 1, α = 1, w = 0, ε = 0 (so d = 1), κ = 1, ν = 0 and
c₁ = −lr; Momentum has κ = 0, ν = 1; Nesterov κ = 1, ν = μ... Multiplying or dividing by 1
and adding a zero are exact in IEEE arithmetic, so each run takes the operations of
optimizers.py in their order: the same bits as a lone run (adding a zero may turn a −0 into
+0, which compares equal).

Weight decay is applied per optimizer first (g + wd·p, or p·(1 − lr·wd) when decoupled). A
rule the template does not cover (centered or momentum RMSprop, AMSGrad, β₁ < 0.5) steps its
own runs with `Optimizer.step_many`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np

from .optimizers import SGD, Adagrad, Adam, NAdam, Optimizer, RMSprop

Array = np.ndarray
SHARED, OWN = "shared", "own"
# The per-run coefficient columns and the value a run that does not use one holds.
COLUMNS: dict[str, float] = {
    "lr": 0.0,
    "neg_lr": 0.0,
    "alpha": 1.0,
    "w": 0.0,
    "c": 1.0,
    "e": 1.0,
    "eps": 0.0,
    "c1": 0.0,
    "w1": 0.0,
    "c2": 0.0,
    "decay": 1.0,
    "mom": 0.0,
    "damp": 0.0,
    "kappa": 1.0,
    "nu": 0.0,
}
Views = dict[str, Array]  # one racer's rows of every column
VARYING = ("c", "e", "c1", "c2")  # the columns that change from step to step
# A racer's varying columns at steps t0, t0 + 1, ..., written into out[name] (steps, runs·d):
# the numbers a lone run computes at each of those steps, computed for many steps at once.
Varying = Callable[[int, Views, dict[str, Array]], None]


@dataclass
class Plan:
    """How one racer's runs step: its template, its columns and what changes each step."""

    family: str
    opt: Optimizer
    columns: Callable[[Array], dict[str, Array | float]] = field(default=lambda lr: {})
    varying: Varying | None = None
    s0: float = 0.0  # the second moment's first value (Adagrad's initial accumulator, SGD's 1)
    coupled_wd: float = 0.0  # g + wd·p before the rule
    decoupled: bool = False  # p·(1 − lr·wd) before the rule
    uses_s: bool = False  # a second moment: s and d as above (else d = 1)
    uses_b: bool = False  # a heavy ball: b and h as above
    uses_m: bool = False  # a first moment m


def rank(plan: Plan) -> int:
    """Where a racer's runs go among the columns, so that each part of the template covers
    one range: second moment only, both moments, heavy ball, plain SGD, their own rule."""
    if plan.family == OWN:
        return 4
    if plan.uses_m:
        return 1
    return 0 if plan.uses_s else 2 if plan.uses_b else 3


def plan_for(opt: Optimizer) -> Plan:
    """The template (and numbers) a fresh optimizer's runs step with."""
    rule = type(opt)._update
    h = opt.hyper
    if rule is SGD._update:
        return _sgd(opt, h)
    if rule is RMSprop._update and not h["centered"] and h["momentum"] == 0:
        return _rmsprop(opt, h)
    if rule is Adagrad._update:
        return _adagrad(opt, h)
    if rule is Adam._update and not h["amsgrad"] and abs(1 - h["betas"][0]) < 0.5:
        return _adam(opt, h)
    if rule is NAdam._update and abs(1 - h["betas"][0]) < 0.5:
        return _nadam(opt, h)
    return Plan(OWN, opt)


def _sgd(opt: Optimizer, h: dict[str, object]) -> Plan:
    wd = float(h["weight_decay"])  # type: ignore[arg-type]
    momentum = float(h["momentum"])  # type: ignore[arg-type]
    if momentum == 0:
        return Plan(SHARED, opt, lambda lr: {"c1": -lr}, s0=1.0, coupled_wd=wd)
    damp = 1 - float(h["dampening"])  # type: ignore[arg-type]
    # p − lr·(g + μ·b) with Nesterov, else p − lr·b
    kappa, nu = (1.0, momentum) if h["nesterov"] else (0.0, 1.0)
    return Plan(
        SHARED,
        opt,
        lambda lr: {"c1": -lr, "mom": momentum, "damp": damp, "kappa": kappa, "nu": nu},
        s0=1.0,
        coupled_wd=wd,
        uses_b=True,
    )


def _rmsprop(opt: Optimizer, h: dict[str, object]) -> Plan:
    alpha = float(h["alpha"])  # type: ignore[arg-type]
    eps = float(h["eps"])  # type: ignore[arg-type]
    return Plan(
        SHARED,
        opt,
        lambda lr: {"alpha": alpha, "w": 1 - alpha, "eps": eps, "c1": -lr},
        coupled_wd=float(h["weight_decay"]),  # type: ignore[arg-type]
        uses_s=True,
    )


def _adagrad(opt: Optimizer, h: dict[str, object]) -> Plan:
    eps = float(h["eps"])  # type: ignore[arg-type]
    lr_decay = float(h["lr_decay"])  # type: ignore[arg-type]

    decayed = _adagrad_steps(lr_decay)

    def varying(t0: int, v: Views, out: dict[str, Array]) -> None:  # −lr / (1 + (t − 1)·lr_decay)
        np.divide(_flat(v["neg_lr"]), decayed.column(t0, len(out["c1"])), out=out["c1"])

    return Plan(
        SHARED,
        opt,
        lambda lr: {"alpha": 1.0, "w": 1.0, "eps": eps, "c1": -lr},
        varying if lr_decay != 0 else None,
        s0=float(h["initial_accumulator_value"]),  # type: ignore[arg-type]
        coupled_wd=float(h["weight_decay"]),  # type: ignore[arg-type]
        uses_s=True,
    )


def _moments(h: dict[str, object]) -> tuple[float, float, dict[str, float]]:
    betas: tuple[float, float] = h["betas"]  # type: ignore[assignment]
    beta1, beta2 = betas
    eps = float(h["eps"])  # type: ignore[arg-type]
    return beta1, beta2, {"alpha": beta2, "w": 1 - beta2, "eps": eps, "w1": 1 - beta1}


def _decay(h: dict[str, object], decoupled: bool) -> Callable[[Array], dict[str, Array | float]]:
    wd = float(h["weight_decay"])  # type: ignore[arg-type]
    return (lambda lr: {"decay": 1 - lr * wd}) if decoupled else (lambda lr: {})


def _moment_plan(
    opt: Optimizer,
    h: dict[str, object],
    fixed: dict[str, float],
    decoupled: bool,
    varying: Varying,
) -> Plan:
    """Adam's and NAdam's plan: both moments, weight decay coupled or decoupled."""
    decay = _decay(h, decoupled)
    wd = float(h["weight_decay"])  # type: ignore[arg-type]
    return Plan(
        SHARED,
        opt,
        lambda lr: {**fixed, **decay(lr)},
        varying,
        coupled_wd=0.0 if decoupled else wd,
        decoupled=decoupled,
        uses_s=True,
        uses_m=True,
    )


def _adam(opt: Optimizer, h: dict[str, object]) -> Plan:
    beta1, beta2, fixed = _moments(h)
    wd = float(h["weight_decay"])  # type: ignore[arg-type]
    decoupled = wd != 0 and bool(getattr(opt, "decoupled", False))

    first, second = _adam_steps(beta1, beta2)

    def varying(t0: int, v: Views, out: dict[str, Array]) -> None:  # −lr / (1 − β₁ᵗ), √(1 − β₂ᵗ)
        k = len(out["c2"])
        np.divide(_flat(v["neg_lr"]), first.column(t0, k), out=out["c2"])
        out["e"][...] = second.column(t0, k)

    return _moment_plan(opt, h, fixed, decoupled, varying)


def _nadam(opt: Optimizer, h: dict[str, object]) -> Plan:
    beta1, beta2, fixed = _moments(h)
    wd = float(h["weight_decay"])  # type: ignore[arg-type]
    md = float(h["momentum_decay"])  # type: ignore[arg-type]
    decoupled = wd != 0 and bool(h["decoupled_weight_decay"])

    second, now_a, now_b, next_a, next_b = _nadam_steps(beta1, beta2, md)

    def varying(t0: int, v: Views, out: dict[str, Array]) -> None:
        k = len(out["c"])
        lr = _flat(v["neg_lr"])
        out["c"][...] = second.column(t0, k)
        for name, a, b in (("c1", now_a, now_b), ("c2", next_a, next_b)):  # lr·a / b
            np.multiply(lr, a.column(t0, k), out=out[name])
            np.divide(out[name], b.column(t0, k), out=out[name])

    return _moment_plan(opt, h, fixed, decoupled, varying)


@lru_cache(maxsize=16)
def _adagrad_steps(lr_decay: float) -> _Steps:
    """1 + (t − 1)·lr_decay, step by step (shared by every sweep with this decay)."""
    return _Steps(lambda t, _: 1 + (t - 1) * lr_decay)


@lru_cache(maxsize=16)
def _adam_steps(beta1: float, beta2: float) -> tuple[_Steps, _Steps]:
    """1 − β₁ᵗ and √(1 − β₂ᵗ), step by step."""
    return _Steps(lambda t, _: 1 - beta1**t), _Steps(lambda t, _: (1 - beta2**t) ** 0.5)


@lru_cache(maxsize=16)
def _nadam_steps(beta1: float, beta2: float, md: float) -> tuple[_Steps, ...]:
    """NAdam's numbers step by step: 1 − β₂ᵗ, then 1 − μₜ over 1 − μ₁…μₜ and μₜ₊₁ over
    1 − μ₁…μₜ·μₜ₊₁ (the products multiplied in order, as a run does)."""

    @cache
    def mu(t: int) -> float:
        return float(beta1 * (1.0 - 0.5 * 0.96 ** (t * md)))

    products = _Steps(lambda t, done: done[t - 1] * mu(t) if t else 1.0)
    return (
        _Steps(lambda t, _: 1 - beta2**t),
        _Steps(lambda t, _: 1.0 - mu(t)),
        _Steps(lambda t, _: 1.0 - products.value(t)),
        _Steps(lambda t, _: mu(t + 1)),
        _Steps(lambda t, _: 1.0 - products.value(t) * mu(t + 1)),
    )


class _Steps:
    """A number of each step t (f(t, the numbers of the steps before)), computed once in
    Python floats and kept as a column of an array for any range of steps. Shared by the
    sweeps with the same hyperparameters, in any thread (a lock guards the growth)."""

    def __init__(self, f: Callable[[int, list[float]], float]) -> None:
        self.f = f
        self.values: list[float] = []
        self.array = np.empty((0, 1))
        self.lock = threading.RLock()

    def value(self, t: int) -> float:
        """The number of step t."""
        with self.lock:
            while len(self.values) <= t:
                self.values.append(float(self.f(len(self.values), self.values)))
            return self.values[t]

    def column(self, t0: int, k: int) -> Array:
        """Steps t0 .. t0 + k − 1 as a column (k, 1), to broadcast over runs."""
        with self.lock:
            if t0 + k > len(self.array):
                self.value(max(t0 + k, 2 * len(self.array)))
                self.array = np.array(self.values, dtype=np.float64)[:, None]
            return self.array[t0 : t0 + k]


def _flat(rows: Array) -> Array:
    """A racer's (runs, d) column as one row (1, runs·d): one long inner loop for numpy."""
    return rows.reshape(1, -1)
