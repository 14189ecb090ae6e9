"""Reading a request body by its media type: JSON, form-urlencoded, multipart, binary and text.

A body comes back as the JSON-like value it carries (form and multipart fields cast by the
schema's property types, files as bytes), with what is wrong in how it was encoded. openapi-core
reads form and multipart fields as text only (a number field fails its own type check), so the
server reads them here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tests.support.spec_server._document import Document
from tests.support.spec_server._schemas import cast, flatten, type_of
from tests.support.spec_server._styles import split_query

__all__ = ["ReadBody", "is_json", "media_type_of", "pick_media_type", "read_body"]


@dataclass
class ReadBody:
    media_type: str | None
    value: Any = None
    problems: list[str] = field(default_factory=list)


def media_type_of(content_type: str | None) -> str:
    """``multipart/form-data; boundary=x`` -> ``multipart/form-data`` (lower case)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def pick_media_type(declared: list[str], content_type: str | None) -> str | None:
    """The spec's media type key that a request's Content-Type matches (exact, then ranges)."""
    sent = media_type_of(content_type)
    for key in declared:
        if media_type_of(key) == sent:
            return key
    for key in declared:
        wanted = media_type_of(key)
        if wanted == "*/*" or (wanted.endswith("/*") and sent.startswith(wanted[:-1])):
            return key
    return None


def is_json(media_type: str) -> bool:
    media = media_type_of(media_type)
    return media == "application/json" or media.endswith("+json") or media.endswith("/json")


def read_body(
    document: Document, media_type: str, schema: Any, content_type: str, body: bytes, encoding: dict[str, Any]
) -> ReadBody:
    media = media_type_of(media_type)
    read = ReadBody(media_type)
    if is_json(media):
        try:
            read.value = json.loads(body)
        except ValueError as error:
            read.problems.append(f"the {media} body is not JSON ({error}): {body[:80]!r}")
        return read
    if media == "application/x-www-form-urlencoded":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            read.problems.append("the form body is not UTF-8")
            return read
        read.value = _fields(document, schema, [(k, v) for k, v in split_query(text)], read)
        return read
    if media == "multipart/form-data":
        read.value = _multipart(document, schema, content_type, body, encoding, read)
        return read
    if media.startswith("text/"):
        charset = _parameter(content_type, "charset") or "utf-8"
        try:
            read.value = body.decode(charset)
        except (UnicodeDecodeError, LookupError) as error:
            read.problems.append(f"the {media} body does not decode as {charset}: {error}")
        return read
    read.value = body
    return read


def _parameter(content_type: str, name: str) -> str | None:
    message = Message()
    message["content-type"] = content_type
    value = message.get_param(name)
    return value if isinstance(value, str) else None


def _fields(document: Document, schema: Any, pairs: list[tuple[str, Any]], read: ReadBody) -> dict[str, Any]:
    """Form fields as an object: repeated fields of an array property become a list, then cast."""
    flat = flatten(document, schema)
    props = flat.get("properties") or {}
    grouped: dict[str, Any] = {}
    for key, value in pairs:
        prop = flatten(document, props.get(key, flat.get("additionalProperties") or {}))
        if "array" in type_of(prop):
            grouped.setdefault(key, []).append(value)
        elif key in grouped:
            read.problems.append(f"form field {key!r} was sent more than once")
        else:
            grouped[key] = value
    for key, value in list(grouped.items()):
        prop = flatten(document, props.get(key, flat.get("additionalProperties") or {}))
        kinds = type_of(prop)
        if ("object" in kinds or (not kinds and isinstance(value, str) and value[:1] in "{[")) and isinstance(
            value, str
        ):
            try:
                grouped[key] = json.loads(value)
            except ValueError:
                read.problems.append(f"form field {key!r} holds an object that is not JSON: {value[:80]!r}")
        elif "array" in kinds and isinstance(value, list):
            items = flatten(document, prop.get("items", {}))
            if {"object", "array"} & set(type_of(items)):  # each part one JSON item
                try:
                    grouped[key] = [json.loads(v) if isinstance(v, str) else v for v in value]
                except ValueError:
                    read.problems.append(f"form field {key!r} holds objects that are not JSON")
    fields: dict[str, Any] = cast(document, schema, grouped)
    return fields


def _multipart(
    document: Document, schema: Any, content_type: str, body: bytes, encoding: dict[str, Any], read: ReadBody
) -> dict[str, Any]:
    boundary = _parameter(content_type, "boundary")
    if not boundary:
        read.problems.append(f"a multipart body without a boundary (Content-Type: {content_type!r})")
        return {}
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        read.problems.append("the multipart body has no parts")
        return {}
    flat = flatten(document, schema)
    props = flat.get("properties") or {}
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            read.problems.append("a multipart part has no name")
            continue
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        prop = flatten(document, props.get(name, flat.get("additionalProperties") or {}))
        item = flatten(document, prop.get("items", {})) if "array" in type_of(prop) else prop
        binary = item.get("format") == "binary" or "contentMediaType" in item or "contentEncoding" in item
        filename = part.get_param("filename", header="content-disposition")
        if binary:
            pairs.append((name, payload))
            continue
        if filename is not None and not binary:
            read.problems.append(f"multipart field {name!r} is sent as a file ({filename!r}) but is not binary")
        try:
            pairs.append((name, payload.decode(part.get_content_charset() or "utf-8")))
        except UnicodeDecodeError:
            read.problems.append(f"multipart field {name!r} is not text")
    return _fields(document, schema, pairs, read)
