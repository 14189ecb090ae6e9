"""Pure pieces of the CLI: intervals, filters, record formats, checkpoints."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from genesys_cloud_audit import CheckpointError, ExportCheckpoint, IntervalError, PartCheckpoint
from genesys_cloud_audit.workflows._checkpoint import FileFacts
from genesys_cloud_audit.workflows._query_args import format_interval as check_interval
from genesys_cloud_audit.workflows.cli._checkpoint import load_checkpoint, save_checkpoint
from genesys_cloud_audit.workflows.cli._formats import CSV_COLUMNS, column_value, format_for
from genesys_cloud_audit.workflows.cli._interval import last_interval
from genesys_cloud_audit.workflows.cli._parser import parse_filter


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
    row = fmt.page([{"id": "1", "message": {"message": 'say "a, b"'}}]).decode()
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
