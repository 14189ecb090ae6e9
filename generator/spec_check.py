"""Reads the spec and rejects what would generate a broken or misleading client.

openapi-python-client reports many of these problems late, vaguely, or not at all; here each one is
named by file, line and JSON pointer before anything is generated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase

from generator.errors import GenerationError

__all__ = ["check_spec", "load_spec"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's fast loader, resolving booleans as YAML 1.2 does (as openapi-python-client's ruamel)."""


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load_spec(path: Path) -> Any:
    """Parses the YAML or raises GenerationError at the offending line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GenerationError(f"cannot read the spec: {exc.strerror}", file=path) from None
    try:
        document = yaml.load(text, Loader=_Loader)  # a safe loader: plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise GenerationError(f"YAML syntax error: {problem}", file=path, line=line) from None
    except yaml.YAMLError as exc:
        raise GenerationError(f"YAML error: {exc}", file=path) from None
    if not isinstance(document, dict):
        raise GenerationError("the spec is not a YAML mapping", file=path, line=1)
    return _plain(document)


def check_spec(path: Path) -> Any:
    """Loads and checks the spec; returns the document when it is usable."""
    document = load_spec(path)
    _check_refs(document, path)
    _check_operation_ids(document, path)
    _check_openapi_schema(document, path)
    return document


def _line_of(path: Path, pointer_parts: list[str | int]) -> int | None:
    """The 1-based line of the deepest node on the pointer path (parsed again, only for errors)."""
    try:
        node = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except Exception:  # the fast parse accepted it; without positions we just say less
        return None
    line: int | None = None
    for part in pointer_parts:
        if isinstance(node, CommentedBase) and hasattr(node, "lc"):
            try:
                found = node.lc.key(part) if isinstance(node, dict) else node.lc.item(part)
                line = found[0] + 1
            except (KeyError, IndexError, TypeError):
                pass
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _pointer(parts: list[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _walk(node: Any, parts: list[str | int]) -> Iterator[tuple[list[str | int], Any]]:
    yield parts, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, [*parts, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, [*parts, index])


def _resolve(document: Any, ref: str) -> bool:
    node = document
    for raw in ref[2:].split("/") if ref != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _check_refs(document: Any, path: Path) -> None:
    for parts, node in _walk(document, []):
        if not isinstance(node, dict) or "$ref" not in node:
            continue
        ref = node["$ref"]
        where = [*parts, "$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise GenerationError(
                f"only local $refs are supported, found {ref!r}",
                file=path,
                line=_line_of(path, where),
                pointer=_pointer(where),
            )
        if not _resolve(document, ref):
            raise GenerationError(
                f"dangling $ref {ref!r}: nothing in the spec has that pointer",
                file=path,
                line=_line_of(path, where),
                pointer=_pointer(where),
            )


def _check_operation_ids(document: Any, path: Path) -> None:
    seen: dict[str, list[str | int]] = {}
    for route, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            where: list[str | int] = ["paths", route, method, "operationId"]
            operation_id = operation.get("operationId")
            if not operation_id:
                raise GenerationError(
                    "operation has no operationId (it names the generated module and functions)",
                    file=path,
                    line=_line_of(path, where[:-1]),
                    pointer=_pointer(where[:-1]),
                )
            if operation_id in seen:
                first = _line_of(path, seen[operation_id])
                raise GenerationError(
                    f"duplicate operationId {operation_id!r} (first used at line {first}, {_pointer(seen[operation_id])})",
                    file=path,
                    line=_line_of(path, where),
                    pointer=_pointer(where),
                )
            seen[operation_id] = where


def _check_openapi_schema(document: Any, path: Path) -> None:
    error = next(iter(OpenAPIV31SpecValidator(document).iter_errors()), None)
    if error is None:
        return
    parts = _locate(document, list(error.absolute_path), error.instance)
    raise GenerationError(
        f"not valid OpenAPI 3.1: {error.message}",
        file=path,
        line=_line_of(path, parts),
        pointer=_pointer(parts),
    )


def _locate(document: Any, relative: list[str | int], instance: Any) -> list[str | int]:
    """The full path of an error the validator reported relative to a nested schema."""
    if _resolve(document, "#" + _pointer(relative)) and _get(document, relative) == instance:
        return relative
    for parts, node in _walk(document, []):
        if len(parts) >= len(relative) and parts[len(parts) - len(relative) :] == relative and node == instance:
            return parts
    return relative


def _get(document: Any, parts: list[str | int]) -> Any:
    node = document
    for part in parts:
        node = node[part]
    return node


def _plain(node: Any) -> Any:
    """Plain dicts with string keys, lists and scalars (YAML allows e.g. integer keys; OpenAPI tools don't)."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node
