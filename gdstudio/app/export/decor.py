"""What an exported picture of the window carries around the view: the lesson's title, the
legend of its racers and, on animations, a step counter (io.export_decor draws them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...io.export_decor import Decor
from ..docks.readouts import finish_order

if TYPE_CHECKING:
    from ..model import StudioModel
    from .sources import ExportWindow


@dataclass(frozen=True)
class Decorations:
    """Which of the title, the legend and (on animations) the step counter an export shows."""

    title: bool = True
    legend: bool = True
    step_counter: bool = True


ALL = Decorations()
"""Every decoration on: the default of an export."""


def picture_title(model: StudioModel) -> tuple[str, str]:
    """(title, subtitle) of a picture: the lesson's and the landscape's, or the landscape's."""
    landscape = model.landscape.title
    scene = model.scene
    name = model.landscape_name
    if scene is None or not (scene.landscape == name or scene.caption_applies(name)):
        return landscape, ""
    return scene.title, "" if landscape in scene.title else landscape


def legend_entries(model: StudioModel) -> tuple[tuple[str, str], ...]:
    """(name, colour) of each enabled racer, named as the plots' legend names it: once any
    racer has stepped, in finish order with its rank ("1 Adam"), as the Readouts rank them."""
    configs = [cfg for _, cfg in model.active_runs()]
    runs = [cfg.live_run for cfg in configs]
    if not any(run.steps for run in runs):
        return tuple((cfg.title, cfg.color) for cfg in configs)
    ranks = finish_order(runs)
    order = sorted(range(len(configs)), key=lambda i: ranks[i])  # stable: ties keep racer order
    return tuple((f"{ranks[i]} {configs[i].title}", configs[i].color) for i in order)


def shows_legend(view: str) -> bool:
    """True if an export of `view` gets the legend drawn above it (the plots have their own)."""
    return view in ("3d", "contour")


def shows_title(view: str) -> bool:
    """True if an export of `view` gets the title drawn above it (the window shows its own
    lesson, caption and legend, so its picture is the window as it is)."""
    return view != "window"


def decor_of(
    window: ExportWindow, view: str, options: Decorations, animated: bool = False
) -> Decor:
    """What an export of `view` carries around it: the title (not on the window's), the
    legend (on the 3D and contour views'), the step counter (on an animation)."""
    titled = options.title and shows_title(view)
    title, subtitle = picture_title(window.model) if titled else ("", "")
    legend = legend_entries(window.model) if options.legend and shows_legend(view) else ()
    return Decor(title, subtitle, legend, step_counter=animated and options.step_counter)
