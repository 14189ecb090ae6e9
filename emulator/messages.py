"""Transport-neutral request and response values."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from emulator.errors import ApiError

__all__ = ["Request", "Response", "encode_json"]


def encode_json(value: Any) -> bytes:
    """Compact, deterministic JSON bytes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@dataclasses.dataclass
class Request:
    """One HTTP request as the emulator sees it (header names lower-case)."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    def params(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]

    def json_body(self) -> Any:
        """The body parsed as JSON; ApiError 415/400 when it is not JSON."""
        media_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise ApiError(
                415,
                "The request body must be application/json",
                "unsupported.media.type",
            )
        if not self.body.strip():
            raise ApiError(400, "A request body is required", "bad.request")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "The request body is not valid JSON", "bad.request") from None


@dataclasses.dataclass
class Response:
    """What to answer; ``drop`` closes the connection instead."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    drop: bool = False
    payload: Any = None  # the JSON value ``body`` encodes, when there is one

    @classmethod
    def json(cls, status: int, value: Any, headers: dict[str, str] | None = None) -> Response:
        return cls(
            status,
            encode_json(value),
            {"Content-Type": "application/json", **(headers or {})},
            payload=value,
        )

    @classmethod
    def json_with_array(cls, status: int, value: dict[str, Any], name: str, array: bytes) -> Response:
        """`json` of ``value`` with one more member, ``name``, whose JSON array is already encoded.

        The body is byte for byte what `json` gives for ``{**value, name: [...]}``; `json_value`
        decodes it when something needs the value.
        """
        head = encode_json(value)[:-1] + (b"," if value else b"")
        body = head + encode_json(name) + b":" + array + b"}"
        return cls(status, body, {"Content-Type": "application/json"})

    def json_value(self) -> Any:
        """The JSON value of the body (None when it has none)."""
        if self.payload is None and self.body:
            try:
                self.payload = json.loads(self.body)
            except ValueError:
                return None
        return self.payload

    @classmethod
    def error(cls, error: ApiError) -> Response:
        return cls.json(error.status, error.body(), error.headers)

    @classmethod
    def dropped(cls) -> Response:
        return cls(0, drop=True)
