"""Reads the spec and rejects what would generate a broken or misleading client.

openapi-python-client reports many of these problems late, vaguely, or not at all; here each one is
named by file, line and JSON pointer before anything is generated. The stages run in order, each on a
document the earlier ones proved sound: strict loading (spec.load_spec), references, the OpenAPI 3.1
schema, then the generator's own rules (operation names, required properties, name clashes, what the
runtime core can send, the vendor extensions), whose problems are all reported together.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openapi_python_client.strings import ClassName, PythonIdentifier
from openapi_spec_validator import OpenAPIV31SpecValidator

from generator.errors import GenerationError, Problems
from generator.inputs.extensions import Extensions, read_extensions
from generator.inputs.runtime_support import check_runtime_support
from generator.spec import OperationRef, Part, SpecDocument, format_pointer, load_spec

__all__ = ["MAX_MODULE_NAME", "CheckedSpec", "check_spec", "normal_tag"]

FIELD_PREFIX = "field_"  # generator/openapi-python-client.yaml's field_prefix
_OPERATION_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
# A file name has at most 255 bytes on common file systems, and Python's cache file adds ~17 to a module's.
MAX_MODULE_NAME = 200


@dataclass(frozen=True)
class CheckedSpec:
    """A spec that passed every check, with each operation's validated extensions (by operationId)."""

    document: SpecDocument
    extensions: dict[str, Extensions]

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    @property
    def path(self) -> Path:
        return self.document.path


def check_spec(spec: SpecDocument | Path, *, ignore_extensions: tuple[str, ...] = ()) -> CheckedSpec:
    """Checks the spec (loading it first when given a path); returns it when every check passes."""
    if isinstance(spec, Path):
        spec = load_spec(spec)
    _check_refs(spec)
    problems: list[GenerationError] = []
    by_id = _operation_ids(spec, problems)  # before the validator, which names duplicates without a line
    if problems:
        raise Problems.of(problems)
    _check_openapi_schema(spec)
    problems.extend(_required_properties(spec))
    problems.extend(_name_clashes(spec))
    problems.extend(_module_names(spec))
    problems.extend(check_runtime_support(spec))
    extensions: dict[str, Extensions] = {}
    for operation_id, operation in by_id.items():
        try:
            extensions[operation_id] = read_extensions(spec, operation, by_id, ignore_extensions)
        except GenerationError as error:
            problems.append(error)
    if problems:
        raise Problems.of(problems)
    return CheckedSpec(spec, extensions)


def _walk(node: Any, parts: tuple[Part, ...] = ()) -> Iterator[tuple[tuple[Part, ...], Any]]:
    """Every value with its path (the loader bounds the depth, so recursion is safe)."""
    yield parts, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*parts, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*parts, index))


def _check_refs(spec: SpecDocument) -> None:
    """Every $ref is local and resolves, and no chain of $refs leads back to itself."""
    for parts, node in _walk(spec.data):
        if isinstance(node, dict) and "$ref" in node:
            if (parts and parts[-1] == "properties") or "example" in parts or "examples" in parts:
                continue  # a property named "$ref", or an example, is data
            spec.deref(node, parts)


def _check_openapi_schema(spec: SpecDocument) -> None:
    try:
        error = next(iter(OpenAPIV31SpecValidator(spec.data).iter_errors()), None)
    except RecursionError:
        raise GenerationError("the OpenAPI validator recursed without end (a $ref cycle?)", file=spec.path) from None
    if error is None:
        return
    parts = _locate(spec, list(error.absolute_path), error.instance)
    raise spec.error(f"not valid OpenAPI 3.1: {str(error.message).splitlines()[0]}", parts)


def _locate(spec: SpecDocument, relative: list[Part], instance: Any) -> list[Part]:
    """The full path of an error the validator reported relative to a nested schema."""
    for parts, node in _walk(spec.data):
        if len(parts) >= len(relative) and list(parts[len(parts) - len(relative) :]) == relative and node == instance:
            return list(parts)
    return relative


def _operation_ids(spec: SpecDocument, problems: list[GenerationError]) -> dict[str, OperationRef]:
    """Operations by operationId; each id names a module and functions, so it must be a usable name."""
    by_id: dict[str, OperationRef] = {}
    modules: dict[str, OperationRef] = {}
    for operation in spec.operations():
        where = (*operation.parts, "operationId")
        operation_id = operation.node.get("operationId")
        if operation_id is not None and not isinstance(operation_id, str):
            problems.append(spec.error(f"operationId must be a string, not {type(operation_id).__name__}", where))
            continue
        if not operation_id:
            problems.append(spec.error("operation has no operationId (it names the generated module)", operation.parts))
            continue
        if not _OPERATION_ID.match(operation_id):
            problems.append(
                spec.error(
                    f"operationId {operation_id!r} must start with a letter and hold only letters, digits, _ . -",
                    where,
                )
            )
            continue
        module = str(PythonIdentifier(operation_id, FIELD_PREFIX))
        if keyword.iskeyword(module.rstrip("_")) or module.startswith(FIELD_PREFIX):
            problems.append(spec.error(f"operationId {operation_id!r} is not usable as a module name", where))
            continue
        unusable = _module_problem(module)
        if unusable is not None:
            problems.append(spec.error(f"operationId {operation_id!r} becomes {unusable}", where))
            continue
        first = by_id.get(operation_id) or modules.get(module)
        if first is not None:
            first_where = (*first.parts, "operationId")
            what = (
                f"duplicate operationId {operation_id!r}"
                if first.node["operationId"] == operation_id
                else f"operationId {operation_id!r} becomes module {module!r}, as does {first.node['operationId']!r}"
            )
            problems.append(
                spec.error(f"{what} (first at line {spec.line(first_where)}, {format_pointer(first_where)})", where)
            )
            continue
        by_id[operation_id] = operation
        modules[module] = operation
    return by_id


