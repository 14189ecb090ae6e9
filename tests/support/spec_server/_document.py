"""An OpenAPI 3.0/3.1 document as the loopback server reads it: references, operations, security.

Only what serving and checking requests needs: each operation's parameters (path-level ones
merged, operation-level ones winning), request body, first success response and effective
security, with local `$ref`s followed. Nothing here is generated code's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.spec import load_spec

__all__ = [
    "HTTP_METHODS",
    "Document",
    "Operation",
    "Parameter",
    "RequestBody",
    "SuccessResponse",
    "pointer",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Fields whose values are maps keyed by names (a key there is a name, never an extension).
_NAME_MAPS = frozenset(
    {
        "paths",
        "properties",
        "patternProperties",
        "schemas",
        "responses",
        "parameters",
        "requestBodies",
        "headers",
        "securitySchemes",
        "links",
        "callbacks",
        "content",
        "encoding",
        "mapping",
        "examples",
        "variables",
        "scopes",
        "$defs",
        "definitions",
        "dependentSchemas",
        "webhooks",
        "pathItems",
    }
)


def pointer(*parts: str | int) -> str:
    """The JSON pointer of `parts` (``/`` and ``~`` escaped)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _without_extensions(node: Any, *, in_name_map: bool = False) -> Any:
    """`node` without `x-` keys, except where a key is a name (a property called "x-id" stays)."""
    if isinstance(node, dict):
        return {
            key: _without_extensions(value, in_name_map=not in_name_map and key in _NAME_MAPS)
            for key, value in node.items()
            if in_name_map or not (isinstance(key, str) and key.startswith("x-"))
        }
    if isinstance(node, list):
        return [_without_extensions(item) for item in node]
    return node


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, query, header or cookie
    required: bool
    schema: Any  # resolved one level (may hold further $refs)
    schema_pointer: str
    style: str
    explode: bool
    allow_reserved: bool = False
    content_type: str | None = None  # a parameter described by `content` instead of `schema`
    deprecated: bool = False


@dataclass(frozen=True)
class RequestBody:
    required: bool
    content: dict[str, Any]  # media type -> resolved media type object
    pointer: str  # of the (resolved) request body object

    def schema_pointer(self, media_type: str) -> str:
        return pointer(*_split(self.pointer), "content", media_type, "schema")


