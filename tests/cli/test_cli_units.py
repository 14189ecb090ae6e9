"""Pure pieces of the CLI: intervals, filters, record formats, checkpoints."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from genesys_cloud_audit import CheckpointError, ExportCheckpoint, IntervalError, PartCheckpoint
from genesys_cloud_audit.workflows._query_args import format_interval as check_interval
from genesys_cloud_audit.workflows.cli._checkpoint import load_checkpoint, save_checkpoint
from genesys_cloud_audit.workflows.cli._formats import CSV_COLUMNS, _cell, column_value, format_for
from genesys_cloud_audit.workflows.cli._interval import last_interval
from genesys_cloud_audit.workflows.cli._parser import number, parse_filter
from genesys_cloud_audit.workflows.cli._sidecar import FileFacts


def test_last_interval_ends_now_to_the_second() -> None:
    now = datetime(2026, 3, 10, 12, 30, 45, 999, tzinfo=UTC)
    assert last_interval("7d", now) == "2026-03-03T12:30:45Z/2026-03-10T12:30:45Z"
    assert last_interval("12h", now) == "2026-03-10T00:30:45Z/2026-03-10T12:30:45Z"
    assert last_interval("2W", now).startswith("2026-02-24T")


@pytest.mark.parametrize("text", ["7", "0d", "7y", "-1d", ""])
def test_bad_durations(text: str) -> None:
    with pytest.raises(IntervalError):
        last_interval(text)


@pytest.mark.parametrize("text", ["2026-01-02T00:00:00Z", "x/y", "2026-01-02T00:00:00Z/2026-01-01T00:00:00Z"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(IntervalError):
        check_interval(text)


def test_filters_are_case_insensitive_names() -> None:
    assert parse_filter("entitytype=Queue") == ("EntityType", "Queue")
    assert parse_filter("Action=a=b") == ("Action", "a=b")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_filter("Action=")


def test_column_values_flatten_nested_fields() -> None:
    record = {"entity": {"id": "e1", "name": "Q"}, "remoteIp": ["1.2.3.4", "5.6.7.8"], "message": {"message": "hi"}}
    assert column_value(record, "entity.name") == "Q"
    assert column_value(record, "remoteIp") == "1.2.3.4;5.6.7.8"
    assert column_value(record, "message") == "hi"
    assert column_value(record, "user.name") == ""


def test_csv_quotes_and_header() -> None:
    fmt = format_for("csv")
    assert fmt.header().decode().rstrip("\r\n").split(",") == list(CSV_COLUMNS)
    row = fmt.page([json.dumps({"id": "1", "message": {"message": 'say "a, b"'}}).encode()]).decode()
    assert row.endswith('"say ""a, b"""\r\n')


def test_checkpoint_round_trip_and_rejects_garbage(tmp_path: Path) -> None:
    path = tmp_path / "x.checkpoint.json"
    interval = "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z"
    checkpoint = ExportCheckpoint({}, (PartCheckpoint(interval, transaction_id="t", cursor="c"),))
    facts = FileFacts(command="query", format="jsonl", parameters={"interval": interval}, bytes=10)
    save_checkpoint(path, checkpoint, facts)
    assert load_checkpoint(path) == (checkpoint, facts)
    path.write_text("{not json")
    with pytest.raises(CheckpointError):
        load_checkpoint(path)


