"""Write tests/core/data/torch_reference.json from real PyTorch (run by hand; needs torch).

    python tests/core/make_torch_reference.py

Each optimizer config takes STEPS steps on grad = 2 * (p - CENTER) + sin(p) from START; each
schedule config records the lr used by updates t = 0..LAST_T. test_optimizers.py and
test_schedules.py replay the file with gdstudio's numpy code; the tests never import torch.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import torch
from torch.optim import lr_scheduler

STEPS = 20
LAST_T = 60
CENTER = [1.0, -2.0, 0.25]
START = [3.0, 2.5, -0.5]
OUT = Path(__file__).parent / "data" / "torch_reference.json"

# (id, our registry key, our hyperparameters, torch class, torch kwargs, per-step lr factor)
# A factor g makes update t use lr * g**t, set on the param group before each step.
OPTIMIZER_CONFIGS = [
    ("sgd", "sgd", {"lr": 0.1}, "SGD", {}, None),
    ("sgd-weight-decay", "sgd", {"lr": 0.1, "weight_decay": 0.3}, "SGD", {}, None),
    ("sgd-momentum", "sgd", {"lr": 0.05, "momentum": 0.5}, "SGD", {}, None),
    (
        "sgd-momentum-dampening-decay",
        "sgd",
        {"lr": 0.05, "momentum": 0.8, "dampening": 0.5, "weight_decay": 0.05},
        "SGD",
        {},
        None,
    ),
    ("momentum", "momentum", {"lr": 0.05}, "SGD", {"momentum": 0.9}, None),
    (
        "momentum-ema",
        "momentum",
        {"lr": 0.1, "dampening": 0.9},
        "SGD",
        {"momentum": 0.9},
        None,
    ),
    ("nesterov", "nesterov", {"lr": 0.05}, "SGD", {"momentum": 0.9, "nesterov": True}, None),
    (
        "nesterov-weight-decay",
        "nesterov",
        {"lr": 0.05, "momentum": 0.7, "weight_decay": 0.1},
        "SGD",
        {"nesterov": True},
        None,
    ),
    ("sgd-scheduled-lr", "sgd", {"lr": 0.2, "momentum": 0.5}, "SGD", {}, 0.9),
    ("rmsprop", "rmsprop", {"lr": 0.01}, "RMSprop", {}, None),
    ("rmsprop-alpha-eps", "rmsprop", {"lr": 0.05, "alpha": 0.9, "eps": 1e-3}, "RMSprop", {}, None),
    ("rmsprop-momentum", "rmsprop", {"lr": 0.01, "momentum": 0.9}, "RMSprop", {}, None),
    ("rmsprop-centered", "rmsprop", {"lr": 0.01, "centered": True}, "RMSprop", {}, None),
    (
        "rmsprop-centered-momentum-decay",
        "rmsprop",
        {"lr": 0.02, "centered": True, "momentum": 0.5, "weight_decay": 0.1, "alpha": 0.95},
        "RMSprop",
        {},
        None,
    ),
    ("adagrad", "adagrad", {"lr": 0.5}, "Adagrad", {}, None),
    (
        "adagrad-lr-decay-accumulator-decay",
        "adagrad",
        {"lr": 0.5, "lr_decay": 0.1, "initial_accumulator_value": 0.5, "weight_decay": 0.1},
        "Adagrad",
        {},
        None,
    ),
    ("adagrad-scheduled-lr", "adagrad", {"lr": 0.5, "lr_decay": 0.05}, "Adagrad", {}, 0.95),
    ("adam", "adam", {"lr": 0.1}, "Adam", {}, None),
    ("adam-betas-eps", "adam", {"lr": 0.1, "betas": [0.8, 0.99], "eps": 1e-4}, "Adam", {}, None),
    ("adam-amsgrad", "adam", {"lr": 0.1, "amsgrad": True}, "Adam", {}, None),
    (
        "adam-amsgrad-short-memory",
        "adam",
        {"lr": 0.1, "amsgrad": True, "betas": [0.5, 0.8]},
        "Adam",
        {},
        None,
    ),
    ("adam-weight-decay", "adam", {"lr": 0.1, "weight_decay": 0.2}, "Adam", {}, None),
    ("adam-scheduled-lr", "adam", {"lr": 0.3}, "Adam", {}, 0.9),
    ("adamw", "adamw", {"lr": 0.1}, "AdamW", {}, None),
    (
        "adamw-decay-amsgrad",
        "adamw",
        {"lr": 0.1, "weight_decay": 0.3, "amsgrad": True},
        "AdamW",
        {},
        None,
    ),
    ("nadam", "nadam", {"lr": 0.1}, "NAdam", {}, None),
    (
        "nadam-momentum-decay-weight-decay",
        "nadam",
        {"lr": 0.1, "momentum_decay": 0.02, "weight_decay": 0.1, "betas": [0.85, 0.995]},
        "NAdam",
        {},
        None,
    ),
    (
        "nadam-decoupled",
        "nadam",
        {"lr": 0.1, "weight_decay": 0.2, "decoupled_weight_decay": True},
        "NAdam",
        {},
        None,
    ),
    ("nadam-scheduled-lr", "nadam", {"lr": 0.2}, "NAdam", {}, 0.9),
]

# (id, our registry key, our params, base lr)
SCHEDULE_CONFIGS = [
    ("constant", "constant", {}, 0.1),
    ("step", "step", {"step_size": 7, "gamma": 0.5}, 0.1),
    ("step-default-gamma", "step", {"step_size": 10}, 0.3),
    ("exponential", "exponential", {"gamma": 0.95}, 0.1),
    ("cosine", "cosine", {"T_max": 20}, 0.1),
    ("cosine-eta-min", "cosine", {"T_max": 25, "eta_min": 0.01}, 0.2),
    ("warmup-cosine", "warmup-cosine", {"warmup_steps": 5, "T_max": 30}, 0.1),
    (
        "warmup-cosine-options",
        "warmup-cosine",
        {"warmup_steps": 10, "T_max": 40, "start_factor": 0.1, "eta_min": 0.001},
        0.05,
    ),
    ("warmup-cosine-one-step", "warmup-cosine", {"warmup_steps": 1, "T_max": 12}, 0.1),
    ("warmup-cosine-no-warmup", "warmup-cosine", {"warmup_steps": 0, "T_max": 20}, 0.1),
]


def _grad(p: torch.Tensor) -> torch.Tensor:
    return 2 * (p - torch.tensor(CENTER)) + torch.sin(p)


def optimizer_trajectory(cls_name: str, hyper: dict, extra: dict, factor: float | None) -> list:
    """STEPS parameter vectors after each torch update."""
    kwargs = {**extra, **hyper}
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    p = torch.tensor(START, requires_grad=True)
    opt = getattr(torch.optim, cls_name)([p], **kwargs)
    rows = []
    for t in range(STEPS):
        if factor is not None:
            opt.param_groups[0]["lr"] = hyper["lr"] * factor**t
        p.grad = _grad(p.detach())
        opt.step()
        rows.append(p.detach().tolist())
    return rows


def _scheduler(opt: torch.optim.Optimizer, key: str, params: dict) -> lr_scheduler.LRScheduler:
    if key == "constant":
        return lr_scheduler.LambdaLR(opt, lambda t: 1.0)
    if key == "step":
        return lr_scheduler.StepLR(opt, **params)
    if key == "exponential":
        return lr_scheduler.ExponentialLR(opt, **params)
    if key == "cosine":
        return lr_scheduler.CosineAnnealingLR(opt, **params)
    warmup, t_max = params["warmup_steps"], params["T_max"]
    linear = lr_scheduler.LinearLR(
        opt, start_factor=params.get("start_factor", 1.0 / 3), end_factor=1.0, total_iters=warmup
    )
    cosine = lr_scheduler.CosineAnnealingLR(
        opt, T_max=t_max - warmup, eta_min=params.get("eta_min", 0.0)
    )
    return lr_scheduler.SequentialLR(opt, [linear, cosine], milestones=[warmup])


def schedule_lrs(key: str, params: dict, base_lr: float) -> list[float]:
    """The lr torch uses for updates t = 0..LAST_T."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr)
    scheduler = _scheduler(opt, key, params)
    lrs = []
    for _ in range(LAST_T + 1):
        lrs.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        scheduler.step()
    return lrs


