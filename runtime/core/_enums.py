"""Keeps enum values the spec does not list, so values an API adds later are neither lost nor fatal."""

from __future__ import annotations

import threading
from enum import Enum
from typing import TypeVar

__all__ = []

E = TypeVar("E", bound=Enum)

_lock = threading.Lock()


def unknown_member(cls: type[E], value: str) -> E:
    """An extra member of `cls` holding `value` verbatim; the same object for the same value."""
    cache: dict[str, E] = cls.__dict__.get("_unknown_members_") or {}
    member = cache.get(value)
    if member is not None:
        return member
    if not isinstance(value, str):
        raise TypeError(f"{cls.__name__} values are strings, got {type(value).__name__}")
    with _lock:
        cache = dict(cls.__dict__.get("_unknown_members_") or {})
        member = cache.get(value)
        if member is None:
            member = str.__new__(cls, value)  # type: ignore[type-var]
            member._name_ = value
            member._value_ = value
            cache[value] = member
            type.__setattr__(cls, "_unknown_members_", cache)
    return member
