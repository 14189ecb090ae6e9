"""Genesys Cloud error bodies (ErrorBody): which fields say what went wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._core._errors import Error, ErrorFields

__all__ = ["GenesysCloudError"]

#: Every error the client raises (the core's base class, under the name Genesys users know).
GenesysCloudError = Error


def read_error_body(body: Mapping[str, Any]) -> ErrorFields:
    """code, message and contextId of an API error; OAuth errors use error / error_description."""
    details = body.get("details")
    return ErrorFields(
        code=_text(body.get("code")) or _text(body.get("error")),
        message=_text(body.get("message")) or _text(body.get("error_description")),
        request_id=_text(body.get("contextId")),
        request_id_label="contextId",
        details=tuple(item for item in details if isinstance(item, Mapping)) if isinstance(details, list) else (),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
