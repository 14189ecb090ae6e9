"""Export plans (workflows/_plan.py): sub-intervals, one-query plans, and checkpoints matched to a split export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from genesys_cloud_audit import (
    CheckpointError,
    ConfigurationError,
    DecodingError,
    ExportCheckpoint,
    IntervalError,
    PartCheckpoint,
)
from genesys_cloud_audit.models import AuditQueryExecutionStatusResponse
from genesys_cloud_audit.workflows._plan import (
    MAX_SUB_QUERIES,
    TooManySubQueriesError,
    existing_query_plan,
    load_checkpoint,
    one_query_plan,
    split_interval,
    split_plan,
    sub_query_count,
)

START = datetime(2026, 10, 1, tzinfo=UTC)


def test_split_interval_cuts_consecutive_spans_the_last_shorter() -> None:
    parts = split_interval((START, START + timedelta(days=2, hours=12)), timedelta(days=1))
    assert parts == [
        "2026-10-01T00:00:00.000Z/2026-10-02T00:00:00.000Z",
        "2026-10-02T00:00:00.000Z/2026-10-03T00:00:00.000Z",
        "2026-10-03T00:00:00.000Z/2026-10-03T12:00:00.000Z",
    ]
    assert split_interval("2026-10-01T00:00:00Z/2026-10-01T00:00:00.003Z", timedelta(milliseconds=1)) == [
        "2026-10-01T00:00:00.000Z/2026-10-01T00:00:00.001Z",
        "2026-10-01T00:00:00.001Z/2026-10-01T00:00:00.002Z",
        "2026-10-01T00:00:00.002Z/2026-10-01T00:00:00.003Z",
    ]
    assert split_interval("2026-10-01T02:00:00+02:00/2026-10-01T03:00:00+02:00", timedelta(days=7)) == [
        "2026-10-01T00:00:00.000Z/2026-10-01T01:00:00.000Z"
    ]


@pytest.mark.parametrize("span", [timedelta(0), timedelta(microseconds=1500), timedelta(days=-1), 3600])
def test_bad_spans_are_refused(span: object) -> None:
    with pytest.raises(ConfigurationError, match="span must be a whole number of milliseconds"):
        split_interval((START, START + timedelta(days=1)), span)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "interval",
    ["P7D/P1D", "2026-10-01T00:00:00/2026-10-02T00:00:00", (START, START - timedelta(hours=1))],
)
def test_a_split_needs_two_aware_instants_in_order(interval: object) -> None:
    with pytest.raises(IntervalError):
        split_interval(interval, timedelta(days=1))  # type: ignore[arg-type]


def test_a_split_of_an_interval_with_a_duration_side_cuts_the_resolved_interval() -> None:
    assert split_interval("P2D/2026-10-03T00:00:00Z", timedelta(days=1)) == [
        "2026-10-01T00:00:00.000Z/2026-10-02T00:00:00.000Z",
        "2026-10-02T00:00:00.000Z/2026-10-03T00:00:00.000Z",
    ]


def test_one_query_plan_has_one_part_and_the_query_without_its_interval() -> None:
    plan = one_query_plan("P7D/2026-10-08T00:00:00Z", "Architect", {"action": "Delete"}, "desc")
    assert plan.parts == (PartCheckpoint("2026-10-01T00:00:00.000Z/2026-10-08T00:00:00.000Z"),)  # resolved
    assert dict(plan.query) == {
        "serviceName": "Architect",
        "filters": [{"property": "Action", "value": "Delete"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
    }
    assert dict(one_query_plan((START, START + timedelta(days=1)), None, None, None).query) == {}


def test_a_descending_split_runs_the_latest_interval_first() -> None:
    interval = (START, START + timedelta(days=3))
    ascending = split_plan(interval, timedelta(days=1), None, None, "ascending", None)
    descending = split_plan(interval, timedelta(days=1), None, None, "descending", None)
    assert [p.interval for p in descending.parts] == [p.interval for p in reversed(ascending.parts)]


def test_a_checkpoint_resumes_only_the_same_split_export() -> None:
    interval = (START, START + timedelta(days=3))
    plan = split_plan(interval, timedelta(days=1), "Routing", None, None, None)
    progressed = ExportCheckpoint(
        plan.query, (PartCheckpoint(plan.parts[0].interval, "tx", done=True, records_read=5), *plan.parts[1:])
    )
    assert split_plan(interval, timedelta(days=1), "Routing", None, None, progressed.to_json()) == progressed
    for other in [
        {"interval": (START, START + timedelta(days=4))},
        {"span": timedelta(hours=12)},
        {"service_name": "Architect"},
        {"sort": "ascending"},
    ]:
        arguments = {"interval": interval, "span": timedelta(days=1), "service_name": "Routing", "sort": None} | other
        with pytest.raises(CheckpointError, match="for a different export"):
            split_plan(
                arguments["interval"],
                arguments["span"],
                arguments["service_name"],
                None,  # type: ignore[arg-type]
                arguments["sort"],
                progressed,
            )  # type: ignore[arg-type]


def test_only_query_checkpoints_load_for_query_exports() -> None:
    realtime = ExportCheckpoint(
        {"pageSize": 10}, (PartCheckpoint("P1D/2026-10-02T00:00:00Z", page_number=2),), "realtime"
    )
    with pytest.raises(CheckpointError, match="of a realtime export"):
        load_checkpoint(realtime.to_json())
    with pytest.raises(CheckpointError, match="must be an ExportCheckpoint or its JSON"):
        load_checkpoint({"version": 2})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("checkpoint", "message"),
    [
        (ExportCheckpoint({}, ()), "/parts: expected a non-empty list"),
        (ExportCheckpoint({}, (PartCheckpoint("yesterday/today"),)), "/parts/0/interval"),
        (ExportCheckpoint({}, (PartCheckpoint("P1D/2026-10-02T00:00:00Z", "tx", skip=-3),)), "/parts/0/skip"),
    ],
)
def test_checkpoint_objects_made_by_hand_are_validated_like_files(checkpoint: ExportCheckpoint, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(checkpoint)


def test_sub_queries_are_counted_before_they_are_made() -> None:
    day = (START, START + timedelta(days=1))
    assert sub_query_count(day, timedelta(hours=1)) == 24
    assert sub_query_count(day, timedelta(hours=7)) == 4
    assert sub_query_count(day, timedelta(days=30)) == 1
    assert sub_query_count(day, timedelta(milliseconds=1)) == 86_400_000


@pytest.mark.parametrize(
    ("interval", "span", "count"),
    [
        ((START, START + timedelta(days=3653)), timedelta(seconds=1), 315_619_200),  # ten years at one second
        ((START, START + timedelta(days=1)), timedelta(seconds=5), 17_280),
        ((START, START + timedelta(days=1)), timedelta(milliseconds=1), 86_400_000),
    ],
)
def test_a_split_beyond_the_cap_is_refused_without_planning_it(
    interval: tuple[datetime, datetime], span: timedelta, count: int
) -> None:
    with pytest.raises(TooManySubQueriesError) as caught:
        split_plan(interval, span, None, None, None, None)  # counted in O(1), so this returns at once
    assert (caught.value.count, caught.value.cap) == (count, MAX_SUB_QUERIES)
    assert f"{count:,} sub-queries" in str(caught.value) and "max_sub_queries" in str(caught.value)
    assert isinstance(caught.value, ConfigurationError)


def test_the_cap_can_be_raised_or_lowered() -> None:
    day = (START, START + timedelta(days=1))
    assert len(split_plan(day, timedelta(seconds=5), None, None, None, None, 20_000).parts) == 17_280
    with pytest.raises(TooManySubQueriesError):
        split_plan(day, timedelta(hours=1), None, None, None, None, 23)
    assert len(split_plan(day, timedelta(hours=1), None, None, None, None, 24).parts) == 24


def test_an_existing_query_is_planned_from_its_status() -> None:
    status = AuditQueryExecutionStatusResponse.from_dict(
        {
            "id": "tx-1",
            "state": "Succeeded",
            "startDate": "2026-10-02T00:00:00Z",
            "interval": "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z",
            "serviceName": "Architect",
            "filters": [{"property": "Action", "value": "Delete"}],
            "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
            "novel": 1,
        }
    )
    plan = existing_query_plan(status)
    assert plan.query == {
        "serviceName": "Architect",
        "filters": [{"property": "Action", "value": "Delete"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
    }
    assert plan.parts == (PartCheckpoint("2026-10-01T00:00:00Z/2026-10-02T00:00:00Z", transaction_id="tx-1"),)
    assert load_checkpoint(plan.to_json()) == plan


@pytest.mark.parametrize(
    ("status", "problem"),
    [
        ({"id": "tx-1"}, "interval"),
        ({"interval": "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"}, "id"),
        ({"id": "tx-1", "interval": "2026-10-01/2026-10-02"}, "has no time zone"),
    ],
)
def test_a_status_that_cannot_be_planned_is_a_decoding_error(status: dict[str, str], problem: str) -> None:
    with pytest.raises(DecodingError, match=problem):
        existing_query_plan(AuditQueryExecutionStatusResponse.from_dict(status))


def test_spans_up_to_the_last_instant_there_is_never_overflow() -> None:
    end = "9999-12-31T23:59:59.999Z"
    parts = split_interval(f"9999-12-01T00:00:00Z/{end}", timedelta(days=7))
    assert len(parts) == 5 and parts[-1] == f"9999-12-29T00:00:00.000Z/{end}"
    plan = split_plan(f"2026-10-01T00:00:00Z/{end}", "auto", None, None, None, None)
    assert plan.parts[0].interval == f"2026-10-01T00:00:00.000Z/{end}"
    with pytest.raises(IntervalError, match="outside the years 1 to 9999"):
        split_interval("9999-12-31T00:00:00Z/P2D", timedelta(days=1))
