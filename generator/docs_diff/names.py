"""Operation and parameter names in any case: PascalCase, camelCase or snake_case.

SDK pages spell one operation ``GetAuditsQuery``, ``getAuditsQuery`` or
``get_audits_query``; the spec's operationId is lowerCamelCase. Names are
matched by a case- and separator-blind key and shown in lowerCamelCase.
"""

from __future__ import annotations

import re

__all__ = ["lower_camel", "match_key"]

_SEPARATORS = re.compile(r"[_\-]+")


def lower_camel(name: str) -> str:
    """``get_audits_query`` / ``GetAuditsQuery`` / ``getAuditsQuery`` -> ``getAuditsQuery``."""
    parts = [p for p in _SEPARATORS.split(name) if p]
    if not parts:
        return name
    head, tail = parts[0], parts[1:]
    return head[:1].lower() + head[1:] + "".join(p[:1].upper() + p[1:] for p in tail)


def match_key(name: str) -> str:
    """The key two spellings of one name share: separators dropped, case folded."""
    return _SEPARATORS.sub("", name).casefold()
