"""The studio document: landscape, dataset, start, racers, settings and view, with a revision.

Every change to a field of the document or of what it holds (settings, view, racers) bumps
`revision` once and tells the `on_change` listeners: a session is dirty while its revision
differs from the one saved. The document also holds the 3D `camera` (gdstudio.state.camera),
which sessions save beside the model and whose moves are not edits (no revision). `to_dict`
is the session's "model" object; `from_dict` checks one completely (SessionError naming the
first bad field) before anything is replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from ..core.catalog import is_data_landscape, landscape_names, make_landscape
from ..core.data import Dataset
from .camera import Camera
from .evented import Evented, Field
from .formula import CUSTOM, Bounds, Formula, ViewBounds, formula_dim
from .kinds import Choice, Kind, Number, SessionError, Text, as_list, as_object, finite_numbers
from .kinds import required as required_key
from .network import NETWORK, NetworkKind, NetworkSpec
from .runs import MAX_RUNS, RunSpec, default_color
from .settings import Settings, View

MAX_START = 1e9
START_ITEM = Number(-MAX_START, MAX_START)
R = TypeVar("R", bound=RunSpec)
C = TypeVar("C", bound=Evented)


def document_landscapes() -> list[str]:
    """The landscapes a document may hold: every named one, the typed formula, the network."""
    return [*landscape_names(), CUSTOM, NETWORK]


def landscape_dim(
    name: str, expression: str | None = None, network: NetworkSpec | None = None
) -> int:
    """How many parameters landscape `name` has (data fits: slope and intercept).

    The typed landscape (CUSTOM) has as many as its formula `expression`, the network
    (NETWORK) as many weights and biases as `network` (None: the default network).
    """
    if name == NETWORK:
        return (network or NetworkSpec()).n_params
    if name == CUSTOM:
        if expression is None:
            raise SessionError("the custom landscape needs a formula")
        return formula_dim(expression)
    return 2 if is_data_landscape(name) else make_landscape(name).dim


class Start(Kind):
    """Where the runs start: one number per parameter (null: the landscape's default)."""

    def load(self, value: Any, where: str, context: dict[str, Any]) -> np.ndarray | None:
        """The start as float64, None for the default, or SessionError."""
        if value is None:
            return None
        values = list(value) if isinstance(value, (tuple, np.ndarray)) else as_list(value, where)
        landscape = context["landscape"]
        dim = landscape_dim(landscape, context.get("expression"), context.get("network"))
        if len(values) != dim:
            raise SessionError(
                f"{where}: must hold {dim} number{'s' * (dim > 1)} for "
                f"{landscape}, got {len(values)}"
            )
        return np.array(
            [
                START_ITEM.check(float(v) if isinstance(v, np.floating) else v, f"{where}[{i}]")
                for i, v in enumerate(values)
            ]
        )

    def dump(self, value: np.ndarray | None, copy_arrays: bool = False) -> list[float] | None:
        """The start as a list of floats."""
        return None if value is None else value.tolist()

    def same(self, a: Any, b: Any) -> bool:
        """Equal arrays (or both None)."""
        if a is None or b is None:
            return a is b
        return bool(np.array_equal(a, b))


class Data(Kind):
    """The dataset: columns x, y and (classification) label."""

    def load(self, value: Any, where: str, context: dict[str, Any]) -> Dataset:
        """The dataset (a Dataset passes as it is), or SessionError naming the bad column."""
        if isinstance(value, Dataset):
            return value
        d = as_object(value, where)
        x = finite_numbers(required_key(d, "x", where), f"{where}.x")
        y = finite_numbers(required_key(d, "y", where), f"{where}.y")
        if len(x) != len(y):
            raise SessionError(f"{where}: {len(x)} x values but {len(y)} y values")
        label = None if d.get("label") is None else finite_numbers(d["label"], f"{where}.label")
        if label is not None and len(label) != len(x):
            raise SessionError(
                f"{where}.label: must have one entry per point ({len(x)}), got {len(label)}"
            )
        if context.get("landscape") == "logistic-bce":
            if label is None:
                raise SessionError(
                    f"{where}.label: logistic-bce needs a class label (0 or 1) for every point"
                )
            if not np.all(np.isin(label, (0.0, 1.0))):
                raise SessionError(f"{where}.label: class labels must be 0 or 1")
        try:
            return Dataset(x, y, label)
        except ValueError as e:
            raise SessionError(f"{where}: {e}") from None

    def dump(self, value: Dataset, copy_arrays: bool = False) -> dict[str, Any]:
        """{"x", "y", "label"}: lists, or numpy copies for a worker to encode."""

        def column(values: np.ndarray) -> np.ndarray | list[float]:
            return values.copy() if copy_arrays else list(values.tolist())

        return {
            "x": column(value.x),
            "y": column(value.y),
            "label": column(value.label) if value.has_labels else None,
        }

    def same(self, a: Any, b: Any) -> bool:
        """The same dataset object (edits in place are announced with `touch`)."""
        return a is b


class OptionalNetwork(Kind):
    """The network lesson's setup, or None on every other landscape."""

    spec = NetworkKind()

    def check(self, value: Any, where: str) -> NetworkSpec | None:
        """None stays None; otherwise a checked NetworkSpec (SessionError naming the key)."""
        return None if value is None else self.spec.check(value, where)

    def dump(self, value: NetworkSpec | None, copy_arrays: bool = False) -> Any:
        """The spec as JSON (null: none)."""
        return None if value is None else self.spec.dump(value)

    def same(self, a: Any, b: Any) -> bool:
        """Equal specs (or both None)."""
        return bool(a == b)


class Studio(Evented):
    """The document: what a session saves and what every view shows."""

    scene: Field[str | None] = Field(Text(max_len=100, nullable=True), None)
    landscape: Field[str] = Field(Choice(document_landscapes), "quadratic2d")
    expression: Field[str | None] = Field(Formula(), None)  # the typed landscape's formula
    bounds: Field[Bounds | None] = Field(ViewBounds(), None)  # and its view (None: default)
    data: Field[Dataset] = Field(Data(), Dataset.default())
    network: Field[NetworkSpec | None] = Field(OptionalNetwork(), None)  # the network lesson's
    start: Field[np.ndarray | None] = Field(Start(), None)

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        self.revision = 0
        self._changed: list[Callable[[], None]] = []
        self.settings = self._own(Settings())
        self.view = self._own(View())
        self.camera = Camera()  # not owned: looking around does not make the session dirty
        self.runs: list[RunSpec] = []

    def _own(self, child: C) -> C:
        child._owner = self
        return child

    # --- revision --------------------------------------------------------------------------

    def touch(self) -> None:
        """Count a change (of a field, or of the dataset edited in place) and announce it."""
        self.revision += 1
        for listener in list(self._changed):
            listener()

    def on_change(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener()` after every change anywhere in the document."""
        self._changed.append(listener)
        return listener

    # --- racers ----------------------------------------------------------------------------

    def add_run(self, spec: RunSpec) -> None:
        """Append a racer (SessionError beyond MAX_RUNS)."""
        if len(self.runs) >= MAX_RUNS:
            raise SessionError(f"runs: a race holds at most {MAX_RUNS} optimizers")
        self.runs.append(self._own(spec))
        self.touch()

    def remove_run(self, index: int) -> None:
        """Take racer `index` out."""
        del self.runs[index]
        self.touch()

    def set_runs(self, specs: list[RunSpec]) -> None:
        """Replace every racer."""
        if len(specs) > MAX_RUNS:
            raise SessionError(f"runs: a race holds at most {MAX_RUNS} optimizers")
        self.runs = [self._own(s) for s in specs]
        self.touch()

    # --- whole document --------------------------------------------------------------------

    def to_dict(self, copy_arrays: bool = False) -> dict[str, Any]:
        """The session's "model" object (numpy copies of the data with `copy_arrays`); the
        network's setup only on the network (a session of another landscape has none)."""
        fields = super().to_dict(copy_arrays)
        if fields["network"] is None:
            del fields["network"]
        return {
            **fields,
            "runs": [r.to_dict() for r in self.runs],
            **self.settings.to_dict(),
            **self.view.to_dict(),
        }

    @classmethod
    def check(
        cls,
        d: Any,
        where: str = "model",
        run_type: type[R] = RunSpec,  # type: ignore[assignment]
    ) -> tuple[Studio, list[R]]:
        """A checked document and its racers, or SessionError naming the first bad field."""
        m = as_object(d, where)
        for key in ("landscape", "data", "runs"):
            required_key(m, key, where)
        at = f"{where}."
        doc = super().from_dict(m, at)
        doc.settings = doc._own(Settings.from_dict(m, at))
        doc.view = doc._own(View.from_dict(m, at))
        runs_in = as_list(m["runs"], f"{where}.runs")
        if len(runs_in) > MAX_RUNS:
            raise SessionError(
                f"{where}.runs: a race holds at most {MAX_RUNS} optimizers, got {len(runs_in)}"
            )
        runs: list[R] = []
        for i, r in enumerate(runs_in):
            here = f"{where}.runs[{i}]"
            obj = as_object(r, here)
            required_key(obj, "optimizer", here)
            runs.append(run_type.from_dict({"color": default_color(i), **obj}, here + "."))
        doc.runs = []
        return doc, runs

    @classmethod
    def from_dict(cls, d: Any, where: str = "model") -> Studio:
        """A checked document with its racers."""
        doc, runs = cls.check(d, where, RunSpec)
        doc.runs = [doc._own(r) for r in runs]
        return doc

    def assign_all(self, other: Studio, runs: list[RunSpec]) -> None:
        """Take every value of a checked document (`other`) and these racers."""
        self.assign(other)
        self.settings.assign(other.settings)
        self.view.assign(other.view)
        self.set_runs(runs)
