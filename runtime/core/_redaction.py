"""Redaction: credentials cut out of any text before it becomes an error message or a log line.

Servers echo what they were sent (a 400 quoting the Authorization header, a token endpoint repeating
its form), and URLs may carry ``user:password@``. `redact` removes, wherever they appear:

- the userinfo of any URL (``https://id:secret@host`` becomes ``https://<redacted>@host``);
- the credentials after an HTTP authorization scheme (``Bearer``, ``Basic``, ``Digest``), when they
  look like credentials rather than a word (a digit, a symbol, a capital after the first letter, or
  16 characters or more: ``Bearer token-1`` is redacted, ``bearer token specified`` is not);
- the value of a key that names a credential, assigned (``client_secret=...``) or quoted
  (``"access_token": "..."``) in query strings, forms and JSON, or labelled (``password: ...``) when
  the value is not a plain word;
- the value of every live `Secret` of at least `MIN_SECRET_LENGTH` characters, wherever it appears,
  raw or percent-encoded (the client secret and the tokens this process holds).

`redact_json` applies it to every string of a decoded JSON value, and `RedactingFilter` to every
record of the package's logger.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from typing import Any, Final, Protocol
from urllib.parse import quote

__all__: list[str] = []

#: Shorter secrets are not searched for in text (every word of that length would go); the patterns of
#: `redact` still cover them after ``Bearer``/``Basic`` and credential keys.
MIN_SECRET_LENGTH: Final = 8


class _Revealing(Protocol):
    def reveal(self) -> str: ...


# By identity: two equal secrets are two entries, so one going away leaves the other watched.
_live: weakref.WeakValueDictionary[int, _Revealing] = weakref.WeakValueDictionary()
_live_lock = threading.Lock()


def watch(secret: _Revealing) -> None:
    """Makes `redact` remove `secret`'s value wherever it appears, for as long as `secret` lives (a value
    shorter than `MIN_SECRET_LENGTH` is left to the patterns)."""
    if len(secret.reveal()) >= MIN_SECRET_LENGTH:
        with _live_lock:
            _live[id(secret)] = secret


def live_secret_values() -> list[str]:
    """The values of every watched secret, longest first, raw and percent-encoded."""
    with _live_lock:
        values = [secret.reveal() for secret in _live.values()]
    forms = {form for value in values for form in (value, quote(value, safe=""))}
    return sorted(forms, key=len, reverse=True)


REDACTED: Final = "<redacted>"

_USERINFO: Final = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s?#\"'<>\\]*@")
_AUTH_SCHEME: Final = re.compile(r"(?P<scheme>\b(?:bearer|basic|digest)\b)(?P<gap>\s+)(?P<value>[^\s\"'<>,;\\]+)", re.I)
_WORD: Final = re.compile(r"[A-Za-z][a-z]{0,14}")
_CREDENTIAL_KEY: Final = re.compile(
    r"(?P<key>[\"']?\b(?:access_token|refresh_token|id_token|client_secret|api_?key|password|passwd|secret|token)\b)"
    r"(?P<sep>\\?[\"']?\s*[:=]\s*\\?[\"']?)(?P<value>[^\s\"'&,;<>\\}\]]+)",
    re.I,
)


# Names a spec gives its API keys (`X-Api-Key`), redacted as the credential keys above are.
_spec_keys: set[str] = set()
_spec_key_pattern: re.Pattern[str] | None = None


def watch_key(name: str) -> None:
    """Makes `redact` remove the value assigned to `name` (an API key's header, query or cookie name)."""
    global _spec_key_pattern
    with _live_lock:
        if name in _spec_keys:
            return
        _spec_keys.add(name)
        names = "|".join(sorted((re.escape(key) for key in _spec_keys), key=len, reverse=True))
        _spec_key_pattern = re.compile(
            rf"(?P<key>[\"']?(?<![\w-])(?:{names})(?![\w-]))(?P<sep>\\?[\"']?\s*[:=]\s*\\?[\"']?)"
            r"(?P<value>[^\s\"'&,;<>\\}\]]+)",
            re.I,
        )


def redact(text: str) -> str:
    """`text` with every credential it holds replaced by ``<redacted>``."""
    if not text:
        return text
    for value in live_secret_values():
        if value in text:
            text = text.replace(value, REDACTED)
    if "://" in text:
        text = _USERINFO.sub(rf"\g<scheme>{REDACTED}@", text)
    text = _AUTH_SCHEME.sub(_credentials_after_scheme, text)
    text = _CREDENTIAL_KEY.sub(_credentials_after_key, text)
    pattern = _spec_key_pattern
    if pattern is not None:
        text = pattern.sub(lambda match: match["key"] + match["sep"] + REDACTED, text)
    return text


def _credentials_after_key(match: re.Match[str]) -> str:
    assigned = "=" in match["sep"] or any(quote in match["key"] + match["sep"] for quote in "\"'")
    if not assigned and _WORD.fullmatch(match["value"]):
        return match[0]  # a label in a sentence ("access_token: holds characters ..."), not a value
    return match["key"] + match["sep"] + REDACTED


def _credentials_after_scheme(match: re.Match[str]) -> str:
    if _WORD.fullmatch(match["value"]):
        return match[0]  # a word of a sentence ("bearer token specified"), not a credential
    return match["scheme"] + match["gap"] + REDACTED


def redact_json(value: Any) -> Any:
    """A copy of a decoded JSON value with `redact` applied to every string, keys included.

    Iterative, so a deeply nested body cannot exhaust the stack.
    """
    if isinstance(value, str):
        return redact(value)
    if not isinstance(value, dict | list):
        return value
    root: dict[Any, Any] | list[Any] = {} if isinstance(value, dict) else []
    stack: list[tuple[dict[Any, Any] | list[Any], dict[Any, Any] | list[Any]]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        pairs = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in pairs:
            copy: Any
            if isinstance(item, dict | list):
                copy = {} if isinstance(item, dict) else []
                stack.append((item, copy))
            else:
                copy = redact(item) if isinstance(item, str) else item
            if isinstance(target, dict):
                target[redact(key) if isinstance(key, str) else key] = copy
            else:
                target.append(copy)
    return root


class RedactingFilter(logging.Filter):
    """Formats each record's message once, redacted, so no handler sees the raw arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.args or cleaned != message:
            record.msg, record.args = cleaned, None
        return True
