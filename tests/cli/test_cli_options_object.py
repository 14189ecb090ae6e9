"""The typed options of an export command (cli/_options.py): read from the parsed arguments once, under
the library's names, checked once, stored in the checkpoint under the file's own names."""

from __future__ import annotations

import dataclasses

import pytest
from genesys_cloud_audit import IntervalError
from genesys_cloud_audit.workflows.cli._options import Connection, ExportOptions
from genesys_cloud_audit.workflows.cli._parser import parse_arguments
from genesys_cloud_audit.workflows.cli._sinks import UsageError

WEEK = "2026-01-01T00:00:00Z/2026-01-08T00:00:00Z"
SENT = WEEK  # format_interval keeps a well-formed interval as written


def options(*argv: str) -> ExportOptions:
    return ExportOptions.from_arguments(parse_arguments(list(argv)))


def test_the_options_carry_the_library_names_and_are_frozen() -> None:
    given = options(
        "query",
        "--interval",
        WEEK,
        "--service",
        "Architect",
        "--filter",
        "action=Delete",
        "--split",
        "1d",
        "--unordered",
        "--client-secret",
        "s3cret",
        "-o",
        "a.csv",
    )
    assert (given.service_name, given.span, given.ordered, given.concurrency) == ("Architect", "1d", False, 8)
    assert given.query() == {
        "interval": SENT,
        "service_name": "Architect",
        "filters": [("Action", "Delete")],
        "sort": None,
    }
    assert given.format == "csv" and given.settings().page_size == 500
    with pytest.raises(dataclasses.FrozenInstanceError):
        given.service_name = "Routing"  # type: ignore[misc]
    assert "s3cret" not in repr(given) and "s3cret" not in repr(given.connection)
    assert given.connection == Connection(None, "s3cret", None, None)


def test_the_checkpoint_stores_them_under_the_names_its_file_has_always_had() -> None:
    given = options("query", "--interval", WEEK, "--service", "Architect", "--split", "auto", "-o", "a.jsonl")
    assert given.stored() == {
        "split": "auto",
        "ordered": True,
        "interval": SENT,
        "last": None,
        "service": "Architect",
        "filters": [],
        "sort": None,
        "expand_user": False,
        "page_size": 500,
        "format": "jsonl",
    }
    assert "split" not in options("query", "--interval", WEEK).stored()  # absent: as before splitting
    results = options("results", "tx-1", "--page-size", "20", "--format", "csv")
    assert results.stored() == {"transaction_id": "tx-1", "expand_user": False, "page_size": 20, "format": "csv"}
    related = options("related", "a-1", "--trustor-org", "org-2")
    assert (related.audit_id, related.trustor_org_id, related.stored()) == (
        "a-1",
        "org-2",
        {"audit_id": "a-1", "format": "jsonl"},
    )


def test_a_resumed_export_keeps_the_interval_it_began_with() -> None:
    given = options("query", "--last", "7d", "-o", "a.jsonl")
    assert given.last == "7d" and given.interval is not None and given.interval.endswith("Z")
    assert given.resumed({"interval": SENT, "last": "7d"}).interval == SENT
    assert given.resumed({}).interval == given.interval


def test_the_rules_between_options_are_checked_once_when_they_are_read() -> None:
    with pytest.raises(UsageError, match="--split 1s cuts the interval into 604,800 sub-queries, more than"):
        options("query", "--interval", WEEK, "--split", "1s")
    with pytest.raises(IntervalError):
        options("query", "--interval", "2026-01-01T00:00:00/2026-01-08T00:00:00Z")
