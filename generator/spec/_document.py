"""A loaded spec: its plain data, where each value came from, its operations, and its references."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GenerationError
from generator.spec._loader import Limits, load_yaml
from generator.spec._pointer import Part, format_pointer, parse_ref, resolve

__all__ = ["HTTP_METHODS", "OperationRef", "SpecDocument", "load_spec"]

# The operation keys of an OpenAPI path item, in the order the spec lists them.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class OperationRef:
    """One operation of the spec: where it is and its (unchecked) mapping."""

    path: str
    method: str
    node: dict[str, Any]

    @property
    def parts(self) -> tuple[Part, ...]:
        return ("paths", self.path, self.method)


@dataclass(frozen=True)
class SpecDocument:
    path: Path
    data: dict[str, Any]
    lines: dict[tuple[Part, ...], int]

    def line(self, parts: Sequence[Part]) -> int | None:
        """The line of the deepest value on `parts` that the file shows."""
        for end in range(len(parts), 0, -1):
            line = self.lines.get(tuple(parts[:end]))
            if line:
                return line
        return None

    def error(self, message: str, parts: Sequence[Part]) -> GenerationError:
        """A GenerationError naming this file, the line of `parts` and its JSON pointer."""
        return GenerationError(message, file=self.path, line=self.line(parts), pointer=format_pointer(parts))

    def operations(self) -> Iterator[OperationRef]:
        """Every operation under `paths`, skipping what is not shaped as one (the validator names it)."""
        paths = self.data.get("paths")
        if not isinstance(paths, dict):
            return
        for route, item in paths.items():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    yield OperationRef(route, method, operation)

    def deref(self, node: Any, parts: Sequence[Part]) -> tuple[Any, tuple[Part, ...]]:
        """Follows `node`'s local $ref chain to a value that is not a reference, with its path.

        Raises GenerationError at the reference for a non-local, dangling or circular chain.
        """
        current, where = node, tuple(parts)
        seen: list[str] = []
        while isinstance(current, dict) and "$ref" in current:
            ref = current["$ref"]
            at = (*where, "$ref")
            target = parse_ref(ref) if isinstance(ref, str) else None
            if target is None:
                raise self.error(f"only local $refs (#/...) are supported, found {ref!r}", at)
            if ref in seen:
                chain = " -> ".join([*seen, ref])
                raise self.error(f"circular $ref chain: {chain}", at)
            seen.append(ref)
            try:
                current = resolve(self.data, target)
            except LookupError as missing:
                raise self.error(f"dangling $ref {ref!r}: nothing in the spec at {missing}", at) from None
            where = tuple(target)
        return current, where


def load_spec(path: Path, limits: Limits | None = None) -> SpecDocument:
    """Reads the spec strictly (see `load_yaml`); it must be a mapping."""
    loaded = load_yaml(path, limits)
    if not isinstance(loaded.data, dict):
        raise GenerationError("the spec is not a YAML mapping", file=path, line=1)
    return SpecDocument(path, loaded.data, loaded.lines)
