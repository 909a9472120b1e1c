"""The studio state, Qt-free and declared once: settings, view, racers and the document.

Each field is declared once (kind: type, bounds, validator; default). Setting a field checks
it (SessionError naming the field), emits its event and bumps the document's revision;
sessions (`to_dict` / `from_dict`), scenes and widgets' ranges derive from the declaration.
"""

from __future__ import annotations

from .document import START_ITEM, Studio, document_landscapes, landscape_dim
from .evented import Evented, Field
from .formula import CUSTOM
from .kinds import SessionError, Unrepresentable
from .runs import HYPER_NUMBER, HYPER_PAIR_ITEM, LR, MAX_BATCH, MAX_RUNS, MAX_SEED, RunSpec
from .settings import (
    INTEGER_SCHEDULE_PARAMS,
    SCHEDULE_PARAM,
    Settings,
    View,
    check_camera,
    schedule_param_kind,
)

__all__ = [
    "CUSTOM",
    "HYPER_NUMBER",
    "HYPER_PAIR_ITEM",
    "INTEGER_SCHEDULE_PARAMS",
    "LR",
    "MAX_BATCH",
    "MAX_RUNS",
    "MAX_SEED",
    "SCHEDULE_PARAM",
    "START_ITEM",
    "Evented",
    "Field",
    "RunSpec",
    "SessionError",
    "Settings",
    "Studio",
    "Unrepresentable",
    "View",
    "check_camera",
    "document_landscapes",
    "landscape_dim",
    "schedule_param_kind",
]
