"""A wrapper that keeps a secret (client secret, access token) out of reprs, str() and tracebacks.

Every live `Secret` is also known to `redact` (`live_secret_values`), so a server that echoes one back
in an error body cannot put it into a message or a log line.
"""

from __future__ import annotations

import hmac
import threading
import weakref
from typing import Final
from urllib.parse import quote

from ._public import publish

__all__ = ["Secret"]

#: Shorter secrets are not searched for in text (every word of that length would go); the patterns of
#: `redact` still cover them after ``Bearer``/``Basic`` and credential keys.
MIN_SECRET_LENGTH: Final = 8

# By identity: two equal secrets are two entries, so one going away leaves the other known.
_live: weakref.WeakValueDictionary[int, Secret] = weakref.WeakValueDictionary()
_live_lock = threading.Lock()


class Secret:
    """Holds a sensitive string; only `reveal()` gives it back, every rendering is redacted."""

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            from ._errors import ConfigurationError  # late: the errors module redacts with this one

            raise ConfigurationError("a secret must be a non-empty string")
        self._value = value
        if len(value) >= MIN_SECRET_LENGTH:
            with _live_lock:
                _live[id(self)] = self

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('<redacted>')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("secrets are not picklable")


def live_secret_values() -> list[str]:
    """The values of every live secret long enough to search for, longest first, raw and percent-encoded."""
    with _live_lock:
        values = [secret._value for secret in _live.values()]
    forms = {form for value in values for form in (value, quote(value, safe=""))}
    return sorted(forms, key=len, reverse=True)


publish(globals(), __all__)
