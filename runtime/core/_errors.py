"""The client's error hierarchy: every failure is an `Error` subclass saying what and where.

Messages carry the HTTP status, the API's error code, its message and request id (as the client's
`ErrorReader` finds them in the body), and the operation; never a request header, token or secret:
every message, and every string of an error body and its headers, passes through `redact`, so a
server echoing a credential back cannot put it into one. Errors pickle (without the client's body
decoder: an unpickled ApiError keeps the decoded `error_body` instead), and report the package root
as their module.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, ClassVar

import httpx

from ._public import publish
from ._redaction import redact, redact_json

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "DecodingError",
    "Error",
    "ErrorFields",
    "NotFoundError",
    "PagingError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectedPageError",
    "RequestTimeoutError",
    "ServerError",
    "TransportError",
    "TransportTimeoutError",
    "UnexpectedStatusError",
    "WaitFailedError",
    "WaitTimeoutError",
]


class Error(Exception):
    """Base class of every error this client raises; its message is redacted (see `redact`)."""

    #: Attributes left out of a pickle (callables bound to a client, say).
    _transient: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(arg) if isinstance(arg, str) else arg for arg in args))

    def __reduce__(self) -> tuple[Any, ...]:
        # The default re-runs __init__ with the message as its only argument, which subclasses with
        # other signatures cannot take: restore the arguments and attributes as they are instead.
        state = {key: value for key, value in self.__dict__.items() if key not in self._transient}
        return _restore, (type(self), self.args, state)


def _restore(cls: type[Error], args: tuple[object, ...], state: dict[str, Any]) -> Error:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


@dataclass(frozen=True)
class ErrorFields:
    """What an error body says, in the API's own terms.

    Attributes:
        code: A stable code naming the kind of error (e.g. ``bad.request``, ``invalid_client``).
        message: A readable account of the error.
        request_id: The id the server gave the request, for its support to find it in its logs.
        request_id_label: What the API calls that id (shown in messages), e.g. ``requestId``.
        details: Further facts about the error, as JSON objects.
    """

    code: str | None = None
    message: str | None = None
    request_id: str | None = None
    request_id_label: str = "requestId"
    details: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


ErrorReader = Callable[[Mapping[str, Any]], ErrorFields]


def read_error_fields(body: Mapping[str, Any]) -> ErrorFields:
    """The fields most JSON APIs use: ``code`` or OAuth's ``error``, ``message`` or ``error_description``."""
    return ErrorFields(
        code=_first_str(body, "code", "error"),
        message=_first_str(body, "message", "error_description", "detail", "title"),
        request_id=_first_str(body, "requestId", "request_id"),
        details=_objects(body.get("details")),
    )


class ConfigurationError(Error, ValueError):
    """The client was configured wrongly: a missing variable, an unknown region, an unsafe URL."""


class ApiError(Error):
    """The API answered with an error status; carries the decoded error body.

    Every string of the body, the details and the headers is redacted (see `redact`).

    Attributes:
        status: The HTTP status code (an int).
        code: The API's error code (e.g. ``bad.request``), if the body had one.
        error_message: The API's message, if the body had one.
        request_id: The id the server's support uses to find the request, if the body had one.
        details: The body's ``details`` entries, as dicts.
        body: The whole decoded error body (empty when it was not a JSON object).
        error_body: The body as the spec's error model (None when it has none, or the body does not fit).
        headers: The response headers.
        operation_id: The operation that failed (its operationId).
    """

    _transient = ("_decode_body",)
    _decoded: Any = None

    def __init__(
        self,
        status: int,
        *,
        body: Mapping[str, Any] | None = None,
        headers: httpx.Headers | None = None,
        operation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        reader: ErrorReader = read_error_fields,
        decode_body: Callable[[Mapping[str, Any]], Any] | None = None,
    ) -> None:
        self.status = int(status)
        self._decode_body = decode_body
        self.body: dict[str, Any] = redact_json(dict(body)) if body else {}
        self.headers = _redacted_headers(headers) if headers is not None else httpx.Headers()
        self.operation_id = operation_id
        self.method = method
        self.path = redact(path) if path else path
        fields = reader(self.body)
        self.code = _redacted(fields.code)
        self.error_message = _redacted(fields.message)
        self.request_id = _redacted(fields.request_id)
        self.details: list[dict[str, Any]] = [redact_json(dict(detail)) for detail in fields.details]
        self._request_id_label = fields.request_id_label
        super().__init__(self._summary())

    def __reduce__(self) -> tuple[Any, ...]:
        self._decoded = self.error_body  # the decoder belongs to the client: keep what it gave
        return super().__reduce__()

    def _summary(self) -> str:
        parts = [f"HTTP {self.status}"]
        if self.code:
            parts.append(self.code)
        text = " ".join(parts)
        if self.error_message:
            text += f": {self.error_message}"
        if self.request_id:
            text += f" ({self._request_id_label} {self.request_id})"
        if self.operation_id:
            text += f" [{self.operation_id}"
            if self.method and self.path:
                text += f" {self.method} {self.path}"
            text += "]"
        return text

    @property
    def error_body(self) -> Any:
        """The body decoded as the spec's error model, or None (no body, no model, or it does not fit)."""
        decode = self.__dict__.get("_decode_body")
        if not self.body or decode is None:
            return self._decoded
        try:
            return decode(self.body)
        except (Error, RecursionError):
            return None


