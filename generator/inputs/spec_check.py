"""Reads the spec and rejects what would generate a broken or misleading client.

openapi-python-client reports many of these problems late, vaguely, or not at all; here each one is
named by file, line and JSON pointer before anything is generated. The stages run in order, each on a
document the earlier ones proved sound: strict loading (spec.load_spec), references, the OpenAPI 3.1
schema, then the generator's own rules (operation names, required properties, name clashes, what the
runtime core can send, the vendor extensions), whose problems are all reported together.
"""

from __future__ import annotations

import keyword
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openapi_python_client.schema import OpenAPI
from openapi_python_client.strings import ClassName, PythonIdentifier
from pydantic import ValidationError as PydanticValidationError

from generator import settings
from generator.errors import GenerationError, Problems
from generator.inputs.extensions import Extensions, read_extensions
from generator.inputs.openapi_schema import MAX_ERRORS, SchemaCheck, openapi_version, schema_errors
from generator.inputs.operation_names import FIELD_PREFIX, OperationNames, module_problem, name_operations
from generator.inputs.runtime_support import BodyChoice, check_runtime_support
from generator.notices import Notices
from generator.render.enum_members import enum_members
from generator.spec import Part, SpecDocument, load_spec

__all__ = ["CheckedSpec", "check_spec", "normal_tag", "openapi_version"]


@dataclass(frozen=True)
class CheckedSpec:
    """A spec that passed every check: its OpenAPI version ("3.0" or "3.1"), each operation's Python name,
    the validated extensions of each operation generated (by name), and the operations left out."""

    document: SpecDocument
    version: str
    names: OperationNames
    extensions: dict[str, Extensions]
    omitted: frozenset[tuple[str, str]] = frozenset()  # (path, method)
    bodies: dict[tuple[str, str], BodyChoice] = field(default_factory=dict)  # the request body each one sends

    @property
    def data(self) -> dict[str, Any]:
        return self.document.data

    @property
    def path(self) -> Path:
        return self.document.path


def check_spec(
    spec: SpecDocument | Path,
    *,
    ignore_extensions: tuple[str, ...] = (),
    notices: Notices | None = None,
    schema_check: SchemaCheck | None = None,
) -> CheckedSpec:
    """Checks the spec (loading it first when given a path); returns it when every check passes.

    What generates nothing but does not stop the build (a derived name, a part left out) goes to `notices`.
    """
    if isinstance(spec, Path):
        spec = load_spec(spec)
    notices = notices if notices is not None else Notices()
    version = openapi_version(spec)
    mappings = _Mappings.of(spec.data)
    _check_refs(spec, mappings)
    problems: list[GenerationError] = []
    names = name_operations(spec, problems, notices)  # before the validator, which names duplicates without a line
    if problems:
        raise Problems.of(problems)
    _check_openapi_schema(spec, version, notices, schema_check)
    problems.extend(_required_properties(spec, mappings))
    problems.extend(_name_clashes(spec, mappings))
    problems.extend(_module_names(spec))
    _enum_member_names(spec, mappings, notices)
    support = check_runtime_support(spec, notices)
    omitted = support.omitted
    extensions: dict[str, Extensions] = {}
    for operation in spec.operations():
        if (operation.path, operation.method) in omitted:
            continue
        try:
            extensions[names.of(operation)] = read_extensions(spec, operation, names, ignore_extensions)
        except GenerationError as error:
            problems.append(error)
    if problems:
        raise Problems.of(problems)
    notices.refuse_warnings()
    return CheckedSpec(spec, version, names, extensions, omitted, support.bodies)


@dataclass(frozen=True)
class _Mappings:
    """Every mapping of the document with its path, found in one walk: the checks below read these lists
    instead of walking the document again (a large spec has hundreds of thousands of values)."""

    refs: list[tuple[tuple[Part, ...], dict[str, Any]]]  # holding a $ref
    objects: list[tuple[tuple[Part, ...], dict[str, Any]]]  # a schema with properties, outside examples
    enums: list[tuple[tuple[Part, ...], dict[str, Any]]]  # a schema with an enum, outside what generates nothing

    @classmethod
    def of(cls, data: Any) -> _Mappings:
        found = cls([], [], [])
        for parts, node in _walk(data):
            if not isinstance(node, dict):
                continue
            if "$ref" in node:
                found.refs.append((parts, node))
            if isinstance(node.get("properties"), dict) and "example" not in parts:
                found.objects.append((parts, node))
            if isinstance(node.get("enum"), list) and not _generates_nothing(parts):
                found.enums.append((parts, node))
        return found


