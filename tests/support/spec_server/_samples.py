"""Deterministic sample values for OpenAPI schemas, as they travel on the wire (JSON-like).

The same schema and hint always give the same value. A value avoids the schema's `default` where
another is allowed, so a client that sends its default instead of the caller's value is caught,
and strings carry characters that need encoding where they travel (a path segment, a query
string). Binary strings are `bytes`. Every sample is checked against its schema by the callers.
"""

from __future__ import annotations

import base64
import contextlib
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

from tests.support.spec_server._document import Document

__all__ = ["SampleError", "Sampler"]

# What a plain string sample ends with, per place it travels: each needs encoding there.
_STRING_TAILS = {
    "path": " a/b?c#d",
    "query": " a&b=c+d#e",
    "query_delimited": "-a&b=c+d#e",  # items of a space- or pipe-delimited array
    "header": " a b",
    "cookie": "-ck",
    "body": ' \u00e9"q"',
    "form": " a&b=c+d",
    "response": " \u00e9",
}
_FORMATS = {
    "date": "2024-03-15",
    "date-time": "2024-03-15T10:20:30+00:00",
    "time": "10:20:30",
    "email": "someone@example.com",
    "uri": "https://example.com/things/1",
    "url": "https://example.com/things/1",
    "uri-reference": "/things/1",
    "hostname": "example.com",
    "ipv4": "192.0.2.10",
    "ipv6": "2001:db8::10",
    "duration": "P3D",
}
_MAX_DEPTH = 4


class SampleError(ValueError):
    """A schema the sampler cannot give a valid value for (the message names where)."""


@dataclass(frozen=True)
class _Context:
    where: str  # path, query, header, cookie, body, form, response
    direction: str  # request or response
    stack: tuple[str, ...] = ()


def _stable_int(text: str, span: int) -> int:
    return zlib.crc32(text.encode()) % span


class Sampler:
    """Sample values for the schemas of one document."""

    def __init__(self, document: Document) -> None:
        self.document = document

    def sample(self, schema: Any, *, hint: str, where: str = "body", direction: str = "request") -> Any:
        return self._sample(schema, hint, _Context(where, direction))

    # -- schema shapes

    def _merged(self, schema: Any, context: _Context) -> tuple[dict[str, Any], _Context]:
        """`schema` with its $ref followed (siblings kept, 3.1) and allOf folded into one schema."""
        if schema is True or schema is None:
            return {}, context
        if schema is False:
            raise SampleError(f"no value satisfies the false schema (at {'/'.join(context.stack)})")
        if not isinstance(schema, dict):
            raise SampleError(f"not a schema: {schema!r}")
        if "$ref" in schema:
            ref = schema["$ref"]
            if context.stack.count(ref) >= 2:
                raise _Recursion(ref)
            target, _ = self.document.resolve({"$ref": ref}, ref)
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            inner, context = self._merged(target, _Context(context.where, context.direction, (*context.stack, ref)))
            return _combine(inner, siblings) if siblings else inner, context
        if "allOf" in schema:
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            parts = []
            for part in schema["allOf"]:
                resolved, context = self._merged(part, context)
                parts.append(resolved)
            base: dict[str, Any] = {}
            for part in parts:
                base = _combine(base, part)
            return _combine(base, merged), context
        return schema, context

    def _sample(self, schema: Any, hint: str, context: _Context) -> Any:
        schema, context = self._merged(schema, context)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return _choose(schema["enum"], schema.get("default"))
        for union in ("oneOf", "anyOf"):
            if union in schema:
                return self._union(schema, union, hint, context)
        kind = _type_of(schema)
        if kind is None:
            if "example" in schema:
                return schema["example"]
            return self._string({}, hint, context)
        if kind == "object":
            return self._object(schema, hint, context)
        if kind == "array":
            return self._array(schema, hint, context)
        if "example" in schema and kind in ("string", "integer", "number", "boolean"):
            return schema["example"]
        if "examples" in schema and isinstance(schema["examples"], list) and schema["examples"]:
            return schema["examples"][0]
        if kind == "string":
            return self._string(schema, hint, context)
        if kind == "integer":
            return _integer(schema, hint)
        if kind == "number":
            return _integer(schema, hint) + 0.5 if not _bounded(schema) else float(_integer(schema, hint))
        if kind == "boolean":
            return schema.get("default") is not True
        if kind == "null":
            return None
        raise SampleError(f"unknown type {kind!r} for {hint}")

    def _union(self, schema: dict[str, Any], union: str, hint: str, context: _Context) -> Any:
        branches = [b for b in schema[union] if not _is_null(b, self.document)]
        if not branches:
            return None
        discriminator = schema.get("discriminator")
        siblings = {k: v for k, v in schema.items() if k not in (union, "discriminator")}
        if isinstance(discriminator, dict):
            name = discriminator["propertyName"]
            mapping = discriminator.get("mapping") or {}
            if mapping:
                tag, ref = next(iter(mapping.items()))
            else:
                ref = branches[0]["$ref"]
                tag = ref.rsplit("/", 1)[-1]
            value = self._sample(_combine({"$ref": ref}, siblings) if siblings else {"$ref": ref}, hint, context)
            if isinstance(value, dict):
                value[name] = tag
            return value
        branch = branches[0]
        if siblings and isinstance(branch, dict):
            branch = {"allOf": [siblings, branch]}
        return self._sample(branch, hint, context)

    def _object(self, schema: dict[str, Any], hint: str, context: _Context) -> dict[str, Any]:
        required = set(schema.get("required") or [])
        result: dict[str, Any] = {}
        for name, prop in (schema.get("properties") or {}).items():
            resolved, _ = self._merged_quiet(prop, context)
            if context.direction == "request" and resolved.get("readOnly"):
                continue
            if context.direction == "response" and resolved.get("writeOnly"):
                continue
            try:
                result[name] = self._sample(prop, name, context)
            except _Recursion:
                if name in required:
                    result[name] = self._bottom(prop, context)
        extra = schema.get("additionalProperties")
        if extra not in (None, False) and not (schema.get("properties") and extra in (True, {})):
            key = f"{hint}Extra" if hint else "extra"
            with contextlib.suppress(_Recursion):  # a map of itself ends empty
                result[key] = self._sample(extra if isinstance(extra, dict) else {}, key, context)
        return result

    def _merged_quiet(self, schema: Any, context: _Context) -> tuple[dict[str, Any], _Context]:
        try:
            return self._merged(schema, context)
        except _Recursion:
            return {}, context

    def _bottom(self, schema: Any, context: _Context) -> Any:
        """The smallest value of a recursive schema: an empty array, map or null, where allowed."""
        target, _ = self.document.resolve(schema) if isinstance(schema, dict) else (schema, "")
        kind = _type_of(target) if isinstance(target, dict) else None
        if kind == "array":
            return []
        if kind == "object" and not (target.get("required")):
            return {}
        raise SampleError(f"a required recursive value has no finite sample ({schema!r})")

    def _array(self, schema: dict[str, Any], hint: str, context: _Context) -> list[Any]:
        prefix = schema.get("prefixItems") or []
        items = schema.get("items", {})
        values = [self._sample(part, f"{hint}{i}", context) for i, part in enumerate(prefix)]
        count = max(1, int(schema.get("minItems", 0))) - len(values)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]) - len(values))
        if items is False:
            count = 0
        for index in range(max(0, count)):
            try:
                values.append(self._sample(items, f"{hint}{index}" if index else hint, context))
            except _Recursion:
                break
        return values

    def _string(self, schema: dict[str, Any], hint: str, context: _Context) -> Any:
        fmt = schema.get("format")
        if fmt == "binary" or schema.get("contentMediaType") == "application/octet-stream":
            return f"%bytes {hint}\x00\xff".encode("latin-1")
        if fmt == "byte":
            return base64.b64encode(f"bytes of {hint}".encode()).decode()
        if fmt == "uuid":
            return str(uuid.uuid5(uuid.NAMESPACE_URL, hint or "uuid"))
        if fmt in _FORMATS:
            return _FORMATS[fmt]
        if "pattern" in schema:
            raise SampleError(f"{hint}: a string with a pattern needs an example to sample")
        text = (hint or "text") + _STRING_TAILS[context.where if context.direction == "request" else "response"]
        if text == schema.get("default"):
            text += "!"
        minimum, maximum = int(schema.get("minLength", 0)), schema.get("maxLength")
        if len(text) < minimum:
            text += "x" * (minimum - len(text))
        if maximum is not None and len(text) > int(maximum):
            text = text[: int(maximum)]
        return text


