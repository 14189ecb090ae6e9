"""The emulator's present: which records a query can see yet.

Without one (the default) every record is visible. With `now` set (on the command line, or moved through
`PATCH /_emulator/config {"now": "..."}`), or with `live` (the wall clock), a query sees only the records
visible when it is created: none dated after the present, and none of the late ones (see
`AuditDataset.visible_ms`) before they arrive. Records so arrive over time, some after newer ones.
"""

from __future__ import annotations

from datetime import UTC, datetime

from emulator.config import EmulatorConfig
from emulator.data import to_millis

__all__ = ["present_ms"]


def present_ms(config: EmulatorConfig) -> int | None:
    """The present in ms since the epoch, or None when everything is visible."""
    if config.live:
        return to_millis(datetime.now(UTC))
    if config.now is not None:
        return to_millis(config.now)
    return None
