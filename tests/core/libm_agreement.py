"""Whether numpy's array exp/sin/cos give the C library's bits on this machine.

The scalar fast path computes exp, sin and cos with `math` (the C library); the array path
with numpy, which uses the C library on most CPUs but its own SIMD versions on some (AVX-512).
Those may differ in the last bit, so landscapes built on them are compared bit for bit only
where the two agree; everything else (arithmetic and sqrt, correctly rounded) is always exact.
"""

from __future__ import annotations

import math

import numpy as np

TRANSCENDENTAL = frozenset({"two-valleys", "plateau", "rastrigin"})  # exp, sin, cos


def _agree() -> bool:
    x = np.concatenate(
        [np.linspace(-60.0, 0.0, 4001), np.random.default_rng(0).uniform(-1e3, 1e3, 4000)]
    )
    with np.errstate(all="ignore"):
        for array_fn, scalar_fn, xs in (
            (np.exp, math.exp, x[x <= 0]),
            (np.sin, math.sin, x),
            (np.cos, math.cos, x),
        ):
            if array_fn(xs).tobytes() != np.array([scalar_fn(v) for v in xs]).tobytes():
                return False
    return True


NUMPY_USES_LIBM = _agree()


def bit_exact(landscape_name: str) -> bool:
    """True if the fast and array paths must agree bit for bit on this landscape here."""
    return NUMPY_USES_LIBM or landscape_name not in TRANSCENDENTAL
