"""Hypothesis draws shared by the core tests: an optimizer with a legal set of hyperparameters."""

from __future__ import annotations

from hypothesis import strategies as st

from gdstudio.core.errors import ConfigError
from gdstudio.core.optimizers import OPTIMIZERS, make_optimizer


def draw_optimizer(draw, hyper: dict) -> tuple[str, dict]:
    """A name and some of its hyperparameters drawn from `hyper` (name → strategy); none
    when the drawn set is refused (e.g. nesterov without momentum)."""
    name = draw(st.sampled_from(list(OPTIMIZERS)))
    keys = draw(st.lists(st.sampled_from(list(OPTIMIZERS[name].defaults)), unique=True))
    values = {k: draw(hyper[k]) for k in keys}
    try:
        make_optimizer(name, **values)
    except ConfigError:
        values = {}
    return name, values
