"""The Client every generated operation calls: base URL, auth, timeouts, retries, rate limit, logging.

Generated endpoint modules build an `ApiRequest` and hand it to `Client.send` / `Client.asend`,
which answer with a 2xx/3xx `httpx.Response` or raise a typed error. The generated package subclasses
`Client` with what its spec says (server URL, token URL, user agent, environment variable names);
a platform layer may subclass it in between (regions, login hosts, error bodies).

The retry loop is tenacity's: its stop/wait/retry strategies compose (attempts | deadline,
Retry-After or jittered backoff, status-aware retry predicates), it drives sync and async loops
alike, and it wraps our attempt function rather than the transport, so per-call policies and the
401 token renewal (at most twice an attempt) stay above it.
"""

from __future__ import annotations

import enum
import os
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, Self, TypedDict

import httpx

from ._auth import Anonymous, ClientCredentials, StaticToken, TokenSource
from ._errors import (
    ApiError,
    ConfigurationError,
    ErrorFields,
    TransportError,
    TransportTimeoutError,
    error_from_response,
    read_error_fields,
)
from ._logging import logger
from ._public import publish
from ._ratelimit import RateLimiter
from ._retry import RetryPolicy, RetryWait, is_retryable
from ._secrets import Secret
from ._security import Applied, Credential, SecurityScheme, apply, hold
from ._urls import check_base_url, resolve_token_url
from ._wire import Param, cookie_header, header_values, query_pairs

if TYPE_CHECKING:
    import asyncio

    from tenacity import RetryCallState
    from tenacity.stop import stop_base

