"""Documents changed at a JSON pointer: how tests damage a checkpoint one field at a time."""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["changed"]


def changed(document: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """A deep copy of `document` with the member at the JSON pointer `path` set to `value` (removed for ...)."""
    data = copy.deepcopy(document)
    *parents, last = path.strip("/").split("/")
    target: Any = data
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is ...:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data
