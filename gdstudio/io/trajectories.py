"""The race of a scene or a session, built and stepped without Qt, for trajectory exports.

`Trajectories` holds the racers (each a core Run with what the user set for it) and steps
them with the one stepping engine, core.race.Race. `from_scene` builds what the window
builds on opening a scene; `from_session` what it builds on opening a session file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.fitting import DataLandscape
from ..core.landscapes import Landscape
from ..core.nn_landscape import NetworkLandscape
from ..core.race import Race
from ..core.run import Run
from ..state import RunSpec, Studio
from ..state.build import build_landscape, build_run, run_title
from ..state.network import NETWORK, NetworkSpec, build_network, takes_batches
from ..theme import run_color
from .scenes import get_scene, load_scenes, scene_landscape, scene_runs


@dataclass(frozen=True)
class Racer:
    """One racer of an export: its live run and what the user set for it."""

    run: Run
    optimizer: str
    hyper: Mapping[str, Any]
    color: str
    title: str


@dataclass(frozen=True)
class Trajectories:
    """The enabled racers of one landscape and start, and the race that steps them."""

    landscape: str
    param_names: tuple[str, ...]
    start: tuple[float, ...]
    racers: tuple[Racer, ...]

    @property
    def race(self) -> Race:
        """A Race over the racers' runs (it steps the runs themselves, not copies)."""
        return Race(r.run for r in self.racers)

    def run_race(self, steps: int | None = None) -> int:
        """Reset, then step `steps` times (None: until every run stops); the most taken."""
        race = self.race
        race.reset()
        return race.advance(steps)


def from_scene(scene_id: str, max_steps: int | None = None) -> Trajectories:
    """The scene's enabled racers as the window builds them (ValueError for an unknown id).

    `max_steps` raises the scene's limit (never lowers it), as `gdstudio export --steps`.
    """
    scene = get_scene(scene_id)
    runs = scene_runs(scene)
    enabled = [(i, spec) for i, spec in enumerate(scene.runs) if spec.enabled]
    racers = tuple(
        Racer(run, spec.optimizer, dict(spec.hyper), run_color(i), run.name)
        for run, (i, spec) in zip(runs, enabled, strict=True)
    )
    landscape = scene_landscape(scene)
    start = landscape.default_start if scene.start is None else scene.start
    result = Trajectories(
        scene.landscape, tuple(landscape.param_names), tuple(float(v) for v in start), racers
    )
    _raise_max_steps(result, max_steps)
    return result


def from_session(doc: Mapping[str, Any], max_steps: int | None = None) -> Trajectories:
    """The enabled racers of a loaded session document (see io.session.load_session).

    Built as the window's restore builds them (SessionError, a ValueError, if the model is
    bad); `max_steps` raises the session's limit, never lowers it.
    """
    state, runs = Studio.check(doc["model"], "model", RunSpec)
    landscape = _session_landscape(state)
    start = np.array(
        landscape.default_start if state.start is None else state.start, dtype=np.float64
    )
    settings = state.settings
    data = takes_batches(state.landscape)
    racers = []
    for r in runs:
        if not r.enabled:
            continue
        batch = r.batch if data else None
        title = run_title(r.optimizer, r.label, batch)
        run = build_run(
            landscape,
            r.optimizer,
            r.hyper,
            start,
            batch=batch,
            seed=r.seed,
            schedule=settings.schedule,
            clip_norm=settings.clip_norm,
            tol=settings.tol,
            max_steps=settings.max_steps,
            name=title,
        )
        racers.append(Racer(run, r.optimizer, dict(r.hyper), r.color, title))
    result = Trajectories(
        state.landscape, tuple(landscape.param_names), tuple(float(v) for v in start), tuple(racers)
    )
    _raise_max_steps(result, max_steps)
    return result


def _session_landscape(state: Studio) -> Landscape | DataLandscape | NetworkLandscape:
    """The landscape a restored session fits (as the window's model builds it)."""
    name = state.landscape
    if name == NETWORK:
        return build_network(state.network or NetworkSpec())
    scene = load_scenes().get(state.scene) if state.scene else None
    return build_landscape(
        name,
        state.data,
        huber_delta=state.settings.huber_delta,
        x_norm=state.data.stats.x_moments() if state.settings.normalize_x else None,
        start=scene.start if scene is not None and scene.landscape == name else None,
        expression=state.expression,
        bounds=state.bounds,
    )


def _raise_max_steps(trajectories: Trajectories, max_steps: int | None) -> None:
    if max_steps is None:
        return
    for racer in trajectories.racers:
        limit = racer.run.max_steps
        if limit is not None and max_steps > limit:
            racer.run.max_steps = max_steps