class BadRequestError(ApiError):
    """400, 413 or 415: the request was malformed or not acceptable."""


class AuthenticationError(ApiError):
    """401: the credentials or token were refused (a renewed token was refused too)."""


class PermissionDeniedError(ApiError):
    """403: the credentials lack a permission the operation needs."""


class NotFoundError(ApiError):
    """404: no such resource (an unknown id, or one that expired)."""


class RequestTimeoutError(ApiError):
    """408: the server gave up waiting for the request."""


class ConflictError(ApiError):
    """409: the request conflicts with the resource's state."""


class RateLimitError(ApiError):
    """429: too many requests; ``retry_after`` is the wait the server asked for, in seconds."""

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("Retry-After"))


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
        current = time.time() if now is None else now
        return max(0.0, moment.timestamp() - current)
    except (TypeError, ValueError, IndexError, OverflowError):  # whatever a server sends is not our failure
        return None


class ServerError(ApiError):
    """5xx: the service failed or is unavailable."""


class UnexpectedStatusError(ApiError):
    """A status the spec does not document for the operation."""


_ERROR_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    413: BadRequestError,
    415: BadRequestError,
    429: RateLimitError,
}


def http_status(response: httpx.Response) -> HTTPStatus:
    """The response's status as an HTTPStatus; UnexpectedStatusError for a code HTTP does not define."""
    try:
        return HTTPStatus(response.status_code)
    except ValueError:
        raise error_from_response(response, documented=False) from None


def error_from_response(
    response: httpx.Response,
    *,
    operation_id: str | None = None,
    documented: bool = True,
    reader: ErrorReader = read_error_fields,
    decode_body: Callable[[Mapping[str, Any]], Any] | None = None,
) -> ApiError:
    """The ApiError subclass for an error response, with its body decoded when it is JSON."""
    status = response.status_code
    if not documented:
        cls: type[ApiError] = UnexpectedStatusError
    elif status >= 500:
        cls = ServerError
    else:
        cls = _ERROR_BY_STATUS.get(status, UnexpectedStatusError if status < 400 else ApiError)
    body: Mapping[str, Any] | None = None
    try:
        decoded = json.loads(response.content)
        if isinstance(decoded, dict):
            body = decoded
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read: the status still tells
        body = None
    return cls(
        status,
        body=body,
        headers=response.headers,
        operation_id=operation_id,
        method=response.request.method,
        path=response.request.url.path,
        reader=reader,
        decode_body=decode_body,
    )


