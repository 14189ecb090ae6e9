"""Keeps enum values the spec does not list, so values an API adds later are neither lost nor fatal."""

from __future__ import annotations

import threading
from enum import Enum
from typing import Any, TypeVar, cast

__all__ = []

E = TypeVar("E", bound=Enum)

_lock = threading.Lock()


def unknown_member(cls: type[E], value: str | int) -> E:
    """An extra member of `cls` (a string or an integer enum) holding `value` verbatim; the same object for
    the same value."""
    cache: dict[str | int, E] = cls.__dict__.get("_unknown_members_") or {}
    member = cache.get(value)
    if member is not None:
        return member
    base: Any = int if issubclass(cls, int) else str
    if type(value) is not base:
        kind = "integers" if base is int else "strings"
        raise TypeError(f"{cls.__name__} values are {kind}, got {type(value).__name__}")
    with _lock:
        cache = dict(cls.__dict__.get("_unknown_members_") or {})
        member = cache.get(value)
        if member is None:
            member = cast(E, base.__new__(cls, value))
            member._name_ = str(value)
            member._value_ = value
            cache[value] = member
            type.__setattr__(cls, "_unknown_members_", cache)
    return member
