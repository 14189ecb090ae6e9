"""The typed model of an API reference, shared by the docs page and the spec readers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .names import match_key

__all__ = [
    "ApiReference",
    "Location",
    "Operation",
    "Parameter",
    "Permissions",
    "TypeKind",
    "TypeRef",
    "Unreadable",
]

TypeKind = Literal["primitive", "array", "map", "model", "unknown"]
Location = Literal["path", "query", "header", "cookie", "body"]

# Facets: what a page says about an operation (http, summary, description, permissions,
# return_type, parameters) and about a parameter (type, required, default, allowed_values,
# description). A page may leave a facet unstated (silence: its rendering never shows it, or the
# section leaves it out) or state it in a form the reader cannot read (unread); either way that
# facet is not compared.


@dataclass(frozen=True)
class TypeRef:
    """A language-neutral type: a primitive, an array, a string-keyed map or a model."""

    kind: TypeKind
    name: str  # primitive name (string, integer, ...) or model name; "" for array/map
    format: str | None = None  # int32, int64, float, double, date-time
    item: TypeRef | None = None  # element type of an array, value type of a map

    @classmethod
    def primitive(cls, name: str, format: str | None = None) -> TypeRef:
        return cls("primitive", name, format)

    @classmethod
    def model(cls, name: str) -> TypeRef:
        return cls("model", name)

    @classmethod
    def array(cls, item: TypeRef) -> TypeRef:
        return cls("array", "", item=item)

    @classmethod
    def map(cls, value: TypeRef) -> TypeRef:
        return cls("map", "", item=value)

    @classmethod
    def unknown(cls) -> TypeRef:
        """A type the page writes in a form the reader cannot read."""
        return cls("unknown", "")

    def __str__(self) -> str:
        if self.kind == "unknown":
            return "unknown"
        if self.kind == "array":
            return f"array of {self.item}"
        if self.kind == "map":
            return f"map of string to {self.item}"
        if self.format:
            return f"{self.name} ({self.format})"
        return self.name


@dataclass(frozen=True)
class Parameter:
    """One parameter of an operation; the request body is located in "body"."""

    name: str
    location: Location
    type: TypeRef
    description: str = ""
    required: bool = False
    default: str | None = None  # rendered as text, as the docs show it
    allowed_values: tuple[str, ...] = ()
    line: int | None = None  # 1-based line in the docs page, when read from one
    unstated: tuple[tuple[str, str], ...] = ()  # (facet, why the page does not say it)
    unread: frozenset[str] = frozenset()  # facets written in a form the reader cannot read

    def silent_on(self, facet: str) -> str | None:
        """Why the page does not state ``facet``, or None if it does."""
        return dict(self.unstated).get(facet)


@dataclass(frozen=True)
class Permissions:
    """The permissions an operation requires: ALL or ANY of the names."""

    type: str | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    """One API operation, keyed by its lowerCamelCase operation id."""

    operation_id: str
    method: str  # upper case, e.g. GET
    path: str
    summary: str = ""
    return_type: TypeRef | None = None  # None: no response body
    # The page's paragraphs after the summary, blank-line separated (the spec's x-docs-description).
    description: str = ""
    permissions: Permissions = field(default_factory=Permissions)
    parameters: tuple[Parameter, ...] = ()
    line: int | None = None
    unstated: tuple[tuple[str, str], ...] = ()  # (facet, why the page does not say it)
    unread: frozenset[str] = frozenset()

    def silent_on(self, facet: str) -> str | None:
        """Why the page does not state ``facet``, or None if it does."""
        return dict(self.unstated).get(facet)

    @property
    def body(self) -> Parameter | None:
        return next((p for p in self.parameters if p.location == "body"), None)

    def parameter(self, name: str) -> Parameter | None:
        return next(
            (p for p in self.parameters if p.name == name and p.location != "body"),
            None,
        )


@dataclass(frozen=True)
class Unreadable:
    """A place on the page written in a form the reader cannot read; the rest is still compared."""

    line: int | None
    message: str
    operation: str | None = None  # the spec's operation id, when the place belongs to one
    parameter: str | None = None


@dataclass(frozen=True)
class ApiReference:
    """All operations read from one source (a docs page or a spec file)."""

    source: str
    operations: tuple[Operation, ...]
    problems: tuple[Unreadable, ...] = ()
    rendering: str | None = None  # the rendering the page was read as, and how it was told
    complete: bool = True  # False: an operation the page lists could not be read, so none is missing

    def by_id(self) -> dict[str, Operation]:
        return {op.operation_id: op for op in self.operations}

    def by_key(self) -> dict[str, Operation]:
        """The operations by `names.match_key` of their id (any case, any separators)."""
        return {match_key(op.operation_id): op for op in self.operations}