__all__ = ["DEFAULT_TIMEOUT", "RequestOptions"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class _Default(enum.Enum):
    RATE_LIMIT = "the class's DEFAULT_RATE_LIMIT"


_DEFAULT_RATE_LIMIT: Final = _Default.RATE_LIMIT

# Tokens fetched again after a 401 within one attempt. Two, not one: under concurrency the token
# another caller just renewed can be refused by the time this call uses it (a token that stops
# after so many requests, a revocation); a fresh token refused twice in a row is a real refusal.
_RENEWALS: Final = 2


class ClientOptions(TypedDict, total=False):
    """The keyword arguments of `Client` besides `base_url`, for subclasses that add their own."""

    client_id: str | None
    client_secret: str | Secret | None
    access_token: str | Secret | None
    auth: TokenSource | None
    token_url: str | None
    timeout: httpx.Timeout | float
    retry: RetryPolicy | None
    rate_limit: int | RateLimiter | Literal[_Default.RATE_LIMIT] | None
    httpx_args: Mapping[str, Any] | None


@dataclass(frozen=True)
class ApiRequest:
    """One call as a generated endpoint module describes it.

    Attributes:
        url: The path with its parameters written in (`expand_path`), relative to the base URL.
        query, headers, cookies: The parameters of each location, with JSON-ready values (see `_wire`).
        json: A JSON body (None: no JSON body).
        content: A body already encoded (a form, text or bytes), sent with `content_type`.
        files: A multipart/form-data body: (field name, (file name, content, media type)) parts.
        content_type: The body's media type when it is not what httpx writes (`application/problem+json`).
        security: The alternatives of security schemes the spec allows (each a tuple of scheme names,
            all needed; an empty one means no credentials); None sends the client's token, if any.
        accept: The Accept header, when the operation answers with something other than JSON.
        retry_safe: Whether resending after a failure is harmless.
    """

    operation_id: str
    method: str
    url: str
    query: Sequence[Param] = ()
    headers: Sequence[Param] = ()
    cookies: Sequence[Param] = ()
    json: Any = None
    content: bytes | None = None
    files: Sequence[tuple[str, Any]] | None = None
    content_type: str | None = None
    security: Sequence[Sequence[str]] | None = None
    accept: str | None = None
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
    """An API client (sync and async alike): base URL, credentials, timeouts, retries and rate limit.

    Args:
        base_url: The API base URL; default the spec's server (`DEFAULT_BASE_URL`). Plain http is
            accepted only for loopback addresses.
        client_id, client_secret: OAuth 2 client credentials; the token is fetched on first use.
        access_token: A ready token instead of client credentials.
        auth: Any other `TokenSource` (e.g. a `ClientCredentials` with its own renewal margin).
        token_url: Where to fetch tokens; default the spec's token URL (`TOKEN_URL`), or its path
            on the base URL's host when `base_url` is not the spec's server.
        timeout: Per-attempt timeout (default 10 s to connect, 30 s to read).
        retry: The default retry policy.
        rate_limit: Requests a minute this client may send, shared by all its threads and tasks
            (default `DEFAULT_RATE_LIMIT`), or a `RateLimiter` to share between clients using one
            token; None sends unthrottled.
        httpx_args: Extra keyword arguments for the underlying httpx clients.
        credentials: A credential for each security scheme of the spec that uses one, by scheme name
            (`SECURITY_SCHEMES`): an API key or token as a string, HTTP basic as (username, password).
            The generated client takes them as keyword arguments named after the schemes.

    Use it as a context manager (``with`` or ``async with``) or call `close` / `aclose`.
    """

    #: The spec's server URL, used when no base URL is given.
    DEFAULT_BASE_URL: ClassVar[str | None] = None
    #: The token URL of the spec's OAuth 2 client-credentials flow.
    TOKEN_URL: ClassVar[str | None] = None
    #: Whether every operation of the spec needs credentials: then a client without any is refused.
    REQUIRES_AUTH: ClassVar[bool] = True
    #: The spec's security schemes, by name (see `credentials`).
    SECURITY_SCHEMES: ClassVar[Mapping[str, SecurityScheme]] = MappingProxyType({})
    DEFAULT_RATE_LIMIT: ClassVar[int | None] = None
    USER_AGENT: ClassVar[str] = "openapi-client-python"
    #: Environment variables `from_env` reads, by keyword argument (client_id, client_secret, ...).
    ENVIRONMENT: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def __init__(
        self,
        *,
        base_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | Secret | None = None,
        access_token: str | Secret | None = None,
        auth: TokenSource | None = None,
        token_url: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        rate_limit: int | RateLimiter | Literal[_Default.RATE_LIMIT] | None = _DEFAULT_RATE_LIMIT,
        httpx_args: Mapping[str, Any] | None = None,
        credentials: Mapping[str, Credential | None] | None = None,
    ) -> None:
        url = base_url or self.DEFAULT_BASE_URL
        if not url:
            raise ConfigurationError("give base_url: the spec names no server")
        self.base_url = check_base_url(url)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry = retry or RetryPolicy()
        self._httpx_args = dict(httpx_args or {})
        limit = self.DEFAULT_RATE_LIMIT if rate_limit is _DEFAULT_RATE_LIMIT else rate_limit
        self.rate_limiter = limit if isinstance(limit, RateLimiter) else RateLimiter(limit) if limit else None
        self.auth: TokenSource
        if auth is not None:
            self.auth = auth
        elif access_token:
            self.auth = StaticToken(access_token)
        elif client_id and client_secret:
            url = check_base_url(token_url) if token_url else self._token_url()
            self.auth = ClientCredentials(client_id, client_secret, url)
        elif not self.REQUIRES_AUTH or (credentials and any(value is not None for value in credentials.values())):
            self.auth = Anonymous()
        else:
            raise ConfigurationError(f"give {self._credential_options()}")
        self._credentials = hold(self.SECURITY_SCHEMES, credentials or {})
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        # An httpx.AsyncClient belongs to one event loop: one per loop, dropped with the loop.
        self._async_http: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    @classmethod
    def _credential_options(cls) -> str:
        """The ways to give this client credentials, for an error message."""
        schemes = cls.SECURITY_SCHEMES
        own = [f"{name}= ({scheme.describe()})" for name, scheme in schemes.items() if not scheme.bearer]
        own += [f"{name}= ({scheme.describe()})" for name, scheme in schemes.items() if scheme.kind == "bearer"]
        if not schemes or any(scheme.bearer for scheme in schemes.values()):
            own.append("client_id and client_secret, access_token or auth")
        return ", or ".join(own)

    def _token_url(self) -> str:
        """Where client credentials are exchanged for a token (see `resolve_token_url`)."""
        return resolve_token_url(self.TOKEN_URL, base_url=self.base_url, spec_base_url=self.DEFAULT_BASE_URL)

    def read_error(self, body: Mapping[str, Any]) -> ErrorFields:
        """The code, message and request id an error body carries (a platform layer knows its format)."""
        return read_error_fields(body)

    def decode_error_body(self, body: Mapping[str, Any]) -> Any:
        """An error body as the spec's error model; the generated client overrides this when it has one."""
        return None

    @classmethod
    def from_env(cls, *, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """A client configured from the environment variables named in `ENVIRONMENT`.

        Keyword arguments override them. Without an access token or `auth`, the client-credential
        variables are required, and a missing one is named.
        """
        env = os.environ if environ is None else environ
        settings: dict[str, Any] = {}
        for key, variable in cls.ENVIRONMENT.items():
            value = env.get(variable, "").strip()
            if value and key not in overrides:
                settings[key] = value
        settings.update(overrides)
        # Any credential besides client credentials (a token, an API key: the generated client's own arguments).
        other = set(settings) - {"base_url", "region", "client_id", "client_secret"}
        if cls.REQUIRES_AUTH and not any(settings.get(key) for key in other):
            for key in ("client_id", "client_secret"):
                if not settings.get(key):
                    name = cls.ENVIRONMENT.get(key)
                    raise ConfigurationError(f"environment variable {name} is not set" if name else f"give {key}")
        return cls(**settings)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth!r})"

    # -- httpx clients ---------------------------------------------------------------------------

    def _client_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "headers": {"User-Agent": self.USER_AGENT, "Accept": "application/json"},
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
        from tenacity import retry_if_exception, stop_after_attempt, stop_before_delay  # loaded on first use

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
        from tenacity import Retrying

        policy, timeout = self._policy(options)
        for attempt in Retrying(**self._retry_args(request, policy)):
            with attempt:
                response = self._attempt(request, timeout)
        return response

    async def asend(self, request: ApiRequest, options: RequestOptions | None = None) -> httpx.Response:
        """Async `send`."""
        from tenacity import AsyncRetrying

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

    def _security(self, request: ApiRequest) -> Applied:
        """The credentials `request` carries (see `_security`); ConfigurationError when none the spec allows are held."""
        if request.security is None:
            return Applied(uses_token=True)
        has_token = not isinstance(self.auth, Anonymous)
        return apply(request.operation_id, request.security, self.SECURITY_SCHEMES, self._credentials, has_token)

    def _attempt(self, request: ApiRequest, timeout: httpx.Timeout) -> httpx.Response:
        http = self._sync_http()
        started = time.perf_counter()
        applied = self._security(request)
        token = None
        if applied.uses_token:
            with _fetching_token(request):
                token = self.auth.token(http)
        for renewal in range(_RENEWALS + 1):
            self._throttle(request)
            built = _build(http, request, applied, token, timeout)
            with _sending(request, started):
                response = http.send(built)
            if not self._renew_after(request, response, renewal, applied):
                break
            self.auth.invalidate(token)
            response.close()
            with _fetching_token(request):
                token = self.auth.token(http)
        return self._check(request, response, started)

    async def _aattempt(self, request: ApiRequest, timeout: httpx.Timeout) -> httpx.Response:
        http = self._async_http_client()
        started = time.perf_counter()
        applied = self._security(request)
        token = None
        if applied.uses_token:
            with _fetching_token(request):
                token = await self.auth.atoken(http)
        for renewal in range(_RENEWALS + 1):
            await self._athrottle(request)
            built = _build(http, request, applied, token, timeout)
            with _sending(request, started):
                response = await http.send(built)
            if not self._renew_after(request, response, renewal, applied):
                break
            self.auth.invalidate(token)
            await response.aclose()
            with _fetching_token(request):
                token = await self.auth.atoken(http)
        return self._check(request, response, started)

    def _renew_after(self, request: ApiRequest, response: httpx.Response, renewals: int, applied: Applied) -> bool:
        """Whether a 401 calls for another token: a renewable one, at most `_RENEWALS` times a call."""
        if response.status_code != 401 or not applied.uses_token or not self.auth.renewable or renewals >= _RENEWALS:
            return False
        logger.info("%s: token refused (401); renewing it (%d of %d)", request.operation_id, renewals + 1, _RENEWALS)
        return True

    def _check(self, request: ApiRequest, response: httpx.Response, started: float) -> httpx.Response:
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
            raise error_from_response(
                response,
                operation_id=request.operation_id,
                reader=self.read_error,
                decode_body=self.decode_error_body,
            )
        return response


