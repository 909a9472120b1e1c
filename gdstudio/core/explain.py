"""One step written out: the engine's own numbers for a run's next update, named as in the rule.

`explain_step(run)` takes one step of `run` (the same step `run.step(1)` takes) and returns what
went into it and what came out — for Adam g, m, v, m̂, v̂, lr and Δθ = −lr·m̂/(√v̂+ε) — so a
student can check the update by hand. g, lr and Δθ are what the optimizer was given and gave;
the buffers are its state after the step; m̂ and v̂ follow from them as the rule defines them.
`arrows(step)` gives the vectors a view draws at the ball: −∇L, the velocity or first moment,
the adjusted gradient (the direction the rule moved in, per unit of lr) and Δθ, plus the
per-axis accumulator of an adaptive method.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .optimizers import Optimizer
from .run import Run
from .schedules import clip_grad_norm

Vector = tuple[float, ...]


@dataclass(frozen=True)
class Term:
    """One named quantity of a step: its symbol, what it is, and its value (a number or vector)."""

    symbol: str
    meaning: str
    value: Vector | float


@dataclass(frozen=True)
class StepWrittenOut:
    """A step as its rule writes it: the formulas, then every term's value."""

    optimizer: str
    step: int
    formulas: tuple[str, ...]
    terms: tuple[Term, ...]
    before: Vector
    after: Vector
    vectors: dict[str, Vector] = field(default_factory=dict)

    def term(self, symbol: str) -> Vector | float:
        """The value of the term named `symbol` (KeyError if the rule has none)."""
        for t in self.terms:
            if t.symbol == symbol:
                return t.value
        raise KeyError(symbol)


class StepRecorder:
    """Writes out every step a run takes while attached: by any caller, through the array path.

    Attached, the run's scalar fast path is off (the same bits, just slower); `last` is the
    latest step written out. Detach to give the run its fast path back.
    """

    def __init__(self) -> None:
        self.run: Run | None = None
        self.last: StepWrittenOut | None = None
        self._fast = True

    def attach(self, run: Run) -> None:
        """Record `run`'s steps from now on (detaching from any other run first)."""
        self.detach()
        self.run, self._fast, self.last = run, run.fast, None
        run.fast = False
        run.optimizer.observer = self._observe

    def detach(self) -> None:
        """Stop recording; the run gets its fast path back."""
        run = self.run
        if run is not None:
            if run.optimizer.observer == self._observe:
                run.optimizer.observer = None
            run.fast = self._fast
        self.run = None

    def _observe(self, p: np.ndarray, g: np.ndarray, lr: float, new: np.ndarray) -> None:
        if self.run is not None:
            self.last = write_out(self.run.optimizer, p, g, lr, new)


def explain_step(run: Run) -> StepWrittenOut | None:
    """Take one step of `run` and write it out; None if the run cannot step (it has ended)."""
    if not run.running:
        return None
    recorder = StepRecorder()
    recorder.attach(run)
    try:
        run.step(1)
    finally:
        recorder.detach()
    return recorder.last


def preview_step(run: Run) -> StepWrittenOut | None:
    """The step `run` takes next, written out, without taking it (None if the run has ended).

    Worked on a copy of the optimizer (its hyperparameters and buffers, a few numbers) with the
    full-batch gradient at the current parameters, clipped as the run clips it: the arrows a
    view draws at a ball, at any moment, without slowing the race.
    """
    if not run.running:
        return None
    opt = copy.deepcopy(run.optimizer)
    opt.observer = None
    p = np.array(run.params, dtype=np.float64)
    with np.errstate(all="ignore"):
        g = np.asarray(run.landscape.grad(p), dtype=np.float64)
        if run.clip_norm is not None:
            g, _ = clip_grad_norm(g, run.clip_norm)
        lr = run.next_lr
        if not (np.isfinite(lr) and np.all(np.isfinite(g))):
            return None
        new = opt.step(p, g, lr)
    return write_out(opt, p, g, lr, new)


