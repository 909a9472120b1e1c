"""One place to look up landscapes by name, analytic and data-driven."""

from __future__ import annotations

from .checks import check_point, check_real, shown
from .data import Dataset
from .errors import ConfigError
from .fitting import DataLandscape
from .landscapes import ANALYTIC, Landscape

DATA_LANDSCAPES = {
    "linear-mse": "mse",
    "linear-mae": "mae",
    "linear-huber": "huber",
    "logistic-bce": "bce",
}
LOSS_TO_LANDSCAPE = {loss: name for name, loss in DATA_LANDSCAPES.items()}


def landscape_names() -> list[str]:
    """Every landscape name, analytic first."""
    return [*ANALYTIC, *DATA_LANDSCAPES]


def is_data_landscape(name: str) -> bool:
    """True for landscapes built from a dataset."""
    return name in DATA_LANDSCAPES


def default_dataset(name: str) -> Dataset:
    """The dataset a data landscape uses when none is given."""
    return Dataset.default_classes() if DATA_LANDSCAPES[name] == "bce" else Dataset.default()


def make_landscape(
    name: str,
    dataset: Dataset | None = None,
    delta: float = 1.0,
    start: tuple[float, ...] | None = None,
) -> Landscape | DataLandscape:
    """The landscape called `name`; data landscapes use `dataset` (or the default one).

    For data landscapes `start` becomes the default start, and the view bounds include it.
    ConfigError for an unknown name, data given to an analytic landscape, a delta that is not
    a finite number > 0 or a start that is not two finite numbers.
    """
    if not isinstance(name, str):
        name = shown(name)
    if name in ANALYTIC:
        if dataset is not None:
            raise ConfigError(
                f"landscape '{name}' takes no data; data landscapes: {', '.join(DATA_LANDSCAPES)}"
            )
        return ANALYTIC[name]
    if name in DATA_LANDSCAPES:
        loss = DATA_LANDSCAPES[name]
        ds = dataset if dataset is not None else default_dataset(name)
        if loss == "bce" and not ds.has_labels:
            raise ConfigError("logistic-bce needs a 'label' column (0 or 1) in the data")
        delta = check_real("delta", delta, 0.0, strict=True)
        return DataLandscape(ds, loss, delta=delta, start=_data_start(start))
    raise ConfigError(f"unknown landscape '{name}'; allowed: {', '.join(landscape_names())}")


def _data_start(start: tuple[float, ...] | None) -> tuple[float, float]:
    """The default start of a data landscape: two finite numbers, (0, 0) if none is given."""
    if start is None:
        return (0.0, 0.0)
    w, b = check_point("start", start, ("w", "b")).tolist()
    return (w, b)