def _httpx_request(
    request: ApiRequest, applied: Applied, token: Secret | None, timeout: httpx.Timeout
) -> dict[str, Any]:
    args: dict[str, Any] = {"method": request.method, "url": request.url, "timeout": timeout}
    headers = header_values(request.headers) if request.headers else {}
    headers.update(applied.headers)
    if token is not None:
        headers["Authorization"] = "Bearer " + token.reveal()
    crumbs = [cookie_header(request.cookies) if request.cookies else None, *applied.cookies]
    if any(crumbs):
        headers["Cookie"] = "; ".join(crumb for crumb in crumbs if crumb)
    query = query_pairs(request.query) if request.query else []
    query += applied.query
    if query:
        args["params"] = query
    if request.json is not None:
        args["json"] = request.json
    elif request.content is not None:
        args["content"] = request.content
    elif request.files is not None:
        args["files"] = list(request.files)
    if request.accept is not None:
        headers["Accept"] = request.accept
    if request.content_type is not None and request.files is None:
        headers["Content-Type"] = request.content_type
    if headers:
        args["headers"] = headers
    return args


def _build(
    http: httpx.Client | httpx.AsyncClient,
    request: ApiRequest,
    applied: Applied,
    token: Secret | None,
    timeout: httpx.Timeout,
) -> httpx.Request:
    """The httpx request; ConfigurationError when the arguments cannot make one (nothing was sent)."""
    try:
        return http.build_request(**_httpx_request(request, applied, token, timeout))
    except (httpx.InvalidURL, TypeError, ValueError) as error:  # a bad URL, parameter or JSON value (NaN)
        raise ConfigurationError(f"{request.operation_id}: cannot build the request: {error}") from error


