"""Operation and parameter names in any case: PascalCase, camelCase or snake_case.

SDK pages spell one operation ``GetThingsSearch``, ``getThingsSearch`` or
``get_things_search``; the spec's operationId is lowerCamelCase. Names are
matched by a case- and separator-blind key and shown in lowerCamelCase.
"""

from __future__ import annotations

import re

__all__ = ["lower_camel", "match_key", "name_case"]

_SEPARATORS = re.compile(r"[_\-]+")


def lower_camel(name: str) -> str:
    """``get_things_search`` / ``GetThingsSearch`` / ``getThingsSearch`` -> ``getThingsSearch``."""
    parts = [p for p in _SEPARATORS.split(name) if p]
    if not parts:
        return name
    head, tail = parts[0], parts[1:]
    return head[:1].lower() + head[1:] + "".join(p[:1].upper() + p[1:] for p in tail)


def match_key(name: str) -> str:
    """The key two spellings of one name share: separators dropped, case folded."""
    return _SEPARATORS.sub("", name).casefold()


def name_case(name: str) -> frozenset[str]:
    """The cases a name is written in: camel, pascal, snake (``get`` is both camel and snake)."""
    if "_" in name.strip("_"):
        return frozenset({"snake"}) if name == name.lower() else frozenset()
    if name[:1].isupper():
        return frozenset({"pascal"})
    return frozenset({"camel", "snake"}) if name == name.lower() else frozenset({"camel"})
