"""One step of every run of a sweep: the template of sweep_rules.py as numpy calls with out=.

`make_step(engine)` binds the engine's arrays once (again after runs leave) and returns
step(t): the new parameters of every run and their gradients (one landscape call for all
runs), and their losses unless the landscape leaves them for later (sweep_fused.py). It checks
nothing: the engine checks the runs every few steps, from the positions it keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .sweep_rules import OWN, VARYING, rank

Array = np.ndarray


Step = Callable[[int], "Array | None"]  # step t; the losses, unless deferred


def make_step(e: Any) -> Step:
    """The step function for the engine's current runs (see the module's docstring).

    Two of them, one writing e.new from e.x and one the other way: a taken step swaps the
    engine's two arrays and hands over to the other function instead of copying.
    """
    pair: list[Step] = []
    pair.append(_bind(e, e.x, e.new, pair, 1))
    pair.append(_bind(e, e.new, e.x, pair, 0))
    return pair[0]


def _bind(e: Any, x: Array, new: Array, pair: list[Step], other: int) -> Step:
    """step(t) from x into new (see make_step)."""
    mul, div, add, sub, sqrt, copyto, minimum = (
        np.multiply,
        np.divide,
        np.add,
        np.subtract,
        np.sqrt,
        np.copyto,
        np.minimum,
    )
    work = e.work
    p_all, g_all, q_all, g2_all = x[0], x[1], new[0], new[1]
    w0, w1 = work[0], work[1]
    live = [r for r in e.racers if r.count]
    counts = [sum(r.count for r in live if rank(r.plan) == k) for k in range(4)]
    lo_m, lo_h = counts[0], counts[0] + counts[1]  # where the moment and heavy-ball runs start
    hi_h, n = lo_h + counts[2], sum(counts)
    tables = e.tables
    t_c, t_e, t_c1, t_c2 = (tables[name] for name in VARYING)
    clip = e.clip
    gc = np.empty_like(g_all) if clip is not None else g_all
    g_in = gc
    coupled = [(r.plan.coupled_wd, r.rows) for r in live if r.plan.coupled_wd != 0]
    ge = np.empty_like(g_all) if coupled else g_in
    lr_col = e.cols["lr"][:, :1]
    own = [(r.plan.opt, r.rows, lr_col[r.rows]) for r in live if r.plan.family == OWN]
    decoupled = any(r.plan.decoupled for r in live)
    col = e.cols

    def part(a: Array, lo: int, hi: int) -> Array:  # runs lo..hi − 1: one contiguous block
        return a[lo:hi]

    # every shared run (all), those with a second moment (sm), a first moment (fm), a heavy ball
    p, q, g, t1, den = (part(a, 0, n) for a in (p_all, q_all, ge, w0, e.den))
    g_sm, t_sm, s, den_sm = (part(a, 0, lo_h) for a in (ge, w0, e.s, e.den))
    w, alpha, eps = (part(col[k], 0, lo_h) for k in ("w", "alpha", "eps"))
    decay = part(col["decay"], 0, n)  # 1 but for decoupled weight decay: p·1 is exact
    g_fm, t_fm, m, q_fm, w1c = (part(a, lo_m, lo_h) for a in (ge, w0, e.m, q_all, col["w1"]))
    g_h, t1_h, t2_h, b = (part(a, lo_h, hi_h) for a in (ge, w0, w1, e.b))
    mom, damp, kappa, nu = (part(col[k], lo_h, hi_h) for k in ("mom", "damp", "kappa", "nu"))
    damped = bool((damp != 1.0).any())
    measure = e.kernel.bind(q_all, g2_all)
    chunk = len(t_c)
    # each table cut to the runs its part of the template covers, as a list of its steps' rows
    # (views made once: a step only picks them)
    c_sm, e_sm, c1_all, c2_fm = (
        list(table) for table in (t_c[:, :lo_h], t_e[:, :lo_h], t_c1[:, :n], t_c2[:, lo_m:lo_h])
    )
    den_fm = part(e.den, lo_m, lo_h)

    def clipped() -> None:  # clip_grad_norm on each run: the norm summed in order, one scale
        mul(g_all, g_all, gc)
        total = summed_rows(gc)
        sqrt(total, total)
        add(total, 1e-6, total)
        mul(g_all, minimum(float(clip or 0.0) / total, 1.0)[:, None], gc)

    def step(t: int) -> Array | None:
        i = t - e.first
        if i >= chunk:
            e.fill_tables(t)
            i = 0
        if clip is not None:
            clipped()
        if coupled:  # g + wd·p, as the rule does first
            copyto(ge, g_in)
            for wd, rows in coupled:
                mul(p_all[rows], wd, w0[rows])
                add(g_in[rows], w0[rows], ge[rows])
        if lo_h:  # s ← s·α + (w·g)·g;  d ← √(s/c)/e + ε  (d stays 1 for the other runs)
            mul(w, g_sm, t_sm)
            mul(t_sm, g_sm, t_sm)
            mul(s, alpha, s)
            add(s, t_sm, s)
            div(s, c_sm[i], den_sm)
            sqrt(den_sm, den_sm)
            div(den_sm, e_sm[i], den_sm)
            add(den_sm, eps, den_sm)
        if hi_h > lo_h:  # b ← b·μ + δ·g (b = g at the first step, as PyTorch starts it)
            if t == 1:
                copyto(b, g_h)
            elif damped:
                mul(b, mom, b)
                mul(damp, g_h, t2_h)
                add(b, t2_h, b)
            else:  # no dampening: (1 − 0)·g is g itself
                mul(b, mom, b)
                add(b, g_h, b)
        if n:
            base = p
            if decoupled:  # p·(1 − lr·wd) first
                mul(p, decay, q)
                base = q
            div(g, den, t1)  # p' ← p + c₁·(h/d), h = g but for a heavy ball (d = 1 there)
            if hi_h > lo_h:  # h ← κ·g + ν·b
                mul(kappa, g_h, t1_h)
                mul(nu, b, t2_h)
                add(t1_h, t2_h, t1_h)
            mul(t1, c1_all[i], t1)
            add(base, t1, q)
        if lo_h > lo_m:  # m ← m + w₁·(g − m);  p' ← p' + c₂·(m/d)
            sub(g_fm, m, t_fm)
            mul(t_fm, w1c, t_fm)
            add(m, t_fm, m)
            div(m, den_fm, t_fm)
            mul(t_fm, c2_fm[i], t_fm)
            add(q_fm, t_fm, q_fm)
        for opt, rows, lr in own:
            q_all[rows] = opt.step_many(p_all[rows], ge[rows], lr)
        loss: Array | None = measure()
        e.x, e.new, e.step = new, x, pair[other]  # new is the state now, x free for the next
        return loss

    return step


def summed_rows(rows: Array) -> Array:
    """Each row's numbers (the last axis) summed in order, as a run sums its squares."""
    out: Array = rows[..., 0].copy()
    for i in range(1, rows.shape[-1]):
        out += rows[..., i]
    return out
