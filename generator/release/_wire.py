"""The wire surface of a spec: what each request may send and each response may carry, as flat facts.

Every place a client depends on gets one entry, keyed by a readable place name whose parts are joined
by " / ": an operation (``operation postAuditsQuery``, with its method, path and summary), each
parameter (``... / parameter query pageSize``), the request body (``... / body``), each response
(``... / response 200``), each component schema (``schema AuditQueryRequest``) and each field of a
schema or an inline object (``schema AuditQueryRequest / filters[].property``). An entry holds what decides
compatibility (required, type, allowed values, default, deprecated) and, under ``notes``, a short
digest of every other key there (descriptions, summaries, constraints, vendor extensions), so that no
edit of the spec goes unseen. References are named, not inlined: an operation's body is
``AuditQueryRequest`` and that schema has entries of its own, marked with the directions it travels in
(``request``, ``response``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.spec import HTTP_METHODS, SpecDocument, parse_ref, resolve

__all__ = ["Surface", "WireNames", "digest", "wire_surface"]

Surface = dict[str, dict[str, Any]]  # place -> facts

_SCHEMA_REF = "#/components/schemas/"
# The keys of a schema that the facts model; any other key is a note.
_SCHEMA_KEYS = frozenset(
    {
        "type",
        "format",
        "items",
        "properties",
        "required",
        "enum",
        "const",
        "additionalProperties",
        "$ref",
        "nullable",
        "oneOf",
        "anyOf",
        "allOf",
        "deprecated",
        "default",
    }
)
_OPERATION_KEYS = frozenset({"operationId", "parameters", "requestBody", "responses", "deprecated"})
_PARAMETER_KEYS = frozenset({"name", "in", "required", "schema", "deprecated"})
_DOCUMENT_KEYS = ("openapi", "info", "servers", "security", "tags", "externalDocs", "webhooks")


def digest(value: Any) -> str:
    """A short, stable digest of a JSON value (the same value gives the same digest on any machine)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class WireNames:
    """How the generated package names what the spec names: the Python names a changelog shows
    (the generator's own naming functions: a module, function or keyword name; a class name)."""

    identifier: Callable[[str], str]
    class_name: Callable[[str], str]


def wire_surface(spec: SpecDocument, names: WireNames) -> Surface:
    """The spec's wire surface (see the module docstring)."""
    builder = _Builder(spec.data, names)
    builder.document()
    for route, method, operation in _operations(spec.data):
        builder.operation(route, method, operation)
    builder.schemas()
    return dict(sorted(builder.surface.items()))