def main() -> None:
    """Generate the reference file."""
    # Float64 everywhere, including the optimizers' scalar state (NAdam's mu_product, steps).
    torch.set_default_dtype(torch.float64)
    data = {
        "generated_by": "tests/core/make_torch_reference.py",
        "torch_version": torch.__version__.split("+")[0],
        "gradient": "2 * (p - center) + sin(p)",
        "center": CENTER,
        "start": START,
        "optimizers": [
            {
                "id": ident,
                "optimizer": key,
                "hyper": hyper,
                "lr_factor_per_step": factor,
                "params": optimizer_trajectory(cls_name, hyper, extra, factor),
            }
            for ident, key, hyper, cls_name, extra, factor in OPTIMIZER_CONFIGS
        ],
        "schedules": [
            {
                "id": ident,
                "schedule": key,
                "params": params,
                "base_lr": base_lr,
                "lr": schedule_lrs(key, params, base_lr),
            }
            for ident, key, params, base_lr in SCHEDULE_CONFIGS
        ],
    }
    for entry in data["optimizers"]:
        if not all(math.isfinite(x) for row in entry["params"] for x in row):
            raise SystemExit(f"{entry['id']} diverged; pick gentler hyperparameters")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1)
    # One line per list of numbers keeps the file short and its diffs readable.
    text = re.sub(r"\[[-+0-9.eE,\s]*\]", lambda m: " ".join(m.group().split()), text)
    OUT.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
