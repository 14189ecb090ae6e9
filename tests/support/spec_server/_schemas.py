"""Schemas at work on received values: reading strings as their types, checking, comparing.

`cast` turns what arrived as text (a query value, a header, a form field) into the schema's
types, strictly (a boolean is `true` or `false`, never `True`); `SchemaChecker` validates a value
against a schema of the document with an independent JSON Schema validator (openapi-schema-validator,
the OAS 3.0 or 3.1 dialect, formats checked); `canonical` puts equal values in one form so that a
date-time sent as ``Z`` or ``+00:00`` compares equal and nothing else does.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from openapi_schema_validator import OAS30Validator, OAS31Validator, oas30_format_checker, oas31_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from tests.support.spec_server._document import Document

__all__ = ["SchemaChecker", "canonical", "cast", "flatten", "type_of"]

_INTEGER = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d(:\d\d(\.\d+)?)?([Zz]|[-+]\d\d:?\d\d)?$")
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_URN = "urn:corpus-spec"


def flatten(document: Document, schema: Any, depth: int = 0) -> dict[str, Any]:
    """`schema` with $refs followed and allOf folded in, one level deep (nested schemas untouched)."""
    if schema is True or schema is None:
        return {}
    if not isinstance(schema, dict):
        return {}
    if "$ref" in schema:
        target, _ = document.resolve({"$ref": schema["$ref"]})
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        return {**flatten(document, target, depth + 1), **siblings}
    if "allOf" in schema and depth < 32:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            flat = flatten(document, part, depth + 1)
            props = {**(merged.get("properties") or {}), **(flat.get("properties") or {})}
            required = sorted({*(merged.get("required") or []), *(flat.get("required") or [])})
            merged.update(flat)
            if props:
                merged["properties"] = props
            if required:
                merged["required"] = required
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return {**merged, **rest}
    return schema


def type_of(schema: dict[str, Any]) -> list[str]:
    """The JSON types a flattened schema allows, in the order it lists them ([] when any)."""
    kind = schema.get("type")
    kinds = list(kind) if isinstance(kind, list) else [kind] if kind else []
    if not kinds:
        if "properties" in schema or "additionalProperties" in schema:
            kinds = ["object"]
        elif "items" in schema or "prefixItems" in schema:
            kinds = ["array"]
    if schema.get("nullable") is True and "null" not in kinds:
        kinds.append("null")
    return kinds


def cast(document: Document, schema: Any, raw: Any) -> Any:
    """`raw` (text, lists and maps of text, as decoded from the wire) as the schema's types.

    A value that does not read as its type is left as it was, so the validator names it.
    """
    flat = flatten(document, schema)
    if raw is None:
        return None
    for union in ("oneOf", "anyOf"):
        if union in flat:
            for branch in flat[union]:
                value = cast(document, branch, raw)
                if value is not raw or _accepts(document, branch, value):
                    return value
            return raw
    if "const" in flat or "enum" in flat:
        allowed = [flat["const"]] if "const" in flat else list(flat["enum"])
        for candidate in allowed:
            if raw == candidate or (
                isinstance(raw, str) and not isinstance(candidate, str) and _text(candidate) == raw
            ):
                return candidate
        if not type_of(flat):
            return raw
    for kind in type_of(flat) or ["string"]:
        value = _cast_as(document, flat, kind, raw)
        if value is not _NO:
            return value
    return raw


_NO = object()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _cast_as(document: Document, flat: dict[str, Any], kind: str, raw: Any) -> Any:
    if kind == "integer" and isinstance(raw, str) and _INTEGER.match(raw):
        return int(raw)
    if kind == "number" and isinstance(raw, str) and _NUMBER.match(raw):
        return int(raw) if _INTEGER.match(raw) else float(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    if kind == "null" and raw in ("null", ""):
        return None
    if kind == "string" and isinstance(raw, (str, bytes)):
        return raw
    if kind == "array" and isinstance(raw, list):
        items = flat.get("items", {})
        prefix = flat.get("prefixItems") or []
        return [cast(document, prefix[i] if i < len(prefix) else items, item) for i, item in enumerate(raw)]
    if kind == "object" and isinstance(raw, dict):
        props = flat.get("properties") or {}
        extra = flat.get("additionalProperties", {})
        return {
            key: cast(document, props.get(key, extra if isinstance(extra, dict) else {}), v) for key, v in raw.items()
        }
    return _NO


def _accepts(document: Document, schema: Any, value: Any) -> bool:
    flat = flatten(document, schema)
    kinds = type_of(flat)
    if not kinds:
        return True
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    return any(checks[k](value) for k in kinds if k in checks)


def canonical(value: Any) -> Any:
    """`value` with date-times, dates and UUIDs as Python objects and bytes kept: equal means equal."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, str):
        if _DATE_TIME.match(value):
            try:
                parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
            except ValueError:
                return value
            return parsed
        if _DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return value
        if _UUID.match(value):
            return uuid.UUID(value)
    return value


class SchemaChecker:
    """Validates values against schemas of one document, by JSON pointer."""

    def __init__(self, document: Document) -> None:
        self.document = document
        spec = DRAFT202012 if document.is_31 else DRAFT4
        self._registry: Registry[Any] = Registry().with_resource(
            _URN, Resource.from_contents(document.data, default_specification=spec)
        )

    def errors(self, schema_pointer: str, value: Any) -> list[str]:
        """What is wrong with `value` per the schema at `schema_pointer` ([] when nothing)."""
        schema = {"$ref": f"{_URN}#{schema_pointer}"}
        if self.document.is_31:
            validator: Any = OAS31Validator(schema, registry=self._registry, format_checker=oas31_format_checker)
        else:
            validator = OAS30Validator(schema, registry=self._registry, format_checker=oas30_format_checker)
        found = []
        for error in validator.iter_errors(_validatable(value)):
            where = "/".join(str(part) for part in error.absolute_path)
            found.append(f"{where or '(value)'}: {error.message}"[:300])
        return found


def _validatable(value: Any) -> Any:
    """Bytes (a file) are a binary string to a JSON Schema validator."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, dict):
        return {key: _validatable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_validatable(item) for item in value]
    return value