def test_one_number_parser_checks_every_numeric_option() -> None:
    page_size = number(int, 1, 500)
    assert page_size("500") == 500 and page_size(" 7 ") == 7
    timeout = number(float, 0.0, 86400.0, above=True)
    assert timeout("0.5") == 0.5 and timeout("86400") == 86400.0
    for parse, text in [
        (page_size, "0"),
        (page_size, "501"),
        (page_size, "1.5"),
        (page_size, ""),
        (timeout, "0"),
        (timeout, "-1"),
        (timeout, "nan"),
        (timeout, "inf"),
        (timeout, "1e400"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match="expected a"):
            parse(text)


@pytest.mark.parametrize(
    ("left", "requests", "per_minute", "text"),
    [
        (16, 49, 300, "16 sub-queries of 1d, 8 at a time: at least 49 requests, no wait under the rate limit"),
        (365, 1096, 300, "at least 1,096 requests, at least 3 min under"),
        (1460, 4381, 300, "at least 4,381 requests, at least 14 min under the rate limit of 300 a minute"),
        (10_000, 30_001, 300, "at least 30,001 requests, at least 1 h 40 min under"),
        (1, 4, 1, "1 sub-query of 1d, 8 at a time: at least 4 requests, at least 3 min under the rate limit of 1"),
    ],
)
def test_the_plan_line_counts_requests_and_the_least_time_under_the_rate_limit(
    left: int, requests: int, per_minute: int, text: str
) -> None:
    from genesys_cloud_audit import Client, RateLimiter
    from genesys_cloud_audit.workflows.cli._commands import _plan_line

    day = "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z"
    plan = ExportCheckpoint({}, tuple(PartCheckpoint(day) for _ in range(left)))
    with Client(base_url="http://127.0.0.1:9", access_token="t", rate_limit=RateLimiter(per_minute)) as client:
        assert text in _plan_line(client, plan, "1d", 8)
    resumed = ExportCheckpoint({}, (PartCheckpoint(day, done=True), PartCheckpoint(day)))
    with Client(base_url="http://127.0.0.1:9", access_token="t", rate_limit=None) as client:
        assert _plan_line(client, resumed, "1d", 8).startswith("1 of 2 sub-queries of 1d left, 8 at a time")


@pytest.mark.parametrize(
    ("fmt", "records"),
    [
        ("jsonl", [{"id": "1"}, {"id": "2", "message": {"message": "two\nlines"}}]),
        ("csv", [{"id": "1", "message": {"message": 'a "quoted",\r\nmulti-line one'}}, {"id": "2"}]),
        ("table", [{"eventDate": "2026-10-01"}, {"action": "Delete"}, {"status": "SUCCESS"}]),
    ],
)
def test_formats_count_their_records_back_and_refuse_what_is_not_theirs(
    fmt: str, records: list[dict[str, object]]
) -> None:
    writer = format_for(fmt)
    data = writer.header() + writer.page([json.dumps(record).encode() for record in records])
    assert writer.count(io.BytesIO(data), len(data)) == len(records)
    assert writer.count(io.BytesIO(data + b"torn"), len(data)) == len(records)  # only the checkpoint's bytes
    assert writer.count(io.BytesIO(writer.header()), len(writer.header())) == 0
    with pytest.raises(ValueError, match="shorter"):
        writer.count(io.BytesIO(data), len(data) + 10)
    with pytest.raises(ValueError):
        writer.count(io.BytesIO(data), len(data) - 1)  # a page cut before its end
    if writer.header():
        with pytest.raises(ValueError, match="header"):
            writer.count(io.BytesIO(b"x" + data), len(data) + 1)


def test_a_resume_mismatch_names_the_options() -> None:
    from genesys_cloud_audit.workflows.cli._checkpoint import mismatched_options

    base = {
        "interval": "a/b",
        "last": None,
        "service": None,
        "filters": [],
        "sort": None,
        "expand_user": False,
        "page_size": 100,
        "format": "jsonl",
    }
    stored = FileFacts("query", "jsonl", base)
    assert mismatched_options(FileFacts("query", "jsonl", dict(base)), stored) == ""
    changed = {**base, "service": "Routing", "filters": [["Action", "Delete"]], "page_size": 50}
    text = mismatched_options(FileFacts("query", "jsonl", changed), stored)
    assert text == (
        "--filter Action=Delete (it began with none); --page-size 50 (it began with 100); "
        "--service Routing (it began with none)"
    )
    split = {**base, "split": "1d", "ordered": False}
    assert mismatched_options(FileFacts("query", "jsonl", split), stored) == (
        "--unordered given (it began with none); --split 1d (it began with none)"
    )
    last = {**base, "last": "7d", "interval": "c/d"}
    assert (
        mismatched_options(FileFacts("query", "jsonl", last), FileFacts("query", "jsonl", {**base, "last": "7d"})) == ""
    )
    assert "started by `genesys-audit realtime`" in mismatched_options(
        FileFacts("query", "jsonl", base), FileFacts("realtime", "jsonl", base)
    )


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_columns_read_from_a_record_s_text_are_those_of_its_object(fmt: str) -> None:
    """CSV and table decode only the fields their columns name; each cell is what `column_value` gives."""
    from genesys_cloud_audit.workflows.cli._formats import TABLE_COLUMNS

    records = [
        {
            "id": 1,
            "eventDate": None,
            "level": True,
            "status": {"a": [1, None]},
            "remoteIp": ["1.2.3.4", 5],
            "entity": {"id": "e", "name": None},
            "user": [1],
            "client": "not an object",
            "message": "plain",
            "serviceName": "Routing",
            "unknown": {"deep": [[[]]]},
        },
        {"message": {"messageWithParams": "with {p}"}, "entity": {"name": "caf\u00e9 | 25 characters, ~ cut here"}},
        {"message": {"message": {"x": 1}}, "action": 1.5e300, "entityType": -0.0},
        {},
    ]
    columns = CSV_COLUMNS if fmt == "csv" else tuple(name for name, _ in TABLE_COLUMNS)
    writer = format_for(fmt)
    by_text = writer.page([json.dumps(record).encode() for record in records])
    rows = [[column_value(record, column) for column in columns] for record in records]
    if fmt == "csv":
        import csv as csv_module

        assert list(csv_module.reader(io.StringIO(by_text.decode(), newline=""))) == rows
    else:
        assert by_text.decode().splitlines() == [
            "  ".join(_cell(text, width) for text, (_, width) in zip(row, TABLE_COLUMNS, strict=True)).rstrip()
            for row in rows
        ]
