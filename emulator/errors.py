"""Genesys-style error bodies and the exception that carries them."""

from __future__ import annotations

import uuid
from typing import Any, Final

__all__ = ["CODE_BY_STATUS", "ApiError", "error_body"]

# The code an error of each status gets unless a more precise one is given.
CODE_BY_STATUS: Final = {
    400: "bad.request",
    401: "authentication.required",
    403: "missing.permissions",
    404: "not.found",
    405: "method.not.allowed",
    408: "client.timeout",
    409: "request.conflict",
    413: "request.entity.too.large",
    415: "unsupported.media.type",
    429: "too.many.requests.retry.after",
    500: "internal.server.error",
    503: "service.unavailable",
    504: "request.timeout",
}

_DEFAULT_MESSAGES: Final = {
    500: "The server encountered an unexpected condition.",
    503: "The service is currently unavailable.",
    504: "The request timed out.",
}


def error_body(
    status: int,
    message: str,
    code: str | None = None,
    *,
    details: list[dict[str, str]] | None = None,
    message_params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An ErrorBody JSON object."""
    body: dict[str, Any] = {
        "message": message,
        "code": code or CODE_BY_STATUS.get(status, "bad.request" if status < 500 else "internal.server.error"),
        "status": status,
        "messageParams": message_params or {},
        "contextId": str(uuid.uuid4()),
        "details": details or [],
        "errors": [],
    }
    return body


class ApiError(Exception):
    """An error answer: raise it anywhere in a handler."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        code: str | None = None,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        message_params: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.message = message or _DEFAULT_MESSAGES.get(status, "The request failed.")
        self.code = code
        self.field = field
        self.headers = headers or {}
        self.message_params = message_params
        super().__init__(f"{status} {code}: {self.message}")

    def body(self) -> dict[str, Any]:
        details = [{"errorCode": self.code or "", "fieldName": self.field}] if self.field else None
        return error_body(
            self.status,
            self.message,
            self.code,
            details=details,
            message_params=self.message_params,
        )

    @classmethod
    def retry_after(cls, seconds: int, code: str = "too.many.requests.retry.after") -> ApiError:
        """A 429 telling the client to wait ``seconds``."""
        return cls(
            429,
            f"Rate limit exceeded the maximum. Retry the request in [{seconds}] seconds",
            code,
            headers={"Retry-After": str(seconds)},
            message_params={"n": str(seconds)},
        )
