"""What the runtime core can put on the wire, and the operations of a spec that ask for more.

The core sends path, query, header and cookie parameters in their OpenAPI styles, a body as JSON, a form
(application/x-www-form-urlencoded), multipart/form-data (files and fields), text or raw bytes, and the
credentials of API-key, HTTP basic, HTTP bearer, OAuth 2 and OpenID Connect schemes. For each operation
this decides the one request body media type the client sends (JSON first when the spec offers it) and
finds what cannot be sent at all:

- a request body none of whose media types can be made from its schema (an XML document of an object);
- a parameter with no defined serialisation (an array of objects), or given as non-JSON `content`;
- security whose every alternative needs a scheme the core cannot authenticate with (mutual TLS,
  HTTP digest) or one the spec does not define.

Such an operation is left out of the client with a warning naming it and why (`--strict` refuses it
instead), rather than generated into a function that would silently drop what it cannot send. A security
requirement naming a scheme the spec does not define cannot be met either.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from generator.notices import Notices
from generator.spec import OperationRef, Part, SpecDocument

__all__ = ["BodyChoice", "RuntimeSupport", "body_kind", "check_runtime_support", "is_json"]

BodyKind = Literal["json", "form", "multipart", "text", "binary"]
# The order in which a body's media types are preferred when it offers several.
_PREFERENCE: tuple[BodyKind, ...] = ("json", "form", "multipart", "text", "binary")


@dataclass(frozen=True)
class BodyChoice:
    """The request body media type an operation sends, and how the core encodes it."""

    media_type: str
    kind: BodyKind


@dataclass(frozen=True)
class RuntimeSupport:
    omitted: frozenset[tuple[str, str]]  # (path, method) of each operation left out
    bodies: dict[tuple[str, str], BodyChoice]  # (path, method) -> the body it sends


def is_json(media_type: str) -> bool:
    """application/json, with parameters (charset) or a +json suffix (application/problem+json)."""
    essence = _essence(media_type)
    return essence == "application/json" or (essence.startswith("application/") and essence.endswith("+json"))


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def is_text(media_type: str) -> bool:
    """Media read and written as text: text/*, and XML (which the client passes as a string)."""
    essence = _essence(media_type)
    return essence.startswith("text/") or essence in ("application/xml",) or essence.endswith("+xml")


def body_kind(spec: SpecDocument, media_type: str, media: Any, where: tuple[Part, ...]) -> BodyKind | None:
    """How the core would send a body of `media_type` whose media object is `media`; None when it cannot."""
    schema, _ = spec.deref(media.get("schema") if isinstance(media, dict) else None, (*where, "schema"))
    essence = _essence(media_type)
    if is_json(media_type):
        return "json"
    if essence in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if _is_object(schema):
            return "form" if essence == "application/x-www-form-urlencoded" else "multipart"
        return None
    if schema is not None and not _is_string(schema):
        return None  # a document the client would have to write in a format it does not know
    return "text" if is_text(media_type) and not _is_binary(schema) else "binary"


def check_runtime_support(spec: SpecDocument, notices: Notices) -> RuntimeSupport:
    """The body each operation sends and the operations left out (a warning each in `notices`)."""
    omitted: set[tuple[str, str]] = set()
    bodies: dict[tuple[str, str], BodyChoice] = {}
    for operation in spec.operations():
        key = (operation.path, operation.method)
        reasons: list[tuple[str, tuple[Part, ...]]] = []
        reasons.extend(_parameters(spec, operation))
        choice, body_reason = _body(spec, operation)
        if body_reason is not None:
            reasons.append(body_reason)
        elif choice is not None:
            bodies[key] = choice
        security = operation.node["security"] if "security" in operation.node else spec.data.get("security")
        where: tuple[Part, ...] = (*operation.parts, "security") if "security" in operation.node else ("security",)
        unusable = _security(spec, security, where)
        if unusable is not None:
            reasons.append((unusable, where))
        for reason, at in reasons[:1]:  # the first reason is enough to say why
            omitted.add(key)
            notices.warning(spec.error(f"{operation.method.upper()} {operation.path} is left out: {reason}", at))
    return RuntimeSupport(frozenset(omitted), bodies)


def _parameters(spec: SpecDocument, operation: OperationRef) -> Iterator[tuple[str, tuple[Part, ...]]]:
    item = spec.data["paths"][operation.path]
    for base, parameters in (
        (("paths", operation.path, "parameters"), item.get("parameters")),
        ((*operation.parts, "parameters"), operation.node.get("parameters")),
    ):
        for index, parameter in enumerate(parameters if isinstance(parameters, list) else []):
            resolved, at = spec.deref(parameter, (*base, index))
            if not isinstance(resolved, dict):
                continue
            name, location = resolved.get("name"), resolved.get("in")
            content = resolved.get("content")
            if isinstance(content, dict) and content:
                media = next(iter(content))
                if not is_json(str(media)):
                    yield (
                        f"{location} parameter {name!r} is given as {media} content, which the client cannot write",
                        (*at, "content"),
                    )
                continue
            schema, schema_at = spec.deref(resolved.get("schema"), (*at, "schema"))
            if isinstance(schema, dict) and _is_array(schema):
                items, _ = spec.deref(schema.get("items"), (*schema_at, "items"))
                if _is_object(items):
                    yield (
                        f"{location} parameter {name!r} is an array of objects, which OpenAPI gives no way to "
                        "serialise",
                        (*at, "schema"),
                    )


def _body(spec: SpecDocument, operation: OperationRef) -> tuple[BodyChoice | None, tuple[str, tuple[Part, ...]] | None]:
    """The body the operation sends (None without one), or why none of its media types can be sent."""
    if "requestBody" not in operation.node:
        return None, None
    body, where = spec.deref(operation.node["requestBody"], (*operation.parts, "requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict) or not content:
        return None, None
    found: dict[BodyKind, str] = {}
    for media_type, media in content.items():
        kind = body_kind(spec, str(media_type), media, (*where, "content", media_type))
        if kind is not None and kind not in found:
            found[kind] = str(media_type)
    for kind in _PREFERENCE:
        if kind in found:
            return BodyChoice(found[kind], kind), None
    kinds = ", ".join(map(str, content))
    return None, (
        f"a request body of type {kinds} whose schema the client cannot write in that format",
        (*where, "content"),
    )


def _security(spec: SpecDocument, requirements: Any, where: tuple[Part, ...]) -> str | None:
    """Why no alternative of the requirements can be met by the core, or None when one can (or none is needed).

    An alternative naming a scheme the spec does not define cannot be met: the client would not know what
    to send."""
    if not isinstance(requirements, list) or not requirements:
        return None
    schemes = (spec.data.get("components") or {}).get("securitySchemes") or {}
    refused: list[str] = []
    servable = False
    for requirement in requirements:
        if not isinstance(requirement, dict):
            continue
        unusable = []
        for name in requirement:
            scheme, _ = spec.deref(schemes.get(name), ("components", "securitySchemes", str(name)))
            if not isinstance(scheme, dict):
                unusable.append(f"{name!r} (not defined in components/securitySchemes)")
            elif not supported_scheme(scheme):
                unusable.append(f"{name!r} ({_describe(scheme)})")
        if not unusable:
            servable = True
        refused.extend(unusable)
    if servable:
        return None
    return (
        f"every security requirement needs {', '.join(dict.fromkeys(refused))}, which the runtime core cannot "
        "send (it sends API keys, HTTP basic and bearer credentials, and OAuth 2 / OpenID Connect tokens)"
    )


def supported_scheme(scheme: dict[str, Any]) -> bool:
    """Whether the core can authenticate with a security scheme."""
    kind = scheme.get("type")
    if kind in ("oauth2", "openIdConnect"):
        return True
    if kind == "apiKey":
        return scheme.get("in") in ("header", "query", "cookie")
    return kind == "http" and str(scheme.get("scheme", "")).lower() in ("basic", "bearer")


def _describe(scheme: dict[str, Any]) -> str:
    kind = scheme.get("type")
    if kind == "http":
        return f"HTTP {scheme.get('scheme')} authentication"
    return f"{kind} authentication"


def _types(schema: Any) -> set[str]:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return (
        {kind}
        if isinstance(kind, str)
        else {k for k in kind if isinstance(k, str)}
        if isinstance(kind, list)
        else set()
    )


def _is_object(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        "object" in _types(schema) or "properties" in schema or "additionalProperties" in schema or "allOf" in schema
    )


def _is_array(schema: dict[str, Any]) -> bool:
    return "array" in _types(schema)


def _is_string(schema: Any) -> bool:
    return isinstance(schema, dict) and (not _types(schema) - {"string", "null"}) and not _is_object(schema)


def _is_binary(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("format") in ("binary", "byte")
