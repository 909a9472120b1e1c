"""The settings of a run that are checked when set, so a bad value never reaches a step."""

from __future__ import annotations

from .batching import check_batch_size, check_seed
from .checks import check_real, shown
from .errors import ConfigError
from .schedules import Schedule


class RunSettings:
    """A run's schedule, clip norm, batch size, seed and tolerance, each checked when set."""

    _schedule: Schedule | None
    _clip_norm: float | None
    _batch_size: int | None
    _seed: int
    _tol: float

    @property
    def schedule(self) -> Schedule | None:
        """The learning-rate schedule, None for a constant lr."""
        return self._schedule

    @schedule.setter
    def schedule(self, value: Schedule | None) -> None:
        if value is not None and not isinstance(value, Schedule):
            raise ConfigError(f"schedule must be a Schedule or None, got {shown(value)}")
        self._schedule = value

    @property
    def clip_norm(self) -> float | None:
        """Largest |∇L| an update uses (clip_grad_norm_), None for no clipping."""
        return self._clip_norm

    @clip_norm.setter
    def clip_norm(self, value: float | None) -> None:
        self._clip_norm = (
            None if value is None else check_real("clip_norm", value, 0.0, strict=True)
        )

    @property
    def batch_size(self) -> int | None:
        """Samples per stochastic gradient on a data landscape, None for the full batch."""
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int | None) -> None:
        self._batch_size = check_batch_size(value)

    @property
    def seed(self) -> int:
        """Seed of the stochastic batches (applies from the next reset)."""
        return self._seed

    @seed.setter
    def seed(self, value: int) -> None:
        self._seed = check_seed(value)

    @property
    def tol(self) -> float:
        """The run has converged once |∇L| < tol."""
        return self._tol

    @tol.setter
    def tol(self, value: float) -> None:
        self._tol = check_real("tol", value, 0.0, strict=False)
