"""Learning-rate schedules with ``torch.optim.lr_scheduler`` semantics, and gradient clipping."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral
from typing import ClassVar

import numpy as np

from .checks import INT_LIMIT, as_int, as_real, check_real, shown
from .errors import ConfigError


@dataclass(frozen=True)
class _Allowed:
    """The values one schedule parameter may take."""

    integer: bool
    test: Callable[[float], bool]
    text: str

    def coerce(self, value: object) -> float | int | None:
        """The value as int or float, None if not allowed."""
        if self.integer:
            n = as_int(value)
            if n is None:
                x = as_real(value)
                n = int(x) if x is not None and math.isfinite(x) and x.is_integer() else None
            return n if n is not None and n <= INT_LIMIT and self.test(n) else None
        x = as_real(value)
        return x if x is not None and math.isfinite(x) and self.test(x) else None


_ALLOWED: dict[str, _Allowed] = {
    "step_size": _Allowed(True, lambda x: x >= 1, "an integer >= 1"),
    "gamma": _Allowed(False, lambda x: x > 0, "a number > 0"),
    "T_max": _Allowed(True, lambda x: x >= 1, "an integer >= 1"),
    "eta_min": _Allowed(False, lambda x: x >= 0, "a number >= 0"),
    "warmup_steps": _Allowed(True, lambda x: x >= 0, "an integer >= 0"),
    "start_factor": _Allowed(False, lambda x: 0 < x <= 1, "a number in (0, 1]"),
}


class Schedule:
    """The learning rate as a function of the number of updates already made."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    required: ClassVar[tuple[str, ...]] = ()
    defaults: ClassVar[dict[str, float | int]] = {}

    def __init__(self, **params: object) -> None:
        allowed = (*self.required, *self.defaults)
        for key in params:
            if key not in allowed:
                names = ", ".join(allowed) if allowed else "none"
                raise ConfigError(
                    f"unknown parameter {shown(key)} for {self.name}; allowed: {names}"
                )
        missing = [key for key in self.required if key not in params]
        if missing:
            raise ConfigError(f"{self.name} schedule needs {', '.join(missing)}")
        self.params: dict[str, float | int] = dict(self.defaults)
        for key, value in params.items():
            spec = _ALLOWED[key]
            coerced = spec.coerce(value)
            if coerced is None:
                bound = " and < 2**63" if spec.integer else ""
                raise ConfigError(
                    f"{key} for {self.name} must be {spec.text}{bound}, got {shown(value)}"
                )
            self.params[key] = coerced
        self._check_combination()

    def _check_combination(self) -> None:
        """Raise ConfigError if values that are each allowed do not go together."""

    def lr_at(self, t: int, base_lr: float) -> float:
        """The lr of update number t + 1: t = 0 is the first update, before any scheduler.step().

        Never raises for a valid t: an lr too large for a float comes back as inf (the run
        that asks for it then stops as diverged), and a base lr of 0 stays 0.
        """
        if isinstance(t, bool) or not isinstance(t, Integral) or t < 0:
            raise ConfigError(f"update index must be an integer >= 0, got {shown(t)}")
        return self._lr(int(t), float(base_lr))

    def _lr(self, t: int, base_lr: float) -> float:
        raise NotImplementedError


class Constant(Schedule):
    """The base learning rate throughout (no scheduler)."""

    name = "constant"
    title = "Constant"

    def _lr(self, t: int, base_lr: float) -> float:
        return base_lr


