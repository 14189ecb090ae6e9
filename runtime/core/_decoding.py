"""Turns response bodies into models, with DecodingError for anything that does not fit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from ..types import Unset
from ._errors import DecodingError, error_from_response

__all__ = []

T = TypeVar("T")


def decode_response(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """Parses the JSON body with `parse` (a generated model's decoder)."""
    try:
        data = json.loads(response.content)
    except ValueError as error:
        raise DecodingError(
            f"HTTP {response.status_code} body is not valid JSON ({error})", path=response.request.url.path
        ) from None
    return parse(data)


def require_field(value: T | Unset | None, name: str) -> T:
    """A response field the caller cannot do without."""
    if value is None or isinstance(value, Unset):
        raise DecodingError("required field is missing", field=name, path=name)
    return value


def unexpected_status(response: httpx.Response) -> Exception:
    """The error for a status the operation's spec does not document."""
    return error_from_response(response, documented=False)
