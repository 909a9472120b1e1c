"""The optimizers' update rules on Python floats, for runs with a few parameters.

numpy costs microseconds per call on a 2-element array; these do the same IEEE operations
in the same order as optimizers.py (itself PyTorch's order), coordinate by coordinate, so a
run stepped either way gives the same bits. A kernel loads the optimizer's state when made and
writes it back on commit(), so the optimizer reads as if it had stepped itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .optim_pair import PAIR_MAKERS
from .optim_state import Kernel, KernelState
from .optimizers import SGD, Adagrad, Adam, NAdam, Optimizer, RMSprop


def scalar_kernel(opt: Optimizer, dim: int) -> Kernel | None:
    """(update(p, g, lr) -> new p, commit()) bound to opt's state; None if opt has no such form.

    update() advances the optimizer's state and step count as Optimizer.step does (lr is
    used as given: the caller has checked it); commit() stores them in the optimizer.
    """
    if opt._shape not in (None, (dim,)):  # Optimizer.step refuses this; let it say so
        return None
    update_rule = type(opt)._update
    for base, make in _MAKERS:
        if update_rule is base._update:
            pair = PAIR_MAKERS.get(base) if dim == 2 else None
            return pair(opt) if pair is not None else make(opt, dim)
    return None


def _sgd(opt: Optimizer, dim: int) -> Kernel:
    h = opt.hyper
    wd, momentum, nesterov = h["weight_decay"], h["momentum"], h["nesterov"]
    damp = 1 - h["dampening"]
    st = KernelState(opt, dim)
    buf = st.load_first("momentum_buffer")

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        nonlocal buf
        st.count += 1
        if wd != 0:
            g = [g[i] + wd * p[i] for i in range(dim)]
        if momentum != 0:
            # PyTorch starts the buffer at the first gradient itself, undampened.
            b = list(g) if buf is None else [buf[i] * momentum + damp * g[i] for i in range(dim)]
            buf = b
            g = [g[i] + momentum * b[i] for i in range(dim)] if nesterov else b
        return [p[i] - lr * g[i] for i in range(dim)]

    return update, lambda: st.commit({"momentum_buffer": buf})


def _rmsprop(opt: Optimizer, dim: int) -> Kernel:
    h = opt.hyper
    alpha, wd, centered = h["alpha"], h["weight_decay"], h["centered"]
    eps, momentum = float(h["eps"]), float(h["momentum"])
    use_momentum = h["momentum"] > 0
    w = 1 - alpha
    small = abs(w) < 0.5  # _lerp's branch
    st = KernelState(opt, dim)
    sq = st.load("square_avg", 0.0)
    avg_g = st.load("grad_avg", 0.0) if centered else []
    buf = st.load("momentum_buffer", 0.0) if use_momentum else []
    sqrt = math.sqrt

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        st.count += 1
        out = []
        for i in range(dim):
            pi, gi = p[i], g[i]
            if wd != 0:
                gi = gi + wd * pi
            s = sq[i] * alpha + w * gi * gi
            sq[i] = s
            if centered:
                a = avg_g[i]
                a = a + w * (gi - a) if small else gi - (gi - a) * (1 - w)
                avg_g[i] = a
                spread = s - a * a
                if not (spread >= 0.0 or spread != spread):  # np.maximum(spread, 0.0)
                    spread = 0.0
                denom = sqrt(spread) + eps
            else:
                denom = sqrt(s) + eps
            if use_momentum:
                b = buf[i] * momentum + gi / denom
                buf[i] = b
                out.append(pi - lr * b)
            else:
                out.append(pi - lr * (gi / denom))
        return out

    return update, st.commit


def _adagrad(opt: Optimizer, dim: int) -> Kernel:
    h = opt.hyper
    wd, lr_decay, eps = h["weight_decay"], h["lr_decay"], float(h["eps"])
    st = KernelState(opt, dim)
    total = st.load("sum", h["initial_accumulator_value"])
    sqrt = math.sqrt

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        st.count += 1
        clr = lr / (1 + (st.count - 1) * lr_decay)
        out = []
        for i in range(dim):
            pi, gi = p[i], g[i]
            if wd != 0:
                gi = gi + wd * pi
            s = total[i] + gi * gi
            total[i] = s
            out.append(pi - clr * (gi / (sqrt(s) + eps)))
        return out

    return update, st.commit


def _adam(opt: Optimizer, dim: int) -> Kernel:
    h = opt.hyper
    beta1, beta2 = h["betas"]
    wd, eps, amsgrad = h["weight_decay"], float(h["eps"]), h["amsgrad"]
    decoupled = wd != 0 and isinstance(opt, Adam) and opt.decoupled
    coupled = wd != 0 and not decoupled
    w1, w2 = 1 - beta1, 1 - beta2
    small = abs(w1) < 0.5
    st = KernelState(opt, dim)
    m = st.load("exp_avg", 0.0)
    v = st.load("exp_avg_sq", 0.0)
    vmax = st.load("max_exp_avg_sq", 0.0) if amsgrad else []
    sqrt = math.sqrt

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        st.count += 1
        step = st.count
        decay = 1 - lr * wd
        step_size = lr / (1 - beta1**step)
        bc2 = (1 - beta2**step) ** 0.5
        out = []
        for i in range(dim):
            pi, gi = p[i], g[i]
            if decoupled:
                pi = pi * decay
            elif coupled:
                gi = gi + wd * pi
            a = m[i]
            a = a + w1 * (gi - a) if small else gi - (gi - a) * (1 - w1)
            m[i] = a
            s = v[i] * beta2 + w2 * gi * gi
            v[i] = s
            if amsgrad:
                top = vmax[i]
                if top >= s or top != top:  # np.maximum(top, s)
                    s = top
                vmax[i] = s
            out.append(pi - step_size * (a / (sqrt(s) / bc2 + eps)))
        return out

    return update, st.commit


def _nadam(opt: Optimizer, dim: int) -> Kernel:
    h = opt.hyper
    beta1, beta2 = h["betas"]
    wd, eps, md = h["weight_decay"], float(h["eps"]), h["momentum_decay"]
    decoupled = wd != 0 and h["decoupled_weight_decay"]
    coupled = wd != 0 and not decoupled
    w1, w2 = 1 - beta1, 1 - beta2
    small = abs(w1) < 0.5
    st = KernelState(opt, dim)
    m = st.load("exp_avg", 0.0)
    v = st.load("exp_avg_sq", 0.0)
    product = opt._state.get("mu_product")
    mu_product = 1.0 if product is None else float(product)
    sqrt = math.sqrt

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        nonlocal mu_product
        st.count += 1
        step = st.count
        decay = 1 - lr * wd
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * md))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * md))
        mu_product = mu_product * mu
        mu_product_next = mu_product * mu_next
        bc2 = 1 - beta2**step
        c1 = -lr * (1.0 - mu) / (1.0 - mu_product)
        c2 = (-lr * mu_next) / (1.0 - mu_product_next)
        out = []
        for i in range(dim):
            pi, gi = p[i], g[i]
            if decoupled:
                pi = pi * decay
            elif coupled:
                gi = gi + wd * pi
            a = m[i]
            a = a + w1 * (gi - a) if small else gi - (gi - a) * (1 - w1)
            m[i] = a
            s = v[i] * beta2 + w2 * gi * gi
            v[i] = s
            denom = sqrt(s / bc2) + eps
            pi = pi + c1 * (gi / denom)
            out.append(pi + c2 * (a / denom))
        return out

    return update, lambda: st.commit({"mu_product": mu_product})


_MAKERS: tuple[tuple[type[Optimizer], Callable[[Optimizer, int], Kernel]], ...] = (
    (SGD, _sgd),
    (RMSprop, _rmsprop),
    (Adagrad, _adagrad),
    (Adam, _adam),
    (NAdam, _nadam),
)
