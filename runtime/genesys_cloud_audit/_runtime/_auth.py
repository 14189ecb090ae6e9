"""Access tokens: a fixed one, or OAuth client credentials fetched lazily and renewed.

One renewal runs at a time: threads share a lock, asyncio tasks share an asyncio lock, and a caller
that waited on the lock reuses the token the first one fetched.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from ._errors import AuthenticationError, DecodingError, error_from_response
from ._logging import logger

__all__ = ["ClientCredentials", "StaticToken", "TokenSource"]


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float  # time.monotonic() seconds

    def __repr__(self) -> str:
        return "_Token(<redacted>)"


class TokenSource:
    """Supplies the bearer token for each request."""

    renewable = False

    def token(self, http: httpx.Client) -> str:
        raise NotImplementedError

    async def atoken(self, http: httpx.AsyncClient) -> str:
        raise NotImplementedError

    def invalidate(self, token: str) -> None:
        """Forget `token` after the API refused it, so the next call fetches a new one."""


class StaticToken(TokenSource):
    """A ready access token supplied by the caller; it cannot be renewed."""

    def __init__(self, access_token: str) -> None:
        if not access_token:
            raise ValueError("access_token is empty")
        self._access_token = access_token

    def token(self, http: httpx.Client) -> str:
        return self._access_token

    async def atoken(self, http: httpx.AsyncClient) -> str:
        return self._access_token

    def __repr__(self) -> str:
        return "StaticToken(<redacted>)"


class ClientCredentials(TokenSource):
    """OAuth 2 client credentials: ``POST {login}/oauth/token`` with HTTP Basic auth.

    The token is fetched on first use, reused until `renew_before` seconds before it expires, and
    renewed once when the API answers 401 to it.
    """

    renewable = True

    def __init__(self, client_id: str, client_secret: str, token_url: str, *, renew_before: float = 300.0) -> None:
        if not client_id or not client_secret:
            raise ValueError("client_id and client_secret are required")
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self.renew_before = renew_before
        self._current: _Token | None = None
        self._thread_lock = threading.Lock()
        self._async_locks: dict[int, asyncio.Lock] = {}
        self.tokens_fetched = 0

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, client_secret=<redacted>, token_url={self.token_url!r})"

    def _valid(self) -> str | None:
        current = self._current
        if current is not None and time.monotonic() < current.expires_at - self.renew_before:
            return current.value
        return None

    def invalidate(self, token: str) -> None:
        current = self._current
        if current is not None and current.value == token:
            self._current = None

    def token(self, http: httpx.Client) -> str:
        value = self._valid()
        if value is not None:
            return value
        with self._thread_lock:
            value = self._valid()
            if value is None:
                response = http.post(self.token_url, **self._request_args())
                value = self._accept(response)
            return value

    async def atoken(self, http: httpx.AsyncClient) -> str:
        value = self._valid()
        if value is not None:
            return value
        loop_id = id(asyncio.get_running_loop())
        lock = self._async_locks.get(loop_id)
        if lock is None:
            lock = self._async_locks.setdefault(loop_id, asyncio.Lock())
        async with lock:
            value = self._valid()
            if value is None:
                response = await http.post(self.token_url, **self._request_args())
                value = self._accept(response)
            return value

    def _request_args(self) -> dict[str, Any]:
        return {
            "auth": httpx.BasicAuth(self.client_id, self._client_secret),
            "data": {"grant_type": "client_credentials"},
            "headers": {"Accept": "application/json"},
        }

    def _accept(self, response: httpx.Response) -> str:
        if response.status_code >= 400:
            error = error_from_response(response, operation_id="oauth/token")
            if response.status_code in (400, 401, 403):
                raise AuthenticationError(
                    response.status_code,
                    body=error.body,
                    headers=response.headers,
                    operation_id="oauth/token",
                    method="POST",
                    path=response.request.url.path,
                ) from None
            raise error
        try:
            payload = response.json()
            value = payload["access_token"]
            lifetime = float(payload.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise DecodingError("the token response has no access_token", model="oauth/token") from None
        if not isinstance(value, str) or not value:
            raise DecodingError("access_token is not a non-empty string", model="oauth/token", field="access_token")
        self._current = _Token(value, time.monotonic() + lifetime)
        self.tokens_fetched += 1
        logger.info("fetched an access token for client %s (expires in %.0f s)", self.client_id, lifetime)
        return value
