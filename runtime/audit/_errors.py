"""The errors of the audit workflows: a bad interval, and a checkpoint that cannot be resumed."""

from __future__ import annotations

from .._core._errors import ConfigurationError
from .._core._public import publish

__all__ = ["CheckpointError", "IntervalError"]


class IntervalError(ConfigurationError):
    """An audit query interval that is malformed, naive (no time zone) or ends before it starts."""


class CheckpointError(ConfigurationError):
    """A checkpoint that is not valid JSON, fails validation (the message names the field), is of a
    version this client cannot read, or belongs to a different export.

    `version` is the checkpoint's version when it could be read (None otherwise).
    """

    def __init__(self, message: str, *, version: int | None = None) -> None:
        super().__init__(message)
        self.version = version


publish(globals(), __all__)
