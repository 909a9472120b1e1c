"""A session's checked model as plain values, for readers without a window (exports, CLI).

Nothing is declared here: every field, bound and default comes from gdstudio.state
(`Studio.check`), the one declaration the window, sessions and scenes share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.data import Dataset
from ..state import RunSpec, SessionError, Studio, check_camera

__all__ = ["ModelState", "SessionError", "check_camera", "check_model"]


@dataclass(frozen=True)
class ModelState:
    """A checked model snapshot: everything a race needs, nothing left to check."""

    scene: str | None
    landscape: str
    dataset: Dataset
    start: np.ndarray | None  # None: the landscape's default start
    runs: tuple[RunSpec, ...]
    schedule_name: str
    schedule_params: dict[str, Any]
    settings: dict[str, Any]  # settings and view fields by name (the schedule apart)


def check_model(state: Any, where: str = "model") -> ModelState:
    """Check a model snapshot completely (SessionError naming the first bad field)."""
    doc, runs = Studio.check(state, where, RunSpec)
    settings = {**doc.settings.to_dict(), **doc.view.to_dict()}
    del settings["schedule"]
    name, params = doc.settings.schedule
    return ModelState(
        doc.scene, doc.landscape, doc.data, doc.start, tuple(runs), name, dict(params), settings
    )
