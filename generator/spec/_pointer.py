"""JSON pointers (RFC 6901): the address of a value in the spec, as errors name it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["Part", "format_pointer", "parse_ref", "resolve"]

Part = str | int


def format_pointer(parts: Sequence[Part]) -> str:
    """``/paths/~1audits/get`` for ``["paths", "/audits", "get"]``; ``""`` for the root."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def parse_ref(ref: str) -> list[str] | None:
    """The parts of a local ``#/...`` reference, or None when it is not one."""
    if ref == "#":
        return []
    if not ref.startswith("#/"):
        return None
    return [raw.replace("~1", "/").replace("~0", "~") for raw in ref[2:].split("/")]


_MISSING = object()


def resolve(document: Any, parts: Sequence[str]) -> Any:
    """The value at `parts`, or raises LookupError naming the first part that is missing."""
    node = document
    for depth, part in enumerate(parts):
        if isinstance(node, dict):
            node = node.get(part, _MISSING)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            node = _MISSING
        if node is _MISSING:
            raise LookupError(format_pointer(parts[: depth + 1]))
    return node