def _walk(node: Any, parts: tuple[Part, ...] = ()) -> Iterator[tuple[tuple[Part, ...], Any]]:
    """Every value with its path (the loader bounds the depth, so recursion is safe)."""
    yield parts, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*parts, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*parts, index))


def _generates_nothing(parts: tuple[Part, ...]) -> bool:
    """Whether a value at `parts` is data or documentation the generator never reads: an example, a vendor
    extension, a callback or webhook (what the API calls, not what the client calls)."""
    return any(
        part in ("example", "examples", "callbacks", "webhooks") or (isinstance(part, str) and part.startswith("x-"))
        for part in parts
    )


def _check_refs(spec: SpecDocument, mappings: _Mappings) -> None:
    """Every $ref the generator follows is local and resolves, and no chain of $refs leads back to itself."""
    for parts, node in mappings.refs:
        if (parts and parts[-1] == "properties") or _generates_nothing(parts):
            continue  # a property named "$ref", an example or documentation is data
        spec.deref(node, parts)


def _check_openapi_schema(spec: SpecDocument, version: str, notices: Notices, schema_check: SchemaCheck | None) -> None:
    """The document against the OpenAPI schema of its version (openapi_schema: in the background when the
    command line started a `schema_check`).

    A document that breaks the schema but still has the structure openapi-python-client reads (a keyword
    of the other version, a field that OpenAPI does not define, a default of the wrong type) generates as
    stock openapi-python-client would generate it, with each problem as a warning; one whose structure
    it cannot read (a response given as a string, an unknown type) is refused at its line."""
    try:
        if schema_check is None:
            errors = schema_errors(spec.data, version)
        else:
            errors = schema_check.result(spec.data, version, timeout=settings.VERIFY_TIMEOUT)
    except GenerationError as failure:
        raise GenerationError(failure.message, file=spec.path) from None
    if not errors:
        return
    located = [(_locate(spec, error.path, error.instance, error.schema), error) for error in errors]
    if not _readable_by_upstream(spec.data):
        parts, error = located[0]
        raise spec.error(f"not valid OpenAPI {version}: {_first_line(error.message)}", parts)
    for parts, error in located[: MAX_ERRORS - 1]:
        notices.warning(
            spec.error(
                f"not valid OpenAPI {version}: {_first_line(error.message)}; read as openapi-python-client reads it",
                parts,
            )
        )
    if len(located) >= MAX_ERRORS:
        notices.warning(spec.error(f"not valid OpenAPI {version} in more places than these", ()))


def _first_line(message: str) -> str:
    line = message.splitlines()[0] if message else ""
    return line if len(line) <= 200 else line[:197] + "..."


def _readable_by_upstream(data: dict[str, Any]) -> bool:
    """Whether openapi-python-client's own model of an OpenAPI document accepts `data`."""
    try:
        OpenAPI.model_validate(data)
    except (PydanticValidationError, RecursionError):
        return False
    return True


def _locate(spec: SpecDocument, relative: list[Part], instance: Any, schema: Any = None) -> list[Part]:
    """The full path of an error the validator reported relative to a nested schema.

    An error with no path of its own (a schema's default that breaks the schema) is placed at the schema
    the validator names: its `default` when that is the value at fault."""
    if not relative and isinstance(schema, dict):
        for parts, node in _walk(spec.data):
            if node == schema and not _generates_nothing(parts):
                return [*parts, "default"] if "default" in node and node["default"] == instance else list(parts)
    for parts, node in _walk(spec.data):
        if len(parts) >= len(relative) and list(parts[len(parts) - len(relative) :]) == relative and node == instance:
            return list(parts)
    return relative


