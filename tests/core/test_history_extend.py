"""History.extend records rows exactly as append() would, one by one, through decimation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdstudio.core.history import History


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([4, 8, 16]),
    st.integers(0, 3),
    st.lists(st.integers(1, 40), min_size=1, max_size=12),
)
def test_extend_equals_append_row_by_row(capacity, start, blocks):
    one, many = History(2, capacity), History(2, capacity)
    step = start
    for size in blocks:
        rows = []
        for _ in range(size):
            row = (step, step * 0.5, -float(step), step + 0.25, 1.0 / (step + 1), 0.1)
            one.append(row[0], np.array(row[1:3]), *row[3:])
            rows.append(row)
            step += 1
        many.extend(rows)
        assert one.rows().tobytes() == many.rows().tobytes()
        assert one.stride == many.stride and one.latest.tobytes() == many.latest.tobytes()


def test_extend_refuses_rows_of_the_wrong_width():
    h = History(2, 8)
    with pytest.raises(ValueError, match="6 numbers"):
        h.extend([(0, 1.0, 2.0)])
    with pytest.raises(ValueError, match="6 numbers"):
        h.extend([(0, 1.0, 2.0)] * 20)
