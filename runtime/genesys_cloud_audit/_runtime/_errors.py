"""The client's error hierarchy: every failure is a GenesysCloudError subclass saying what and where.

Messages carry the HTTP status, the Genesys error code, its message and contextId, and the operation;
never a request header, token or secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from ..models.error_body import ErrorBody

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "DecodingError",
    "GenesysCloudError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "TransportError",
    "TransportTimeoutError",
    "UnexpectedStatusError",
    "WaitFailedError",
    "WaitTimeoutError",
    "error_from_response",
]


class GenesysCloudError(Exception):
    """Base class of every error this client raises."""


class ConfigurationError(GenesysCloudError, ValueError):
    """The client was configured wrongly: a missing variable, an unknown region, an unsafe URL."""


class ApiError(GenesysCloudError):
    """The API answered with an error status; carries the parsed Genesys error body.

    Attributes:
        status: The HTTP status code.
        code: Genesys's error code (e.g. ``bad.request``), if the body had one.
        error_message: Genesys's message, if the body had one.
        context_id: The id Genesys support uses to find the request.
        details: The body's ``details`` entries, as dicts.
        body: The whole decoded error body (empty when it was not JSON).
        headers: The response headers.
        operation_id: The operation that failed, e.g. ``postAuditsQuery``.
    """

    def __init__(
        self,
        status: int,
        *,
        body: Mapping[str, Any] | None = None,
        headers: httpx.Headers | None = None,
        operation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        self.status = status
        self.body: dict[str, Any] = dict(body or {})
        self.headers = headers if headers is not None else httpx.Headers()
        self.operation_id = operation_id
        self.method = method
        self.path = path
        # Genesys API errors use code/message; its OAuth endpoint uses error/description.
        self.code: str | None = _str_or_none(self.body.get("code")) or _str_or_none(self.body.get("error"))
        self.error_message: str | None = _first_str(self.body, "message", "error_description", "description")
        self.context_id: str | None = _str_or_none(self.body.get("contextId"))
        raw_details = self.body.get("details")
        self.details: list[dict[str, Any]] = (
            [d for d in raw_details if isinstance(d, dict)] if isinstance(raw_details, list) else []
        )
        super().__init__(self._summary())

    def _summary(self) -> str:
        parts = [f"HTTP {self.status}"]
        if self.code:
            parts.append(self.code)
        text = " ".join(parts)
        if self.error_message:
            text += f": {self.error_message}"
        if self.context_id:
            text += f" (contextId {self.context_id})"
        if self.operation_id:
            text += f" [{self.operation_id}"
            if self.method and self.path:
                text += f" {self.method} {self.path}"
            text += "]"
        return text

    @property
    def error_body(self) -> ErrorBody | None:
        """The body as the generated ErrorBody model, or None when the body was not a JSON object."""
        if not self.body:
            return None
        from ..models.error_body import ErrorBody

        try:
            return ErrorBody.from_dict(self.body)
        except DecodingError:
            return None


class BadRequestError(ApiError):
    """400, 413 or 415: the request was malformed or not acceptable."""


class AuthenticationError(ApiError):
    """401: the credentials or token were refused (a renewed token was refused too)."""


class PermissionDeniedError(ApiError):
    """403: the OAuth client lacks a permission, e.g. ``audits:audit:view``."""


class NotFoundError(ApiError):
    """404: no such resource, e.g. an unknown audit transaction id."""


class RequestTimeoutError(ApiError):
    """408: the server gave up waiting for the request."""


class ConflictError(ApiError):
    """409: the request conflicts with the resource's state."""


class RateLimitError(ApiError):
    """429: too many requests; ``retry_after`` is the wait the server asked for, in seconds."""

    @property
    def retry_after(self) -> float | None:
        from ._retry import parse_retry_after

        return parse_retry_after(self.headers.get("Retry-After"))


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


def error_from_response(
    response: httpx.Response, *, operation_id: str | None = None, documented: bool = True
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
        decoded = response.json()
        if isinstance(decoded, dict):
            body = decoded
    except ValueError:
        body = None
    return cls(
        status,
        body=body,
        headers=response.headers,
        operation_id=operation_id,
        method=response.request.method,
        path=response.request.url.path,
    )


class DecodingError(GenesysCloudError, ValueError):
    """A response body that does not match the spec: not JSON, a missing field, a wrong type.

    Attributes:
        model: The innermost model being decoded when it failed.
        field: That model's JSON field, or None when the value itself was not an object.
        path: The JSON path from the response's root, e.g. ``entities.eventDate``.
        reason: What was wrong.
    """

    def __init__(self, reason: str, *, model: str | None = None, field: str | None = None, path: str = "") -> None:
        self.reason = reason
        self.model = model
        self.field = field
        self.path = path
        where = f"{model}.{field}" if model and field else (model or "response")
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


class TransportError(GenesysCloudError):
    """The request did not complete: the connection failed or broke."""


class TransportTimeoutError(TransportError):
    """The connection or the response took longer than the configured timeout."""


class WaitFailedError(GenesysCloudError):
    """A waited-for resource reached a failure state (e.g. an audit query that Failed)."""

    def __init__(self, resource_id: str, state: str, status: object) -> None:
        self.resource_id = resource_id
        self.state = state
        self.status = status
        super().__init__(f"{resource_id} ended in state {state}")


class WaitTimeoutError(GenesysCloudError):
    """The wait's deadline passed before a final state; ``resource_id`` lets the caller come back."""

    def __init__(self, resource_id: str, last_state: str | None, waited: float) -> None:
        self.resource_id = resource_id
        self.last_state = last_state
        self.waited = waited
        super().__init__(
            f"{resource_id} still in state {last_state or 'unknown'} after {waited:.1f} s; "
            "wait again later with the same id"
        )


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _first_str(body: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = _str_or_none(body.get(key))
        if value is not None:
            return value
    return None


def _describe(error: Exception) -> str:
    if isinstance(error, AttributeError) and "'items'" in str(error):
        return "not a JSON object"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
