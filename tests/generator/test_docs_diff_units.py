"""docs-diff units: page quirks and errors, spec reading, comparison corners."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from generator.docs_diff import FindingKind, SpecError, compare, default_sources
from generator.docs_diff.model import ApiReference, Operation, Parameter, TypeRef
from generator.docs_diff.report import finding_message
from generator.docs_diff.spec_view import spec_from_document
from tests.generator.page_parsing import error_of, parse

CSHARP_TYPES = default_sources()[0].rendering("dotnet").types
TABLE_HEAD = "| Method | HTTP request | Description |\n| --- | --- | --- |\n"
PARAMS_HEAD = "|Name | Type | Description  | Notes |\n|------------- | ------------- | ------------- | -------------|\n"


def page(*, row: str = "", section: str = "", params: str = "") -> str:
    """A one-operation page (GetThing, GET /things/{id}); parts can be replaced."""
    row = row or "| [**GetThing**](X.html#getthing) | **GET** /things/{id} | Get a thing |\n"
    params = params or PARAMS_HEAD + "| **id** | **string**| Thing id |  |\n"
    section = section or (
        "## [**Thing**](Thing.html) GetThing (string id)\n\nGet a thing\n\n"
        "Requires ANY permissions: \n\n* things:thing:view\n* things:thing:admin\n\n"
        f"### Parameters\n\n{params}\n### Return type\n\n[**Thing**](Thing.html)\n"
    )
    return f'# Things\n\n{TABLE_HEAD}{row}\n<a name="getthing"></a>\n\n{section}'


# --- page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("string", "string"),
        ("int?", "integer (int32)"),
        ("int", "integer (int32)"),
        ("long?", "integer (int64)"),
        ("bool?", "boolean"),
        ("double?", "number (double)"),
        ("DateTime?", "string (date-time)"),
        ("List<string>", "array of string"),
        ("List<AuditLogMessage>", "array of AuditLogMessage"),
        ("Dictionary<string, Object>", "map of string to object"),
        ("AuditQueryRequest", "AuditQueryRequest"),
    ],
)
def test_docs_types(text: str, expected: str) -> None:
    assert str(CSHARP_TYPES.parse(text)) == expected


def test_docs_type_void_and_garbage() -> None:
    assert CSHARP_TYPES.parse("void") is None
    with pytest.raises(ValueError, match="not a type"):
        CSHARP_TYPES.parse("not a type")


def test_minimal_page() -> None:
    (op,) = parse(page()).operations
    assert (op.operation_id, op.method, op.path, op.summary) == (
        "getThing",
        "GET",
        "/things/{id}",
        "Get a thing",
    )
    assert op.return_type == TypeRef.model("Thing")
    assert op.permissions.type == "ANY"
    assert op.permissions.names == ("things:thing:view", "things:thing:admin")
    (param,) = op.parameters
    assert (param.name, param.location, param.required, param.line) == (
        "id",
        "path",
        True,
        22,
    )


def test_attribute_line_as_its_own_paragraph_and_void_return() -> None:
    section = (
        "## void GetThing (string id)\n\nGet a thing\n\n"
        f"### Parameters\n\n{PARAMS_HEAD}| **id** | **string**| Thing id |  |\n\n"
        '{: class="table table-striped"}\n\n### Return type\n\nvoid (empty response body)\n'
    )
    # "void (empty response body)" is how several SDK pages say void.
    (op,) = parse(page(section=section)).operations
    assert op.return_type is None
    assert op.permissions.type is None  # no "Requires" line: no permissions
    assert len(op.parameters) == 1
    # The Return type part is still checked against the signature.
    wrong = section.replace("void (empty response body)", "[**Thing**](Thing.html)")
    assert "is not its signature's 'void'" in error_of(page(section=wrong)).message


def test_no_parameters_sentence() -> None:
    section = (
        "## [**Thing**](Thing.html) GetThing ()\n\nGet a thing\n\n"
        "### Parameters\nThis endpoint does require any parameters.\n\n"
        "### Return type\n\n[**Thing**](Thing.html)\n"
    )
    row = "| [**GetThing**](X.html#getthing) | **GET** /things | Get a thing |\n"
    (op,) = parse(page(row=row, section=section)).operations
    assert op.parameters == ()
    # A path with a {variable} needs a parameters row for it.
    assert "path parameter {id} of GetThing has no parameters row" in error_of(page(section=section)).message


def test_notes_with_default_and_values() -> None:
    params = (
        PARAMS_HEAD + "| **id** | **string**| Thing id |  |\n"
        "| **order** | **string**| Sort order | [optional] [default to asc]<br />**Values**: asc, desc |\n"
        "| **body** | [**Thing**](Thing.html)| the thing | [optional]  |\n"
    )
    (op,) = parse(page(params=params)).operations
    order = op.parameter("order")
    assert order is not None
    assert (order.location, order.required, order.default) == ("query", False, "asc")
    assert order.allowed_values == ("asc", "desc")
    assert op.body is not None
    assert (op.body.type, op.body.required) == (TypeRef.model("Thing"), False)


def problems(text: str) -> list[tuple[int | None, str | None, str | None, str]]:
    """What the page states in a form the reader cannot read: (line, operation, parameter, message)."""
    return [(p.line, p.operation, p.parameter, p.message) for p in parse(text).problems]


def test_an_unknown_note_is_named_at_its_line_and_not_compared() -> None:
    params = PARAMS_HEAD + "| **id** | **string**| Thing id | [deprecated] |\n"
    docs = parse(page(params=params))
    assert problems(page(params=params)) == [
        (22, "getThing", "id", "note '[deprecated]' is not one the page layout knows")
    ]
    (param,) = docs.operations[0].parameters
    assert param.unread == {"required", "default", "allowed_values"}
    spec_op = Operation("getThing", "GET", "/things/{id}", "Get a thing", TypeRef.model("Thing"))
    spec_param = Parameter("id", "path", TypeRef.primitive("string"), "Thing id", required=True, default="x")
    spec_ref = ApiReference(
        "spec", (replace(spec_op, permissions=docs.operations[0].permissions, parameters=(spec_param,)),)
    )
    findings = compare(spec_ref, docs)
    assert [(f.kind, f.docs_line) for f in findings] == [(FindingKind.NOT_READ, 22)]
    # A note it knows, before one it does not, is still read.
    params = PARAMS_HEAD + "| **id** | **string**| Thing id | |\n| **q** | **string**| Query | [optional] [beta] |\n"
    (_, q) = parse(page(params=params)).operations[0].parameters
    assert (q.required, q.unread) == (False, {"default", "allowed_values"})


def test_parameter_name_must_be_an_identifier() -> None:
    params = PARAMS_HEAD + "| **the id** | **string**| Thing id |  |\n"
    ((line, op, param, message),) = problems(page(params=params))
    assert (line, op, param) == (22, "getThing", None)
    assert "names 'the id', which is not a name" in message
    # Which parameters the operation has is not known, so none is reported removed.
    assert "parameters" in parse(page(params=params)).operations[0].unread


def test_unknown_parameter_type() -> None:
    params = PARAMS_HEAD + "| **id** | **string or int**| Thing id |  |\n"
    assert problems(page(params=params)) == [(22, "getThing", "id", "type 'string or int' is not a .NET (C#) type")]
    (param,) = parse(page(params=params)).operations[0].parameters
    assert (str(param.type), param.unread, param.required) == ("unknown", {"type"}, True)


def test_operations_row_needs_method_and_path() -> None:
    row = "| [**GetThing**](X.html#getthing) | /things/{id} | Get a thing |\n"
    assert problems(page(row=row)) == [
        (5, "getThing", None, "its operations row's HTTP request '/things/{id}' is not 'METHOD /path'")
    ]
    assert parse(page(row=row)).operations[0].unread == {"http"}


def test_table_and_sections_must_match() -> None:
    row = "| [**GetOther**](X.html#getother) | **GET** /others | Get another |\n"
    assert "has a section but no operations table row" in error_of(page(row=row)).message
    extra = "| [**GetOther**](X.html#getother) | **GET** /others | Get another |\n"
    row = "| [**GetThing**](X.html#getthing) | **GET** /things/{id} | Get a thing |\n" + extra
    err = error_of(page(row=row))
    assert (err.line, "operation GetOther has no section on the page") == (
        6,
        err.message,
    )


def test_a_section_without_a_parameters_part_is_silent_on_them() -> None:
    section = "## [**Thing**](Thing.html) GetThing (string id)\n\nGet a thing\n"
    (op,) = parse(page(section=section)).operations
    assert op.parameters == ()
    assert op.silent_on("parameters") == "its section has no Parameters part"


def test_parameters_table_header() -> None:
    params = "| Name | Type |\n| --- | --- |\n| **id** | **string** |\n"
    ((line, op, _, message),) = problems(page(params=params))
    assert (line, op) == (20, "getThing")
    assert message.startswith("its parameters table header ['name', 'type'] is not Name|Type|Description|Notes")


def test_heading_must_name_a_listed_method() -> None:
    section = "## Thing\n\n### Parameters\nThis endpoint does require any parameters.\n"
    assert "operation Thing has a section but no operations table row" in error_of(page(section=section)).message


def test_front_matter_is_ignored() -> None:
    text = "---\ntitle: Things\n---\n" + page()
    (op,) = parse(text).operations
    assert op.line == 12  # lines count from the top of the file, front matter included


# --- spec ---------------------------------------------------------------------


def spec(yaml_text: str) -> ApiReference:
    import yaml

    return spec_from_document(yaml.safe_load(textwrap.dedent(yaml_text)), "spec.yaml")


def test_spec_path_level_parameters_refs_and_types() -> None:
    ref = spec(
        """
        paths:
          /things/{id}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: string}}
            get:
              operationId: getThing
              parameters:
                - {name: n, in: query, schema: {type: integer, default: 5}}
                - {name: flag, in: query, schema: {type: [boolean, "null"], default: false}}
                - {name: tags, in: query, schema: {type: object, additionalProperties: {type: string}}}
                - {name: kind, in: query, schema: {$ref: '#/components/schemas/Kind'}}
              responses:
                '204': {description: nothing}
        components:
          schemas:
            Kind: {type: string, enum: [a, b]}
        """
    )
    (op,) = ref.operations
    got = {p.name: (p.location, str(p.type), p.default, p.allowed_values) for p in op.parameters}
    assert got == {
        "id": ("path", "string", None, ()),
        "n": ("query", "integer (int32)", "5", ()),
        "flag": ("query", "boolean", "false", ()),
        "tags": ("query", "map of string to string", None, ()),
        "kind": ("query", "string", None, ("a", "b")),
    }
    assert op.return_type is None
    assert op.permissions.type is None


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("openapi: 3.1.0\n", "no 'paths' mapping"),
        (
            "paths: {/x: {get: {responses: {}}}}\n",
            "GET /x: operation has no operationId",
        ),
        (
            "paths: {/x: {get: {operationId: x, parameters: [{$ref: '#/nope'}], responses: {}}}}\n",
            "$ref '#/nope' points nowhere",
        ),
    ],
)
def test_spec_errors(yaml_text: str, message: str) -> None:
    with pytest.raises(SpecError, match=r"^spec\.yaml: ") as info:
        spec(yaml_text)
    assert message in str(info.value)


# --- compare and report -------------------------------------------------------


def op(*params: Parameter, path: str = "/things") -> ApiReference:
    return ApiReference("x", (Operation("getThing", "GET", path, parameters=params),))


STRING = TypeRef.primitive("string")


def test_location_change_is_reported() -> None:
    spec_side = op(Parameter("id", "query", STRING), path="/things/{id}")
    docs_side = op(Parameter("id", "path", STRING), path="/things/{id}")
    (finding,) = compare(spec_side, docs_side)
    assert (finding.kind, finding.parameter) == (
        FindingKind.PARAMETER_LOCATION_CHANGED,
        "id",
    )
    assert finding_message(finding) == ("getThing: parameter id: location changed: spec query, docs path")


def test_body_added_and_body_optionality() -> None:
    body = Parameter("body", "body", TypeRef.model("Thing"), required=True)
    (added,) = compare(op(), op(body))
    assert (added.kind, added.spec, added.docs) == (
        FindingKind.REQUEST_BODY_CHANGED,
        None,
        "Thing",
    )
    assert finding_message(added) == ("getThing: request body type changed: spec none, docs Thing")
    optional = Parameter("body", "body", TypeRef.model("Thing"), required=False)
    (changed,) = compare(op(body), op(optional))
    assert (changed.kind, changed.parameter) == (
        FindingKind.PARAMETER_OPTIONALITY_CHANGED,
        "body",
    )


def test_values_and_permissions_compare_as_sets() -> None:
    a = Parameter("e", "query", STRING, allowed_values=("x", "y"))
    b = Parameter("e", "query", STRING, allowed_values=("y", "x"))
    assert compare(op(a), op(b)) == []


def test_findings_are_sorted() -> None:
    spec_side = op(Parameter("b", "query", STRING), Parameter("a", "query", STRING))
    docs_side = op()
    assert [f.parameter for f in compare(spec_side, docs_side)] == ["a", "b"]


def test_tables_as_a_lenient_renderer_reads_them() -> None:
    """A delimiter row of another width, spaces, an escaped pipe, an entity, an escaped underscore,
    a row without its closing pipe or its empty Notes cell."""
    params = (
        "| Name | Type | Description | Notes |\n|---|---|\n"
        "|   **id**   |   **string**   |  Thing \\| id &amp; more  |   |\n"
        "| **page\\_size** | **int?**| Size | [optional] [default to 25]\n"
        "| **q** | **string**| Query\n"
    )
    docs = parse(page(params=params))
    assert docs.problems == ()
    (op,) = docs.operations
    assert [(p.name, p.description, p.required, p.default) for p in op.parameters] == [
        ("id", "Thing | id & more", True, None),
        ("pageSize", "Size", False, "25"),
        ("q", "Query", True, None),
    ]


def test_an_operations_row_without_a_name_is_named_and_nothing_is_missing() -> None:
    extra = "| [**Get Other**](X.html#getother) | **GET** /others | Get another |\n"
    row = "| [**GetThing**](X.html#getthing) | **GET** /things/{id} | Get a thing |\n" + extra
    docs = parse(page(row=row))
    assert problems(page(row=row)) == [
        (6, None, None, "an operations row names 'Get Other', which is not a name: it is not read")
    ]
    assert not docs.complete
    other = Operation("getOther", "GET", "/others", "Get another")
    findings = compare(ApiReference("spec", (*docs.operations, other)), docs)
    assert [(f.kind, f.docs_line) for f in findings] == [(FindingKind.NOT_READ, 6)]  # getOther is not "removed"