class _Recursion(Exception):
    """A schema met itself too often on the way down."""


def _combine(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Two schemas as one (allOf): properties merged property by property, required joined."""
    merged = dict(base)
    for key, value in extra.items():
        if key == "properties":
            props = dict(merged.get("properties") or {})
            for name, prop in value.items():
                props[name] = {"allOf": [props[name], prop]} if name in props else prop
            merged["properties"] = props
        elif key == "required":
            merged["required"] = sorted({*(merged.get("required") or []), *value})
        else:
            merged[key] = value
    return merged


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if kind is None:
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
    return kind


def _is_null(branch: Any, document: Document) -> bool:
    if not isinstance(branch, dict):
        return False
    target, _ = document.resolve(branch)
    return isinstance(target, dict) and (target.get("type") == "null" or target.get("enum") == [None])


def _choose(values: list[Any], default: Any) -> Any:
    """An enum value: the first that is neither null nor the default, if there is one."""
    preferred = [v for v in values if v is not None and v != default]
    if preferred:
        return preferred[0]
    fallback = [v for v in values if v is not None]
    return fallback[0] if fallback else None


def _bounded(schema: dict[str, Any]) -> bool:
    return any(key in schema for key in ("maximum", "exclusiveMaximum", "multipleOf"))


def _integer(schema: dict[str, Any], hint: str) -> int:
    value = 3 + _stable_int(hint, 40)
    low = schema.get("minimum")
    exclusive_low = schema.get("exclusiveMinimum")
    if isinstance(exclusive_low, bool):  # 3.0: a flag on minimum
        exclusive_low = low if exclusive_low else None
        low = None if exclusive_low is not None else low
    high = schema.get("maximum")
    exclusive_high = schema.get("exclusiveMaximum")
    if isinstance(exclusive_high, bool):
        exclusive_high = high if exclusive_high else None
        high = None if exclusive_high is not None else high
    if low is not None:
        value = max(value, int(low) if int(low) == low else int(low) + 1)
    if exclusive_low is not None:
        value = max(value, int(exclusive_low) + 1)
    if high is not None:
        value = min(value, int(high))
    if exclusive_high is not None:
        value = min(value, int(exclusive_high) - 1 if int(exclusive_high) == exclusive_high else int(exclusive_high))
    step = schema.get("multipleOf")
    if step:
        value = int(value // step * step) or int(step)
    if value == schema.get("default"):
        value = value + 1 if high is None and exclusive_high is None else value - 1
    return value
