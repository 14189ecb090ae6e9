"""The audit helpers' arguments (workflows/_query_args.py, _arguments.py): the one interval rule, filters,
sorts, read settings, and the one-call helpers' shared signatures."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime, timedelta, timezone

import genesys_cloud_audit as audit
import pytest
from genesys_cloud_audit import (
    Client,
    ConfigurationError,
    IntervalError,
    WaitPolicy,
)
from genesys_cloud_audit.models import AuditQuerySort, AuditQuerySortName, AuditQuerySortSortOrder
from genesys_cloud_audit.workflows._query_args import (
    ReadSettings,
    build_filters,
    build_sort,
    format_interval,
    interval_bounds,
    query_fields,
)

START = datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))


def test_interval_and_argument_conversion() -> None:
    assert format_interval((START, START + timedelta(milliseconds=1500))) == (
        "2026-01-01T00:00:00.000Z/2026-01-01T00:00:01.500Z"
    )
    for bad in (
        (START, START - timedelta(seconds=1)),
        (datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC)),
        "2026-01-02T00:00:00Z/2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00/2026-01-02T00:00:00",
        "yesterday",
    ):
        with pytest.raises(IntervalError):
            format_interval(bad)  # type: ignore[arg-type]
    assert issubclass(IntervalError, ValueError)
    filters = build_filters({"action": "Delete"}) or []
    assert [f.to_dict() for f in filters] == [{"property": "Action", "value": "Delete"}]
    assert [s.to_dict() for s in build_sort("desc") or []] == [{"name": "Timestamp", "sortOrder": "descending"}]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-01-01T00:00:00/2026-01-02T00:00:00Z", "has no time zone"),
        ("2026-01-01/2026-01-02", "has no time zone"),
        ("2026-01-01T00:00:00Z", "of the form start/end"),
        ("2026-01-01T00:00:00Z/", "of the form start/end"),
        ("a/b/c", "of the form start/end"),
        ("soon/2026-01-02T00:00:00Z", "is not an ISO-8601 date-time"),
        ("2026-01-02T00:00:00Z/2026-01-02T00:00:00Z", "ends"),
        # a bad duration, or an instant out of range
        ("Pgarbage/2026-01-08T00:00:00Z", "not an ISO-8601 duration"),
        ("PT-5H/2026-01-08T00:00:00Z", "not an ISO-8601 duration"),
        ("P/2026-01-08T00:00:00Z", "not an ISO-8601 duration"),
        ("PT/2026-01-08T00:00:00Z", "not an ISO-8601 duration"),
        ("P1.5M/2026-01-08T00:00:00Z", "not an ISO-8601 duration"),  # a fraction of a month has no meaning
        ("P1W2D/2026-01-08T00:00:00Z", "not an ISO-8601 duration"),
        ("PT1.0001S/2026-01-08T00:00:00Z", "not an ISO-8601 duration"),  # finer than a millisecond
        ("P7D/P1D", "two durations"),
        ("P0D/2026-01-08T00:00:00Z", "ends"),
        ("P3000Y/2026-01-08T00:00:00Z", "outside the years 1 to 9999"),
        ("2026-01-01T00:00:00Z/P8000Y", "outside the years 1 to 9999"),
        ("2026-01-01T00:00:00Z/P999999999999D", "longer than any interval"),
        ("2026-01-01T00:00:00Z/9999-12-31T23:30:00-05:00", "outside the years 1 to 9999"),
        ("0001-01-01T00:30:00+01:00/2026-01-01T00:00:00Z", "outside the years 1 to 9999"),
    ],
)
def test_the_one_interval_rule_names_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(IntervalError, match=problem):
        format_interval(text)
    with pytest.raises(IntervalError):
        interval_bounds(text)


def test_aware_instants_with_any_offset_and_durations_for_one_side() -> None:
    assert format_interval(" 2026-01-01T00:00:00+02:00/2026-01-01T01:00:00Z ") == (
        "2026-01-01T00:00:00+02:00/2026-01-01T01:00:00Z"
    )
    start, end = interval_bounds("2026-01-01T02:00:00+02:00/2026-01-01T01:00:00Z")
    assert (end - start) == timedelta(hours=1)
    with pytest.raises(IntervalError, match="pair of aware datetimes"):
        format_interval((START,))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("P7D/2026-01-08T00:00:00Z", "2026-01-01T00:00:00.000Z/2026-01-08T00:00:00.000Z"),
        ("2026-01-01T00:00:00Z/PT12H", "2026-01-01T00:00:00.000Z/2026-01-01T12:00:00.000Z"),
        ("P2W/2026-01-15T00:00:00Z", "2026-01-01T00:00:00.000Z/2026-01-15T00:00:00.000Z"),
        ("P1M/2026-03-31T00:00:00Z", "2026-02-28T00:00:00.000Z/2026-03-31T00:00:00.000Z"),  # the month's last day
        ("2024-02-29T00:00:00Z/P1Y", "2024-02-29T00:00:00.000Z/2025-02-28T00:00:00.000Z"),
        ("P1Y2M3DT4H5M6.5S/2026-01-01T00:00:00Z", "2024-10-28T19:54:53.500Z/2026-01-01T00:00:00.000Z"),
        ("PT0,25S/2026-01-01T00:00:00Z", "2025-12-31T23:59:59.750Z/2026-01-01T00:00:00.000Z"),
        ("P1M/2026-03-31T00:00:00+02:00", "2026-02-27T22:00:00.000Z/2026-03-30T22:00:00.000Z"),  # in its own zone
    ],
)
def test_a_duration_side_is_resolved_before_sending(text: str, sent: str) -> None:
    assert format_interval(text) == sent
    start, end = interval_bounds(text)
    assert format_interval((start, end)) == sent  # the same instants, whichever form is given


def test_what_is_sent_is_rfc_3339_with_a_four_digit_year() -> None:
    early = (datetime(999, 1, 1, tzinfo=UTC), datetime(999, 1, 2, tzinfo=UTC))
    assert format_interval(early) == "0999-01-01T00:00:00.000Z/0999-01-02T00:00:00.000Z"
    assert format_interval("0999-01-01T00:00:00Z/0999-01-02T00:00:00Z") == "0999-01-01T00:00:00Z/0999-01-02T00:00:00Z"
    # other ISO-8601 forms Python reads are sent in the one form (no seconds, basic format, a space, week dates)
    assert format_interval("2026-01-01T00:00Z / 20260102T000000Z") == (
        "2026-01-01T00:00:00.000Z/2026-01-02T00:00:00.000Z"
    )
    assert format_interval("2026-W01-1 00:00:00+01:00/2026-01-01T00:00:00Z") == (
        "2025-12-28T23:00:00.000Z/2026-01-01T00:00:00.000Z"
    )
    last = (datetime(9999, 12, 31, 23, tzinfo=UTC), datetime.max.replace(tzinfo=UTC))
    assert format_interval(last) == "9999-12-31T23:00:00.000Z/9999-12-31T23:59:59.999Z"


def test_a_moment_between_milliseconds_is_sent_as_the_next_one() -> None:
    """Records carry milliseconds: r >= 10:00:00.0004 and r < 10:00:00.0015 select the records of .001 only,
    as >= .001 and < .002 do (truncating would have taken .000 in and left .001 out)."""
    start = datetime(2026, 1, 1, 10, 0, 0, 400, tzinfo=UTC)
    end = datetime(2026, 1, 1, 10, 0, 0, 1500, tzinfo=UTC)
    assert format_interval((start, end)) == "2026-01-01T10:00:00.001Z/2026-01-01T10:00:00.002Z"
    assert format_interval("2026-01-01T10:00:00.0004Z/PT1S") == "2026-01-01T10:00:00.001Z/2026-01-01T10:00:01.001Z"


def test_filters_sorts_and_query_fields() -> None:
    built = build_filters([("entitytype", "User"), ("NewProperty", "x")]) or []
    assert [f.to_dict() for f in built] == [
        {"property": "EntityType", "value": "User"},
        {"property": "NewProperty", "value": "x"},
    ]
    assert build_filters({}) is None and build_sort(None) is None
    with pytest.raises(ConfigurationError, match="a filter must be"):
        build_filters([("Action",)])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="sort must be 'ascending' or 'descending'"):
        build_sort("up")
    key = AuditQuerySort(name=AuditQuerySortName.TIMESTAMP, sort_order=AuditQuerySortSortOrder.ASCENDING)
    assert build_sort([key]) == [key] and build_sort(key) == [key]
    assert query_fields("Architect", None, "asc") == {
        "serviceName": "Architect",
        "sort": [{"name": "Timestamp", "sortOrder": "ascending"}],
    }
    with pytest.raises(ConfigurationError, match="service_name"):
        query_fields(7, None, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"page_size": 0}, "page_size must be an integer from 1 to 500"),
        ({"page_size": 2.5}, "page_size must be an integer from 1 to 500"),
        ({"expand_user": "yes"}, "expand_user must be True or False"),
        ({"wait_policy": 30}, "wait_policy must be a WaitPolicy"),
    ],
)
def test_read_settings_are_checked(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ReadSettings(**arguments)  # type: ignore[arg-type]
    assert ReadSettings(expand_user=True).expand != ReadSettings().expand


HELPERS = [
    audit.query_audits,
    audit.query_audits_async,
    audit.resume_audits,
    audit.resume_audits_async,
    audit.export_audits,
    audit.export_audits_async,
]


@pytest.mark.parametrize("helper", HELPERS)
def test_the_one_call_helpers_show_their_own_signature_and_documentation(helper: object) -> None:
    signature = inspect.signature(helper)  # type: ignore[arg-type]
    assert next(iter(signature.parameters)) == "client"
    assert signature.parameters["expand_user"].default is False  # the same default as the command line
    assert signature.parameters["page_size"].default == 500
    doc = getattr(helper, "__doc__", "") or ""
    assert "Args:" in doc and "Raises" in doc


def test_sync_and_async_helpers_share_their_signatures() -> None:
    for sync, asynchronous in zip(HELPERS[::2], HELPERS[1::2], strict=True):
        assert inspect.signature(sync).parameters == inspect.signature(asynchronous).parameters


@pytest.mark.parametrize(
    "call",
    [
        lambda c: audit.query_audits(c, interval="2026-01-01T00:00:00/2026-01-02T00:00:00Z"),
        lambda c: audit.query_audits_async(c, interval=(START, START + timedelta(days=1)), page_size=501),
        lambda c: audit.query_audits(
            c, interval=(START, START + timedelta(days=1)), wait_policy=WaitPolicy(), sort="x"
        ),
        lambda c: audit.resume_audits(c, "{}"),
        lambda c: audit.export_audits(c, interval=(START, START + timedelta(days=1)), concurrency=0),
        lambda c: audit.export_audits_async(c, interval=(START, START + timedelta(days=1)), buffer_pages=0),
        lambda c: audit.export_audits(c, interval=(START, START + timedelta(days=1)), ordered="yes"),
    ],
)
def test_bad_arguments_raise_when_the_helper_is_called(call: object) -> None:
    client = Client(base_url="http://127.0.0.1:9", access_token="unused")  # nothing may be sent to it
    with pytest.raises(ConfigurationError):
        call(client)  # type: ignore[operator]