def _required_properties(spec: SpecDocument, mappings: _Mappings) -> Iterator[GenerationError]:
    """A required property the schema does not define is most likely a misspelt one. A schema that takes
    properties from elsewhere (a $ref beside it, allOf, anyOf, oneOf) is not judged."""
    for parts, schema in mappings.objects:
        required = schema.get("required")
        if not isinstance(required, list) or any(key in schema for key in ("$ref", "allOf", "anyOf", "oneOf")):
            continue
        for index, name in enumerate(required):
            if name not in schema["properties"]:
                known = ", ".join(schema["properties"]) or "none"
                yield spec.error(
                    f"required property {name!r} is not defined in properties (defined: {known})",
                    (*parts, "required", index),
                )


def _enum_member_names(spec: SpecDocument, mappings: _Mappings, notices: Notices) -> None:
    """A notice for each enum value whose member name had to differ from the one it would be given (another
    value of the enum took it): the value itself is kept as written."""
    for parts, node in mappings.enums:
        values = [value for value in node["enum"] if isinstance(value, str | int) and not isinstance(value, bool)]
        if len(values) != len(node["enum"]) - node["enum"].count(None):
            continue  # mixed types: openapi-python-client names the schema
        names = node.get("x-enum-varnames")
        positions = [index for index, value in enumerate(node["enum"]) if value is not None]
        for (name, value, wanted), index in zip(
            enum_members(values, names if isinstance(names, list) else ()), positions, strict=True
        ):
            if name != wanted:
                notices.notice(
                    spec.error(
                        f"enum value {value!r} is the member {name}: {wanted} is taken by another value",
                        (*parts, "enum", index),
                    )
                )


def _keeps_its_name(first: str, second: str) -> bool:
    """Whether openapi-python-client resolves a clash of two names by keeping both as written (mixedCase and
    mixed_case): it can when both are identifiers."""
    return all(name.isidentifier() and not keyword.iskeyword(name) for name in (first, second))


def _name_clashes(spec: SpecDocument, mappings: _Mappings) -> Iterator[GenerationError]:
    """Properties of one schema, or parameters of one operation, that become the same Python name and
    cannot keep their own (see `_keeps_its_name`)."""
    for parts, schema in mappings.objects:
        seen: dict[str, str] = {}
        for name in schema["properties"]:
            python = str(PythonIdentifier(name, FIELD_PREFIX))
            if python in seen and not _keeps_its_name(seen[python], name):
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
            if python in seen and seen[python] != name and not _keeps_its_name(seen[python], name):
                yield spec.error(
                    f"parameters {seen[python]!r} and {name!r} both become the argument {python!r}",
                    (*operation.parts, "parameters", index),
                )
            seen[python] = name


def normal_tag(tag: str) -> str:
    """A tag as the generator hands it to openapi-python-client (which names a folder after it): in NFKC
    form, the one Python reads identifiers in, so that `import` finds the folder ("ﬁle" -> "file")."""
    return unicodedata.normalize("NFKC", tag)


def _module_names(spec: SpecDocument) -> Iterator[GenerationError]:
    """Tags name folders and component schemas name modules and classes: each name must fit a file name,
    and no two schemas may become one class or module (openapi-python-client would refuse one of them)."""
    seen_tags: set[str] = set()
    for operation in spec.operations():
        tags = operation.node.get("tags")
        if not (isinstance(tags, list) and tags and isinstance(tags[0], str)) or tags[0] in seen_tags:
            continue
        seen_tags.add(tags[0])
        unusable = module_problem(str(PythonIdentifier(normal_tag(tags[0]), "tag")))
        if unusable is not None:
            yield spec.error(f"tag {tags[0]!r} becomes {unusable}", (*operation.parts, "tags", 0))
    schemas = (spec.data.get("components") or {}).get("schemas")
    taken: dict[str, str] = {}  # class or module name -> the schema that took it
    for name in schemas if isinstance(schemas, dict) else {}:
        where = ("components", "schemas", name)
        class_name = str(ClassName(name, FIELD_PREFIX))
        module = str(PythonIdentifier(class_name, FIELD_PREFIX))
        unusable = module_problem(module)
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
