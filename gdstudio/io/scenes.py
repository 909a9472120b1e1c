"""Scene presets (the lessons): JSON files in resources/scenes, read without Qt."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..core.batching import parse_batch
from ..core.catalog import default_dataset, is_data_landscape, make_landscape
from ..core.data import Dataset
from ..core.fitting import DataLandscape
from ..core.landscapes import Landscape
from ..core.nn_landscape import NetworkLandscape
from ..core.run import Run
from ..paths import resource_dir
from ..state import Field, Settings, View
from ..state.build import build_landscape, build_run, run_title
from ..state.network import NETWORK, NetworkKind, NetworkSpec, build_network, takes_batches
from ..state.runs import RunSpec as RacerFields

# A scene's settings by their key in the scene file (= Scene attribute): the state's fields,
# whose declaration gives their defaults and checks.
SCENE_FIELDS: dict[str, Field[Any]] = {
    "speed": Settings.speed,
    "max_steps": Settings.max_steps,
    "tol": Settings.tol,
    "view": View.view_mode,
    "log_height": View.log_height,
}


@dataclass(frozen=True)
class RunSpec:
    """One racer of a scene: optimizer, hyperparameters, gradient mode."""

    optimizer: str
    hyper: dict[str, Any] = field(default_factory=dict)
    label: str = RacerFields.label.default
    batch: str | int = "full"
    seed: int = RacerFields.seed.default
    enabled: bool = RacerFields.enabled.default


@dataclass(frozen=True)
class Scene:
    """A lesson preset: landscape, start, racers, speed, view and caption."""

    id: str
    title: str
    order: int
    landscape: str
    runs: tuple[RunSpec, ...]
    start: tuple[float, ...] | None = None
    speed: float = Settings.speed.default
    max_steps: int = Settings.max_steps.default
    tol: float = Settings.tol.default
    view: str = View.view_mode.default
    camera: dict[str, float] | None = None
    data: dict[str, list[float]] | None = None
    caption: str = ""
    log_height: bool | None = View.log_height.default
    suggests: tuple[str, ...] = ()
    """Landscapes the caption suggests switching to: it stays shown on them."""
    network: NetworkSpec | None = None
    """The network lesson's points and network (on the NETWORK landscape)."""

    def caption_applies(self, landscape: str) -> bool:
        """True if the caption speaks of `landscape`: the lesson's own or one it suggests."""
        return bool(self.caption) and (landscape == self.landscape or landscape in self.suggests)


def scene_from_dict(d: dict[str, Any]) -> Scene:
    """Build a Scene from its JSON object (KeyError/TypeError/ValueError if malformed).

    Settings, view and racer fields are checked by their declaration in gdstudio.state.
    """
    where = f"scene {d.get('id')!r}"
    runs = tuple(
        RunSpec(
            **{
                "optimizer": r["optimizer"],
                "hyper": dict(r.get("hyper", {})),
                "batch": r.get("batch", "full"),
                **{
                    k: RacerFields.fields[k].kind.check(r[k], f"{where}.runs[{i}].{k}")
                    for k in ("label", "seed", "enabled")
                    if k in r
                },
            }
        )
        for i, r in enumerate(d["runs"])
    )
    checked = {
        key: f.kind.check(d[key], f"{where}.{key}") for key, f in SCENE_FIELDS.items() if key in d
    }
    start = d.get("start")
    return Scene(
        id=d["id"],
        title=d["title"],
        order=int(d.get("order", 99)),
        landscape=d["landscape"],
        runs=runs,
        start=tuple(float(v) for v in start) if start is not None else None,
        camera=d.get("camera"),
        data=d.get("data"),
        caption=d.get("caption", ""),
        suggests=tuple(str(name) for name in d.get("suggests", ())),
        network=NetworkKind().check(d["network"], f"{where}.network") if "network" in d else None,
        **checked,
    )


@cache
def load_scenes() -> dict[str, Scene]:
    """Every bundled scene by id, in lesson order."""
    folder = resource_dir() / "scenes"
    scenes = [
        scene_from_dict(json.loads(f.read_text(encoding="utf-8")))
        for f in folder.iterdir()
        if f.name.endswith(".json")
    ]
    return {s.id: s for s in sorted(scenes, key=lambda s: (s.order, s.id))}


def get_scene(scene_id: str) -> Scene:
    """The scene with this id; ValueError naming the allowed ids otherwise."""
    scenes = load_scenes()
    if scene_id not in scenes:
        raise ValueError(f"unknown scene '{scene_id}'; allowed: {', '.join(scenes)}")
    return scenes[scene_id]


def scene_dataset(scene: Scene, name: str | None = None) -> Dataset | None:
    """The points a scene's data landscape (or `name`) fits; None on analytic landscapes."""
    name = scene.landscape if name is None else name
    if scene.data is not None:
        return Dataset(scene.data["x"], scene.data["y"], scene.data.get("label"))
    return default_dataset(name) if is_data_landscape(name) else None


def scene_landscape(
    scene: Scene, name: str | None = None
) -> Landscape | DataLandscape | NetworkLandscape:
    """The landscape a scene opens on, or landscape `name` picked while the scene is open."""
    name = scene.landscape if name is None else name
    if name == NETWORK:
        return build_network(scene.network or NetworkSpec())
    dataset = scene_dataset(scene, name)
    if dataset is None:
        return make_landscape(name)
    start = scene.start if name == scene.landscape else None
    return build_landscape(name, dataset, start=start)


def scene_runs(scene: Scene, landscape: str | None = None) -> list[Run]:
    """The scene's enabled racers as the window builds them, without Qt.

    With `landscape`, the runs are those after picking that landscape in the open scene:
    they start from its default start and use full-batch gradients on analytic landscapes.
    """
    land = scene_landscape(scene, landscape)
    switched = landscape is not None and landscape != scene.landscape
    start = land.default_start if switched or scene.start is None else scene.start
    data = takes_batches(landscape or scene.landscape)
    runs = []
    for spec in scene.runs:
        if not spec.enabled:
            continue
        batch = parse_batch(spec.batch) if data else None
        runs.append(
            build_run(
                land,
                spec.optimizer,
                spec.hyper,
                start,
                batch=batch,
                seed=spec.seed,
                tol=scene.tol,
                max_steps=scene.max_steps,
                name=run_title(spec.optimizer, spec.label, batch),
            )
        )
    return runs