@dataclass(frozen=True)
class SuccessResponse:
    status: int
    media_type: str | None
    media: dict[str, Any]  # the resolved media type object ({} without content)
    schema_pointer: str | None


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str | None
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    success: SuccessResponse
    security: tuple[dict[str, list[str]], ...] | None  # None: nothing declared anywhere
    pointer: str
    node: dict[str, Any] = field(repr=False)

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def parameter(self, location: str, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.location == location and parameter.name == name:
                return parameter
        raise KeyError(f"{self.key} has no {location} parameter {name!r}")


def _split(json_pointer: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in json_pointer.split("/")[1:]]


class Document:
    """A spec file, its data, and the operations the server answers."""

    def __init__(self, data: dict[str, Any], source: Path | None = None) -> None:
        self.data = data
        self.source = source
        version = str(data.get("openapi", ""))
        if not re.match(r"^3\.[01]\.\d+", version):
            raise ValueError(f"{source}: not an OpenAPI 3.0 or 3.1 document (openapi: {version!r})")
        self.version = version
        self.is_31 = version.startswith("3.1")
        self.operations = tuple(self._operations())

    @classmethod
    def load(cls, path: Path) -> Document:
        return cls(load_spec(path).data, path)

    def checked_view(self, base_url: str) -> dict[str, Any]:
        """The document as an independent validator should see it: its vendor extensions left out
        (they may hold references that lead outside it) and one server, at `base_url`."""
        view = _without_extensions(self.data)
        assert isinstance(view, dict)
        view["servers"] = [{"url": base_url}]
        for item in view.get("paths", {}).values():
            if isinstance(item, dict):
                item.pop("servers", None)
                for method in HTTP_METHODS:
                    if isinstance(item.get(method), dict):
                        item[method].pop("servers", None)
                        item[method].pop("callbacks", None)
        return view

    # -- references

    def at(self, json_pointer: str) -> Any:
        node: Any = self.data
        for part in _split(json_pointer):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def resolve(self, node: Any, where: str = "") -> tuple[Any, str]:
        """Follows a chain of local `$ref`s: the value and its pointer."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                raise ValueError(f"{self.source}: only local references are served, found {ref!r} at {where}")
            if ref in seen:
                raise ValueError(f"{self.source}: circular reference {ref} at {where}")
            seen.add(ref)
            where = unquote(ref[1:])
            node = self.at(where)
        return node, where

    # -- servers

    def base_path(self) -> str:
        """The path of the first server URL (variables at their defaults), without a trailing slash."""
        servers = self.data.get("servers") or [{"url": "/"}]
        server = servers[0]
        url = str(server.get("url", "/"))
        for name, variable in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(variable.get("default", "")))
        return urlsplit(url).path.rstrip("/")

    # -- operations

    def _operations(self) -> Iterator[Operation]:
        global_security = self.data.get("security")
        for path, item in (self.data.get("paths") or {}).items():
            item_pointer = pointer("paths", path)
            item, item_pointer = self.resolve(item, item_pointer)
            shared = self._parameters(item.get("parameters") or [], pointer(*_split(item_pointer), "parameters"))
            for method in HTTP_METHODS:
                node = item.get(method)
                if not isinstance(node, dict):
                    continue
                where = pointer(*_split(item_pointer), method)
                own = self._parameters(node.get("parameters") or [], where + "/parameters")
                merged = {(p.location, p.name): p for p in shared}
                merged.update({(p.location, p.name): p for p in own})
                security = node.get("security", global_security)
                yield Operation(
                    method=method,
                    path=path,
                    operation_id=node.get("operationId"),
                    parameters=tuple(merged.values()),
                    body=self._body(node.get("requestBody"), where + "/requestBody"),
                    success=self._success(node.get("responses") or {}, where + "/responses"),
                    security=None if security is None else tuple(security),
                    pointer=where,
                    node=node,
                )

    def _parameters(self, nodes: list[Any], where: str) -> list[Parameter]:
        found = []
        for index, node in enumerate(nodes):
            node, at = self.resolve(node, f"{where}/{index}")
            location = node["in"]
            style = node.get("style") or ("form" if location in ("query", "cookie") else "simple")
            if "content" in node:
                media_type, media = next(iter(node["content"].items()))
                schema, schema_at = media.get("schema", {}), pointer(*_split(at), "content", media_type, "schema")
            else:
                media_type, schema, schema_at = None, node.get("schema", {}), at + "/schema"
            found.append(
                Parameter(
                    name=node["name"],
                    location=location,
                    required=bool(node.get("required", False)),
                    schema=schema,
                    schema_pointer=schema_at,
                    style=style,
                    explode=bool(node.get("explode", style == "form")),
                    allow_reserved=bool(node.get("allowReserved", False)),
                    content_type=media_type,
                    deprecated=bool(node.get("deprecated", False)),
                )
            )
        return found

    def _body(self, node: Any, where: str) -> RequestBody | None:
        if node is None:
            return None
        node, at = self.resolve(node, where)
        return RequestBody(bool(node.get("required", False)), dict(node.get("content") or {}), at)

    def _success(self, responses: Mapping[str, Any], where: str) -> SuccessResponse:
        """The first 2xx response in document order (then 2XX, then default); 200 without content if none."""
        chosen: tuple[int, Any, str] | None = None
        for code, node in responses.items():
            text = str(code)
            if re.fullmatch(r"2\d\d", text):
                chosen = (int(text), node, pointer(*_split(where), text))
                break
        if chosen is None:
            for code, node in responses.items():
                if str(code).upper() == "2XX" or str(code) == "default":
                    chosen = (200, node, pointer(*_split(where), str(code)))
                    break
        if chosen is None:
            return SuccessResponse(200, None, {}, None)
        status, node, at = chosen
        node, at = self.resolve(node, at)
        content = node.get("content") or {}
        if not content:
            return SuccessResponse(status, None, {}, None)
        media_type, media = next(iter(content.items()))
        media, media_at = self.resolve(media, pointer(*_split(at), "content", media_type))
        schema_at = media_at + "/schema" if "schema" in media else None
        return SuccessResponse(status, media_type, media, schema_at)

    def security_schemes(self) -> dict[str, dict[str, Any]]:
        schemes = (self.data.get("components") or {}).get("securitySchemes") or {}
        return {
            name: self.resolve(node, pointer("components", "securitySchemes", name))[0]
            for name, node in schemes.items()
        }
