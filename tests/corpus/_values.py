"""Between wire values (JSON-like, as the spec server samples and reads them) and the Python values
a generated client takes and returns, driven only by the generated functions' type hints.

`to_python(hint, wire)` builds an argument: a model from its `from_dict`, an enum member, a
date, a `File` for bytes; unions pick the first member that takes the value. `to_wire(value)`
reads a returned value back (`to_dict`, `.value`, `isoformat`, a file's bytes). `conforms(value,
hint)` is a recursive isinstance for annotations (unions, lists, dicts, Literal, Any).
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import types
import typing
import uuid
from typing import Any

__all__ = ["ConversionError", "conforms", "to_python", "to_wire"]


class ConversionError(TypeError):
    """No member of an annotation takes the wire value."""


def _is_unset(kind: Any) -> bool:
    return isinstance(kind, type) and kind.__name__ in ("Unset", "UnsetType")


def _is_file(kind: Any) -> bool:
    return isinstance(kind, type) and kind.__name__ == "File" and hasattr(kind, "to_tuple")


def _members(hint: Any) -> list[Any]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return [member for arg in typing.get_args(hint) for member in _members(arg)]
    return [hint]


def to_python(hint: Any, wire: Any) -> Any:
    members = [m for m in _members(hint) if not _is_unset(m)]
    errors = []
    for member in members:
        try:
            return _convert(member, wire)
        except (ConversionError, TypeError, ValueError, KeyError, AttributeError) as error:
            errors.append(f"{_name(member)}: {type(error).__name__}: {error}")
    raise ConversionError(f"no member of {_name(hint)} takes {wire!r:.200}: {'; '.join(errors)[:600]}")


def _name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def _convert(kind: Any, wire: Any) -> Any:
    if kind is Any or kind is object:
        return wire
    if kind is None or kind is type(None):
        if wire is None:
            return None
        raise ConversionError("not None")
    origin = typing.get_origin(kind)
    if origin is typing.Literal:
        if wire in typing.get_args(kind):
            return wire
        raise ConversionError(f"{wire!r} is not one of {typing.get_args(kind)}")
    if origin in (list, typing.List, tuple):  # noqa: UP006
        if not isinstance(wire, list):
            raise ConversionError("not a list")
        (item,) = typing.get_args(kind)[:1] or (Any,)
        return [to_python(item, value) for value in wire]
    if origin in (dict, typing.Dict, typing.Mapping) or origin is getattr(typing, "MutableMapping", None):  # noqa: UP006
        if not isinstance(wire, dict):
            raise ConversionError("not a dict")
        args = typing.get_args(kind)
        value_hint = args[1] if len(args) == 2 else Any
        return {key: to_python(value_hint, value) for key, value in wire.items()}
    if not isinstance(kind, type):
        raise ConversionError(f"unsupported annotation {kind!r}")
    if _is_file(kind):
        if isinstance(wire, str):  # text in a media type sent as bytes
            wire = wire.encode("utf-8")
        if not isinstance(wire, bytes):
            raise ConversionError("a file takes bytes")
        return kind(payload=io.BytesIO(wire), file_name="sample.bin", mime_type="application/octet-stream")
    if issubclass(kind, enum.Enum):
        return kind(wire)
    if kind is bool:
        if isinstance(wire, bool):
            return wire
        raise ConversionError("not a bool")
    if kind is int:
        if isinstance(wire, int) and not isinstance(wire, bool):
            return wire
        raise ConversionError("not an int")
    if kind is float:
        if isinstance(wire, (int, float)) and not isinstance(wire, bool):
            return float(wire)
        raise ConversionError("not a number")
    if kind is str:
        if isinstance(wire, str):
            return wire
        raise ConversionError("not a str")
    if kind is bytes:
        if isinstance(wire, bytes):
            return wire
        raise ConversionError("not bytes")
    if kind is dt.datetime:
        if isinstance(wire, str) and "T" in wire.upper():
            return dt.datetime.fromisoformat(wire)
        raise ConversionError("not a date-time")
    if kind is dt.date:
        if isinstance(wire, str) and len(wire) == 10:
            return dt.date.fromisoformat(wire)
        raise ConversionError("not a date")
    if kind is uuid.UUID:
        if isinstance(wire, str):
            return uuid.UUID(wire)
        raise ConversionError("not a UUID")
    from_dict = getattr(kind, "from_dict", None)
    if from_dict is not None:
        if not isinstance(wire, dict):
            raise ConversionError(f"{kind.__name__} takes an object")
        return from_dict(wire)
    if isinstance(wire, kind):
        return wire
    raise ConversionError(f"cannot build {kind.__name__}")


def to_wire(value: Any) -> Any:
    """A returned Python value in its JSON-like form."""
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return to_wire(value.to_dict())
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "payload") and hasattr(value, "to_tuple"):
        payload = value.payload
        data = payload.getvalue() if isinstance(payload, io.BytesIO) else payload.read()
        return data
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(item) for item in value]
    return value


def conforms(value: Any, hint: Any) -> bool:
    """Whether `value` is an instance of the annotation `hint` (recursively for containers)."""
    if hint is Any or hint is object:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, member) for member in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin in (list, tuple):
        args = typing.get_args(hint)
        return isinstance(value, origin) and all(conforms(item, args[0] if args else Any) for item in value)
    if origin in (dict, typing.Mapping):
        args = typing.get_args(hint)
        return isinstance(value, dict) and all(
            conforms(item, args[1] if len(args) == 2 else Any) for item in value.values()
        )
    if origin is not None:
        return isinstance(value, origin)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return False
