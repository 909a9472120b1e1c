"""The network lesson's presets: setups that each show one idea, applied as a whole document.

"Lesson 7" is the lesson itself (its scene). The others replace the network, its points and the
racers, with their own steps and speed, through the model's restore (as a session would), so
they are undoable only by picking again, and a session saves them as any other setup. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...core.batching import parse_batch
from ...state import Settings
from ...state.network import MY_POINTS, NETWORK, NetworkKind, NetworkSpec
from ...theme import run_color

LESSON = "network"  # the scene of lesson 7


@dataclass(frozen=True)
class Preset:
    """One setup of the network lesson: its points and network, racers, steps and speed."""

    title: str
    tip: str  # the entry's tooltip: what the preset shows and how
    summary: str = ""  # one short line under the combo while it is on
    network: NetworkSpec = field(default_factory=NetworkSpec)
    runs: tuple[dict[str, Any], ...] = ()
    max_steps: int = 2000
    speed: float = 200.0
    scene: str | None = None  # a lesson's scene: picking it loads the lesson instead

    def racers(self) -> tuple[tuple[str, int | None], ...]:
        """Each racer's optimizer and gradient mode (None: full batch)."""
        return tuple((r["optimizer"], parse_batch(r.get("batch", "full"))) for r in self.runs)

    def snapshot(self, current: dict[str, Any]) -> dict[str, Any]:
        """The model's snapshot `current` turned into this preset (the data dock's points kept)."""
        snap = dict(current)
        snap.update(
            scene=None,
            landscape=NETWORK,
            network=NetworkKind().dump(self.network),
            start=None,  # the network's seeded weights
            runs=[
                {"enabled": True, "batch": "full", **r, "color": run_color(i)}
                for i, r in enumerate(self.runs)
            ],
            max_steps=self.max_steps,
            speed=self.speed,
            tol=Settings.tol.default,
            schedule={"name": Settings.schedule.default[0], "params": {}},
            clip_norm=None,
            view_mode="3d",
        )
        return snap


OVERFITTING = Preset(
    title="Overfitting",
    tip=(
        "A 2-32-32-1 tanh network on 40 noisy moons, half held out: the training loss keeps "
        "falling while the validation loss turns up within the first hundred steps (memorizing)"
    ),
    network=NetworkSpec(dataset="moons", noise=0.3, points=40, validation=0.5, layers=(32, 32)),
    runs=(
        {"optimizer": "adam", "label": "Adam", "hyper": {"lr": 0.01}},
        {"optimizer": "sgd", "label": "SGD", "hyper": {"lr": 0.5}},
    ),
    max_steps=1500,
    speed=300.0,
    summary="Memorizing: the dashed validation loss turns up while the training loss falls",
)

LARGE_VS_SMALL_BATCH = Preset(
    title="Large vs small batch",
    tip=(
        "The lesson's 2-8-8-1 tanh network and moons, trained by SGD at the same rate on every "
        "training point (full batch) and on mini-batches of 8: at the end, Sharpness shows the "
        "full-batch run in a much sharper minimum (a larger top Hessian eigenvalue)"
    ),
    network=NetworkSpec(),
    runs=(
        {"optimizer": "sgd", "label": "Full-batch GD", "hyper": {"lr": 0.3}},
        {"optimizer": "sgd", "hyper": {"lr": 0.3}, "batch": 8, "seed": 0},
    ),
    max_steps=2000,
    speed=400.0,
    summary="Same net, data and rate: which batch ends in the sharper minimum? (Sharpness)",
)

LESSON_7 = Preset(
    title="Lesson 7: four optimizers",
    tip="The lesson as it opens: SGD, Momentum, RMSprop and Adam on 200 noisy moons",
    scene=LESSON,
)

OWN_POINTS = Preset(
    title="My points",
    tip=(
        "Points of your own, under the lesson's 2-8-8-1 tanh network, a fifth held out: the "
        "Data dock's points with their classes if it has some (on the logistic regression "
        "landscape, click in the Data dock for class 1 and Shift+click for class 0), else the "
        "points shown now; then click the boundary plot to add class 1, Shift+click class 0, "
        "right-click to remove one"
    ),
    network=NetworkSpec(dataset=MY_POINTS),  # its points are taken when it is picked
    runs=(
        {"optimizer": "adam", "label": "Adam", "hyper": {"lr": 0.01}},
        {"optimizer": "sgd", "label": "SGD", "hyper": {"lr": 0.5}},
    ),
    max_steps=2000,
    speed=200.0,
    summary="Your own points: click the plot to add or remove them",
)

PRESETS: tuple[Preset, ...] = (LESSON_7, OVERFITTING, LARGE_VS_SMALL_BATCH, OWN_POINTS)
