"""The package's logger; records name operations, statuses and timings, never headers or bodies."""

from __future__ import annotations

import logging

__all__ = ["logger"]

logger = logging.getLogger("genesys_cloud_audit")
