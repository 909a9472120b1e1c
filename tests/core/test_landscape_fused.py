"""Fused value-and-gradient and the point form agree bit for bit with value() and grad()."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libm_agreement import bit_exact

from gdstudio.core.catalog import landscape_names, make_landscape
from gdstudio.core.landscapes import ANALYTIC


def _grid(ls, n: int = 41, margin: float = 0.25) -> np.ndarray:
    """An n^d grid over the view bounds, widened by `margin` of the span on each side."""
    axes = []
    for lo, hi in ls.bounds:
        pad = margin * (hi - lo)
        axes.append(np.linspace(lo - pad, hi + pad, n))
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)


def _same(a, b) -> bool:
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def _as_numpy(name: str, a, b) -> bool:
    """The point form (math) gives numpy's bits, or its last-bit neighbours where numpy's
    exp/sin/cos are not the C library's (see libm_agreement)."""
    if bit_exact(name):
        return _same(a, b)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True))


@pytest.mark.parametrize("name", landscape_names())
def test_value_and_grad_equals_value_then_grad_over_a_grid(name):
    ls = make_landscape(name)
    grid = _grid(ls)
    value, grad = ls.value_and_grad(grid)
    assert _same(value, ls.value(grid))
    assert _same(grad, ls.grad(grid))
    for p in grid.reshape(-1, ls.dim)[::37]:  # one point at a time too
        v, g = ls.value_and_grad(p)
        assert _as_numpy(name, v, ls.value(p)) and _as_numpy(name, g, ls.grad(p))


@pytest.mark.parametrize("name", list(ANALYTIC))
def test_the_point_form_gives_the_bits_of_the_arrays_on_a_grid(name):
    ls = ANALYTIC[name]
    grid = _grid(ls).reshape(-1, ls.dim)
    value, grad = ls.value_and_grad(grid)
    point = ls.point_value_and_grad
    assert point is not None
    for i, p in enumerate(grid):
        v, g = point(p.tolist())
        assert isinstance(v, float) and all(isinstance(c, float) for c in g)
        assert _as_numpy(name, v, value[i]) and _as_numpy(name, g, grad[i]), (name, p)
        assert _as_numpy(name, v, ls.value(p)) and _as_numpy(name, g, ls.grad(p)), (name, p)


_FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(ANALYTIC)), st.lists(_FLOATS, min_size=2, max_size=2))
def test_the_point_form_matches_numpy_at_any_point(name, coords):
    ls = ANALYTIC[name]
    p = np.array(coords[: ls.dim])
    with np.errstate(all="ignore"):
        v, g = ls.point_value_and_grad(p.tolist())
        assert _as_numpy(name, v, ls.value(p)) and _as_numpy(name, g, ls.grad(p)), (name, coords)


def test_two_valleys_minima_are_found_on_first_use_with_the_old_numbers():
    # The numbers the import-time search gave before it moved to first use.
    assert ANALYTIC["two-valleys"].minima == (
        (-1.4012781431410526, 0.0),
        (1.4418545021489773, 0.0),
    )


def test_importing_the_landscapes_computes_nothing():
    code = (
        "import gdstudio.core.catalog, gdstudio.core.landscapes\n"
        "from gdstudio.core.landscape_math import two_valleys_minima as f\n"
        "print(f.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
