"""The Client every generated operation calls: base URL, auth, timeouts, retries and logging.

Generated endpoint modules build an `ApiRequest` and hand it to `Client.send` / `Client.asend`,
which answer with a 2xx/3xx `httpx.Response` or raise a typed error.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, Self

import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_before_delay
from tenacity.stop import stop_base

from ._auth import ClientCredentials, StaticToken, TokenSource
from ._errors import ApiError, ConfigurationError, TransportError, TransportTimeoutError, error_from_response
from ._logging import logger
from ._regions import api_base_url, check_base_url, login_base_url
from ._retry import RetryPolicy, RetryWait, is_retryable

__all__ = ["DEFAULT_TIMEOUT", "ApiRequest", "Client", "RequestOptions"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_USER_AGENT = "genesys-cloud-audit-python"


@dataclass(frozen=True)
class ApiRequest:
    """One call as a generated endpoint module describes it."""

    operation_id: str
    method: str
    url: str
    params: Mapping[str, Any] | None = None
    json: Any = None
    retry_safe: bool = True


@dataclass(frozen=True)
class RequestOptions:
    """Per-call settings; each one left None falls back to the client's.

    Attributes:
        max_attempts: Attempts in all for this call.
        deadline: Seconds after which no new attempt starts.
        timeout: The httpx timeout for each attempt.
        retry: A whole retry policy (max_attempts and deadline still override it).
    """

    max_attempts: int | None = None
    deadline: float | None = None
    timeout: httpx.Timeout | float | None = None
    retry: RetryPolicy | None = None


class Client:
    """A Genesys Cloud API client for the audit operations (sync and async alike).

    Args:
        region: A region name (``eu_west_1``) or domain (``mypurecloud.ie``); default us_east_1.
        base_url: An explicit API base URL, overriding the region (a loopback emulator, a proxy).
            Plain http is accepted only for loopback addresses.
        client_id, client_secret: OAuth client credentials; the token is fetched on first use.
        access_token: A ready token instead of client credentials.
        token_url: Where to fetch tokens; default ``/oauth/token`` on the region's login host
            (or on the base URL's own host when it has no ``api.`` prefix).
        timeout: Per-attempt timeout (default 10 s to connect, 30 s to read).
        retry: The default retry policy.
        httpx_args: Extra keyword arguments for the underlying httpx clients.

    Use it as a context manager (``with`` or ``async with``) or call `close` / `aclose`.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        base_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        token_url: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url) if base_url else api_base_url(region or "us_east_1")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        self._httpx_args = dict(httpx_args or {})
        self.auth: TokenSource
        if access_token:
            self.auth = StaticToken(access_token)
        elif client_id and client_secret:
            self.auth = ClientCredentials(
                client_id, client_secret, token_url or login_base_url(self.base_url) + "/oauth/token"
            )
        else:
            raise ConfigurationError("give client_id and client_secret, or access_token")
        self._http: httpx.Client | None = None
        self._async_http: httpx.AsyncClient | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """A client configured as Genesys's CLI and Terraform provider are.

        Reads ``GENESYSCLOUD_OAUTHCLIENT_ID``, ``GENESYSCLOUD_OAUTHCLIENT_SECRET`` and
        ``GENESYSCLOUD_REGION`` (default us_east_1); keyword arguments override them.
        """
        env = os.environ if environ is None else environ
        settings: dict[str, Any] = {}
        if "access_token" not in overrides:
            for variable, key in (
                ("GENESYSCLOUD_OAUTHCLIENT_ID", "client_id"),
                ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "client_secret"),
            ):
                if key in overrides:
                    continue
                value = env.get(variable, "").strip()
                if not value:
                    raise ConfigurationError(f"environment variable {variable} is not set")
                settings[key] = value
        region = env.get("GENESYSCLOUD_REGION", "").strip()
        if region and "base_url" not in overrides and "region" not in overrides:
            settings["region"] = region
        settings.update(overrides)
        return cls(**settings)

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, auth={self.auth!r})"

    # -- httpx clients ---------------------------------------------------------------------------

    def _client_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "headers": {"User-Agent": _USER_AGENT, "Accept": "application/json"},
        }
        args.update(self._httpx_args)
        return args

    def _sync_http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(**self._client_args())
        return self._http

    def _async_http_client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._async_http is None or self._async_loop is not loop:
            # An httpx.AsyncClient belongs to one event loop; a new loop gets a new one.
            self._async_http = httpx.AsyncClient(**self._client_args())
            self._async_loop = loop
        return self._async_http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    async def aclose(self) -> None:
        if self._async_http is not None:
            await self._async_http.aclose()
            self._async_http = None
        self.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # -- sending -----------------------------------------------------------------------------------

    def _policy(self, options: RequestOptions | None) -> tuple[RetryPolicy, httpx.Timeout]:
        policy = self.retry
        timeout = self.timeout
        if options is not None:
            policy = options.retry or policy
            if options.max_attempts is not None:
                policy = replace(policy, max_attempts=options.max_attempts)
            if options.deadline is not None:
                policy = replace(policy, deadline=options.deadline)
            if options.timeout is not None:
                timeout = options.timeout if isinstance(options.timeout, httpx.Timeout) else httpx.Timeout(options.timeout)
        return policy, timeout

    def _retry_args(self, request: ApiRequest, policy: RetryPolicy) -> dict[str, Any]:
        stop: stop_base = stop_after_attempt(policy.max_attempts)
        if policy.deadline is not None:
            stop = stop | stop_before_delay(policy.deadline)

        def log_retry(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            logger.info(
                "%s: retrying after %s in %.2f s (attempt %d of %d)",
                request.operation_id,
                _describe_failure(error),
                wait,
                state.attempt_number + 1,
                policy.max_attempts,
            )

        return {
            "stop": stop,
            "wait": RetryWait(policy),
            "retry": retry_if_exception(lambda e: is_retryable(e, retry_safe=request.retry_safe, policy=policy)),
            "before_sleep": log_retry,
            "reraise": True,
        }

    def send(self, request: ApiRequest, options: RequestOptions | None = None) -> httpx.Response:
        """Sends `request` with auth and retries; returns a non-error response or raises."""
        policy, timeout = self._policy(options)
        for attempt in Retrying(**self._retry_args(request, policy)):
            with attempt:
                response = self._attempt(request, timeout)
        return response

    async def asend(self, request: ApiRequest, options: RequestOptions | None = None) -> httpx.Response:
        """Async `send`."""
        policy, timeout = self._policy(options)
        async for attempt in AsyncRetrying(**self._retry_args(request, policy)):
            with attempt:
                response = await self._aattempt(request, timeout)
        return response

    def _attempt(self, request: ApiRequest, timeout: httpx.Timeout) -> httpx.Response:
        http = self._sync_http()
        started = time.perf_counter()
        try:
            token = self.auth.token(http)
            response = http.request(**self._httpx_request(request, token, timeout))
            if response.status_code == 401 and self.auth.renewable:
                logger.info("%s: token refused (401); renewing it once", request.operation_id)
                self.auth.invalidate(token)
                token = self.auth.token(http)
                response = http.request(**self._httpx_request(request, token, timeout))
        except httpx.TimeoutException as error:
            raise TransportTimeoutError(f"{request.operation_id}: {type(error).__name__}") from error
        except httpx.TransportError as error:
            raise TransportError(f"{request.operation_id}: {type(error).__name__}: {error}") from error
        return self._check(request, response, started)

    async def _aattempt(self, request: ApiRequest, timeout: httpx.Timeout) -> httpx.Response:
        http = self._async_http_client()
        started = time.perf_counter()
        try:
            token = await self.auth.atoken(http)
            response = await http.request(**self._httpx_request(request, token, timeout))
            if response.status_code == 401 and self.auth.renewable:
                logger.info("%s: token refused (401); renewing it once", request.operation_id)
                self.auth.invalidate(token)
                token = await self.auth.atoken(http)
                response = await http.request(**self._httpx_request(request, token, timeout))
        except httpx.TimeoutException as error:
            raise TransportTimeoutError(f"{request.operation_id}: {type(error).__name__}") from error
        except httpx.TransportError as error:
            raise TransportError(f"{request.operation_id}: {type(error).__name__}: {error}") from error
        return self._check(request, response, started)

    @staticmethod
    def _httpx_request(request: ApiRequest, token: str, timeout: httpx.Timeout) -> dict[str, Any]:
        args: dict[str, Any] = {
            "method": request.method,
            "url": request.url,
            "headers": {"Authorization": f"Bearer {token}"},
            "timeout": timeout,
        }
        if request.params:
            args["params"] = request.params
        if request.json is not None:
            args["json"] = request.json
        return args

    @staticmethod
    def _check(request: ApiRequest, response: httpx.Response, started: float) -> httpx.Response:
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s: %s %s -> %d in %.0f ms",
            request.operation_id,
            request.method,
            response.request.url.path,
            response.status_code,
            elapsed_ms,
        )
        if response.status_code >= 400:
            raise error_from_response(response, operation_id=request.operation_id)
        return response


def _describe_failure(error: BaseException | None) -> str:
    if isinstance(error, ApiError):
        return f"HTTP {error.status}" + (f" {error.code}" if error.code else "")
    if error is None:
        return "a failure"
    return type(error).__name__
