"""Types as a rendering writes them, read into TypeRefs by that rendering's vocabulary.

Each SDK writes one schema in its own language: ``List<string>``, ``list[str]``,
``[String]`` and ``[]string`` are one array of strings. A `TypeVocabulary` (read
from the SDK's data file) lists the type names it uses and the forms of its arrays,
maps and wrappers (``$T?``, ``*$T``); whatever else is written as a model name is a
model. Some renderings say less than the spec: Python's ``int`` has no width and
JavaScript's ``Number`` is any number. Such types are *unspecific* (an integer or
number without a format, or ``object``) and `agrees` lets them match any type they
could stand for, so a page never reports a difference it cannot express.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from .model import TypeRef

__all__ = ["TypeForm", "TypeVocabulary", "agrees", "schema_type"]

PLACEHOLDER: Final = "$T"
_JSON_TYPES: Final = frozenset({"string", "integer", "number", "boolean", "object"})
_PUNCTUATION: Final = re.compile(r"\s*([^\w\s])\s*")


def schema_type(text: str) -> TypeRef:
    """``"integer/int32"`` -> integer (int32); ValueError for what is not a JSON Schema type."""
    name, _, fmt = text.partition("/")
    if name not in _JSON_TYPES or (fmt == "" and text.endswith("/")):
        raise ValueError(f"{text!r} is not a JSON Schema type (string, integer, number, boolean, object[/format])")
    return TypeRef.primitive(name, fmt or None)


@dataclass(frozen=True)
class TypeForm:
    """A compound written around one type, e.g. ``List<$T>``; spaces around punctuation do not matter."""

    template: str
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, template: str) -> TypeForm:
        if template.count(PLACEHOLDER) != 1:
            raise ValueError(f"{template!r} must hold {PLACEHOLDER} exactly once")
        before, after = (_literal(part) for part in template.split(PLACEHOLDER))
        return cls(template, re.compile(f"{before}(?P<inner>.+){after}"))

    def inner(self, text: str) -> str | None:
        m = self.pattern.fullmatch(text)
        return m["inner"] if m else None


def _literal(part: str) -> str:
    """A template's fixed text as a pattern: its words exact, any spacing around its punctuation."""
    pieces = _PUNCTUATION.split(part.strip())
    return "".join(r"\s*" + re.escape(p) + r"\s*" if i % 2 else re.escape(p) for i, p in enumerate(pieces))


@dataclass(frozen=True)
class TypeVocabulary:
    """How one rendering writes types."""

    names: Mapping[str, TypeRef] = field(default_factory=dict)
    arrays: tuple[TypeForm, ...] = ()
    maps: tuple[TypeForm, ...] = ()  # maps from string keys (JSON objects) to the type
    wrappers: tuple[TypeForm, ...] = ()  # nullable and pointer forms: they say nothing about the type
    void: frozenset[str] = frozenset()
    empty_body: re.Pattern[str] | None = None  # a suffix meaning "no body", e.g. "(empty response body)"
    model_name: re.Pattern[str] = re.compile(r"[A-Za-z_][\w.]*")

    @classmethod
    def build(
        cls,
        names: Mapping[str, TypeRef],
        *,
        arrays: Iterable[str] = (),
        maps: Iterable[str] = (),
        wrappers: Iterable[str] = (),
        void: Iterable[str] = (),
        empty_body: str | None = None,
        model_name: str | None = None,
    ) -> TypeVocabulary:
        """From the data file's texts; ValueError (naming the text) for a bad form or pattern."""
        return cls(
            dict(names),
            tuple(TypeForm.of(t) for t in arrays),
            tuple(TypeForm.of(t) for t in maps),
            tuple(TypeForm.of(t) for t in wrappers),
            frozenset(void),
            re.compile(empty_body) if empty_body else None,
            re.compile(model_name) if model_name else cls.model_name,
        )

    def parse(self, text: str) -> TypeRef | None:
        """The TypeRef of a type text; None for no body (``void``, ``null (empty response body)``);
        ValueError if the text is not a type this rendering writes."""
        text = " ".join(text.split())
        if self.empty_body is not None:
            text = self.empty_body.sub("", text).strip()
        if text in self.void:
            return None
        return self._parse(text, 0)

    def _parse(self, text: str, depth: int) -> TypeRef:
        text = text.strip()
        if not text or depth > 16:
            raise ValueError(f"not a type: {text!r}")
        if text in self.names:
            return self.names[text]
        for form in self.wrappers:
            if (inner := form.inner(text)) is not None:
                return self._parse(inner, depth + 1)
        for form in self.maps:
            if (inner := form.inner(text)) is not None:
                return TypeRef.map(self._parse(inner, depth + 1))
        for form in self.arrays:
            if (inner := form.inner(text)) is not None:
                return TypeRef.array(self._parse(inner, depth + 1))
        if text in self.void or not self.model_name.fullmatch(text):
            raise ValueError(f"not a type: {text!r}")
        return TypeRef.model(text)

    def is_type(self, text: str) -> bool:
        try:
            self.parse(text)
        except ValueError:
            return False
        return True

    def scalar_hits(self, text: str) -> int:
        """How many of the type names in ``text`` this vocabulary knows (to tell renderings apart)."""
        return sum(1 for word in re.findall(r"[\w.]+\??", text) if word in self.names)


def agrees(a: TypeRef | None, b: TypeRef | None) -> bool:
    """Whether two types can be the same schema: equal, or one is the other said less exactly."""
    if a is None or b is None:
        return a is b
    if a == b or a.kind == "unknown" or b.kind == "unknown":
        return True
    if a.kind in ("array", "map") and a.kind == b.kind:
        return agrees(a.item, b.item)
    if a.kind == "model" and b.kind == "model":
        return a.name.casefold() == b.name.casefold()
    return _covers(a, b) or _covers(b, a)


def _covers(vague: TypeRef, exact: TypeRef) -> bool:
    """Whether an unspecific type (no format, or ``object``) can stand for ``exact``."""
    if vague.kind != "primitive" or vague.format is not None:
        return False
    if vague.name == "object":
        return exact.kind in ("model", "map") or exact.name == "object"
    if exact.kind != "primitive":
        return False
    if vague.name == "integer":
        return exact.name == "integer"
    if vague.name == "number":
        return exact.name in ("integer", "number")
    return False
