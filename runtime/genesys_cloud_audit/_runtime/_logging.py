"""The package's logger; records name operations, statuses and timings, never headers or bodies.

Requests are logged at DEBUG, retries, waits and token fetches at INFO; configure the
``genesys_cloud_audit`` logger to see them.
"""

from __future__ import annotations

import logging

__all__ = ["logger"]

logger = logging.getLogger("genesys_cloud_audit")
logger.addHandler(logging.NullHandler())
