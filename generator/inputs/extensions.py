"""The vendor extensions the generator reads, their schema, and their validation against the spec.

Each extension on an operation is checked for shape (every key known, each of the right type, the
required ones present) and for its cross-references (the named operation exists; the named parameters
and fields exist in the request or response with the right types) before anything is rendered, and is
returned as a typed value. An `x-` key on an operation that is not listed here is refused, unless the
API config lists it under `ignore_extensions` (documentation-only extensions).

The schema is documented in templates/README.md ("Vendor extensions"); a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.inputs.operation_names import OperationNames
from generator.spec import OperationRef, Part, SpecDocument

__all__ = [
    "DOCUMENTATION_ONLY",
    "EXTENSIONS",
    "CursorPaging",
    "Extensions",
    "PageNumberPaging",
    "Permissions",
    "RetrySafety",
    "Waiter",
    "near_miss",
    "read_extensions",
]

IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete", "trace"})


@dataclass(frozen=True)
class Field:
    name: str
    kind: type | tuple[type, ...]
    required: bool
    doc: str


_REDIRECT_DOC = (
    "a field a page may carry instead of its items, naming where the server put them (e.g. a download "
    "URL); the pager raises RedirectedPageError on such a page instead of taking it for an empty one"
)

# extension -> {style or "" -> fields}
EXTENSIONS: dict[str, dict[str, tuple[Field, ...]]] = {
    "x-pagination": {
        "cursor": (
            Field("style", str, True, '"cursor": each page names the next by an opaque cursor'),
            Field("cursorParameter", str, True, "the query parameter that takes a page's cursor"),
            Field("cursorField", str, True, "the string field of the 200 response holding the next cursor"),
            Field("itemsField", str, True, "the array field of the 200 response holding the page's items"),
            Field("redirectField", str, False, _REDIRECT_DOC),
        ),
        "page-number": (
            Field("style", str, True, '"page-number": pages are numbered from 1'),
            Field("pageNumberField", str, True, "the integer field of the JSON request body that selects the page"),
            Field("pageCountField", str, True, "the integer field of the 200 response giving the number of pages"),
            Field("itemsField", str, True, "the array field of the 200 response holding the page's items"),
            Field("redirectField", str, False, _REDIRECT_DOC),
        ),
    },
    "x-waiter": {
        "": (
            Field("statusOperation", str, True, "the operationId polled for the state"),
            Field("idField", str, True, "the string field of this operation's 2xx response holding the id"),
            Field("idParameter", str, True, "the path parameter of the status operation that takes the id"),
            Field("stateField", str, True, "the string field of the status operation's 2xx response"),
            Field("success", list, True, "the states that end the wait successfully"),
            Field("failure", list, True, "the states that end it with WaitFailedError"),
            Field("pending", list, True, "the states in which to keep polling"),
        ),
    },
    "x-retry-safe": {
        "": (
            Field("safe", bool, True, "whether resending after a dropped connection or a 5xx is harmless"),
            Field("reason", str, True, "why: what a repeated request does on the server"),
        ),
    },
    "x-inin-requires-permissions": {
        "": (
            Field("type", str, True, '"ALL" or "ANY" of the permissions'),
            Field("permissions", list, True, "the permission names the operation requires"),
        ),
    },
}


# Extensions the generator allows but does not render: (type, what they hold).
DOCUMENTATION_ONLY: dict[str, tuple[type, str]] = {
    "x-docs-description": (str, "the reference page's further paragraphs, kept verbatim by docs-diff --fix"),
}


@dataclass(frozen=True, kw_only=True)
class _Paging:
    items_field: str
    redirect_field: str | None = None


@dataclass(frozen=True, kw_only=True)
class CursorPaging(_Paging):
    cursor_parameter: str
    cursor_field: str


@dataclass(frozen=True, kw_only=True)
class PageNumberPaging(_Paging):
    page_number_field: str
    page_count_field: str


@dataclass(frozen=True)
class Waiter:
    status_operation: str  # the Python name of the operation polled
    id_field: str
    id_parameter: str
    state_field: str
    success: tuple[str, ...]
    failure: tuple[str, ...]
    pending: tuple[str, ...]


@dataclass(frozen=True)
class RetrySafety:
    safe: bool
    reason: str


@dataclass(frozen=True)
class Permissions:
    type: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Extensions:
    pagination: CursorPaging | PageNumberPaging | None
    waiter: Waiter | None
    retry: RetrySafety
    permissions: Permissions | None


def _fields(spec: SpecDocument, value: Any, name: str, parts: tuple[Part, ...]) -> dict[str, Any]:
    """The extension's mapping, checked against its schema (the style picks the field set)."""
    styles = EXTENSIONS[name]
    if not isinstance(value, dict):
        raise spec.error(f"{name} must be a mapping, not {type(value).__name__}", parts)
    if "" in styles:
        fields = styles[""]
    else:
        style = value.get("style")
        if style not in styles:
            where = (*parts, "style") if "style" in value else parts
            raise spec.error(f"{name}.style must be one of {', '.join(map(repr, styles))}, not {style!r}", where)
        fields = styles[style]
    known = {field.name: field for field in fields}
    for key, item in value.items():
        field = known.get(key)
        if field is None:
            raise spec.error(f"{name} has no key {key!r} (known: {', '.join(known)})", (*parts, key))
        if not isinstance(item, field.kind) or isinstance(item, bool) != (field.kind is bool):
            kind = field.kind.__name__ if isinstance(field.kind, type) else "value"
            raise spec.error(f"{name}.{key} must be a {kind}, not {type(item).__name__}", (*parts, key))
        if field.kind is list and not all(isinstance(entry, str) and entry for entry in item):
            raise spec.error(f"{name}.{key} must be a list of non-empty strings", (*parts, key))
        if field.kind is str and not item:
            raise spec.error(f"{name}.{key} must not be empty", (*parts, key))
    for field in fields:
        if field.required and field.name not in value:
            raise spec.error(f"{name} needs {field.name!r}: {field.doc}", parts)
    return value