class StepDecay(Schedule):
    """StepLR: multiply by gamma every step_size updates."""

    name = "step"
    title = "Step decay"
    required = ("step_size",)
    defaults = {"gamma": 0.1}

    def _lr(self, t: int, base_lr: float) -> float:
        return _decayed(base_lr, self.params["gamma"], t // int(self.params["step_size"]))


class Exponential(Schedule):
    """ExponentialLR: multiply by gamma after every update."""

    name = "exponential"
    title = "Exponential decay"
    required = ("gamma",)

    def _lr(self, t: int, base_lr: float) -> float:
        return _decayed(base_lr, self.params["gamma"], t)


def _decayed(base_lr: float, gamma: float, k: int) -> float:
    """base_lr × gamma**k as torch's closed form computes it, inf where that overflows."""
    if base_lr == 0:
        return 0.0
    try:
        return base_lr * gamma**k
    except OverflowError:  # float ** int raises where float * float gives inf
        return math.inf


def _cosine(k: int, period: int, base_lr: float, eta_min: float) -> float:
    # Like CosineAnnealingLR, the curve does not stop at eta_min after T_max: it is periodic,
    # climbing back to base_lr at 2 × T_max.
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * k / period)) / 2


class Cosine(Schedule):
    """CosineAnnealingLR: half a cosine from base_lr down to eta_min over T_max updates."""

    name = "cosine"
    title = "Cosine annealing"
    required = ("T_max",)
    defaults = {"eta_min": 0.0}

    def _lr(self, t: int, base_lr: float) -> float:
        return _cosine(t, int(self.params["T_max"]), base_lr, self.params["eta_min"])


class WarmupCosine(Schedule):
    """LinearLR warm-up from start_factor × base_lr, then cosine annealing until T_max.

    Exactly ``SequentialLR([LinearLR(start_factor, 1, warmup_steps),
    CosineAnnealingLR(T_max - warmup_steps, eta_min)], milestones=[warmup_steps])``.
    """

    name = "warmup-cosine"
    title = "Linear warm-up, then cosine"
    required = ("warmup_steps", "T_max")
    defaults = {"start_factor": 1.0 / 3, "eta_min": 0.0}

    def _check_combination(self) -> None:
        if self.params["warmup_steps"] >= self.params["T_max"]:
            raise ConfigError(
                f"warmup_steps for {self.name} must be less than T_max, got "
                f"warmup_steps={self.params['warmup_steps']}, T_max={self.params['T_max']}"
            )

    def _lr(self, t: int, base_lr: float) -> float:
        warmup = int(self.params["warmup_steps"])
        if t < warmup:
            start = self.params["start_factor"]
            return base_lr * (start + (1 - start) * t / warmup)
        period = int(self.params["T_max"]) - warmup
        return _cosine(t - warmup, period, base_lr, self.params["eta_min"])


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls for cls in (Constant, StepDecay, Exponential, Cosine, WarmupCosine)
}


def schedule_names() -> list[str]:
    """Registry keys in display order."""
    return list(SCHEDULES)


def make_schedule(name: str, **params: object) -> Schedule:
    """A new schedule by registry key with its parameters."""
    try:
        cls = SCHEDULES[name]
    except (KeyError, TypeError):
        raise ConfigError(
            f"unknown schedule {shown(name)}; allowed: {', '.join(SCHEDULES)}"
        ) from None
    return cls(**params)


def clip_grad_norm(
    grad: np.ndarray, max_norm: float, norm_type: float = 2.0
) -> tuple[np.ndarray, float]:
    """The gradient scaled as ``clip_grad_norm_`` does, and its norm before clipping.

    The scale is max_norm / (norm + 1e-6), capped at 1; norm_type may be ``inf`` (max |g_i|).
    """
    max_norm = check_real("max_norm", max_norm, 0.0, strict=True)
    norm = as_real(norm_type)
    if norm is None or not norm > 0:
        raise ConfigError(f"norm_type must be a number > 0 or inf, got {shown(norm_type)}")
    norm_type = norm
    g = np.asarray(grad, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if math.isinf(norm_type):
            total = float(np.max(np.abs(g), initial=0.0))
        elif norm_type == 2:
            total = float(np.sqrt(np.sum(g * g)))
        else:
            total = float(np.sum(np.abs(g) ** norm_type) ** (1.0 / norm_type))
        coef = min(float(max_norm) / (total + 1e-6), 1.0)
        return g * coef, total
