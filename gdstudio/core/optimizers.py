"""Optimizer update rules with the semantics and defaults of PyTorch's ``torch.optim``, float64."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .checks import as_real, shown
from .errors import ConfigError

Array = NDArray[np.float64]


@dataclass(frozen=True)
class _Allowed:
    """The values one hyperparameter may take: a number in [0, high), a flag, or a pair."""

    kind: str = "number"
    high: float = math.inf
    high_included: bool = False
    low_included: bool = True

    def describe(self) -> str:
        """Human-readable range, used in error messages."""
        if self.kind == "flag":
            return "true or false"
        if math.isinf(self.high):
            span = ">= 0" if self.low_included else "> 0"
        else:
            span = self._interval()
        return ("two numbers " if self.kind == "pair" else "a number ") + span

    def _interval(self) -> str:
        return f"in [0, {self.high:g}{']' if self.high_included else ')'}"

    def _number(self, value: object) -> float | None:
        x = as_real(value)
        if x is None or not math.isfinite(x) or x < 0 or x > self.high:
            return None
        if x == 0 and not self.low_included:
            return None
        return None if x == self.high and not self.high_included else x

    def coerce(self, value: object) -> object | None:
        """The value in canonical form (float, bool or tuple of two floats), None if not allowed."""
        if self.kind == "flag":
            return bool(value) if isinstance(value, (bool, np.bool_)) else None
        if self.kind == "pair":
            if not isinstance(value, (tuple, list)) or len(value) != 2:
                return None
            pair = tuple(self._number(v) for v in value)
            return None if None in pair else pair
        return self._number(value)


_NONNEGATIVE = _Allowed()
_POSITIVE = _Allowed(low_included=False)
_FRACTION = _Allowed(high=1.0)
_UNIT = _Allowed(high=1.0, high_included=True)
_FLAG = _Allowed(kind="flag")

# One meaning per PyTorch hyperparameter name, shared by every optimizer that has it; torch's
# own checks (lr, eps, betas, momentum, weight_decay... >= 0, betas < 1) hold for all. Two
# refusals go further than torch's: momentum or alpha >= 1 only make a run blow up, and eps = 0
# divides 0 by 0 wherever a gradient component is exactly 0, calling a run at rest "diverged".
_ALLOWED: dict[str, _Allowed] = {
    "lr": _NONNEGATIVE,
    "momentum": _FRACTION,
    "dampening": _UNIT,
    "weight_decay": _NONNEGATIVE,
    "nesterov": _FLAG,
    "alpha": _FRACTION,
    "eps": _POSITIVE,
    "centered": _FLAG,
    "lr_decay": _NONNEGATIVE,
    "initial_accumulator_value": _NONNEGATIVE,
    "betas": _Allowed(kind="pair", high=1.0),
    "amsgrad": _FLAG,
    "momentum_decay": _NONNEGATIVE,
    "decoupled_weight_decay": _FLAG,
}
# torch.optim's wording for the values it checks, leading our message for the same check.
_TORCH_WORDS = {
    "lr": "learning rate",
    "momentum": "momentum value",
    "weight_decay": "weight_decay value",
    "alpha": "alpha value",
    "eps": "epsilon value",
    "lr_decay": "lr_decay value",
    "initial_accumulator_value": "initial_accumulator_value",
    "betas": "beta parameter",
    "momentum_decay": "momentum_decay value",
}


class Optimizer:
    """An update rule with its hyperparameters and state; ``step`` returns new parameters."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    defaults: ClassVar[dict[str, object]] = {}

    def __init__(self, **hyper: object) -> None:
        # Values are floats, bools or pairs of floats, each checked against _ALLOWED[key].
        self.hyper: dict[str, Any] = dict(self.defaults)
        for key, value in hyper.items():
            self.hyper[key] = self._validated(key, value)
        self._check_combination(self.hyper)
        self._state: dict[str, Array] = {}
        self._shape: tuple[int, ...] | None = None
        self._steps = 0
        # Called after each `step` with (params, grad, lr, new params): what the rule was given
        # and what it gave, for a view that writes a step out (core/explain.py).
        self.observer: Callable[[Array, Array, float, Array], None] | None = None

    def _validated(self, key: str, value: object) -> Any:
        if key not in self.defaults:
            raise ConfigError(
                f"unknown parameter {shown(key)} for {self.name}; "
                f"allowed: {', '.join(self.defaults)}"
            )
        allowed = _ALLOWED[key]
        coerced = allowed.coerce(value)
        if coerced is None:
            words = _TORCH_WORDS.get(key)
            lead = f"Invalid {words}: " if words else ""
            raise ConfigError(
                f"{lead}{key} for {self.name} must be {allowed.describe()}, got {shown(value)}"
            )
        return coerced

    def _check_combination(self, hyper: dict[str, Any]) -> None:
        """Raise ConfigError if values that are each allowed do not go together."""

    def set_hyper(self, name: str, value: object) -> None:
        """Change one hyperparameter; it applies from the next step and keeps the state."""
        coerced = self._validated(name, value)
        self._check_combination({**self.hyper, name: coerced})
        self.hyper[name] = coerced

    @property
    def steps(self) -> int:
        """Number of steps taken since creation or the last reset."""
        return self._steps

    @property
    def state(self) -> dict[str, Array]:
        """Copies of the internal buffers (momentum, moments...), named as in PyTorch."""
        return {key: value.copy() for key, value in self._state.items()}

    def reset(self) -> None:
        """Forget all state, as if newly created with the current hyperparameters."""
        self._state.clear()
        self._shape = None
        self._steps = 0

    def step(self, params: Array, grad: Array, lr: float | None = None) -> Array:
        """New parameters after one update with ``grad``; ``lr`` overrides hyper['lr'] once."""
        p = np.array(params, dtype=np.float64)
        g = np.asarray(grad, dtype=np.float64)
        if g.shape != p.shape:
            raise ValueError(f"gradient shape {g.shape} does not match parameter shape {p.shape}")
        if self._shape is not None and self._shape != p.shape:
            raise ValueError(
                f"{self.name} holds state for parameters of shape {self._shape}, "
                f"got {p.shape}; reset() first"
            )
        rate = self.hyper["lr"] if lr is None else self._validated("lr", lr)
        self._shape = p.shape
        self._steps += 1
        new = self._update(p, g, rate)
        if self.observer is not None:
            self.observer(p, g, rate, new)
        return new

    def step_many(self, params: Array, grad: Array, lr: Array) -> Array:
        """One update of many runs at once: rows of `params` (runs × d), one lr per row.

        The state holds one row per run; each row's arithmetic is the arithmetic of `step`
        on that run alone (the learning-rate sweep's engine). `lr` has shape (runs, 1).
        """
        p = np.array(params, dtype=np.float64)
        g = np.asarray(grad, dtype=np.float64)
        rates = np.asarray(lr, dtype=np.float64)
        if p.ndim != 2 or g.shape != p.shape or rates.shape != (p.shape[0], 1):
            raise ValueError(
                f"step_many takes params and grad of shape (runs, d) and lr of shape (runs, 1), "
                f"got {p.shape}, {g.shape}, {rates.shape}"
            )
        if self._shape is not None and self._shape != p.shape:
            raise ValueError(f"{self.name} holds state of shape {self._shape}; reset() first")
        self._shape = p.shape
        self._steps += 1
        return self._update(p, g, rates)  # type: ignore[arg-type]  # the rules broadcast an array

    def _update(self, p: Array, g: Array, lr: float) -> Array:
        raise NotImplementedError

    def _buffer(self, name: str, like: Array) -> Array:
        """The state buffer `name`, zeros shaped like `like` before the first step."""
        buf = self._state.get(name)
        return np.zeros_like(like) if buf is None else buf


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay."""

    name = "sgd"
    title = "SGD"
    defaults = {
        "lr": 1e-3,
        "momentum": 0.0,
        "dampening": 0.0,
        "weight_decay": 0.0,
        "nesterov": False,
    }

    def _check_combination(self, hyper: dict[str, Any]) -> None:
        if hyper["nesterov"] and (hyper["momentum"] <= 0 or hyper["dampening"] != 0):
            raise ConfigError(
                f"nesterov for {self.name} requires momentum > 0 and dampening = 0, got "
                f"momentum={hyper['momentum']:g}, dampening={hyper['dampening']:g}"
            )

    def _update(self, p: Array, g: Array, lr: float) -> Array:
        h = self.hyper
        if h["weight_decay"] != 0:
            g = g + h["weight_decay"] * p
        momentum = h["momentum"]
        if momentum != 0:
            buf = self._state.get("momentum_buffer")
            # PyTorch starts the buffer at the first gradient itself, undampened.
            buf = g.copy() if buf is None else buf * momentum + (1 - h["dampening"]) * g
            self._state["momentum_buffer"] = buf
            g = g + momentum * buf if h["nesterov"] else buf
        return p - lr * g


class Momentum(SGD):
    """SGD with momentum 0.9 (heavy ball)."""

    name = "momentum"
    title = "Momentum"
    defaults = {**SGD.defaults, "momentum": 0.9}


class Nesterov(SGD):
    """SGD with Nesterov momentum 0.9."""

    name = "nesterov"
    title = "Nesterov"
    defaults = {**SGD.defaults, "momentum": 0.9, "nesterov": True}


class RMSprop(Optimizer):
    """RMSprop: divide by a running root mean square of the gradient (optionally centered)."""

    name = "rmsprop"
    title = "RMSprop"
    defaults = {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
    }

    def _update(self, p: Array, g: Array, lr: float) -> Array:
        h = self.hyper
        alpha = h["alpha"]
        if h["weight_decay"] != 0:
            g = g + h["weight_decay"] * p
        square_avg = self._buffer("square_avg", p)
        square_avg = square_avg * alpha + (1 - alpha) * g * g
        self._state["square_avg"] = square_avg
        if h["centered"]:
            grad_avg = _lerp(self._buffer("grad_avg", p), g, 1 - alpha)
            self._state["grad_avg"] = grad_avg
            # Exact arithmetic keeps this >= 0; the clamp stops a rounding error becoming NaN.
            spread = np.maximum(square_avg - grad_avg * grad_avg, 0.0)
            avg: Array = np.sqrt(spread) + float(h["eps"])
        else:
            avg = np.sqrt(square_avg) + float(h["eps"])
        if h["momentum"] > 0:
            buf = self._buffer("momentum_buffer", p)
            buf = buf * float(h["momentum"]) + g / avg
            self._state["momentum_buffer"] = buf
            return p - lr * buf
        return p - lr * (g / avg)


class Adagrad(Optimizer):
    """Adagrad: divide by the root of the sum of all squared gradients so far."""

    name = "adagrad"
    title = "Adagrad"
    defaults = {
        "lr": 1e-2,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
    }

    def _update(self, p: Array, g: Array, lr: float) -> Array:
        h = self.hyper
        if h["weight_decay"] != 0:
            g = g + h["weight_decay"] * p
        clr: float = lr / (1 + (self._steps - 1) * h["lr_decay"])
        state_sum = self._state.get("sum")
        if state_sum is None:
            state_sum = np.full_like(p, h["initial_accumulator_value"])
        state_sum = state_sum + g * g
        self._state["sum"] = state_sum
        return p - clr * (g / (np.sqrt(state_sum) + float(h["eps"])))


class Adam(Optimizer):
    """Adam: bias-corrected first and second moment estimates (optionally AMSGrad)."""

    name = "adam"
    title = "Adam"
    defaults = {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "amsgrad": False,
    }
    decoupled: ClassVar[bool] = False

    def _update(self, p: Array, g: Array, lr: float) -> Array:
        h = self.hyper
        betas: tuple[float, float] = h["betas"]
        beta1, beta2 = betas
        step = self._steps
        if h["weight_decay"] != 0:
            if self.decoupled:
                p = p * (1 - lr * h["weight_decay"])
            else:
                g = g + h["weight_decay"] * p
        exp_avg = _lerp(self._buffer("exp_avg", p), g, 1 - beta1)
        exp_avg_sq = self._buffer("exp_avg_sq", p) * beta2 + (1 - beta2) * g * g
        self._state["exp_avg"] = exp_avg
        self._state["exp_avg_sq"] = exp_avg_sq
        step_size = lr / (1 - beta1**step)
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        second = exp_avg_sq
        if h["amsgrad"]:
            second = np.maximum(self._buffer("max_exp_avg_sq", p), exp_avg_sq)
            self._state["max_exp_avg_sq"] = second
        denom: Array = np.sqrt(second) / bias_correction2_sqrt + float(h["eps"])
        return p - step_size * (exp_avg / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: parameters shrink by lr × weight_decay each step."""

    name = "adamw"
    title = "AdamW"
    defaults = {**Adam.defaults, "weight_decay": 1e-2}
    decoupled = True


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum and a momentum-decay warm-up of beta1."""

    name = "nadam"
    title = "NAdam"
    defaults = {
        "lr": 2e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum_decay": 4e-3,
        "decoupled_weight_decay": False,
    }

    def _update(self, p: Array, g: Array, lr: float) -> Array:
        h = self.hyper
        betas: tuple[float, float] = h["betas"]
        beta1, beta2 = betas
        step = self._steps
        if h["weight_decay"] != 0:
            if h["decoupled_weight_decay"]:
                p = p * (1 - lr * h["weight_decay"])
            else:
                g = g + h["weight_decay"] * p
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * h["momentum_decay"]))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * h["momentum_decay"]))
        mu_product = float(self._state["mu_product"]) * mu if "mu_product" in self._state else mu
        mu_product_next = mu_product * mu_next
        exp_avg = _lerp(self._buffer("exp_avg", p), g, 1 - beta1)
        exp_avg_sq = self._buffer("exp_avg_sq", p) * beta2 + (1 - beta2) * g * g
        self._state["exp_avg"] = exp_avg
        self._state["exp_avg_sq"] = exp_avg_sq
        self._state["mu_product"] = np.array(mu_product)
        denom: Array = np.sqrt(exp_avg_sq / (1 - beta2**step)) + float(h["eps"])
        p = p + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        out: Array = p + ((-lr * mu_next) / (1.0 - mu_product_next)) * (exp_avg / denom)
        return out


def _lerp(start: Array, end: Array, weight: float) -> Array:
    """start + weight × (end − start), arranged as PyTorch's lerp for the last bits."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, Nesterov, RMSprop, Adagrad, Adam, AdamW, NAdam)
}


def optimizer_names() -> list[str]:
    """Registry keys in display order."""
    return list(OPTIMIZERS)


def make_optimizer(name: str, **hyper: object) -> Optimizer:
    """A new optimizer by registry key, with hyperparameters overriding its defaults."""
    try:
        cls = OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown optimizer {shown(name)}; allowed: {', '.join(OPTIMIZERS)}"
        ) from None
    return cls(**hyper)
