"""The package's logger; records name operations, statuses and timings, never headers or bodies.

Requests are logged at DEBUG, retries, waits and token fetches at INFO. The logger is named after the
generated package (its top-level import name); configure it to see them.
"""

from __future__ import annotations

import logging

__all__ = ["logger"]

logger = logging.getLogger(__name__.split(".")[0])
logger.addHandler(logging.NullHandler())
