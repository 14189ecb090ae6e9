"""openapi-core's reading of a request, as a second opinion on the server's own.

openapi-core (an independent implementation) reads the same request. Where it reports an error
for something it reads correctly, or reads a parameter to a different value than the server did,
that is a problem of the request (or of the server, which a test of its own then shows). It is
not asked about what it cannot read: form and multipart fields (it keeps them as text), bodies of
media types it reads as bytes (a string schema then fails), exploded form objects, space-delimited
arrays, label and matrix paths, `content` parameters, and OAuth 2 or OpenID Connect credentials
(the server checks those itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from jsonschema_path import SchemaPath
from openapi_core import V30RequestUnmarshaller, V31RequestUnmarshaller
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.security.factories import SecurityProviderFactory
from openapi_core.security.providers import BaseProvider
from openapi_core.validation.request.exceptions import (
    MissingRequiredRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
    SecurityValidationError,
)
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.support.spec_server._bodies import is_json, media_type_of
from tests.support.spec_server._document import Document, Parameter
from tests.support.spec_server._schemas import canonical, flatten, type_of

if TYPE_CHECKING:
    from tests.support.spec_server._server import Exchange

__all__ = ["OpenApiCoreOracle"]


class _Present(BaseProvider):
    """OAuth 2 and OpenID Connect: the server checks the token itself."""

    def __call__(self, parameters: RequestParameters) -> Any:
        return parameters.header.get("Authorization")


def _security_factory() -> SecurityProviderFactory:
    factory = SecurityProviderFactory()
    factory.PROVIDERS = {**SecurityProviderFactory.PROVIDERS, "oauth2": _Present, "openIdConnect": _Present}
    return factory


@dataclass
class _Request:
    method: str
    path: str
    path_pattern: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters
    host_url: str = "http://loopback"


class OpenApiCoreOracle:
    def __init__(self, document: Document, base_url: str) -> None:
        self.document = document
        self.base_path = document.base_path()
        view = _undeprecated(document.checked_view(base_url))  # openapi-core warns at each deprecated parameter
        spec = SchemaPath.from_dict(view)
        kind = V31RequestUnmarshaller if document.is_31 else V30RequestUnmarshaller
        # openapi-core reads any media type it does not know as bytes; a vendor +json type is JSON
        json_types: dict[str, Callable[[bytes], Any]] = {
            media: json_loads for media in _media_types(view) if is_json(media) and media != "application/json"
        }
        self._unmarshaller = kind(
            spec, security_provider_factory=_security_factory(), extra_media_type_deserializers=json_types
        )

    def _trusted(self, parameter: Parameter) -> bool:
        if parameter.content_type is not None:
            return False
        kinds = [k for k in type_of(flatten(self.document, parameter.schema)) if k != "null"]
        flat = flatten(self.document, parameter.schema)
        if not kinds or len(kinds) > 1 or "oneOf" in flat or "anyOf" in flat:
            return False  # unions: openapi-core casts text by the first type only
        if parameter.location == "query":
            if parameter.style == "spaceDelimited":
                return False
            if parameter.style == "form" and parameter.explode and "object" in kinds:
                return False
        if parameter.location == "path" and parameter.style in ("label", "matrix"):
            return False
        return not (parameter.location == "cookie" and ("object" in kinds or "array" in kinds))

    def disagreements(
        self, exchange: Exchange, raw_path: str, query: list[tuple[str, str]], cookies: list[tuple[str, str]]
    ) -> list[str]:
        operation = exchange.operation
        assert operation is not None
        content_type = next((v for k, v in exchange.headers if k.lower() == "content-type"), "")
        path_values = {
            p.name: str(exchange.raw_parameters.get(("path", p.name), ""))
            for p in operation.parameters
            if p.location == "path"
        }
        request = _Request(
            method=operation.method,
            path=raw_path,
            path_pattern=self.base_path + operation.path,
            body=exchange.body or None,
            content_type=content_type.lower(),
            parameters=RequestParameters(
                query=ImmutableMultiDict(query),
                header=Headers(exchange.headers),
                cookie=ImmutableMultiDict([(k, unquote(v)) for k, v in cookies]),
                path=path_values,
            ),
        )
        try:
            result = self._unmarshaller.unmarshal(request)
        except Exception:  # openapi-core cannot read some valid parameters (a type list); no opinion then
            return []
        trusted = {(p.location, p.name): p for p in operation.parameters if self._trusted(p)}
        problems = []
        body_media = media_type_of(content_type)
        for error in result.errors:
            if isinstance(error, ParameterValidationError):
                if (error.location, error.name) in trusted:
                    problems.append(f"openapi-core: {error}{_cause(error)}")
            elif isinstance(error, MissingRequiredRequestBody):
                continue  # the server says so itself
            elif isinstance(error, RequestBodyValidationError):
                if not (is_json(body_media) or body_media.startswith("text/")):
                    continue  # forms keep text, other media types are bytes to openapi-core
                if _uses_prefix_items(self.document, operation.node.get("requestBody")):
                    continue  # openapi-core casts every item by `items`, even those prefixItems describes
                problems.append(f"openapi-core: {error}{_cause(error)}")
            elif isinstance(error, SecurityValidationError):
                continue  # the server checks credentials exactly
            else:
                problems.append(f"openapi-core: {type(error).__name__}: {error}")
        parameters: Mapping[str, Mapping[str, Any]] = {
            "query": result.parameters.query if result.parameters else {},
            "header": result.parameters.header if result.parameters else {},
            "cookie": result.parameters.cookie if result.parameters else {},
            "path": result.parameters.path if result.parameters else {},
        }
        for (location, name), _parameter in trusted.items():
            ours = exchange.parameters.get((location, name))
            theirs = parameters[location].get(name) if (location, name) in exchange.parameters else None
            if (location, name) not in exchange.parameters or theirs is None:
                continue
            if canonical(_plain(theirs)) != canonical(_plain(ours)):
                problems.append(
                    f"openapi-core reads {location} parameter {name!r} as {theirs!r}, this server as {ours!r}"
                )
        return problems


def _uses_prefix_items(document: Document, node: Any, seen: frozenset[str] = frozenset()) -> bool:
    """Whether a schema (its references followed) uses prefixItems anywhere."""
    if isinstance(node, list):
        return any(_uses_prefix_items(document, item, seen) for item in node)
    if not isinstance(node, dict):
        return False
    if "prefixItems" in node:
        return True
    ref = node.get("$ref")
    if isinstance(ref, str) and ref not in seen:
        return _uses_prefix_items(document, document.resolve(node)[0], seen | {ref})
    return any(_uses_prefix_items(document, value, seen) for value in node.values())


def _undeprecated(node: Any) -> Any:
    """The view without `deprecated: true` on parameters (openapi-core would warn each time one is read)."""
    if isinstance(node, dict):
        if "in" in node and "name" in node:
            node = {key: value for key, value in node.items() if key != "deprecated"}
        return {key: _undeprecated(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_undeprecated(item) for item in node]
    return node


def _media_types(node: Any) -> set[str]:
    """Every media type named under a `content` map of the document."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "content" and isinstance(value, dict):
                found |= {str(media) for media in value}
            found |= _media_types(value)
    elif isinstance(node, list):
        for item in node:
            found |= _media_types(item)
    return found


def _plain(value: Any) -> Any:
    """openapi-core's values (dates, UUIDs, tuples) in the JSON-like form the server keeps."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if type(value).__name__ == "UUID":
        return str(value)
    return value


def _cause(error: BaseException) -> str:
    cause = error.__cause__
    details: list[str] = []
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            details.extend(str(e.message) for e in schema_errors)
            break
        cause = cause.__cause__
    return f" ({'; '.join(details)[:300]})" if details else ""