def write_out(
    opt: Optimizer, p: np.ndarray, g: np.ndarray, lr: float, new: np.ndarray
) -> StepWrittenOut:
    """The step `opt` just took from p with gradient g at rate lr to `new`, written out."""
    p, g, new = p.copy(), g.copy(), new.copy()
    formulas, terms = _written(opt, p, g, float(lr), new)
    delta = new - p
    vectors = {"-grad": _vec(-g), "step": _vec(delta)}
    if lr > 0:
        vectors["adjusted"] = _vec(-delta / lr)
    moment = _moment(opt)
    if moment is not None:
        vectors["moment"] = _vec(moment)
    accumulator = _accumulator(opt)
    if accumulator is not None:
        vectors["accumulator"] = _vec(accumulator)
    return StepWrittenOut(
        opt.title, opt.steps, tuple(formulas), tuple(terms), _vec(p), _vec(new), vectors
    )


def _vec(a: np.ndarray) -> Vector:
    return tuple(float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1))


def _moment(opt: Optimizer) -> np.ndarray | None:
    """The velocity or first moment the rule carries, if it has one."""
    for key in ("momentum_buffer", "exp_avg"):
        if key in opt._state:
            return opt._state[key]
    return None


def _accumulator(opt: Optimizer) -> np.ndarray | None:
    """The per-axis accumulator of squared gradients of an adaptive rule (its square root)."""
    for key in ("sum", "square_avg", "exp_avg_sq"):
        if key in opt._state:
            return np.sqrt(opt._state[key])
    return None


def _written(
    opt: Optimizer, p: np.ndarray, g: np.ndarray, lr: float, new: np.ndarray
) -> tuple[list[str], list[Term]]:
    """The rule's formulas and terms for one step, from what it was given and its state."""
    h, state, t = opt.hyper, opt._state, opt.steps
    terms = [Term("θ", "parameters before the step", _vec(p)), Term("g", "gradient ∇L(θ)", _vec(g))]
    formulas: list[str] = []
    wd = float(h.get("weight_decay", 0.0))
    decoupled = getattr(opt, "decoupled", False) or bool(h.get("decoupled_weight_decay", False))
    if wd and not decoupled:
        formulas.append("g ← g + λθ  (weight decay)")
        terms.append(Term("λ", "weight decay", wd))
    terms.append(Term("lr", "learning rate of this step", lr))
    writer = _WRITERS.get(opt.name, _write_sgd)
    more_formulas, more_terms = writer(opt, h, state, t, wd if decoupled else 0.0, lr)
    formulas += more_formulas
    terms += more_terms
    terms.append(Term("Δθ", "the update taken", _vec(new - p)))
    terms.append(Term("θ′", "parameters after the step", _vec(new)))
    return formulas, terms


Written = tuple[list[str], list[Term]]


def _write_sgd(
    opt: Optimizer,
    h: dict[str, Any],
    state: dict[str, np.ndarray],
    t: int,
    _decay: float,
    lr: float,
) -> Written:
    mu = float(h.get("momentum", 0.0))
    if mu == 0:
        return ["Δθ = −lr·g"], []
    buf = state["momentum_buffer"]
    terms = [Term("μ", "momentum", mu), Term("b", "velocity (momentum buffer)", _vec(buf))]
    first = "b = g  (the first step)" if t == 1 else "b = μ·b + (1 − τ)·g"
    formulas = [first]
    if t > 1:
        terms.insert(1, Term("τ", "dampening", float(h.get("dampening", 0.0))))
    if h.get("nesterov"):
        formulas.append("Δθ = −lr·(g + μ·b)  (Nesterov)")
    else:
        formulas.append("Δθ = −lr·b")
    return formulas, terms


def _write_rmsprop(
    opt: Optimizer,
    h: dict[str, Any],
    state: dict[str, np.ndarray],
    t: int,
    _decay: float,
    lr: float,
) -> Written:
    alpha, eps = float(h["alpha"]), float(h["eps"])
    v = state["square_avg"]
    terms = [
        Term("α", "smoothing constant", alpha),
        Term("ε", "eps", eps),
        Term("v", "running average of g²", _vec(v)),
    ]
    formulas = ["v = α·v + (1 − α)·g²"]
    if h["centered"]:
        formulas.append("ḡ = α·ḡ + (1 − α)·g;  d = √(v − ḡ²) + ε")
        terms.append(Term("ḡ", "running average of g", _vec(state["grad_avg"])))
    else:
        formulas.append("d = √v + ε")
    if float(h["momentum"]) > 0:
        formulas.append("b = μ·b + g/d;  Δθ = −lr·b")
        terms.append(Term("μ", "momentum", float(h["momentum"])))
        terms.append(Term("b", "momentum buffer", _vec(state["momentum_buffer"])))
    else:
        formulas.append("Δθ = −lr·g/d")
    return formulas, terms


