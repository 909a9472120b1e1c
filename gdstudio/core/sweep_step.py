"""One step of every run of a sweep: the template of sweep_rules.py as numpy calls with out=.

`make_step(engine)` binds the engine's arrays once (again after runs leave) and returns
step(t): the new parameters of every run, their losses and gradients (one landscape call for
all runs) and a quick check of them all: sums that are finite and small when no run can have
converged, diverged or run away. It commits the step and returns the losses when the check
passes; otherwise it returns None and the engine checks each run exactly as Run does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .sweep_rules import OWN, SHARED, VARYING

Array = np.ndarray


def squared_tolerance(tol: float) -> float:
    """A bound above tol² (|∇L|² below it may mean |∇L| < tol; the engine then decides)."""
    if not tol > 0:
        return -1.0  # |∇L| < 0 never happens: never flag
    return max(tol * tol * (1 + 1e-9), 1e-290)


def make_step(e: Any) -> Callable[[int], Array | None]:
    """The step function for the engine's current runs (see the module's docstring)."""
    mul, div, add, sub, sqrt, copyto, minimum = (
        np.multiply,
        np.divide,
        np.add,
        np.subtract,
        np.sqrt,
        np.copyto,
        np.minimum,
    )
    x, new, work = e.x, e.new, e.work
    p_all, g_all, q_all, g2_all = x[0], x[1], new[0], new[1]
    w0, w1 = work[0], work[1]
    live = [r for r in e.racers if r.count]
    n = sum(r.count for r in live if r.plan.family == SHARED)
    full = n == p_all.shape[1]

    def cut(a: Array) -> Array:
        return a if full else a[:, :n]

    c = {name: cut(col) for name, col in e.cols.items()}
    tables = e.tables
    t_c, t_e, t_c1, t_c2 = (tables[name] for name in VARYING)
    clip = e.clip
    gc = np.empty_like(g_all) if clip is not None else g_all
    g_in = gc
    coupled = [(r.plan.coupled_wd, r.rows) for r in live if r.plan.coupled_wd != 0]
    ge = np.empty_like(g_all) if coupled else g_in
    own = [
        (r.plan.opt, r.rows, e.cols["lr"][0, r.rows][:, None]) for r in live if r.plan.family == OWN
    ]
    uses_b = any(r.plan.uses_b for r in live)
    uses_m = any(r.plan.uses_m for r in live)
    decoupled = any(r.plan.decoupled for r in live)
    den = np.empty((p_all.shape[0], n))
    p, q, g, s, m, b = cut(p_all), cut(q_all), cut(ge), cut(e.s), cut(e.m), cut(e.b)
    t1, t2 = cut(w0), cut(w1)
    w, alpha, eps = c["w"], c["alpha"], c["eps"]
    mom, damp, kappa, nu = c["mom"], c["damp"], c["kappa"], c["nu"]
    w1c, decay = c["w1"], c["decay"]
    measure, tol2 = e.measure, squared_tolerance(e.tol)
    bound = e.runaway_sq * (1 - 1e-9)  # below the limit with room for the sum's rounding
    q_flat, g2_flat = q_all.reshape(-1), g2_all.reshape(-1)
    ones, ones_g = np.ones(p_all.shape[1]), np.ones(g2_flat.shape)
    gg, grad_sq = e.gg, w1
    two = p_all.shape[0] == 2
    chunk = len(t_c)

    def clipped() -> None:  # clip_grad_norm on each run: the norm summed in order, one scale
        mul(g_all, g_all, gc)
        total = summed_rows(gc)
        sqrt(total, total)
        add(total, 1e-6, total)
        mul(g_all, minimum(float(clip or 0.0) / total, 1.0), gc)

    def step(t: int) -> Array | None:
        i = t - e.first
        if i >= chunk:
            e.fill_tables(t)
            i = 0
        cc, ee, c1, c2 = cut(t_c[i]), cut(t_e[i]), cut(t_c1[i]), cut(t_c2[i])
        if clip is not None:
            clipped()
        if coupled:  # g + wd·p, as the rule does first
            copyto(ge, g_in)
            for wd, rows in coupled:
                mul(p_all[:, rows], wd, w0[:, rows])
                add(g_in[:, rows], w0[:, rows], ge[:, rows])
        if n:
            mul(w, g, t1)  # s ← s·α + (w·g)·g
            mul(t1, g, t1)
            mul(s, alpha, s)
            add(s, t1, s)
            div(s, cc, den)  # d ← √(s/c)/e + ε
            sqrt(den, den)
            div(den, ee, den)
            add(den, eps, den)
            h = g
            if uses_b:
                if t == 1:  # PyTorch starts the buffer at the first gradient, undampened
                    copyto(b, g)
                else:  # b ← b·μ + δ·g
                    mul(b, mom, b)
                    mul(damp, g, t1)
                    add(b, t1, b)
                mul(kappa, g, t2)  # h ← κ·g + ν·b
                mul(nu, b, t1)
                add(t2, t1, t2)
                h = t2
            base = p
            if decoupled:  # p·(1 − lr·wd) first
                mul(p, decay, q)
                base = q
            div(h, den, t1)  # p' ← p + c₁·(h/d)
            mul(t1, c1, t1)
            add(base, t1, q)
            if uses_m:
                sub(g, m, t1)  # m ← m + w₁·(g − m)
                mul(t1, w1c, t1)
                add(m, t1, m)
                div(m, den, t1)  # p' ← p' + c₂·(m/d)
                mul(t1, c2, t1)
                add(q, t1, q)
        for opt, rows, lr in own:
            q_all[:, rows] = opt.step_many(p_all[:, rows].T, ge[:, rows].T, lr).T
        loss2: Array = measure(q_all, g2_all)
        # Σ|p'|² bounds every run's |p'|²; the sums are finite iff every loss and gradient is
        ok = q_flat.dot(q_flat) <= bound and math.isfinite(g2_flat.dot(ones_g) + loss2.dot(ones))
        if ok and tol2 >= 0:  # every |∇L|² above tol² (with room): no run converged
            mul(g2_all, g2_all, grad_sq)
            if two:
                add(grad_sq[0], grad_sq[1], gg)
            else:
                copyto(gg, summed_rows(grad_sq))
            ok = bool(gg.min() > tol2)
        if ok:
            copyto(x, new)
            e.loss = loss2
            return loss2
        e.loss2 = loss2
        return None

    return step


def summed_rows(rows: Array) -> Array:
    """rows[0] + rows[1] + ... summed in order (as a run sums its squares), a new array."""
    out: Array = rows[0].copy()
    for i in range(1, len(rows)):
        out += rows[i]
    return out