def _schemas(spec: SpecDocument) -> Iterator[tuple[tuple[Part, ...], dict[str, Any]]]:
    """Every object schema with properties, wherever it is written (components, inline)."""
    for parts, node in _walk(spec.data):
        if isinstance(node, dict) and isinstance(node.get("properties"), dict) and "example" not in parts:
            yield parts, node


def _required_properties(spec: SpecDocument) -> Iterator[GenerationError]:
    for parts, schema in _schemas(spec):
        required = schema.get("required")
        if not isinstance(required, list):
            continue
        for index, name in enumerate(required):
            if name not in schema["properties"]:
                known = ", ".join(schema["properties"]) or "none"
                yield spec.error(
                    f"required property {name!r} is not defined in properties (defined: {known})",
                    (*parts, "required", index),
                )


def _name_clashes(spec: SpecDocument) -> Iterator[GenerationError]:
    """Properties of one schema, or parameters of one operation, that become the same Python name."""
    for parts, schema in _schemas(spec):
        seen: dict[str, str] = {}
        for name in schema["properties"]:
            python = str(PythonIdentifier(name, FIELD_PREFIX))
            if python in seen:
                yield spec.error(
                    f"properties {seen[python]!r} and {name!r} both become the attribute {python!r}",
                    (*parts, "properties", name),
                )
            seen[python] = name
    for operation in spec.operations():
        seen = {}
        for index, parameter in enumerate(operation.node.get("parameters") or []):
            parameter, _ = spec.deref(parameter, (*operation.parts, "parameters", index))
            name = parameter.get("name") if isinstance(parameter, dict) else None
            if not isinstance(name, str):
                continue
            python = str(PythonIdentifier(name, FIELD_PREFIX))
            if python in seen and seen[python] != name:
                yield spec.error(
                    f"parameters {seen[python]!r} and {name!r} both become the argument {python!r}",
                    (*operation.parts, "parameters", index),
                )
            seen[python] = name


def normal_tag(tag: str) -> str:
    """A tag as the generator hands it to openapi-python-client (which names a folder after it): in NFKC
    form, the one Python reads identifiers in, so that `import` finds the folder ("ﬁle" -> "file")."""
    return unicodedata.normalize("NFKC", tag)


def _module_problem(module: str) -> str | None:
    """Why a module or folder name would not work, as the end of a sentence, or None."""
    size = len(module.encode("utf-8"))
    if size > MAX_MODULE_NAME:
        return f"the module name {module!r} ({size} bytes), longer than the {MAX_MODULE_NAME} a module name may have"
    return None


def _module_names(spec: SpecDocument) -> Iterator[GenerationError]:
    """Tags name folders and component schemas name modules and classes: each name must fit a file name,
    and no two schemas may become one class or module (openapi-python-client would refuse one of them)."""
    seen_tags: set[str] = set()
    for operation in spec.operations():
        tags = operation.node.get("tags")
        if not (isinstance(tags, list) and tags and isinstance(tags[0], str)) or tags[0] in seen_tags:
            continue
        seen_tags.add(tags[0])
        unusable = _module_problem(str(PythonIdentifier(normal_tag(tags[0]), "tag")))
        if unusable is not None:
            yield spec.error(f"tag {tags[0]!r} becomes {unusable}", (*operation.parts, "tags", 0))
    schemas = (spec.data.get("components") or {}).get("schemas")
    taken: dict[str, str] = {}  # class or module name -> the schema that took it
    for name in schemas if isinstance(schemas, dict) else {}:
        where = ("components", "schemas", name)
        class_name = str(ClassName(name, FIELD_PREFIX))
        module = str(PythonIdentifier(class_name, FIELD_PREFIX))
        unusable = _module_problem(module)
        if unusable is not None:
            yield spec.error(f"schema {name!r} becomes {unusable}", where)
        for kind, taken_name in (("class", class_name), ("module", module)):
            first = taken.get(f"{kind} {taken_name}")
            if first is not None:
                yield spec.error(
                    f"schemas {first!r} and {name!r} both become the {kind} {taken_name!r} "
                    f"(first at line {spec.line(('components', 'schemas', first))})",
                    where,
                )
                break
        else:
            taken[f"class {class_name}"] = taken[f"module {module}"] = name