def _write_adagrad(
    opt: Optimizer,
    h: dict[str, Any],
    state: dict[str, np.ndarray],
    t: int,
    _decay: float,
    lr: float,
) -> Written:
    eta = float(h["lr_decay"])
    terms = [
        Term("η", "lr decay", eta),
        Term("lr′", "the decayed learning rate", lr / (1 + (t - 1) * eta)),
        Term("ε", "eps", float(h["eps"])),
        Term("s", "sum of every g² so far", _vec(state["sum"])),
    ]
    formulas = ["s = s + g²", "lr′ = lr / (1 + (t − 1)·η)", "Δθ = −lr′·g / (√s + ε)"]
    return formulas, terms


def _write_adam(
    opt: Optimizer, h: dict[str, Any], state: dict[str, np.ndarray], t: int, decay: float, lr: float
) -> Written:
    beta1, beta2 = h["betas"]
    eps = float(h["eps"])
    m, v = state["exp_avg"], state["exp_avg_sq"]
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t
    second = state.get("max_exp_avg_sq", v) if h.get("amsgrad") else v
    terms = [
        Term("t", "step number", float(t)),
        Term("β₁", "first-moment decay", float(beta1)),
        Term("β₂", "second-moment decay", float(beta2)),
        Term("ε", "eps", eps),
        Term("m", "first moment (average of g)", _vec(m)),
        Term("v", "second moment (average of g²)", _vec(v)),
        Term("m̂", "m with its bias corrected", _vec(m / bc1)),
        Term("v̂", "v with its bias corrected", _vec(second / bc2)),
    ]
    formulas = ["m = β₁·m + (1 − β₁)·g", "v = β₂·v + (1 − β₂)·g²"]
    if h.get("amsgrad"):
        formulas.append("v_max = max(v_max, v)  (AMSGrad: v̂ uses v_max)")
    formulas += ["m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ)", "Δθ = −lr·m̂ / (√v̂ + ε)"]
    if decay:
        formulas.insert(0, "θ ← θ·(1 − lr·λ)  (decoupled weight decay)")
        terms.insert(0, Term("λ", "decoupled weight decay", decay))
    return formulas, terms


def _write_nadam(
    opt: Optimizer, h: dict[str, Any], state: dict[str, np.ndarray], t: int, decay: float, lr: float
) -> Written:
    beta1, beta2 = h["betas"]
    psi = float(h["momentum_decay"])
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
    m, v = state["exp_avg"], state["exp_avg_sq"]
    terms = [
        Term("t", "step number", float(t)),
        Term("μₜ", "momentum of this step", mu),
        Term("μₜ₊₁", "momentum of the next step", mu_next),
        Term("Πμ", "product of every μ so far", float(state["mu_product"])),
        Term("m", "first moment", _vec(m)),
        Term("v", "second moment", _vec(v)),
        Term("v̂", "v with its bias corrected", _vec(v / (1 - beta2**t))),
        Term("ε", "eps", float(h["eps"])),
    ]
    formulas = [
        "μₜ = β₁·(1 − ½·0.96^(t·ψ))",
        "m = β₁·m + (1 − β₁)·g;  v = β₂·v + (1 − β₂)·g²;  v̂ = v / (1 − β₂ᵗ)",
        "Δθ = −lr·(1 − μₜ)/(1 − Πμ)·g/(√v̂ + ε) − lr·μₜ₊₁/(1 − Πμ·μₜ₊₁)·m/(√v̂ + ε)",
    ]
    if decay:
        formulas.insert(0, "θ ← θ·(1 − lr·λ)  (decoupled weight decay)")
        terms.insert(0, Term("λ", "decoupled weight decay", decay))
    return formulas, terms


_WRITERS = {
    "sgd": _write_sgd,
    "momentum": _write_sgd,
    "nesterov": _write_sgd,
    "rmsprop": _write_rmsprop,
    "adagrad": _write_adagrad,
    "adam": _write_adam,
    "adamw": _write_adam,
    "nadam": _write_nadam,
}
