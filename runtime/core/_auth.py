"""Access tokens: a fixed one, or OAuth client credentials fetched lazily, cached and renewed.

One renewal runs at a time: threads share a lock, asyncio tasks of one event loop share an
asyncio lock, and a caller that waited on the lock reuses the token the first one fetched.
Tokens and the client secret are held as `Secret`, so no repr, log record or traceback local shows them.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from ._errors import AuthenticationError, ConfigurationError, DecodingError, error_from_response
from ._logging import logger
from ._public import publish
from ._secrets import Secret

if TYPE_CHECKING:
    import asyncio

__all__ = ["Anonymous", "ClientCredentials", "StaticToken", "TokenSource"]

_TOKEN_OPERATION = "oauth/token"
# Visible ASCII, no space: what an Authorization header can carry (RFC 6750's b64token is narrower).
_TOKEN_TEXT = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class _Token:
    value: Secret
    refresh_at: float  # on the source's clock


class TokenSource:
    """Supplies the bearer token for each request."""

    renewable = False

    def token(self, http: httpx.Client) -> Secret | None:
        raise NotImplementedError

    async def atoken(self, http: httpx.AsyncClient) -> Secret | None:
        raise NotImplementedError

    def invalidate(self, token: Secret | None) -> None:
        """Forget `token` after the API refused it, so the next call fetches a new one."""


class Anonymous(TokenSource):
    """No credentials: for an API whose spec declares no security."""

    def token(self, http: httpx.Client) -> Secret | None:
        return None

    async def atoken(self, http: httpx.AsyncClient) -> Secret | None:
        return None

    def __repr__(self) -> str:
        return "Anonymous()"


class StaticToken(TokenSource):
    """A ready access token supplied by the caller; it cannot be renewed."""

    def __init__(self, access_token: str | Secret) -> None:
        self._token = access_token if isinstance(access_token, Secret) else Secret(access_token)

    def token(self, http: httpx.Client) -> Secret:
        return self._token

    async def atoken(self, http: httpx.AsyncClient) -> Secret:
        return self._token

    def __repr__(self) -> str:
        return "StaticToken(<redacted>)"


class ClientCredentials(TokenSource):
    """OAuth 2 client credentials: ``POST {login}/oauth/token`` with HTTP Basic auth.

    The token is fetched on first use and reused until `renew_before` seconds before it expires
    (or half its lifetime, for short-lived tokens); the client renews it when the API answers 401 (at most twice a call).
    """

    renewable = True

    def __init__(
        self,
        client_id: str,
        client_secret: str | Secret,
        token_url: str,
        *,
        renew_before: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not client_id:
            raise ConfigurationError("client_id is required")
        self.client_id = client_id
        self._client_secret = client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
        self.token_url = token_url
        self.renew_before = renew_before
        self._clock = clock
        self._current: _Token | None = None
        self._thread_lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(client_id={self.client_id!r}, client_secret=<redacted>, token_url={self.token_url!r})"
        )

    def _valid(self) -> Secret | None:
        current = self._current
        if current is not None and self._clock() < current.refresh_at:
            return current.value
        return None

    def invalidate(self, token: Secret | None) -> None:
        current = self._current
        if current is not None and current.value == token:
            self._current = None

    def token(self, http: httpx.Client) -> Secret:
        value = self._valid()
        if value is not None:
            return value
        with self._thread_lock:
            value = self._valid()
            if value is None:
                value = self._accept(http.post(self.token_url, **self._request_args()))
            return value

    async def atoken(self, http: httpx.AsyncClient) -> Secret:
        value = self._valid()
        if value is not None:
            return value
        async with self._async_lock():
            value = self._valid()
            if value is None:
                value = self._accept(await http.post(self.token_url, **self._request_args()))
            return value

    def _async_lock(self) -> asyncio.Lock:
        import asyncio  # imported late: it costs ~70 ms and sync use never needs it

        loop = asyncio.get_running_loop()
        with self._thread_lock:
            lock = self._async_locks.get(loop)
            if lock is None:
                lock = self._async_locks[loop] = asyncio.Lock()
            return lock

    def _request_args(self) -> dict[str, Any]:
        return {
            "auth": httpx.BasicAuth(self.client_id, self._client_secret.reveal()),
            "data": {"grant_type": "client_credentials"},
            "headers": {"Accept": "application/json"},
        }

    def _accept(self, response: httpx.Response) -> Secret:
        if response.status_code >= 400:
            error = error_from_response(response, operation_id=_TOKEN_OPERATION)
            if response.status_code in (400, 401, 403):
                # OAuth 2 token endpoints answer bad credentials with 400 or 401 invalid_client.
                raise AuthenticationError(
                    response.status_code,
                    body=error.body,
                    headers=response.headers,
                    operation_id=_TOKEN_OPERATION,
                    method="POST",
                    path=response.request.url.path,
                )
            raise error
        value, lifetime = _parse_token_response(response)
        now = self._clock()
        self._current = _Token(value, now + max(lifetime - self.renew_before, lifetime / 2))
        logger.info("fetched an access token for client %s (expires in %.0f s)", self.client_id, lifetime)
        return value


def _parse_token_response(response: httpx.Response) -> tuple[Secret, float]:
    """The token and its lifetime in seconds; DecodingError (never naming the token) otherwise."""
    try:
        payload = json.loads(response.content)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to parse
        raise DecodingError("the token response is not JSON", model=_TOKEN_OPERATION) from None
    if not isinstance(payload, dict):
        raise DecodingError("the token response is not a JSON object", model=_TOKEN_OPERATION)
    value = payload.get("access_token")
    if not isinstance(value, str) or not value:
        raise DecodingError("missing or not a non-empty string", model=_TOKEN_OPERATION, field="access_token")
    if not _TOKEN_TEXT.fullmatch(value):
        # It goes into a header: a space, a line break or a non-ASCII character would corrupt or forge one.
        raise DecodingError("holds characters a bearer token cannot have", model=_TOKEN_OPERATION, field="access_token")
    token_type = payload.get("token_type", "bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise DecodingError("not a bearer token", model=_TOKEN_OPERATION, field="token_type")
    lifetime = payload.get("expires_in", 3600)
    if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or not 0 <= lifetime < math.inf:
        raise DecodingError("not a finite, non-negative number", model=_TOKEN_OPERATION, field="expires_in")
    return Secret(value), float(min(lifetime, 1e9))  # beyond 30 years means "long": no float overflow


publish(globals(), __all__)