@contextmanager
def _fetching_token(request: ApiRequest) -> Iterator[None]:
    """Turns a failure to reach the token endpoint into a TransportError: the request was not sent."""
    try:
        yield
    except (httpx.RequestError, httpx.InvalidURL) as error:
        raise TransportError(
            f"{request.operation_id}: fetching the access token failed: {type(error).__name__}: {error}",
            request_sent=False,
        ) from error


@contextmanager
def _sending(request: ApiRequest, started: float) -> Iterator[None]:
    """Turns httpx's failures to complete the exchange (connection, timeout, protocol, body decoding)
    into TransportError."""
    try:
        yield
    except httpx.RequestError as error:
        raise _transport_error(request, error, started) from error


# Failures before a connection carried the request: resending cannot repeat anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _transport_error(request: ApiRequest, error: httpx.RequestError, started: float) -> TransportError:
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.debug(
        "%s: %s %s -> %s after %.0f ms",
        request.operation_id,
        request.method,
        request.url,
        type(error).__name__,
        elapsed_ms,
    )
    sent = not isinstance(error, _NOT_SENT)
    if isinstance(error, httpx.TimeoutException):
        return TransportTimeoutError(
            f"{request.operation_id}: {type(error).__name__} after {elapsed_ms:.0f} ms", request_sent=sent
        )
    return TransportError(f"{request.operation_id}: {type(error).__name__}: {error}", request_sent=sent)


def _describe_failure(error: BaseException | None) -> str:
    if isinstance(error, ApiError):
        return f"HTTP {error.status}" + (f" {error.code}" if error.code else "")
    if error is None:
        return "a failure"
    return type(error).__name__


publish(globals(), __all__)
