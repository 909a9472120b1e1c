"""The selection's and the commands' indices: sorted, each once, for any list a user's
clicks, rubber bands and table picks make (as np.unique, without its first-call import)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gdstudio.app.data.selection import unique_indices


@given(st.lists(st.integers(-(2**40), 2**40)))
def test_unique_indices_are_numpys_unique(indices):
    got = unique_indices(indices)
    assert got.dtype == np.int64
    assert np.array_equal(got, np.unique(np.asarray(indices, dtype=np.int64)))


def test_unique_indices_leave_numpys_masked_arrays_unimported():
    code = (
        "import sys\n"
        "from gdstudio.app.data.selection import unique_indices\n"
        "unique_indices([3, 1, 3, 2])\n"
        "print('numpy.ma' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
