"""History.rows_since(step) is rows() from the first row after `step`, whatever was recorded."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.history import History


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([4, 8, 16]),
    st.lists(st.integers(1, 30), min_size=1, max_size=8),
    st.integers(-2, 400),
)
def test_rows_since_equals_slicing_columns(capacity, blocks, since):
    h = History(2, capacity)
    step = 0
    for size in blocks:
        rows = [
            (s, s * 0.5, -float(s), s + 0.25, 1.0 / (s + 1), 0.1) for s in range(step, step + size)
        ]
        step += size
        h.extend(rows)
        cols = h.columns()
        new = h.rows_since(since)
        pick = cols["step"] > since
        assert new.shape == (int(pick.sum()), 6)
        assert np.array_equal(new[:, 0].astype(np.int64), cols["step"][pick])
        assert np.array_equal(new[:, 1:3], cols["params"][pick])
        for i, name in enumerate(("loss", "grad_norm", "lr"), 3):
            assert np.array_equal(new[:, i], cols[name][pick])
        assert h.kept == len(cols["step"]) - (0 if cols["step"][-1] % h.stride == 0 else 1)


def test_rows_since_is_empty_without_new_rows_and_a_copy():
    h = History(1, 8)
    assert h.rows_since(-1).shape == (0, 5)
    h.append(0, np.array([1.0]), 2.0, 3.0, 0.1)
    h.append(1, np.array([1.5]), 1.0, 2.0, 0.1)
    assert h.rows_since(1).shape == (0, 5)
    new = h.rows_since(0)
    new[:] = 0.0
    assert h.rows_since(0)[0, 0] == 1.0
