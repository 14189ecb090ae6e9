"""What the runtime core can put on the wire, and the parts of a spec that ask for more.

A generated call goes out through the core's `Client.send`: the path and query parameters, a JSON body,
and an `Authorization: Bearer` token (OAuth 2 client credentials, or a token the caller holds). A spec
that needs anything else for an operation would generate a function that silently drops it (a header
parameter) or sends the wrong thing (a file upload as JSON, an API key as a bearer token), so it is
refused here, at the parameter, body or security requirement, saying what the core cannot send.

Where a request body offers JSON among other media types, the client sends JSON (render.upstream hands
openapi-python-client the JSON alternative only), so only a body without a JSON form is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.errors import GenerationError
from generator.spec import OperationRef, Part, SpecDocument

__all__ = ["check_runtime_support", "is_json"]

_CORE_SENDS = "the runtime core sends path and query parameters, a JSON body and a bearer token"


def is_json(media_type: str) -> bool:
    """application/json, with parameters (charset) or a +json suffix (application/problem+json)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or (essence.startswith("application/") and essence.endswith("+json"))


def check_runtime_support(spec: SpecDocument) -> Iterator[GenerationError]:
    """One problem for each parameter, body or security requirement the core cannot send."""
    yield from _security(spec, spec.data.get("security"), ("security",))
    for operation in spec.operations():
        yield from _parameters(spec, operation)
        yield from _body(spec, operation)
        if "security" in operation.node:
            yield from _security(spec, operation.node["security"], (*operation.parts, "security"))


def _parameters(spec: SpecDocument, operation: OperationRef) -> Iterator[GenerationError]:
    item = spec.data["paths"][operation.path]
    for base, parameters in ((("paths", operation.path, "parameters"), item.get("parameters")),
                             ((*operation.parts, "parameters"), operation.node.get("parameters"))):  # fmt: skip
        for index, parameter in enumerate(parameters if isinstance(parameters, list) else []):
            resolved, _ = spec.deref(parameter, (*base, index))
            if not isinstance(resolved, dict):
                continue
            if resolved.get("in") in ("header", "cookie"):
                yield spec.error(
                    f"{resolved['in']} parameter {resolved.get('name')!r} cannot be sent: {_CORE_SENDS}, "
                    f"so {operation.node.get('operationId')} would silently leave it out",
                    (*base, index),
                )
            elif resolved.get("in") in ("path", "query") and (kind := _structured(spec, resolved, (*base, index))):
                yield spec.error(
                    f"{resolved['in']} parameter {resolved.get('name')!r} is {kind}, which cannot be sent: the runtime "
                    f"core sends a parameter as a string, number or boolean, or an array of them, so "
                    f"{operation.node.get('operationId')} would send Python reprs",
                    (*base, index, "schema"),
                )


def _structured(spec: SpecDocument, parameter: dict[str, Any], where: tuple[Part, ...]) -> str | None:
    """'an object' or 'an array of objects' when the parameter's schema is one, else None."""
    schema, at = spec.deref(parameter.get("schema"), (*where, "schema"))
    if _is_object(schema):
        return "an object"
    if isinstance(schema, dict) and schema.get("type") == "array":
        items, _ = spec.deref(schema.get("items"), (*at, "items"))
        if _is_object(items):
            return "an array of objects"
    return None


def _is_object(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "object" or "properties" in schema or "additionalProperties" in schema
    )


def _body(spec: SpecDocument, operation: OperationRef) -> Iterator[GenerationError]:
    if "requestBody" not in operation.node:
        return
    body, where = spec.deref(operation.node["requestBody"], (*operation.parts, "requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict) or not content or any(is_json(str(media)) for media in content):
        return
    kinds = ", ".join(sorted(map(str, content)))
    yield spec.error(f"a request body of type {kinds} cannot be sent: {_CORE_SENDS}", (*where, "content"))


def _security(spec: SpecDocument, requirements: Any, where: tuple[Part, ...]) -> Iterator[GenerationError]:
    """Some requirement (one alternative) must be met by a bearer token alone, or by nothing."""
    if not isinstance(requirements, list) or not requirements:
        return
    schemes = (spec.data.get("components") or {}).get("securitySchemes") or {}
    refused: list[str] = []
    for index, requirement in enumerate(requirements):
        if not isinstance(requirement, dict):
            continue
        unusable = []
        for name in requirement:
            scheme, _ = spec.deref(schemes.get(name), ("components", "securitySchemes", str(name)))
            if not isinstance(scheme, dict):
                yield spec.error(
                    f"names the security scheme {name!r}, which components/securitySchemes does not define",
                    (*where, index, name),
                )
                return
            if not _bearer(scheme):
                unusable.append(f"{name!r} ({_describe(scheme)})")
        if not unusable:
            return
        refused.extend(unusable)
    yield spec.error(
        f"every security requirement needs {', '.join(dict.fromkeys(refused))}, which the runtime core cannot "
        f"send: it authenticates with a bearer token only (OAuth 2, OpenID Connect or HTTP bearer)",
        where,
    )


def _bearer(scheme: dict[str, Any]) -> bool:
    kind = scheme.get("type")
    return kind in ("oauth2", "openIdConnect") or (kind == "http" and str(scheme.get("scheme", "")).lower() == "bearer")


def _describe(scheme: dict[str, Any]) -> str:
    kind = scheme.get("type")
    if kind == "apiKey":
        return f"an API key in the {scheme.get('in')} {scheme.get('name')!r}"
    if kind == "http":
        return f"HTTP {scheme.get('scheme')} authentication"
    return f"{kind} authentication"
