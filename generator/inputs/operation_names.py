"""The Python name of every operation: its operationId when that makes a usable module name, else one
derived from its method and path as openapi-python-client derives it (GET /pets/{petId} ->
get_pets_pet_id), so that a spec without operationIds still generates.

A name is a module and the functions in it, so it must be an identifier, not a keyword, and short enough
for a file name. Names are decided in document order and are stable: a name already taken gets the
first free suffix (_2, _3, ...). Every derived or changed name is reported as a notice naming the
operation. A duplicate operationId (which OpenAPI forbids) is refused at its line.
"""

from __future__ import annotations

import hashlib
import keyword
import re
from dataclasses import dataclass

from openapi_python_client.strings import PythonIdentifier

from generator.errors import GenerationError
from generator.notices import Notices
from generator.spec import OperationRef, SpecDocument, format_pointer

__all__ = ["FIELD_PREFIX", "MAX_MODULE_NAME", "OperationNames", "module_problem", "name_operations"]

FIELD_PREFIX = "field_"  # generator/openapi-python-client.yaml's field_prefix
# A file name has at most 255 bytes on common file systems, and Python's cache file adds ~17 to a module's.
MAX_MODULE_NAME = 200
_IDENTIFIER_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class OperationNames:
    """Each operation's Python name, by (path, method); and the name of each operationId written."""

    by_operation: dict[tuple[str, str], str]
    by_id: dict[str, str]  # operationId as written -> its Python name (x-waiter refers to operationIds)
    operations: dict[str, OperationRef]  # Python name -> the operation

    def of(self, operation: OperationRef) -> str:
        return self.by_operation[(operation.path, operation.method)]

    def of_path(self, path: str, method: str) -> str:
        return self.by_operation[(path, method)]

    def with_id(self, operation_id: str) -> OperationRef | None:
        """The operation whose operationId is `operation_id`, if any."""
        name = self.by_id.get(operation_id)
        return None if name is None else self.operations[name]


def module_problem(module: str) -> str | None:
    """Why a module or folder name would not work, as the end of a sentence, or None."""
    size = len(module.encode("utf-8"))
    if size > MAX_MODULE_NAME:
        return f"the module name {module!r} ({size} bytes), longer than the {MAX_MODULE_NAME} a module name may have"
    return None


def _usable(module: str) -> bool:
    return bool(module) and not keyword.iskeyword(module.rstrip("_")) and not module.startswith(FIELD_PREFIX)


def _derived(operation: OperationRef) -> str:
    """openapi-python-client's name for an operation without an operationId."""
    route = operation.path.replace("{", "").replace("}", "").replace("/", "_").strip("_")
    return str(PythonIdentifier(f"{operation.method}_{route}", FIELD_PREFIX))


def name_operations(spec: SpecDocument, problems: list[GenerationError], notices: Notices) -> OperationNames:
    """Names every operation (see the module docstring); refusals go to `problems`.

    operationIds are placed first, so that a derived name never takes the module an operationId names:
    two operationIds that become one module are refused (the spec's author chose both), while a derived
    name that is taken gets a suffix."""
    by_operation: dict[tuple[str, str], str] = {}
    by_id: dict[str, str] = {}
    operations: dict[str, OperationRef] = {}
    derived: list[tuple[OperationRef, str, str]] = []
    for operation in spec.operations():
        where = (*operation.parts, "operationId")
        operation_id = operation.node.get("operationId")
        if operation_id is not None and not isinstance(operation_id, str):
            problems.append(spec.error(f"operationId must be a string, not {type(operation_id).__name__}", where))
            continue
        name, reason = _name(operation, operation_id)
        if not operation_id or reason.endswith(_DERIVED):
            derived.append((operation, name, reason))
            continue
        first = operations.get(name)
        if first is not None:
            first_where = (*first.parts, "operationId")
            what = (
                f"duplicate operationId {operation_id!r}"
                if first.node.get("operationId") == operation_id
                else f"operationId {operation_id!r} becomes module {name!r}, as does {first.node.get('operationId')!r}"
            )
            problems.append(
                spec.error(f"{what} (first at line {spec.line(first_where)}, {format_pointer(first_where)})", where)
            )
            continue
        operations[name] = operation
        by_operation[(operation.path, operation.method)] = name
        by_id[operation_id] = name
        if reason:
            notices.notice(spec.error(f"named {name}: {reason}", where))
    for operation, name, reason in derived:
        if name in operations:
            base, number = name, 2
            while f"{base}_{number}" in operations:
                number += 1
            name = f"{base}_{number}"
            reason += f" ({base} is taken)"
        operations[name] = operation
        by_operation[(operation.path, operation.method)] = name
        operation_id = operation.node.get("operationId")
        if operation_id:
            by_id[operation_id] = name
        where = (*operation.parts, "operationId") if operation_id else operation.parts
        notices.notice(spec.error(f"named {name}: {reason}", where))
    return OperationNames(by_operation, by_id, operations)


_DERIVED = "derived from the method and path instead"


def _name(operation: OperationRef, operation_id: str | None) -> tuple[str, str]:
    """The operation's name before collisions, and why it is not its operationId as written ('' if it is)."""
    if operation_id:
        module = str(PythonIdentifier(operation_id, FIELD_PREFIX))
        unusable = module_problem(module)
        if _usable(module) and unusable is None:
            if _IDENTIFIER_LIKE.match(operation_id):
                return module, ""
            return module, f"operationId {operation_id!r} is not an identifier"
        why = (
            f"operationId {operation_id!r} becomes {unusable}"
            if unusable
            else (f"operationId {operation_id!r} makes no usable module name")
        )
        return _fallback(operation), f"{why}; {_DERIVED}"
    return _fallback(operation), "the operation has no operationId; derived from its method and path"


def _fallback(operation: OperationRef) -> str:
    """The derived name, cut to fit a file name with a digest of the path keeping it unique."""
    name = _derived(operation)
    if module_problem(name) is None:
        return name
    digest = hashlib.sha256(f"{operation.method} {operation.path}".encode()).hexdigest()[:10]
    return name.encode()[: MAX_MODULE_NAME - 11].decode(errors="ignore").rstrip("_") + "_" + digest