class DecodingError(Error, ValueError):
    """A response body that does not match the spec: not JSON, a missing field, a wrong type.

    Attributes:
        model: The innermost model being decoded when it failed.
        field: That model's JSON field, or None when the value itself was not an object.
        path: The JSON path from the response's root, e.g. ``entities.eventDate``.
        reason: What was wrong.
    """

    def __init__(self, reason: str, *, model: str | None = None, field: str | None = None, path: str = "") -> None:
        self.reason = redact(reason)
        self.model = model
        self.field = field
        self.path = path
        where = (
            f"{model}.{field}" if model and field else (model or (f"response field {field}" if field else "response"))
        )
        at = f" (at {path})" if path and path != field else ""
        super().__init__(f"cannot decode {where}{at}: {reason}")

    @classmethod
    def from_exception(cls, model: str, field: str | None, error: Exception) -> DecodingError:
        if isinstance(error, KeyError):
            reason = "required field is missing"
        elif field is None:
            reason = "not a JSON object"
        else:
            reason = _describe(error)
        return cls(reason, model=model, field=field, path=field or "")

    def within(self, model: str, field: str | None) -> DecodingError:
        """The same error seen from an enclosing model's field (extends the JSON path)."""
        path = ".".join(p for p in (field, self.path) if p)
        if self.field is None and field is not None:
            # The nested value itself was wrong (e.g. not an object): blame the field that held it.
            reason = f"{self.reason} (expected {self.model})" if self.model else self.reason
            return DecodingError(reason, model=model, field=field, path=path)
        return DecodingError(self.reason, model=self.model or model, field=self.field, path=path)


class RedirectedPageError(Error):
    """A page came without its records: the server sent where to download them instead.

    Attributes:
        url: Where the server put the page's records (it may carry credentials: it is not in the message).
        page: The number of the page, counting from 1 in this pager.
    """

    def __init__(self, url: str, *, page: int) -> None:
        self.url = url
        self.page = page
        super().__init__(
            f"page {page} holds no records but a download link: the server moved them elsewhere because the "
            "request asked it to. Page without the option that asks for a link to get the records, or "
            "download them from the error's .url"
        )


class PagingError(Error):
    """Paging would not advance: a cursor already followed, a repeated page, a page count that outruns
    the pager. Raised before any record of the offending page is handed out, so nothing is yielded
    twice; the pager's position stays before that page.

    Attributes:
        operation_id: The paged operation (its operationId), when the pager knows it.
        cursor: The cursor the offending page was fetched with (cursor paging; None for a first page).
        page_number: The offending page's number (page-number paging).
        reason: What did not advance.
    """

    def __init__(
        self, reason: str, *, operation: str | None = None, cursor: str | None = None, page_number: int | None = None
    ) -> None:
        self.reason = redact(reason)
        self.operation_id = operation
        self.cursor = cursor
        self.page_number = page_number
        where = f"{operation}: " if operation else ""
        super().__init__(f"{where}paging does not advance: {reason}; stopped before handing out any record of it")


class TransportError(Error):
    """The request did not complete: the connection failed or broke.

    Attributes:
        request_sent: False when the failure came before the request could reach the server (no
            connection was made, or the access token could not be fetched), so resending it is safe
            whatever the operation does.
    """

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        self.request_sent = request_sent
        super().__init__(message)


class TransportTimeoutError(TransportError):
    """The connection or the response took longer than the configured timeout."""


class WaitFailedError(Error):
    """A waited-for resource reached a failure state (e.g. a job that Failed).

    It has no `status`: the resource failed, the HTTP exchange did not (every `.status` of this
    package's errors is an HTTP status code).

    Attributes:
        resource_id: The id that was polled.
        state: The failure state it reached.
        resource: The last poll's answer: the status operation's response model, as the waiter saw it.
    """

    def __init__(self, resource_id: str, state: str, resource: object) -> None:
        self.resource_id = resource_id
        self.state = state
        self.resource = resource
        super().__init__(f"{resource_id} ended in state {state}")


class WaitTimeoutError(Error):
    """The wait's deadline passed before a final state; ``resource_id`` lets the caller come back."""

    def __init__(self, resource_id: str, last_state: str | None, waited: float) -> None:
        self.resource_id = resource_id
        self.last_state = last_state
        self.waited = waited
        super().__init__(
            f"{resource_id} still in state {last_state or 'unknown'} after {waited:.1f} s; "
            "wait again later with the same id"
        )


def _redacted(value: str | None) -> str | None:
    return redact(value) if value else value


def _redacted_headers(headers: httpx.Headers) -> httpx.Headers:
    return httpx.Headers([(name, redact(value)) for name, value in headers.multi_items()])


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _first_str(body: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = _str_or_none(body.get(key))
        if value is not None:
            return value
    return None


def _objects(value: Any) -> tuple[Mapping[str, Any], ...]:
    return tuple(item for item in value if isinstance(item, Mapping)) if isinstance(value, list) else ()


def _describe(error: Exception) -> str:
    if isinstance(error, AttributeError) and "'items'" in str(error):
        return "not a JSON object"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


publish(globals(), __all__)
