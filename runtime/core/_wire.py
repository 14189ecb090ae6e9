"""Parameters and bodies as OpenAPI puts them on the wire.

A generated operation hands over JSON-ready values (a model as its dict, an enum as its value, a
date-time as text) with each parameter's style; this module writes them:

- path parameters (simple, label, matrix), each value percent-encoded as one path segment, so a `/`
  in a value never becomes a path separator; a segment that would read as `.` or `..` is refused, since
  it would move the request to another resource once normalised;
- query parameters (form, spaceDelimited, pipeDelimited, deepObject), header parameters (simple) and
  cookie parameters (form), exploded or not;
- form bodies (application/x-www-form-urlencoded).

Scalars are written as JSON writes them (`true`, `1.5`), strings as they are. An unset value (UNSET) or
None is left out, as an undefined value is in RFC 6570.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import quote, urlencode

from msgspec import UNSET

from ._errors import ConfigurationError

__all__: list[str] = []

# The default style of each location, and whether it explodes by default (OpenAPI 3, "style").
_DEFAULT_STYLE = {"path": "simple", "query": "form", "header": "simple", "cookie": "form"}


class Param(NamedTuple):
    """One parameter of a request: its name, JSON-ready value, style and explode (None: the location's default)."""

    name: str
    value: Any
    style: str | None = None
    explode: bool | None = None


def _absent(value: Any) -> bool:
    return value is None or value is UNSET


def scalar_text(value: Any) -> str:
    """A scalar as OpenAPI writes it in a parameter: booleans and numbers as JSON does, strings as they are."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def json_text(value: Any) -> str:
    """A parameter given as application/json content: its value as JSON text."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _style(param: Param, location: str) -> tuple[str, bool]:
    style = param.style or _DEFAULT_STYLE[location]
    explode = param.explode if param.explode is not None else style in ("form", "deepObject")
    return style, explode


def _items(value: Any) -> list[Any] | None:
    return [item for item in value if not _absent(item)] if isinstance(value, list | tuple) else None


def _pairs(value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(str(key), item) for key, item in value.items() if not _absent(item)]


# -- path ------------------------------------------------------------------------------------------


def _segment(text: str) -> str:
    return quote(text, safe="")


def expand_path(template: str, params: Iterable[Param]) -> str:
    """`template` (`/things/{thingId}`) with each parameter written in its style; ConfigurationError for
    a missing value or one whose segment would be `.` or `..`."""
    path = template
    for param in params:
        if _absent(param.value):
            raise ConfigurationError(f"path parameter {param.name!r} needs a value")
        style, explode = _style(param, "path")
        text = (
            _segment(json_text(param.value))
            if style == "json"
            else _path_value(param.name, param.value, style, explode)
        )
        path = path.replace("{" + param.name + "}", text)
    for segment in path.split("/"):
        if segment in (".", ".."):
            raise ConfigurationError(
                f"a path parameter of {template} makes the path segment {segment!r}, which would address another "
                "resource once the URL is normalised"
            )
    return path


def _path_value(name: str, value: Any, style: str, explode: bool) -> str:
    items = _items(value)
    if isinstance(value, Mapping):
        pairs = [(_segment(key), _segment(scalar_text(item))) for key, item in _pairs(value)]
        if style == "matrix":
            return (
                "".join(f";{k}={v}" for k, v in pairs)
                if explode
                else f";{name}=" + ",".join(f"{k},{v}" for k, v in pairs)
            )
        joined = [f"{k}={v}" if explode else f"{k},{v}" for k, v in pairs]
        return ("." + ("." if explode else ",").join(joined)) if style == "label" else ",".join(joined)
    if items is not None:
        texts = [_segment(scalar_text(item)) for item in items]
        if style == "matrix":
            return "".join(f";{name}={text}" for text in texts) if explode else f";{name}=" + ",".join(texts)
        if style == "label":
            return "." + ("." if explode else ",").join(texts)
        return ",".join(texts)
    text = _segment(scalar_text(value))
    return f";{name}={text}" if style == "matrix" else f".{text}" if style == "label" else text


# -- query -----------------------------------------------------------------------------------------


def query_pairs(params: Iterable[Param]) -> list[tuple[str, str]]:
    """The query string's name/value pairs (percent-encoding is httpx's)."""
    pairs: list[tuple[str, str]] = []
    for param in params:
        if _absent(param.value):
            continue
        style, explode = _style(param, "query")
        value, items = param.value, _items(param.value)
        if style == "json":
            pairs.append((param.name, json_text(value)))
        elif isinstance(value, Mapping):
            if style == "deepObject":
                pairs.extend(_deep_object(param.name, value))
            elif explode:
                pairs.extend((key, scalar_text(item)) for key, item in _pairs(value))
            else:
                pairs.append((param.name, ",".join(f"{k},{scalar_text(v)}" for k, v in _pairs(value))))
        elif items is not None:
            if explode:
                pairs.extend((param.name, scalar_text(item)) for item in items)
            else:
                separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
                pairs.append((param.name, separator.join(scalar_text(item) for item in items)))
        else:
            pairs.append((param.name, scalar_text(value)))
    return pairs


def _deep_object(prefix: str, value: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """deepObject: `name[key]=value`, nested objects and arrays as `name[key][inner]` / `name[key][]`."""
    for key, item in _pairs(value):
        name = f"{prefix}[{key}]"
        if isinstance(item, Mapping):
            yield from _deep_object(name, item)
        elif isinstance(item, list | tuple):
            yield from ((name, scalar_text(entry)) for entry in item if not _absent(entry))
        else:
            yield name, scalar_text(item)


# -- header and cookie -----------------------------------------------------------------------------


def header_values(params: Iterable[Param]) -> dict[str, str]:
    """Header parameters in the simple style: arrays and objects as comma-separated lists."""
    headers: dict[str, str] = {}
    for param in params:
        if _absent(param.value):
            continue
        style, explode = _style(param, "header")
        headers[param.name] = json_text(param.value) if style == "json" else _simple(param.value, explode)
    return headers


def _simple(value: Any, explode: bool) -> str:
    if isinstance(value, Mapping):
        return ",".join(f"{k}={scalar_text(v)}" if explode else f"{k},{scalar_text(v)}" for k, v in _pairs(value))
    items = _items(value)
    if items is not None:
        return ",".join(scalar_text(item) for item in items)
    return scalar_text(value)


# RFC 6265's cookie-octet: printable ASCII but space, DQUOTE, comma, semicolon and backslash.
_COOKIE_SAFE = "!#$&'()*+-./:<=>?@[]^_`{|}~"


def cookie_text(value: Any) -> str:
    """A cookie value: percent-encoded where RFC 6265 forbids a character."""
    return quote(scalar_text(value), safe=_COOKIE_SAFE)


def cookie_header(params: Iterable[Param]) -> str | None:
    """The Cookie header for cookie parameters (form style), or None when none is set."""
    crumbs: list[str] = []
    for param in params:
        if _absent(param.value):
            continue
        style, explode = _style(param, "cookie")
        value, items = param.value, _items(param.value)
        if style == "json":
            crumbs.append(f"{param.name}={cookie_text(json_text(value))}")
        elif isinstance(value, Mapping):
            pairs = _pairs(value)
            if explode:
                crumbs.extend(f"{k}={cookie_text(v)}" for k, v in pairs)
            else:
                crumbs.append(f"{param.name}=" + ",".join(f"{k},{cookie_text(v)}" for k, v in pairs))
        elif items is not None:
            if explode:
                crumbs.extend(f"{param.name}={cookie_text(item)}" for item in items)
            else:
                crumbs.append(f"{param.name}=" + ",".join(cookie_text(item) for item in items))
        else:
            crumbs.append(f"{param.name}={cookie_text(value)}")
    return "; ".join(crumbs) or None


# -- bodies ----------------------------------------------------------------------------------------


def _read(payload: Any) -> bytes:
    """A file's content read once, so that a retry sends it again whole."""
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8")
    data = payload.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def file_content(file: Any) -> bytes:
    """The bytes of a `File` (its payload read once) sent as a binary body."""
    return _read(file.payload)


def multipart_parts(parts: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A model's multipart parts with every file read into bytes, so that a retry sends it again whole."""
    read: list[tuple[str, Any]] = []
    for name, part in parts:
        if isinstance(part, tuple) and len(part) >= 2:
            part = (part[0], _read(part[1]), *part[2:])
        read.append((name, part))
    return read


def form_body(fields: Mapping[str, Any], encoding: Mapping[str, str] | None = None) -> bytes:
    """An application/x-www-form-urlencoded body: arrays as repeated fields, objects as deepObject
    (`field[key]`) when `encoding` names that style for the field, else as JSON text."""
    pairs: list[tuple[str, str]] = []
    for name, value in _pairs(fields):
        if isinstance(value, Mapping):
            if (encoding or {}).get(name) == "deepObject":
                pairs.extend(_deep_object(name, value))
            else:
                pairs.append((name, scalar_text(value)))
        elif isinstance(value, list | tuple):
            pairs.extend((name, scalar_text(item)) for item in value if not _absent(item))
        else:
            pairs.append((name, scalar_text(value)))
    return urlencode(pairs).encode("ascii")
