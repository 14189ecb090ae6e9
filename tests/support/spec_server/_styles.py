"""Reading parameters off a request by their `style` and `explode`, written from the OpenAPI text.

Each parameter's value comes back as it was serialised, before any type: text, a list of text
(an array) or a map of text (an object); the caller casts and validates it. openapi-core reads
most styles too, but not an exploded form object (its properties are query keys of their own) nor
a space-delimited array after URL decoding, so the server reads every style here and keeps
openapi-core as a second opinion where it can.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, unquote_plus

from tests.support.spec_server._document import Document, Operation, Parameter
from tests.support.spec_server._schemas import flatten, type_of

__all__ = ["RawRequestParts", "ReadParameter", "claimed_query_keys", "read_parameters", "split_query"]


@dataclass(frozen=True)
class RawRequestParts:
    """What the server took off the wire, before reading any parameter."""

    query: list[tuple[str, str]]  # decoded pairs, in order, repeats kept
    headers: list[tuple[str, str]]
    cookies: list[tuple[str, str]]
    path_values: dict[str, str]  # template name -> raw (still percent-encoded) text


@dataclass
class ReadParameter:
    parameter: Parameter
    present: bool
    raw: Any = None  # text, list of text, map of text (or decoded JSON for a `content` parameter)
    problems: list[str] = field(default_factory=list)


def split_query(query: str) -> list[tuple[str, str]]:
    """``a=1&b=x+y`` as decoded pairs (``+`` is a space, as form encoding has it), repeats kept."""
    pairs = []
    for piece in query.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        pairs.append((unquote_plus(key), unquote_plus(value)))
    return pairs


def read_parameters(document: Document, operation: Operation, parts: RawRequestParts) -> list[ReadParameter]:
    claimed: set[str] = set()
    found = []
    for parameter in operation.parameters:
        if parameter.location == "query":
            read = _query(document, parameter, parts.query, operation)
            claimed |= _claimed_keys(document, parameter, parts.query, operation)
        elif parameter.location == "header":
            read = _header(document, parameter, parts.headers)
        elif parameter.location == "cookie":
            read = _cookie(document, parameter, parts.cookies)
        else:
            read = _path(document, parameter, parts.path_values)
        if not read.present and parameter.required:
            read.problems.append(f"required {parameter.location} parameter {parameter.name!r} was not sent")
        found.append(read)
    return found


def claimed_query_keys(document: Document, operation: Operation, query: Sequence[tuple[str, str]]) -> set[str]:
    keys: set[str] = set()
    for parameter in operation.parameters:
        if parameter.location == "query":
            keys |= _claimed_keys(document, parameter, query, operation)
    return keys


def _kind(document: Document, parameter: Parameter) -> str:
    kinds = [k for k in type_of(flatten(document, parameter.schema)) if k != "null"]
    if not kinds:
        flat = flatten(document, parameter.schema)
        for union in ("oneOf", "anyOf"):
            for branch in flat.get(union, []):
                inner = [k for k in type_of(flatten(document, branch)) if k != "null"]
                if inner:
                    return inner[0]
    return kinds[0] if kinds else "string"


def _object_keys(document: Document, parameter: Parameter) -> tuple[set[str], bool]:
    flat = flatten(document, parameter.schema)
    extra = flat.get("additionalProperties")
    return set(flat.get("properties") or {}), extra not in (None, False)


def _claimed_keys(
    document: Document, parameter: Parameter, query: Sequence[tuple[str, str]], operation: Operation
) -> set[str]:
    name = parameter.name
    if (
        parameter.content_type is None
        and parameter.style == "form"
        and parameter.explode
        and _kind(document, parameter) == "object"
    ):
        declared, open_ended = _object_keys(document, parameter)
        others = {p.name for p in operation.parameters if p.location == "query" and p is not parameter}
        return {key for key, _ in query if key in declared or (open_ended and key not in others)}
    if parameter.style == "deepObject":
        return {key for key, _ in query if key.startswith(name + "[")}
    return {name}


def _query(
    document: Document, parameter: Parameter, query: Sequence[tuple[str, str]], operation: Operation
) -> ReadParameter:
    name = parameter.name
    read = ReadParameter(parameter, present=False)
    values = [value for key, value in query if key == name]
    if parameter.content_type is not None:
        return _content(read, values)
    kind = _kind(document, parameter)
    style, explode = parameter.style, parameter.explode
    if style == "deepObject":
        if kind != "object" or not explode:
            read.problems.append(f"deepObject needs an exploded object ({name})")
        entries = [(key[len(name) + 1 :], value) for key, value in query if key.startswith(name + "[")]
        if entries:
            read.present = True
            obj: dict[str, Any] = {}
            for key, value in entries:
                if not key.endswith("]") or "[" in key[:-1]:
                    read.problems.append(f"deepObject key {name}[{key} is not name[property]")
                    continue
                prop = key[:-1]
                if prop in obj:  # an array property sent as repeats
                    obj[prop] = [*obj[prop], value] if isinstance(obj[prop], list) else [obj[prop], value]
                else:
                    obj[prop] = value
            read.raw = obj
        return read
    if kind == "object" and style == "form" and explode:
        keys = _claimed_keys(document, parameter, query, operation)
        entries = [(key, value) for key, value in query if key in keys]
        if entries:
            read.present = True
            read.raw = dict(entries)
            if len(read.raw) != len(entries):
                read.problems.append(f"exploded object {name} repeats a property")
        return read
    if not values:
        return read
    read.present = True
    delimiter = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}.get(style)
    if delimiter is None:
        read.problems.append(f"style {style!r} is not a query style ({name})")
        delimiter = ","
    if kind == "array":
        if explode and style == "form":
            read.raw = values
        else:
            if len(values) > 1:
                read.problems.append(f"{name} (explode: false) was sent {len(values)} times: {values!r}")
            read.raw = values[0].split(delimiter) if values[0] != "" else []
        return read
    if len(values) > 1:
        read.problems.append(f"{name} was sent {len(values)} times: {values!r}")
    if kind == "object":  # form, not exploded: k1,v1,k2,v2
        pieces = values[0].split(delimiter)
        if len(pieces) % 2:
            read.problems.append(f"{name}: {values[0]!r} is not key,value pairs")
        read.raw = dict(zip(pieces[::2], pieces[1::2], strict=False))
        return read
    read.raw = values[0]
    return read


def _content(read: ReadParameter, values: list[str]) -> ReadParameter:
    if not values:
        return read
    read.present = True
    if len(values) > 1:
        read.problems.append(f"{read.parameter.name} was sent {len(values)} times")
    media = read.parameter.content_type or ""
    if "json" in media:
        try:
            read.raw = json.loads(values[0])
        except ValueError as error:
            read.problems.append(f"{read.parameter.name}: not JSON ({error}): {values[0]!r}")
            read.raw = values[0]
    else:
        read.raw = values[0]
    return read


def _simple(document: Document, parameter: Parameter, text: str) -> Any:
    """The simple style (headers, and path segments once decoded)."""
    kind = _kind(document, parameter)
    if kind == "array":
        return [piece.strip() for piece in text.split(",")] if text else []
    if kind == "object":
        pieces = [piece.strip() for piece in text.split(",")]
        if parameter.explode:
            return dict(piece.partition("=")[::2] for piece in pieces)
        return dict(zip(pieces[::2], pieces[1::2], strict=False))
    return text


def _header(document: Document, parameter: Parameter, headers: Sequence[tuple[str, str]]) -> ReadParameter:
    values = [value for key, value in headers if key.lower() == parameter.name.lower()]
    return _sent(parameter, values, "header", lambda: _simple(document, parameter, ",".join(values).strip()))


def _cookie(document: Document, parameter: Parameter, cookies: Sequence[tuple[str, str]]) -> ReadParameter:
    values = [unquote(value) for key, value in cookies if key == parameter.name]

    def decoded() -> object:
        kind = _kind(document, parameter)
        if kind == "array":
            return values[0].split(",") if values[0] else []
        if kind == "object":
            pieces = values[0].split(",")
            return dict(zip(pieces[::2], pieces[1::2], strict=False))
        return values[0]

    return _sent(parameter, values, "cookie", decoded)


def _sent(parameter: Parameter, values: list[str], where: str, decoded: Callable[[], object]) -> ReadParameter:
    """A header's or cookie's `values` as read: content-typed, absent, or `decoded` (a repeat is a problem)."""
    read = ReadParameter(parameter, present=False)
    if parameter.content_type is not None:
        return _content(read, values)
    if not values:
        return read
    read.present = True
    if len(values) > 1:
        read.problems.append(f"{where} {parameter.name} was sent {len(values)} times")
    read.raw = decoded()
    return read


def _path(document: Document, parameter: Parameter, path_values: dict[str, str]) -> ReadParameter:
    read = ReadParameter(parameter, present=parameter.name in path_values)
    if not read.present:
        return read
    text = path_values[parameter.name]
    if parameter.style == "label":
        if not text.startswith("."):
            read.problems.append(f"label-style path parameter {parameter.name} does not start with '.': {text!r}")
        text = text[1:]
    elif parameter.style == "matrix":
        prefix = f";{parameter.name}="
        if not text.startswith(prefix):
            read.problems.append(f"matrix-style path parameter does not start with {prefix!r}: {text!r}")
        text = text[len(prefix) :]
    if text == "":
        read.problems.append(f"path parameter {parameter.name} is empty")
    if parameter.content_type is not None:
        return _content(read, [unquote(text)])
    kind = _kind(document, parameter)
    if kind in ("array", "object"):  # split before decoding: an encoded comma is data
        pieces = [unquote(piece) for piece in text.split(",")]
        if kind == "array":
            read.raw = pieces
        else:
            read.raw = dict(zip(pieces[::2], pieces[1::2], strict=False))
        return read
    read.raw = unquote(text)
    return read