def near_miss(key: str) -> str | None:
    """The extension of ours that `key` looks like a misspelling of (x-paginaton -> x-pagination), or None.

    Extensions of other tools are ignored, but one a few letters away from ours (two, or a quarter of the
    name) is almost certainly ours mistyped, which would silently drop a helper."""
    if key in EXTENSIONS or key in DOCUMENTATION_ONLY or not key.startswith("x-"):
        return None
    lowered = key.lower().replace("_", "-")
    for ours in (*EXTENSIONS, *DOCUMENTATION_ONLY):
        if lowered == ours or _distance(lowered, ours) <= max(2, len(ours) // 4):
            return ours
    return None


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (the strings are short extension names)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def read_extensions(
    spec: SpecDocument, operation: OperationRef, names: OperationNames, ignored: Sequence[str] = ()
) -> Extensions:
    """The operation's extensions, validated and cross-referenced; GenerationError at the first problem.

    Only the generator's own extensions are read; another tool's (`x-swagger-router-controller`) is ignored,
    unless it is so close to one of ours that it must be a misspelling of it."""
    node, parts = operation.node, operation.parts
    for key, value in node.items():
        if key in DOCUMENTATION_ONLY:
            kind, _ = DOCUMENTATION_ONLY[key]
            if not isinstance(value, kind):
                raise spec.error(f"{key} must be a {kind.__name__}, not {type(value).__name__}", (*parts, key))
            continue
        meant = near_miss(key) if key not in ignored else None
        if meant is not None:
            raise spec.error(
                f"unknown extension {key!r}: did you mean {meant!r}? (extensions of other tools are ignored, but "
                "this one is too close to the generator's own; list it under ignore_extensions in the API config "
                "if it is not a misspelling)",
                (*parts, key),
            )
    pagination = None
    if "x-pagination" in node:
        pagination = _pagination(
            spec, operation, _fields(spec, node["x-pagination"], "x-pagination", (*parts, "x-pagination"))
        )
    waiter = None
    if "x-waiter" in node:
        waiter = _waiter(spec, operation, names, _fields(spec, node["x-waiter"], "x-waiter", (*parts, "x-waiter")))
    return Extensions(pagination, waiter, _retry(spec, operation), _permissions(spec, operation))


def _retry(spec: SpecDocument, operation: OperationRef) -> RetrySafety:
    where = (*operation.parts, "x-retry-safe")
    value = operation.node.get("x-retry-safe")
    idempotent = operation.method in IDEMPOTENT_METHODS
    if value is None:
        reason = f"{operation.method.upper()} is idempotent" if idempotent else f"{operation.method.upper()} may write"
        return RetrySafety(idempotent, reason)
    fields = _fields(spec, value, "x-retry-safe", where)
    return RetrySafety(fields["safe"], " ".join(fields["reason"].split()))


def _permissions(spec: SpecDocument, operation: OperationRef) -> Permissions | None:
    name = "x-inin-requires-permissions"
    if name not in operation.node:
        return None
    where = (*operation.parts, name)
    fields = _fields(spec, operation.node[name], name, where)
    if fields["type"] not in ("ALL", "ANY"):
        raise spec.error(f"{name}.type must be 'ALL' or 'ANY', not {fields['type']!r}", (*where, "type"))
    return Permissions(fields["type"], tuple(fields["permissions"]))


# -- cross-references ------------------------------------------------------------------------------


def _schema_type(schema: Any) -> set[str]:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return (
        {kind}
        if isinstance(kind, str)
        else {k for k in kind if isinstance(k, str)}
        if isinstance(kind, list)
        else set()
    )


def _properties(
    spec: SpecDocument, schema: Any, parts: tuple[Part, ...]
) -> tuple[dict[str, tuple[Any, tuple[Part, ...]]], tuple[Part, ...]]:
    """The properties of an object schema (its allOf parts merged), each dereferenced, with its path;
    and the path of the schema itself once dereferenced."""
    schema, parts = spec.deref(schema, parts)
    found: dict[str, tuple[Any, tuple[Part, ...]]] = {}
    if not isinstance(schema, dict):
        return found, parts
    for index, part in enumerate(schema.get("allOf") or []):
        found.update(_properties(spec, part, (*parts, "allOf", index))[0])
    for name, value in (schema.get("properties") or {}).items():
        found[name] = spec.deref(value, (*parts, "properties", name))
    return found, parts


def _json_schema(container: Any) -> Any:
    content = container.get("content") if isinstance(container, dict) else None
    media = content.get("application/json") if isinstance(content, dict) else None
    return media.get("schema") if isinstance(media, dict) else None


def _success_schemas(
    spec: SpecDocument, operation: OperationRef, only: str | None = None
) -> list[tuple[Any, tuple[Part, ...]]]:
    found = []
    for status, response in (operation.node.get("responses") or {}).items():
        if not (str(status).startswith("2") and (only is None or str(status) == only)):
            continue
        where = (*operation.parts, "responses", status)
        response, where = spec.deref(response, where)
        schema = _json_schema(response)
        if schema is not None:
            found.append((schema, (*where, "content", "application/json", "schema")))
    return found


def _require_field(
    spec: SpecDocument,
    schemas: list[tuple[Any, tuple[Part, ...]]],
    name: str,
    kind: str,
    where: tuple[Part, ...],
    what: str,
    check: Callable[[Any], None] | None = None,
) -> None:
    if not schemas:
        raise spec.error(f"{what} names {name!r}, but the operation has no JSON response or body to find it in", where)
    for schema, written_at in schemas:
        properties, parts = _properties(spec, schema, written_at)
        if name not in properties:
            known = ", ".join(sorted(properties)) or "none"
            raise spec.error(
                f"{what} names {name!r}, which is not a property of {_pointer_name(parts)} (it has: {known})", where
            )
        property_schema, property_parts = properties[name]
        if kind not in _schema_type(property_schema):
            raise spec.error(
                f"{what} names {name!r}, which must be of type {kind} ({_pointer_name(property_parts)})", where
            )
        if check is not None:
            check(property_schema)


def _pointer_name(parts: tuple[Part, ...]) -> str:
    if len(parts) >= 3 and parts[0] == "components" and parts[1] == "schemas":
        return str(parts[2])
    return "the schema at " + "/".join(str(p) for p in parts)


def _parameters(spec: SpecDocument, operation: OperationRef) -> dict[tuple[str, str], tuple[Any, tuple[Part, ...]]]:
    """(location, name) -> the parameter, with path-item parameters the operation does not override."""
    found: dict[tuple[str, str], tuple[Any, tuple[Part, ...]]] = {}
    item = spec.data["paths"][operation.path]
    sources = [
        (item.get("parameters") or [], ("paths", operation.path, "parameters")),
        (operation.node.get("parameters") or [], (*operation.parts, "parameters")),
    ]
    for parameters, base in sources:
        for index, parameter in enumerate(parameters):
            resolved, where = spec.deref(parameter, (*base, index))
            if isinstance(resolved, dict):
                found[(str(resolved.get("in")), str(resolved.get("name")))] = (resolved, where)
    return found


def _pagination(spec: SpecDocument, operation: OperationRef, fields: dict[str, Any]) -> CursorPaging | PageNumberPaging:
    where = (*operation.parts, "x-pagination")
    responses = _success_schemas(spec, operation, only="200")
    if not responses:
        raise spec.error("x-pagination needs a 200 response with a JSON body (the page)", where)
    _require_field(spec, responses, fields["itemsField"], "array", (*where, "itemsField"), "x-pagination.itemsField")
    if "redirectField" in fields:
        _check_redirect(spec, responses, fields["redirectField"], (*where, "redirectField"))
    items: dict[str, Any] = {"items_field": fields["itemsField"], "redirect_field": fields.get("redirectField")}
    if fields["style"] == "cursor":
        parameter = _parameters(spec, operation).get(("query", fields["cursorParameter"]))
        if parameter is None:
            raise spec.error(
                f"x-pagination.cursorParameter names {fields['cursorParameter']!r}, which is not a query parameter "
                "of the operation",
                (*where, "cursorParameter"),
            )
        schema, _ = spec.deref(parameter[0].get("schema"), (*parameter[1], "schema"))
        if "string" not in _schema_type(schema):
            raise spec.error(
                f"the cursor parameter {fields['cursorParameter']!r} must be of type string",
                (*where, "cursorParameter"),
            )
        _require_field(
            spec, responses, fields["cursorField"], "string", (*where, "cursorField"), "x-pagination.cursorField"
        )
        return CursorPaging(cursor_parameter=fields["cursorParameter"], cursor_field=fields["cursorField"], **items)
    body = operation.node.get("requestBody")
    body_schemas = []
    if body is not None:
        resolved, body_parts = spec.deref(body, (*operation.parts, "requestBody"))
        schema = _json_schema(resolved)
        if schema is not None:
            body_schemas.append((schema, (*body_parts, "content", "application/json", "schema")))
    _require_field(
        spec,
        body_schemas,
        fields["pageNumberField"],
        "integer",
        (*where, "pageNumberField"),
        "x-pagination.pageNumberField",
    )
    _require_field(
        spec, responses, fields["pageCountField"], "integer", (*where, "pageCountField"), "x-pagination.pageCountField"
    )
    return PageNumberPaging(
        page_number_field=fields["pageNumberField"], page_count_field=fields["pageCountField"], **items
    )


def _check_redirect(
    spec: SpecDocument, responses: list[tuple[Any, tuple[Part, ...]]], name: str, where: tuple[Part, ...]
) -> None:
    """The redirect field is a string property of the page, or the page keeps fields it does not list."""
    for schema, written_at in responses:
        properties, parts = _properties(spec, schema, written_at)
        if name in properties:
            if "string" not in _schema_type(properties[name][0]):
                raise spec.error(f"x-pagination.redirectField names {name!r}, which must be of type string", where)
            continue
        resolved, _ = spec.deref(schema, written_at)
        if isinstance(resolved, dict) and resolved.get("additionalProperties") is False:
            raise spec.error(
                f"x-pagination.redirectField names {name!r}, which {_pointer_name(parts)} neither lists nor keeps "
                "(additionalProperties: false)",
                where,
            )


def _waiter(spec: SpecDocument, operation: OperationRef, names: OperationNames, fields: dict[str, Any]) -> Waiter:
    where = (*operation.parts, "x-waiter")
    status = names.with_id(fields["statusOperation"])
    if status is None:
        raise spec.error(
            f"x-waiter.statusOperation names {fields['statusOperation']!r}, which is no operationId of the spec",
            (*where, "statusOperation"),
        )
    if ("path", fields["idParameter"]) not in _parameters(spec, status):
        raise spec.error(
            f"x-waiter.idParameter names {fields['idParameter']!r}, which is not a path parameter of {fields['statusOperation']}",
            (*where, "idParameter"),
        )
    _require_field(
        spec, _success_schemas(spec, operation), fields["idField"], "string", (*where, "idField"), "x-waiter.idField"
    )
    states: dict[str, str] = {}
    for group in ("success", "failure", "pending"):
        for state in fields[group]:
            if state in states:
                raise spec.error(f"x-waiter state {state!r} is in both {states[state]} and {group}", (*where, group))
            states[state] = group
    if not fields["success"]:
        raise spec.error("x-waiter.success must list at least one state", (*where, "success"))

    def covers_enum(schema: Any) -> None:
        enum = schema.get("enum") if isinstance(schema, dict) else None
        if not isinstance(enum, list):
            return
        for state in states:
            if state not in enum:
                raise spec.error(
                    f"x-waiter state {state!r} is not a value of {fields['stateField']} ({', '.join(map(str, enum))})",
                    where,
                )
        for value in enum:
            if value not in states:
                raise spec.error(
                    f"{fields['stateField']} value {value!r} is in none of success, failure and pending", where
                )

    _require_field(
        spec,
        _success_schemas(spec, status),
        fields["stateField"],
        "string",
        (*where, "stateField"),
        "x-waiter.stateField",
        covers_enum,
    )
    return Waiter(
        names.of(status),
        fields["idField"],
        fields["idParameter"],
        fields["stateField"],
        tuple(fields["success"]),
        tuple(fields["failure"]),
        tuple(fields["pending"]),
    )
