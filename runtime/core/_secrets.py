"""A wrapper that keeps a secret (client secret, access token) out of reprs, str() and tracebacks.

Every live `Secret` is also watched by `redact` (`_redaction.watch`), so a server that echoes one back
in an error body cannot put it into a message or a log line.
"""

from __future__ import annotations

import hmac

from ._errors import ConfigurationError
from ._public import publish
from ._redaction import watch

__all__ = ["Secret"]


class Secret:
    """Holds a sensitive string; only `reveal()` gives it back, every rendering is redacted."""

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise ConfigurationError("a secret must be a non-empty string")
        self._value = value
        watch(self)

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


publish(globals(), __all__)
