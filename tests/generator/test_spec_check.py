"""generator.inputs.spec_check and generator.inputs.extensions: every rule, each failure naming its line and pointer.

Each case mutates the real spec in one place and checks the one-line message: what is wrong and where.
(The whole command on hostile inputs, with generated/ left untouched, is in test_hostile_inputs.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import settings
from generator.errors import GenerationError
from generator.inputs.extensions import CursorPaging, PageNumberPaging
from generator.inputs.spec_check import CheckedSpec, check_spec
from generator.notices import Notices

SPEC_TEXT = settings.SPEC_FILE.read_text(encoding="utf-8")
RESULTS = "get_audits_query_transaction_id_results"


def _check(tmp_path: Path, text: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    check_spec(path)


def _mutated(old: str, new: str, count: int = 1) -> str:
    assert old in SPEC_TEXT, old
    return SPEC_TEXT.replace(old, new, count)


def _message(tmp_path: Path, text: str) -> str:
    with pytest.raises(GenerationError) as caught:
        _check(tmp_path, text)
    message = str(caught.value)
    assert "Traceback" not in message
    return message


def _refused_at_line(tmp_path: Path, old: str, new: str, needle: str, expected: str) -> str:
    """The message refusing the spec with `old` made `new`: it says `expected` at the line holding `needle`."""
    text = _mutated(old, new)
    message = _message(tmp_path, text)
    assert expected in message, message
    assert f"spec.yaml:{_line_of(text, needle)}:" in message, message
    return message


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return lines[occurrence - 1]


def test_the_real_spec_passes_with_its_extensions_read() -> None:
    checked = check_spec(settings.SPEC_FILE)
    assert isinstance(checked.extensions[RESULTS].pagination, CursorPaging)
    assert isinstance(checked.extensions["post_audits_query_realtime"].pagination, PageNumberPaging)
    waiter = checked.extensions["post_audits_query"].waiter
    assert waiter is not None and waiter.status_operation == "get_audits_query_transaction_id"
    assert checked.extensions["post_audits_query"].retry.safe
    assert all(extensions.retry.reason for extensions in checked.extensions.values())


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        (
            "operationId: getAuditsQueryServicemapping",
            "operationId: get_audits_query_realtime_servicemapping",
            "operationId: get_audits_query_realtime_servicemapping",
            "operationId 'get_audits_query_realtime_servicemapping' becomes module "
            "'get_audits_query_realtime_servicemapping', as does 'getAuditsQueryRealtimeServicemapping' (first at line",
        ),
        (
            "operationId: getAuditsQueryServicemapping",
            "operationId: [a, b]",
            "operationId: [a, b]",
            "operationId must be a string, not list",
        ),
    ],
)
def test_operation_ids_must_make_usable_unique_module_names(
    tmp_path: Path, old: str, new: str, needle: str, expected: str
) -> None:
    _refused_at_line(tmp_path, old, new, needle, expected)


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        (
            "        style: cursor\n",
            "        style: cursr\n",
            "style: cursr",
            "x-pagination.style must be one of 'cursor', 'page-number', not 'cursr'",
        ),
        (
            "        cursorField: cursor\n        itemsField: entities\n",
            "        cursorField: cursor\n        itemsField: entitiez\n",
            "itemsField: entitiez",
            "names 'entitiez', which is not a property of AuditQueryExecutionResultsResponse",
        ),
        (
            "        redirectField: downloadUrl\n",
            "        redirectField: pageSize\n",
            "redirectField: pageSize",
            "x-pagination.redirectField names 'pageSize', which must be of type string",
        ),
        (
            "        cursorField: cursor\n",
            "        cursorField: pageSize\n",
            "cursorField: pageSize",
            "names 'pageSize', which must be of type string",
        ),
        (
            "        cursorParameter: cursor\n",
            "        cursorParameter: after\n",
            "cursorParameter: after",
            "names 'after', which is not a query parameter",
        ),
        (
            "        cursorField: cursor\n",
            "        cursorField: cursor\n        pageSizeParameter: pageSize\n",
            "pageSizeParameter",
            "x-pagination has no key 'pageSizeParameter'",
        ),
        (
            "        pageCountField: pageCount\n",
            "        pageCountField: total_pages\n",
            "total_pages",
            "names 'total_pages', which is not a property of AuditRealtimeQueryResultsResponse",
        ),
        (
            "        pageNumberField: pageNumber\n",
            "        pageNumberField: interval\n",
            "pageNumberField: interval",
            "names 'interval', which must be of type integer",
        ),
        (
            "        statusOperation: getAuditsQueryTransactionId\n",
            "        statusOperation: getAuditQueryStatus\n",
            "statusOperation: getAuditQueryStatus",
            "names 'getAuditQueryStatus', which is no operationId of the spec",
        ),
        (
            "        idParameter: transactionId\n",
            "        idParameter: queryId\n",
            "idParameter: queryId",
            "names 'queryId', which is not a path parameter of getAuditsQueryTransactionId",
        ),
        (
            "        idField: id\n",
            "        idField: ident\n",
            "idField: ident",
            "names 'ident', which is not a property",
        ),
        (
            "        success: [Succeeded]\n",
            "        success: [Succeded]\n",
            "x-waiter:",
            "x-waiter state 'Succeded' is not a value of state",
        ),
        (
            "        pending: [Queued, Running]\n",
            "        pending: [Queued]\n",
            "x-waiter:",
            "state value 'Running' is in none of success, failure and pending",
        ),
        (
            "        pending: [Queued, Running]\n",
            "        pending: [Queued, Running, Failed]\n",
            "pending: [Queued, Running, Failed]",
            "x-waiter state 'Failed' is in both failure and pending",
        ),
        (
            "        success: [Succeeded]\n",
            "        success: Succeeded\n",
            "success: Succeeded",
            "x-waiter.success must be a list, not str",
        ),
        ("        failure: [Failed, Cancelled]\n", "", "x-waiter:", "x-waiter needs 'failure'"),
        (
            "      x-waiter:\n",
            "      x-waiter: yes\n      x-waiterr:\n",
            "x-waiterr",
            "unknown extension 'x-waiterr': did you mean 'x-waiter'?",
        ),
        (
            "      x-waiter:\n        statusOperation: getAuditsQueryTransactionId\n        idField: id\n"
            "        idParameter: transactionId\n        stateField: state\n        success: [Succeeded]\n"
            "        failure: [Failed, Cancelled]\n        pending: [Queued, Running]\n",
            "      x-waiter: yes\n",
            "x-waiter: yes",
            "x-waiter must be a mapping, not str",
        ),
        (
            "      x-inin-requires-permissions:\n        type: ALL\n",
            "      x-inin-requires-permissions:\n        type: SOME\n",
            "type: SOME",
            "x-inin-requires-permissions.type must be 'ALL' or 'ANY', not 'SOME'",
        ),
        (
            "      x-retry-safe:\n        safe: true\n        reason: >-\n          Creating",
            "      x-retry-safe:\n        safe: yes\n        reason: >-\n          Creating",
            "safe: yes",
            "x-retry-safe.safe must be a bool, not str",
        ),
        (
            "      x-retry-safe:\n        safe: true\n        reason: >-\n          Creating",
            "      x-paginate: {}\n      x-retry-safe:\n        safe: true\n        reason: >-\n          Creating",
            "x-paginate",
            "unknown extension 'x-paginate': did you mean 'x-pagination'?",
        ),
    ],
)
def test_extensions_are_checked_against_their_schema_and_the_spec(
    tmp_path: Path, old: str, new: str, needle: str, expected: str
) -> None:
    assert " at /paths/" in _refused_at_line(tmp_path, old, new, needle, expected)


def test_a_redirect_field_the_page_model_would_drop_is_refused(tmp_path: Path) -> None:
    text = _mutated(
        "      description: One page of a succeeded audit query's records.\n",
        "      description: One page of a succeeded audit query's records.\n      additionalProperties: false\n",
    )
    message = _message(tmp_path, text)
    assert (
        "redirectField names 'downloadUrl', which AuditQueryExecutionResultsResponse neither lists nor keeps" in message
    )
    assert f"spec.yaml:{_line_of(text, 'redirectField: downloadUrl')}:" in message


def test_a_required_property_must_be_defined(tmp_path: Path) -> None:
    text = _mutated("      required: [interval]\n", "      required: [interval, intervall]\n")
    message = _message(tmp_path, text)
    assert "required property 'intervall' is not defined in properties" in message
    assert f"spec.yaml:{_line_of(text, 'required: [interval, intervall]')}:" in message
    assert "/components/schemas/AuditQueryRequest/required/1" in message


def test_properties_that_become_one_attribute_keep_their_names_when_they_can(tmp_path: Path) -> None:
    # openapi-python-client keeps both as written (page_size, pageSize) when both are identifiers.
    text = _mutated(
        "        pageSize:\n          type: integer\n",
        "        page_size: {type: string}\n        pageSize:\n          type: integer\n",
    )
    _check(tmp_path, text)
    text = _mutated(
        "        pageSize:\n          type: integer\n",
        "        page-size: {type: string}\n        pageSize:\n          type: integer\n",
    )
    assert "properties 'page-size' and 'pageSize' both become the attribute 'page_size'" in _message(tmp_path, text)


def test_a_duplicate_operation_id_is_refused_at_the_second(tmp_path: Path) -> None:
    text = _mutated("operationId: getAuditsQueryServicemapping", "operationId: getAuditsQueryRealtimeServicemapping")
    message = _message(tmp_path, text)
    lines = [
        i + 1 for i, line in enumerate(text.splitlines()) if "operationId: getAuditsQueryRealtimeServicemapping" in line
    ]
    assert f"spec.yaml:{max(lines)}:" in message and f"(first at line {min(lines)}," in message, message
    assert "duplicate operationId 'getAuditsQueryRealtimeServicemapping'" in message, message


@pytest.mark.parametrize("foreign", ["x-swagger-router-controller", "x-amazon-apigateway-integration", "x-codegen"])
def test_extensions_of_other_tools_are_ignored(tmp_path: Path, foreign: str) -> None:
    text = _mutated("      x-waiter:\n", f"      {foreign}: {{anything: [1, 2]}}\n      x-waiter:\n")
    _check(tmp_path, text)


def _said(tmp_path: Path, text: str) -> tuple[CheckedSpec, list[str]]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    notices = Notices()
    return check_spec(path, notices=notices), [str(notice) for notice in notices.items]


@pytest.mark.parametrize(
    ("written", "named", "why"),
    [
        (
            "__init__",
            "get_api_v2_audits_query_servicemapping",
            "operationId '__init__' makes no usable module name; derived from the method and path instead",
        ),
        ("'get\"Mapping'", "get_mapping", "operationId 'get\"Mapping' is not an identifier"),
        (
            "class",
            "get_api_v2_audits_query_servicemapping",
            "operationId 'class' makes no usable module name; derived from the method and path instead",
        ),
        ("find pet by id", "find_pet_by_id", "operationId 'find pet by id' is not an identifier"),
        (
            "getAuditsQueryServicemapping" + "AndMore" * 30,
            "get_api_v2_audits_query_servicemapping",
            "longer than the 200 a module name may have; derived from the method and path instead",
        ),
    ],
)
def test_an_operation_id_that_makes_no_module_name_is_replaced_with_a_notice(
    tmp_path: Path, written: str, named: str, why: str
) -> None:
    text = _mutated("operationId: getAuditsQueryServicemapping", f"operationId: {written}")
    checked, said = _said(tmp_path, text)
    operation = checked.names.operations[named]
    assert (operation.path, operation.method) == ("/api/v2/audits/query/servicemapping", "get")
    [notice] = said
    line = _line_of(text, f"operationId: {written}")
    assert notice.startswith(
        f"notice: {tmp_path / 'spec.yaml'}:{line}: at /paths/~1api~1v2~1audits~1query~1servicemapping/get/operationId: named {named}: "
    ), notice
    assert why in notice, notice


def test_operations_without_operation_ids_are_named_from_method_and_path_uniquely(tmp_path: Path) -> None:
    text = _mutated("      operationId: getAuditsQueryServicemapping\n", "")
    text = text.replace(
        "      operationId: getAuditsQueryRealtimeServicemapping\n",
        "      operationId: get_api_v2_audits_query_servicemapping\n",
    )
    checked, said = _said(tmp_path, text)
    # The operationId keeps its name; the operation without one takes the next free name.
    assert (
        checked.names.of_path("/api/v2/audits/query/realtime/servicemapping", "get")
        == "get_api_v2_audits_query_servicemapping"
    )
    assert (
        checked.names.of_path("/api/v2/audits/query/servicemapping", "get")
        == "get_api_v2_audits_query_servicemapping_2"
    )
    assert said == [
        f"notice: {tmp_path / 'spec.yaml'}:{_line_of(text, '/api/v2/audits/query/servicemapping:') + 1}: at "
        "/paths/~1api~1v2~1audits~1query~1servicemapping/get: named get_api_v2_audits_query_servicemapping_2: the "
        "operation has no operationId; derived from its method and path (get_api_v2_audits_query_servicemapping is taken)"
    ], said


def test_several_problems_are_reported_together_one_per_line(tmp_path: Path) -> None:
    text = _mutated("      required: [interval]\n", "      required: [interval, nope]\n")
    text = text.replace("        style: cursor\n", "        style: cursr\n", 1)
    message = _message(tmp_path, text)
    lines = message.splitlines()
    assert len(lines) == 2 and all("spec.yaml:" in line for line in lines)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "        '400': {$ref: '#/components/responses/BadRequest'}",
            "        '400': just a string",
            "not valid OpenAPI 3.1",
        ),
        (
            "    AuditExpandField:\n      type: string\n",
            "    AuditExpandField:\n      $ref: '#/components/schemas/AuditExpandField'\n",
            "circular $ref chain: #/components/schemas/AuditExpandField -> #/components/schemas/AuditExpandField",
        ),
        (
            "items: {$ref: '#/components/schemas/AuditExpandField'}",
            "items: {$ref: '#/components/schemas/AuditExpandFeld'}",
            "dangling $ref '#/components/schemas/AuditExpandFeld'",
        ),
    ],
)
def test_structure_and_references_are_checked_first(tmp_path: Path, old: str, new: str, expected: str) -> None:
    message = _message(tmp_path, _mutated(old, new))
    assert expected in message and "spec.yaml:" in message and " at /" in message, message


def test_schemas_that_become_one_class_are_refused_naming_both(tmp_path: Path) -> None:
    text = _mutated("    AuditExpandField:\n", "    Audit_Expand_Field: {type: string}\n    AuditExpandField:\n")
    message = _message(tmp_path, text)
    assert (
        f"spec.yaml:{_line_of(text, '    AuditExpandField:')}: at /components/schemas/AuditExpandField: "
        f"schemas 'Audit_Expand_Field' and 'AuditExpandField' both become the class 'AuditExpandField' "
        f"(first at line {_line_of(text, 'Audit_Expand_Field')})"
    ) in message, message


def test_a_tag_too_long_for_a_folder_name_is_refused(tmp_path: Path) -> None:
    tag = "Audit" + " and more" * 30
    text = _mutated("      tags: [Audit]\n", f"      tags: ['{tag}']\n")
    message = _message(tmp_path, text)
    assert f"spec.yaml:{_line_of(text, tag)}: at /paths/" in message, message
    assert "tag 'Audit and more" in message and "longer than the 200 a module name may have" in message, message
