"""Read the OpenAPI spec into the same ApiReference model as the docs page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from generator.errors import GenerationError
from generator.spec import HTTP_METHODS, load_spec

from .model import ApiReference, Location, Operation, Parameter, Permissions, TypeRef
from .source import DocsSource, default_sources

__all__ = [
    "DOCS_DESCRIPTION",
    "SpecError",
    "load_spec_document",
    "permissions_key",
    "read_spec",
    "spec_from_document",
]

# The operation key that holds the page's description paragraphs, verbatim, for docs-diff alone.
DOCS_DESCRIPTION = "x-docs-description"

_LOCATIONS: tuple[Location, ...] = ("path", "query", "header", "cookie")

Json = dict[str, Any]


class SpecError(Exception):
    """The spec cannot be read, or is not shaped as this tool expects."""


def load_spec_document(path: Path | str) -> object:
    """The spec file as plain data, read as the generator reads it (generator.spec); SpecError if it
    cannot be read."""
    try:
        return load_spec(Path(path)).data
    except GenerationError as exc:
        raise SpecError(str(exc)) from None


def permissions_key(docs_source: DocsSource | None = None) -> str | None:
    """The operation key holding permissions: the docs source's (by default, the only source's)."""
    if docs_source is not None:
        return docs_source.permissions_key
    sources = default_sources()
    return sources[0].permissions_key if len(sources) == 1 else None


def read_spec(path: Path | str, docs_source: DocsSource | None = None) -> ApiReference:
    """Load the YAML spec at ``path``; raise SpecError if it cannot be read."""
    return spec_from_document(load_spec_document(path), str(path), permissions_key(docs_source))


def spec_from_document(document: object, source: str, permissions: str | None = None) -> ApiReference:
    """Build the model from an already loaded OpenAPI document; ``permissions`` is the operation key
    that holds them (`permissions_key`; None: the default source's)."""
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise SpecError(f"{source}: not an OpenAPI document (no 'paths' mapping)")
    return _SpecReader(source, document, permissions or permissions_key()).read()


def _render_default(value: object) -> str | None:
    """A default as the docs would print it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(cast(object, v)) for v in value)
    return str(value)


def _paragraphs(value: object) -> str:
    """x-docs-description (one string, or a list of paragraphs) as blank-line separated paragraphs."""
    if value is None:
        return ""
    chunks = (
        [str(v) for v in cast(list[object], value)] if isinstance(value, list) else re.split(r"\n\s*\n", str(value))
    )
    return "\n\n".join(p for p in (" ".join(c.split()) for c in chunks) if p)


class _SpecReader:
    def __init__(self, source: str, document: Json, permissions_key: str | None) -> None:
        self.source = source
        self.document = document
        self.permissions_key = permissions_key

    def fail(self, where: str, message: str) -> SpecError:
        return SpecError(f"{self.source}: {where}: {message}")

    def resolve(self, node: object, where: str) -> Json:
        """Follow local ``$ref``s until a mapping without one."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
                raise self.fail(where, f"cannot resolve $ref {ref!r}")
            seen.add(ref)
            node = self._pointer(ref, where)
        if not isinstance(node, dict):
            raise self.fail(where, "expected a mapping")
        return cast(Json, node)

    def _pointer(self, ref: str, where: str) -> object:
        target: object = self.document
        for part in ref[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or key not in target:
                raise self.fail(where, f"$ref {ref!r} points nowhere")
            target = target[key]
        return target

    def read(self) -> ApiReference:
        operations: list[Operation] = []
        for path, raw_item in self.document["paths"].items():
            item = self.resolve(raw_item, f"paths {path}")
            shared = item.get("parameters", [])
            operations.extend(
                self._operation(str(path), method, item[method], shared) for method in HTTP_METHODS if method in item
            )
        return ApiReference(self.source, tuple(operations))

    def _operation(self, path: str, method: str, op: object, shared: object) -> Operation:
        where = f"{method.upper()} {path}"
        op = self.resolve(op, where)
        op_id = op.get("operationId")
        if not isinstance(op_id, str):
            raise self.fail(where, "operation has no operationId")
        params: dict[tuple[str, str], Parameter] = {}
        for raw in [
            *self._list(shared, where),
            *self._list(op.get("parameters", []), where),
        ]:
            param = self._parameter(raw, f"{op_id} parameters")
            params[(param.name, param.location)] = param  # operation-level ones win
        body = self._body(op.get("requestBody"), op_id)
        return Operation(
            operation_id=op_id,
            method=method.upper(),
            path=path,
            summary=" ".join(str(op.get("summary", "")).split()),
            description=_paragraphs(op.get(DOCS_DESCRIPTION)),
            return_type=self._return_type(op.get("responses", {}), op_id),
            permissions=self._permissions(op.get(self.permissions_key) if self.permissions_key else None, op_id),
            parameters=tuple(params.values()) + ((body,) if body else ()),
            line=None,
        )

    def _list(self, value: object, where: str) -> list[object]:
        if not isinstance(value, list):
            raise self.fail(where, "parameters is not a list")
        return cast(list[object], value)

    def _parameter(self, raw: object, where: str) -> Parameter:
        param = self.resolve(raw, where)
        name, location = param.get("name"), param.get("in")
        if not isinstance(name, str) or location not in _LOCATIONS:
            raise self.fail(where, f"parameter without a valid name and 'in': {param!r}")
        schema = self.resolve(param.get("schema", {}), f"{where} {name}")
        return Parameter(
            name=name,
            location=cast(Location, location),
            type=self.schema_type(schema, f"{where} {name}"),
            description=" ".join(str(param.get("description", schema.get("description", ""))).split()),
            required=bool(param.get("required", False)),
            default=_render_default(schema.get("default")),
            allowed_values=self._enum(schema, f"{where} {name}"),
        )

    def _enum(self, schema: Json, where: str) -> tuple[str, ...]:
        """The allowed values of a schema, or of its items for an array."""
        if schema.get("type") == "array" and "items" in schema:
            schema = self.resolve(schema["items"], where)
        return tuple(_render_default(v) or "" for v in schema.get("enum", []))

    def _body(self, raw: object, op_id: str) -> Parameter | None:
        if raw is None:
            return None
        body = self.resolve(raw, f"{op_id} requestBody")
        schema = self._content_schema(body, f"{op_id} requestBody")
        if schema is None:
            raise self.fail(f"{op_id} requestBody", "no content schema")
        return Parameter(
            name="body",
            location="body",
            type=self.schema_type(schema, f"{op_id} requestBody"),
            description=" ".join(str(body.get("description", "")).split()),
            required=bool(body.get("required", False)),
        )

    def _content_schema(self, holder: Json, where: str) -> object | None:
        content = holder.get("content")
        if not isinstance(content, dict) or not content:
            return None
        media = content.get("application/json", next(iter(content.values())))
        return self.resolve(media, where).get("schema")

    def _return_type(self, responses: object, op_id: str) -> TypeRef | None:
        where = f"{op_id} responses"
        if not isinstance(responses, dict):
            raise self.fail(where, "responses is not a mapping")
        ok = responses.get("200", responses.get(200))
        if ok is None:
            return None
        schema = self._content_schema(self.resolve(ok, where), where)
        return None if schema is None else self.schema_type(schema, where)

    def _permissions(self, raw: object, op_id: str) -> Permissions:
        if raw is None:
            return Permissions()
        if not isinstance(raw, dict):
            raise self.fail(op_id, f"{self.permissions_key} is not a mapping")
        names = raw.get("permissions", [])
        if not isinstance(names, list):
            raise self.fail(op_id, f"{self.permissions_key}.permissions is not a list")
        kind = raw.get("type")
        return Permissions(str(kind) if kind is not None else None, tuple(str(n) for n in names))

    def schema_type(self, schema: object, where: str) -> TypeRef:
        """Map a schema to a TypeRef.

        A ``$ref`` to an object schema is a model; other ``$ref``s (enums) are inlined.
        """
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            target = self.resolve(schema, where)
            if target.get("type", "object") == "object" and "additionalProperties" not in target:
                return TypeRef.model(schema["$ref"].rsplit("/", 1)[-1])
            return self.schema_type(target, where)
        node = self.resolve(schema, where)
        kind = node.get("type", "object")
        if isinstance(kind, list):  # OpenAPI 3.1: [string, "null"]
            kind = next((k for k in kind if k != "null"), "object")
        if kind == "array":
            return TypeRef.array(self.schema_type(node.get("items", {}), where))
        if kind == "object" and isinstance(node.get("additionalProperties"), dict):
            return TypeRef.map(self.schema_type(node["additionalProperties"], where))
        if kind == "integer":
            return TypeRef.primitive("integer", "int64" if node.get("format") == "int64" else "int32")
        if kind == "number":
            return TypeRef.primitive("number", "float" if node.get("format") == "float" else "double")
        if kind == "string":
            string_format = node.get("format")
            return TypeRef.primitive("string", string_format if string_format in ("date-time", "date") else None)
        return TypeRef.primitive(str(kind))
