"""The one error type the core raises for an invalid configuration."""

from __future__ import annotations


class ConfigError(ValueError):
    """An invalid configuration (landscape, optimizer, schedule, run, data): says what and why.

    Raised at construction, never mid-run; its message is one line that names the setting and
    the values allowed, fit to show a user as it is.
    """
