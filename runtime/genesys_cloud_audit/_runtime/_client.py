"""The Client every generated operation calls: base URL, auth, timeouts, retries and logging.

Generated endpoint modules build an `ApiRequest` and hand it to `Client.send` / `Client.asend`,
which answer with a 2xx/3xx `httpx.Response` or raise a typed error.

The retry loop is tenacity's: its stop/wait/retry strategies compose (attempts | deadline,
Retry-After or jittered backoff, status-aware retry predicates), it drives sync and async loops
alike, and it wraps our attempt function rather than the transport, so per-call policies and the
one-time 401 token renewal stay above it.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_before_delay
from tenacity.stop import stop_base

from ._auth import ClientCredentials, StaticToken, TokenSource
from ._errors import ApiError, ConfigurationError, TransportError, TransportTimeoutError, error_from_response
from ._logging import logger
from ._ratelimit import RateLimiter
from ._regions import api_base_url, check_base_url, login_base_url
from ._retry import RetryPolicy, RetryWait, is_retryable
from ._secrets import Secret

if TYPE_CHECKING:
    import asyncio

__all__ = ["DEFAULT_RATE_LIMIT", "DEFAULT_TIMEOUT", "ApiRequest", "Client", "RequestOptions"]

DEFAULT_RATE_LIMIT = 300  # requests a minute per client-credentials token, Genesys's default
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_USER_AGENT = "genesys-cloud-audit-python"
_ENV_ID = "GENESYSCLOUD_OAUTHCLIENT_ID"
_ENV_SECRET = "GENESYSCLOUD_OAUTHCLIENT_SECRET"
_ENV_REGION = "GENESYSCLOUD_REGION"


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
        auth: Any other `TokenSource` (e.g. a `ClientCredentials` with its own renewal margin).
        token_url: Where to fetch tokens; default ``/oauth/token`` on the region's login host,
            or on the base URL's own host when `base_url` is not a Genesys API host.
        timeout: Per-attempt timeout (default 10 s to connect, 30 s to read).
        retry: The default retry policy.
        rate_limit: Requests a minute this client may send, shared by all its threads and tasks
            (default 300, Genesys's default per client-credentials token), or a `RateLimiter` to
            share between clients using one token; None sends unthrottled.
        httpx_args: Extra keyword arguments for the underlying httpx clients.

    Use it as a context manager (``with`` or ``async with``) or call `close` / `aclose`.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        base_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | Secret | None = None,
        access_token: str | Secret | None = None,
        auth: TokenSource | None = None,
        token_url: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        rate_limit: int | RateLimiter | None = DEFAULT_RATE_LIMIT,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url) if base_url else api_base_url(region or "us_east_1")
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        self._httpx_args = dict(httpx_args or {})
        self.rate_limiter = (
            rate_limit if isinstance(rate_limit, RateLimiter) else RateLimiter(rate_limit) if rate_limit else None
        )
        self.auth: TokenSource
        if auth is not None:
            self.auth = auth
        elif access_token:
            self.auth = StaticToken(access_token)
        elif client_id and client_secret:
            url = check_base_url(token_url) if token_url else login_base_url(self.base_url) + "/oauth/token"
            self.auth = ClientCredentials(client_id, client_secret, url)
        else:
            raise ConfigurationError("give client_id and client_secret, access_token or auth")
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        # An httpx.AsyncClient belongs to one event loop: one per loop, dropped with the loop.
        self._async_http: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    @classmethod
    def from_env(cls, *, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """A client configured as Genesys's CLI and Terraform provider are.

        Reads ``GENESYSCLOUD_OAUTHCLIENT_ID``, ``GENESYSCLOUD_OAUTHCLIENT_SECRET`` and
        ``GENESYSCLOUD_REGION`` (default us_east_1); keyword arguments override them.
        """
        env = os.environ if environ is None else environ
        settings: dict[str, Any] = {}
        if "access_token" not in overrides and "auth" not in overrides:
            for variable, key in ((_ENV_ID, "client_id"), (_ENV_SECRET, "client_secret")):
                if key in overrides:
                    continue
                value = env.get(variable, "").strip()
                if not value:
                    raise ConfigurationError(f"environment variable {variable} is not set")
                settings[key] = value
        region = env.get(_ENV_REGION, "").strip()
        if region and "base_url" not in overrides and "region" not in overrides:
            try:
                api_base_url(region)
            except ConfigurationError as error:
                raise ConfigurationError(f"{_ENV_REGION}: {error}") from None
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
        http = self._http
        if http is None:
            with self._lock:
                if self._http is None:
                    self._http = httpx.Client(**self._client_args())
                http = self._http
        return http

    def _async_http_client(self) -> httpx.AsyncClient:
        import asyncio  # imported late: it costs ~70 ms and sync use never needs it

        loop = asyncio.get_running_loop()
        with self._lock:
            http = self._async_http.get(loop)
            if http is None:
                http = self._async_http[loop] = httpx.AsyncClient(**self._client_args())
        return http

    def close(self) -> None:
        """Closes the sync connection pool (async ones are closed by `aclose`)."""
        with self._lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()

    async def aclose(self) -> None:
        """Closes this event loop's connection pool and the sync one."""
        with self._lock:
            import asyncio  # imported late: it costs ~70 ms and sync use never needs it

            http = self._async_http.pop(asyncio.get_running_loop(), None)
        if http is not None:
            await http.aclose()
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
                timeout = (
                    options.timeout if isinstance(options.timeout, httpx.Timeout) else httpx.Timeout(options.timeout)
                )
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

    def _throttle(self, request: ApiRequest) -> None:
        if self.rate_limiter is not None:
            delay = self.rate_limiter.reserve()
            if delay > 0:
                logger.info("%s: waiting %.2f s to stay under the rate limit", request.operation_id, delay)
                time.sleep(delay)

    async def _athrottle(self, request: ApiRequest) -> None:
        if self.rate_limiter is not None:
            delay = self.rate_limiter.reserve()
            if delay > 0:
                logger.info("%s: waiting %.2f s to stay under the rate limit", request.operation_id, delay)
                import asyncio  # imported late: it costs ~70 ms and sync use never needs it

                await asyncio.sleep(delay)

    def _attempt(self, request: ApiRequest, timeout: httpx.Timeout) -> httpx.Response:
        http = self._sync_http()
        started = time.perf_counter()
        try:
            token = self.auth.token(http)
            self._throttle(request)
            response = http.request(**_httpx_request(request, token, timeout))
            if response.status_code == 401 and self.auth.renewable:
                logger.info("%s: token refused (401); renewing it once", request.operation_id)
                self.auth.invalidate(token)
                token = self.auth.token(http)
                self._throttle(request)
                response = http.request(**_httpx_request(request, token, timeout))
        except httpx.TransportError as error:
            raise _transport_error(request, error, started) from error
        return _check(request, response, started)

    async def _aattempt(self, request: ApiRequest, timeout: httpx.Timeout) -> httpx.Response:
        http = self._async_http_client()
        started = time.perf_counter()
        try:
            token = await self.auth.atoken(http)
            await self._athrottle(request)
            response = await http.request(**_httpx_request(request, token, timeout))
            if response.status_code == 401 and self.auth.renewable:
                logger.info("%s: token refused (401); renewing it once", request.operation_id)
                self.auth.invalidate(token)
                token = await self.auth.atoken(http)
                await self._athrottle(request)
                response = await http.request(**_httpx_request(request, token, timeout))
        except httpx.TransportError as error:
            raise _transport_error(request, error, started) from error
        return _check(request, response, started)


def _httpx_request(request: ApiRequest, token: Secret, timeout: httpx.Timeout) -> dict[str, Any]:
    args: dict[str, Any] = {
        "method": request.method,
        "url": request.url,
        "headers": {"Authorization": "Bearer " + token.reveal()},
        "timeout": timeout,
    }
    if request.params:
        args["params"] = request.params
    if request.json is not None:
        args["json"] = request.json
    return args


def _transport_error(request: ApiRequest, error: httpx.TransportError, started: float) -> TransportError:
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.debug(
        "%s: %s %s -> %s after %.0f ms",
        request.operation_id,
        request.method,
        request.url,
        type(error).__name__,
        elapsed_ms,
    )
    if isinstance(error, httpx.TimeoutException):
        return TransportTimeoutError(f"{request.operation_id}: {type(error).__name__} after {elapsed_ms:.0f} ms")
    return TransportError(f"{request.operation_id}: {type(error).__name__}: {error}")


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
