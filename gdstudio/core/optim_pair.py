"""The update rules of optim_scalar.py written out for two parameters (the common case).

The same operations in the same order as the coordinate loops there, without the loop and
the list indexing; tests/core/test_optim_scalar.py checks them against Optimizer.step.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .optim_state import Kernel, KernelState
from .optimizers import SGD, Adagrad, Adam, NAdam, Optimizer, RMSprop


def _sgd(opt: Optimizer) -> Kernel:
    h = opt.hyper
    wd, momentum, nesterov = h["weight_decay"], h["momentum"], h["nesterov"]
    damp = 1 - h["dampening"]
    st = KernelState(opt, 2)
    buf = st.load_first("momentum_buffer")

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        nonlocal buf
        st.count += 1
        p0, p1 = p
        g0, g1 = g
        if wd != 0:
            g0, g1 = g0 + wd * p0, g1 + wd * p1
        if momentum != 0:
            if buf is None:  # PyTorch starts the buffer at the first gradient, undampened
                b0, b1 = g0, g1
            else:
                b0, b1 = buf[0] * momentum + damp * g0, buf[1] * momentum + damp * g1
            buf = [b0, b1]
            if nesterov:
                g0, g1 = g0 + momentum * b0, g1 + momentum * b1
            else:
                g0, g1 = b0, b1
        return [p0 - lr * g0, p1 - lr * g1]

    return update, lambda: st.commit({"momentum_buffer": buf})


def _rmsprop(opt: Optimizer) -> Kernel:
    h = opt.hyper
    alpha, wd, centered = h["alpha"], h["weight_decay"], h["centered"]
    eps, momentum = float(h["eps"]), float(h["momentum"])
    use_momentum = h["momentum"] > 0
    w = 1 - alpha
    small = abs(w) < 0.5
    st = KernelState(opt, 2)
    sq = st.load("square_avg", 0.0)
    avg_g = st.load("grad_avg", 0.0) if centered else []
    buf = st.load("momentum_buffer", 0.0) if use_momentum else []
    sqrt = math.sqrt

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        st.count += 1
        p0, p1 = p
        g0, g1 = g
        if wd != 0:
            g0, g1 = g0 + wd * p0, g1 + wd * p1
        s0, s1 = sq[0] * alpha + w * g0 * g0, sq[1] * alpha + w * g1 * g1
        sq[0], sq[1] = s0, s1
        if centered:
            a0, a1 = avg_g
            if small:
                a0, a1 = a0 + w * (g0 - a0), a1 + w * (g1 - a1)
            else:
                a0, a1 = g0 - (g0 - a0) * (1 - w), g1 - (g1 - a1) * (1 - w)
            avg_g[0], avg_g[1] = a0, a1
            v0, v1 = s0 - a0 * a0, s1 - a1 * a1
            if not (v0 >= 0.0 or v0 != v0):  # np.maximum(spread, 0.0)
                v0 = 0.0
            if not (v1 >= 0.0 or v1 != v1):
                v1 = 0.0
            d0, d1 = sqrt(v0) + eps, sqrt(v1) + eps
        else:
            d0, d1 = sqrt(s0) + eps, sqrt(s1) + eps
        if use_momentum:
            b0, b1 = buf[0] * momentum + g0 / d0, buf[1] * momentum + g1 / d1
            buf[0], buf[1] = b0, b1
            return [p0 - lr * b0, p1 - lr * b1]
        return [p0 - lr * (g0 / d0), p1 - lr * (g1 / d1)]

    return update, st.commit


def _adagrad(opt: Optimizer) -> Kernel:
    h = opt.hyper
    wd, lr_decay, eps = h["weight_decay"], h["lr_decay"], float(h["eps"])
    st = KernelState(opt, 2)
    total = st.load("sum", h["initial_accumulator_value"])
    sqrt = math.sqrt

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        st.count += 1
        clr = lr / (1 + (st.count - 1) * lr_decay)
        p0, p1 = p
        g0, g1 = g
        if wd != 0:
            g0, g1 = g0 + wd * p0, g1 + wd * p1
        s0, s1 = total[0] + g0 * g0, total[1] + g1 * g1
        total[0], total[1] = s0, s1
        return [p0 - clr * (g0 / (sqrt(s0) + eps)), p1 - clr * (g1 / (sqrt(s1) + eps))]

    return update, st.commit


def _adam(opt: Optimizer) -> Kernel:
    h = opt.hyper
    beta1, beta2 = h["betas"]
    wd, eps, amsgrad = h["weight_decay"], float(h["eps"]), h["amsgrad"]
    decoupled = wd != 0 and isinstance(opt, Adam) and opt.decoupled
    coupled = wd != 0 and not decoupled
    w1, w2 = 1 - beta1, 1 - beta2
    small = abs(w1) < 0.5
    st = KernelState(opt, 2)
    m = st.load("exp_avg", 0.0)
    v = st.load("exp_avg_sq", 0.0)
    vmax = st.load("max_exp_avg_sq", 0.0) if amsgrad else []
    sqrt = math.sqrt

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        st.count += 1
        step = st.count
        step_size = lr / (1 - beta1**step)
        bc2 = (1 - beta2**step) ** 0.5
        p0, p1 = p
        g0, g1 = g
        if decoupled:
            decay = 1 - lr * wd
            p0, p1 = p0 * decay, p1 * decay
        elif coupled:
            g0, g1 = g0 + wd * p0, g1 + wd * p1
        a0, a1 = m
        if small:
            a0, a1 = a0 + w1 * (g0 - a0), a1 + w1 * (g1 - a1)
        else:
            a0, a1 = g0 - (g0 - a0) * (1 - w1), g1 - (g1 - a1) * (1 - w1)
        s0, s1 = v[0] * beta2 + w2 * g0 * g0, v[1] * beta2 + w2 * g1 * g1
        m[0], m[1], v[0], v[1] = a0, a1, s0, s1
        if amsgrad:
            t0, t1 = vmax
            if t0 >= s0 or t0 != t0:  # np.maximum(max_exp_avg_sq, exp_avg_sq)
                s0 = t0
            if t1 >= s1 or t1 != t1:
                s1 = t1
            vmax[0], vmax[1] = s0, s1
        return [
            p0 - step_size * (a0 / (sqrt(s0) / bc2 + eps)),
            p1 - step_size * (a1 / (sqrt(s1) / bc2 + eps)),
        ]

    return update, st.commit


def _nadam(opt: Optimizer) -> Kernel:
    h = opt.hyper
    beta1, beta2 = h["betas"]
    wd, eps, md = h["weight_decay"], float(h["eps"]), h["momentum_decay"]
    decoupled = wd != 0 and h["decoupled_weight_decay"]
    coupled = wd != 0 and not decoupled
    w1, w2 = 1 - beta1, 1 - beta2
    small = abs(w1) < 0.5
    st = KernelState(opt, 2)
    m = st.load("exp_avg", 0.0)
    v = st.load("exp_avg_sq", 0.0)
    product = opt._state.get("mu_product")
    mu_product = 1.0 if product is None else float(product)
    sqrt = math.sqrt

    def update(p: list[float], g: list[float], lr: float) -> list[float]:
        nonlocal mu_product
        st.count += 1
        step = st.count
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * md))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * md))
        mu_product = mu_product * mu
        mu_product_next = mu_product * mu_next
        bc2 = 1 - beta2**step
        c1 = -lr * (1.0 - mu) / (1.0 - mu_product)
        c2 = (-lr * mu_next) / (1.0 - mu_product_next)
        p0, p1 = p
        g0, g1 = g
        if decoupled:
            decay = 1 - lr * wd
            p0, p1 = p0 * decay, p1 * decay
        elif coupled:
            g0, g1 = g0 + wd * p0, g1 + wd * p1
        a0, a1 = m
        if small:
            a0, a1 = a0 + w1 * (g0 - a0), a1 + w1 * (g1 - a1)
        else:
            a0, a1 = g0 - (g0 - a0) * (1 - w1), g1 - (g1 - a1) * (1 - w1)
        s0, s1 = v[0] * beta2 + w2 * g0 * g0, v[1] * beta2 + w2 * g1 * g1
        m[0], m[1], v[0], v[1] = a0, a1, s0, s1
        d0, d1 = sqrt(s0 / bc2) + eps, sqrt(s1 / bc2) + eps
        p0, p1 = p0 + c1 * (g0 / d0), p1 + c1 * (g1 / d1)
        return [p0 + c2 * (a0 / d0), p1 + c2 * (a1 / d1)]

    return update, lambda: st.commit({"mu_product": mu_product})


PAIR_MAKERS: dict[type[Optimizer], Callable[[Optimizer], Kernel]] = {
    SGD: _sgd,
    RMSprop: _rmsprop,
    Adagrad: _adagrad,
    Adam: _adam,
    NAdam: _nadam,
}
