"""OAuth client-credentials tokens and the bearer check."""

from __future__ import annotations

import base64
import dataclasses
import hmac
import secrets
import threading

from emulator.errors import ApiError

__all__ = ["TokenStore", "parse_basic_auth"]


@dataclasses.dataclass
class _Token:
    expires_at: float  # time.monotonic()
    uses: int = 0
    revoked: bool = False


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """(client id, secret) from an ``Authorization: Basic`` header."""
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8 (UnicodeDecodeError)
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


class TokenStore:
    """Issued access tokens; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, _Token] = {}

    @staticmethod
    def credentials_ok(given: tuple[str, str] | None, client_id: str, secret: str) -> bool:
        if given is None:
            return False
        return hmac.compare_digest(given[0], client_id) and hmac.compare_digest(given[1], secret)

    def issue(self, ttl: int, now: float) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = _Token(expires_at=now + ttl)
        return token

    def use(self, header: str | None, now: float, max_requests: int | None) -> str:
        """Check a bearer header and count the use; returns the token."""
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401,
                "No authentication bearer token specified in authorization header.",
                "authentication.required",
            )
        token = token.strip()
        with self._lock:
            entry = self._tokens.get(token)
            if entry is not None:
                entry.uses += 1
                if max_requests is not None and entry.uses > max_requests:
                    entry.revoked = True
            valid = entry is not None and not entry.revoked and now < entry.expires_at
        if not valid:
            raise ApiError(401, "Invalid login credentials.", "bad.credentials")
        return token

    def expire_all(self) -> int:
        with self._lock:
            for entry in self._tokens.values():
                entry.revoked = True
            return len(self._tokens)

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()