def _operations(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    paths = data.get("paths")
    for route, item in (paths or {}).items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    yield str(route), method, item[method]


def _notes(node: dict[str, Any], modelled: frozenset[str] | tuple[str, ...]) -> dict[str, str]:
    return {str(key): digest(value) for key, value in sorted(node.items()) if key not in modelled}


class _Builder:
    def __init__(self, data: dict[str, Any], names: WireNames) -> None:
        self.data = data
        self.names = names
        self.surface: Surface = {}
        self.directions: dict[str, set[str]] = {}  # component schema -> the directions it travels in
        self.marking = True  # while operations are read: the schemas they name are marked

    def document(self) -> None:
        notes = {key: digest(self.data[key]) for key in _DOCUMENT_KEYS if key in self.data}
        components = self.data.get("components")
        if isinstance(components, dict) and "securitySchemes" in components:
            notes["components/securitySchemes"] = digest(components["securitySchemes"])
        notes.update({key: digest(value) for key, value in self.data.items() if str(key).startswith("x-")})
        self.surface["document"] = {"notes": notes}

    def deref(self, node: Any) -> Any:
        """A non-schema $ref chain followed (parameters, bodies, responses); loops and dangling refs end it."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            seen.add(node["$ref"])
            parts = parse_ref(node["$ref"])
            try:
                node = resolve(self.data, parts) if parts is not None else None
            except LookupError:
                return None
        return node

    def operation(self, route: str, method: str, operation: dict[str, Any]) -> None:
        operation_id = operation.get("operationId")
        key = f"operation {operation_id}" if isinstance(operation_id, str) else f"operation {method.upper()} {route}"
        python = str(self.names.identifier(operation_id)) if isinstance(operation_id, str) else None
        summary = operation.get("summary")
        self.surface[key] = {
            "request": f"{method.upper()} {route}",
            "python": python,
            "summary": " ".join(summary.split()) if isinstance(summary, str) else None,
            "deprecated": operation.get("deprecated") is True,
            "notes": _notes(operation, _OPERATION_KEYS | {"summary"}),
        }
        path_item = (self.data.get("paths") or {}).get(route) or {}
        shared = [p for p in path_item.get("parameters") or [] if isinstance(p, dict)]
        parameters: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in [*shared, *(operation.get("parameters") or [])]:
            parameter = self.deref(raw)
            if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
                parameters[(str(parameter.get("in")), parameter["name"])] = parameter
        for (where, name), parameter in parameters.items():
            self.parameter(f"{key} / parameter {where} {name}", parameter)
        body = self.deref(operation.get("requestBody"))
        if isinstance(body, dict):
            self.message(f"{key} / body", body, "request", {"required": body.get("required") is True})
        responses = operation.get("responses")
        for status, raw in sorted((responses or {}).items()) if isinstance(responses, dict) else ():
            response = self.deref(raw)
            if isinstance(response, dict):
                self.message(f"{key} / response {status}", response, "response", {})

    def parameter(self, place: str, parameter: dict[str, Any]) -> None:
        raw = parameter.get("schema")
        schema: dict[str, Any] = raw if isinstance(raw, dict) else {}
        required = parameter.get("required") is True
        python = str(self.names.identifier(parameter["name"]))
        self.surface[place] = {
            "python": python,
            "required": required,
            "deprecated": parameter.get("deprecated") is True,
            "notes": _notes(parameter, _PARAMETER_KEYS),
            **self.schema_facts(schema, "request"),
        }
        self.fields(place, schema, "request")

    def message(self, place: str, message: dict[str, Any], direction: str, facts: dict[str, Any]) -> None:
        """A request body or a response: its media types and the schema of its (JSON) content."""
        raw = message.get("content")
        content: dict[str, Any] = raw if isinstance(raw, dict) else {}
        media = sorted(content)
        schema: dict[str, Any] = {}
        for media_type in media:
            candidate = content[media_type].get("schema") if isinstance(content[media_type], dict) else None
            if isinstance(candidate, dict):
                schema = candidate
                if "json" in media_type:
                    break
        self.surface[place] = {
            **facts,
            "media": media,
            "notes": _notes(message, ("content", "required")),
            **self.schema_facts(schema, direction),
        }
        self.fields(place, schema, direction)

    def schema_facts(self, schema: dict[str, Any], direction: str) -> dict[str, Any]:
        """The type, allowed values, default and notes of a schema, marking the components it names."""
        self.mark(schema, direction)
        facts: dict[str, Any] = {"type": self.type_of(schema)}
        if isinstance(schema.get("enum"), list) or "const" in schema:
            values = schema["enum"] if isinstance(schema.get("enum"), list) else [schema["const"]]
            facts["enum"] = sorted({json.dumps(v, ensure_ascii=False) for v in values})
        if "default" in schema:
            facts["default"] = json.dumps(schema["default"], ensure_ascii=False, sort_keys=True)
        notes = _notes(schema, _SCHEMA_KEYS)
        if notes:
            facts["schema notes"] = notes
        return facts

    def type_of(self, schema: Any, depth: int = 0) -> str:
        if not isinstance(schema, dict) or depth > 32:
            return "any"
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref.startswith(_SCHEMA_REF):
                return ref[len(_SCHEMA_REF) :].replace("~1", "/").replace("~0", "~")
            return self.type_of(self.deref(schema), depth + 1)
        for combinator in ("oneOf", "anyOf", "allOf"):
            members = schema.get(combinator)
            if isinstance(members, list):
                return f"{combinator}<{', '.join(sorted(self.type_of(m, depth + 1) for m in members))}>"
        declared = schema.get("type")
        types = [str(t) for t in declared] if isinstance(declared, list) else [str(declared)] if declared else []
        if not types:
            if isinstance(schema.get("properties"), dict):
                types = ["object"]
            elif "enum" in schema or "const" in schema:
                values = schema["enum"] if isinstance(schema.get("enum"), list) else [schema.get("const")]
                types = sorted({_json_type(v) for v in values})
        if schema.get("nullable") is True and "null" not in types:
            types.append("null")
        parts = []
        for kind in types:
            if kind == "array":
                parts.append(f"array<{self.type_of(schema.get('items'), depth + 1)}>")
            elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
                parts.append(f"map<{self.type_of(schema['additionalProperties'], depth + 1)}>")
            elif isinstance(schema.get("format"), str) and kind != "null":
                parts.append(f"{kind}({schema['format']})")
            else:
                parts.append(kind)
        return " | ".join(sorted(parts)) or "any"

    def mark(self, schema: Any, direction: str, depth: int = 0) -> None:
        """Records that the component schemas `schema` names (at any depth) travel in `direction`."""
        if depth > 64 or not self.marking:
            return
        if isinstance(schema, list):
            for item in schema:
                self.mark(item, direction, depth + 1)
            return
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            name = ref[len(_SCHEMA_REF) :].replace("~1", "/").replace("~0", "~")
            seen = self.directions.setdefault(name, set())
            if direction in seen:
                return
            seen.add(direction)
            self.mark(self.component(name), direction, depth + 1)
            return
        for key in ("items", "additionalProperties", "oneOf", "anyOf", "allOf", "not"):
            self.mark(schema.get(key), direction, depth + 1)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            self.mark(list(properties.values()), direction, depth + 1)

    def component(self, name: str) -> Any:
        return ((self.data.get("components") or {}).get("schemas") or {}).get(name)

    def fields(
        self, place: str, schema: Any, direction: str, prefix: tuple[str, str] = ("", ""), depth: int = 0
    ) -> None:
        """An entry for each property of an inline object (and of inline objects within it); `prefix` is the
        path so far, as the spec and as Python name it."""
        if not isinstance(schema, dict) or "$ref" in schema or depth > 32:
            return
        if schema.get("type") == "array" or "items" in schema:
            self.fields(place, schema.get("items"), direction, (f"{prefix[0]}[]", f"{prefix[1]}[]"), depth + 1)
            return
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return
        listed = schema.get("required")
        required: list[Any] = listed if isinstance(listed, list) else []
        for name, field in sorted(properties.items()):
            if not isinstance(field, dict):
                continue
            python = str(self.names.identifier(name))
            path = (f"{prefix[0]}.{name}", f"{prefix[1]}.{python}") if prefix[0] else (str(name), python)
            self.surface[f"{place} / {path[0]}"] = {
                "python": path[1],
                "required": name in required,
                "direction": direction,
                "deprecated": field.get("deprecated") is True,
                **self.schema_facts(field, direction),
            }
            self.fields(place, field, direction, path, depth + 1)

    def schemas(self) -> None:
        """An entry for each component schema and its fields, with the directions it travels in."""
        self.marking = False
        found = (self.data.get("components") or {}).get("schemas") or {}
        for name in sorted(found) if isinstance(found, dict) else ():
            schema = found[name]
            if not isinstance(schema, dict):
                continue
            travels = self.directions.get(str(name), set())
            direction = "both" if len(travels) != 1 else next(iter(travels))  # unused: treated as both
            place = f"schema {name}"
            self.surface[place] = {
                "python": str(self.names.class_name(name)),
                "direction": direction,
                "deprecated": schema.get("deprecated") is True,
                **self.schema_facts(schema, direction),
            }
            self.fields(place, schema, direction)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
