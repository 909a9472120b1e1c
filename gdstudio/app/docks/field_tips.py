"""Tooltips of the hyperparameter fields: what each does and its PyTorch default."""

from __future__ import annotations

from typing import Any

from ...core.optimizers import OPTIMIZERS
from ...core.schedules import SCHEDULES
from ..widgets import readable_number

HYPER_TIPS = {
    "lr": "Learning rate α: each step moves by −α × the optimizer's direction.",
    "momentum": "Momentum factor μ: the velocity v ← μ·v + (1 − dampening)·g.",
    "dampening": "Dampening of the new gradient in the momentum buffer "
    "(dampening = μ gives the articles' v = βv + (1−β)∇L).",
    "nesterov": "Nesterov momentum: step along g + μ·v instead of v.",
    "weight_decay": "L2 penalty: adds weight_decay × the parameters to the gradient "
    "(AdamW subtracts lr × weight_decay × the parameters instead).",
    "alpha": "Smoothing constant of the running average of squared gradients.",
    "eps": "Added to the denominator so that it never divides by zero.",
    "centered": "Divide by the gradient's estimated variance instead of its raw second moment.",
    "betas": "Decay rates of the running averages of the gradient (β1) and its square (β2).",
    "amsgrad": "Divide by the largest second moment so far (AMSGrad), so steps never grow back.",
    "lr_decay": "Learning-rate decay: step t uses lr / (1 + (t − 1)·lr_decay).",
    "initial_accumulator_value": "Starting value of the running sum of squared gradients.",
    "momentum_decay": "How fast NAdam's momentum schedule ψ warms up.",
    "decoupled_weight_decay": "Apply weight decay to the weights directly, as AdamW does.",
}
SCHEDULE_TIPS = {
    "step_size": "Multiply the learning rate by gamma every this many steps.",
    "gamma": "The factor the learning rate is multiplied by (each step_size steps, or each step).",
    "T_max": "Steps of one cosine half-period, from the initial learning rate to eta_min.",
    "eta_min": "The smallest learning rate the cosine reaches.",
    "warmup_steps": "Steps of the linear warm-up, before the cosine starts.",
    "start_factor": "The warm-up starts at this fraction of the learning rate.",
}
# Optimizers of the studio that are torch.optim.SGD with other defaults.
_TORCH_CLASS = {"momentum": "sgd", "nesterov": "sgd"}
_SCHEDULERS = {
    "step": "StepLR",
    "exponential": "ExponentialLR",
    "cosine": "CosineAnnealingLR",
    "warmup-cosine": "LinearLR, then CosineAnnealingLR",
}


def shown_default(value: Any) -> str:
    """A default as the field shows it: 1e-08, (0.9, 0.999), False."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(shown_default(v) for v in value) + ")"
    return readable_number(float(value))


def hyper_tooltip(optimizer: str, name: str) -> str:
    """What hyperparameter `name` of `optimizer` does, and its default in torch.optim."""
    base = _TORCH_CLASS.get(optimizer, optimizer)
    cls = OPTIMIZERS[base]
    tip = HYPER_TIPS.get(name, name)
    default = cls.defaults.get(name)
    if default is None:
        return tip
    return f"{tip}\nPyTorch default (torch.optim.{cls.title}): {name}={shown_default(default)}"


def schedule_tooltip(schedule: str, name: str) -> str:
    """What schedule parameter `name` does, and its torch.optim.lr_scheduler default."""
    tip = SCHEDULE_TIPS.get(name, name)
    cls = SCHEDULES[schedule]
    scheduler = _SCHEDULERS.get(schedule, cls.title)
    if name in cls.required:
        return f"{tip}\nRequired by torch.optim.lr_scheduler.{scheduler} (no default)."
    default = shown_default(cls.defaults[name])
    return f"{tip}\nPyTorch default (torch.optim.lr_scheduler.{scheduler}): {name}={default}"
