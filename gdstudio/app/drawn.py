"""Where the landscape views draw a racer: at its parameters, or projected onto a loss slice.

A landscape of two parameters (or one) is drawn over its own parameters: a racer's path is
its parameters and losses as they are. A network's ~100 weights are drawn through a slice
(core/nn_view.py SliceLandscape, the model's display_landscape once one is computed): the
path is the trajectory projected onto the slice's plane, at the slice's loss there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..core.nn_slice import project
from ..core.nn_view import SliceLandscape

Array = NDArray[np.float64]


def view_dim(landscape: Any) -> int:
    """The parameters the 3D and contour views draw: 1 or 2; a bigger landscape is sliced."""
    dim = int(landscape.dim)
    return 2 if dim > 2 else dim


def is_sliced(model: Any) -> bool:
    """True while the views draw a slice of a landscape of more than two parameters."""
    return model.landscape.dim > 2 and isinstance(model.display_landscape, SliceLandscape)


def drawn_path(shown: Any, params: Array, losses: Array) -> tuple[Array, Array]:
    """A path's drawn points (m, 2) and heights (m,) on the surface `shown`.

    On a SliceLandscape the parameters (m, n) are projected onto its plane and the heights
    are the slice's loss there; otherwise the first two parameters and the losses as given.
    """
    if isinstance(shown, SliceLandscape) and params.shape[1] == len(shown.plane.origin):
        points = project(shown.plane, params)
        heights = np.asarray(shown.value(points), dtype=np.float64)
        return points, heights
    return params[:, :2], losses
