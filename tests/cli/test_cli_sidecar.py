"""The command line's checkpoint document (cli/_sidecar.py): the library's checkpoint plus the `file`
member, validated field by field and covered by the digest; version 1 files upgraded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from genesys_cloud_audit import CheckpointError, ExportCheckpoint, PartCheckpoint
from genesys_cloud_audit.workflows._checkpoint import digest
from genesys_cloud_audit.workflows.cli._sidecar import FileFacts, decode_sidecar, encode_sidecar

from tests.support.pointers import changed

V1 = Path(__file__).parents[1] / "fixtures" / "checkpoints" / "v1"
DAY = "2026-10-01T00:00:00.000Z/2026-10-02T00:00:00.000Z"
NEXT_DAY = "2026-10-02T00:00:00.000Z/2026-10-03T00:00:00.000Z"
SPLIT = ExportCheckpoint(
    {"serviceName": "Architect"},
    (PartCheckpoint(DAY, "tx-1", None, 0, 120, True), PartCheckpoint(NEXT_DAY, "tx-2", "c-7", 13, 513, False)),
)
FACTS = FileFacts("query", "jsonl", {"interval": DAY, "page_size": 500}, bytes=9000, records=633, pages=3)


def change(path: str, value: object) -> dict[str, Any]:
    """The valid document with the field at the JSON pointer `path` set (or removed, for ...)."""
    return changed(encode_sidecar(SPLIT, FACTS), path, value)


def test_round_trip_and_what_the_json_looks_like() -> None:
    data = json.loads(json.dumps(encode_sidecar(SPLIT, FACTS)))
    assert decode_sidecar(data) == (SPLIT, FACTS)
    assert data["file"] == {
        "command": "query",
        "format": "jsonl",
        "parameters": FACTS.parameters,
        "bytes": 9000,
        "records": 633,
        "pages": 3,
    }
    assert data["version"] == 4 and data["digest"] == digest(data)
    assert ExportCheckpoint.from_dict(data) == SPLIT  # the library reads it as its checkpoint
    assert decode_sidecar(SPLIT.to_dict()) == (SPLIT, None)  # a library checkpoint has no file facts


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("/file", 3, "/file: expected an object"),
        ("/file/command", ..., "/file/command: missing"),
        ("/file/format", "", "/file/format: expected a non-empty string"),
        ("/file/parameters", "x", "/file/parameters: expected an object"),
        ("/file/bytes", -5, "/file/bytes: expected an integer of at least 0"),
        ("/file/pages", ..., "/file/pages: missing"),
        ("/file/records", 632, "/file/records: 632, but the parts have handed out 633"),
        ("/file/bytes", 9001, "/digest: does not match the checkpoint's content"),  # plausible: the digest
    ],
)
def test_every_file_field_is_validated_and_named(path: str, value: object, message: str) -> None:
    with pytest.raises(CheckpointError) as caught:
        decode_sidecar(change(path, value), "audit.jsonl.checkpoint.json")
    assert str(caught.value).startswith("audit.jsonl.checkpoint.json: ") and message in str(caught.value)
    assert caught.value.version == 4 and "\n" not in str(caught.value)


def test_a_later_file_passed_off_as_version_1_is_refused() -> None:
    data = {**encode_sidecar(SPLIT, FACTS), "version": 1, "command": "query"}
    with pytest.raises(CheckpointError, match="/version: 1, but the checkpoint carries the digest"):
        decode_sidecar(data)


def load_v1(name: str) -> tuple[dict[str, Any], ExportCheckpoint, FileFacts]:
    old = json.loads((V1 / f"{name}.checkpoint.json").read_text())
    checkpoint, facts = decode_sidecar(old)
    assert facts is not None
    assert (facts.command, facts.format, facts.parameters) == (old["command"], old["params"]["format"], old["params"])
    assert (facts.bytes, facts.records, facts.pages) == (old["bytes"], old["records"], old["pages"])
    assert facts.bytes == (V1 / f"{name}.partial").stat().st_size
    return old, checkpoint, facts


def test_version_1_command_line_query_checkpoint_is_upgraded() -> None:
    old, checkpoint, _ = load_v1("query")
    assert checkpoint == ExportCheckpoint(
        {}, (PartCheckpoint(old["params"]["interval"], old["transaction_id"], old["cursor"], 0, 300, False),)
    )
    _, csv, facts = load_v1("query-csv")
    assert dict(csv.query) == {
        "filters": [{"property": "Action", "value": "Delete"}],
        "sort": [{"name": "Timestamp", "sortOrder": "descending"}],
    }
    assert facts.format == "csv" and facts.parameters["expand_user"] is True
    assert csv.parts[0].records_read == 100 and csv.parts[0].cursor is not None


def test_version_1_rerun_that_was_skipping_is_upgraded_to_run_again() -> None:
    old, checkpoint, _ = load_v1("query-rerun")
    assert old["skip"] == 200 and old["transaction_id"] is not None
    (part,) = checkpoint.parts
    assert (part.transaction_id, part.cursor, part.skip, part.records_read) == (None, None, 0, 400)


def test_version_1_split_and_realtime_command_line_checkpoints_are_upgraded() -> None:
    old, split, facts = load_v1("split")
    assert len(split.parts) == 16 and split.records_read == old["records"] == facts.records
    assert [p.interval for p in split.parts] == [p["interval"] for p in old["parts"]["parts"]]
    old, realtime, _ = load_v1("realtime")
    assert realtime.kind == "realtime" and dict(realtime.query) == {"serviceName": "Routing", "pageSize": 30}
    assert realtime.parts[0] == PartCheckpoint(old["params"]["interval"], page_number=4, records_read=90)


def test_a_broken_version_1_file_names_its_field() -> None:
    old = json.loads((V1 / "query.checkpoint.json").read_text())
    del old["params"]["interval"]
    with pytest.raises(CheckpointError, match="/params/interval: missing") as caught:
        decode_sidecar(old)
    assert caught.value.version == 1
    old = json.loads((V1 / "query.checkpoint.json").read_text())
    old["params"]["filters"] = [["Colour", "red", "extra"]]
    with pytest.raises(CheckpointError, match="/params: not the parameters of an export"):
        decode_sidecar(old)


def test_the_library_does_not_read_a_version_1_command_line_file() -> None:
    with pytest.raises(CheckpointError, match="/query: missing"):  # the command line's format, not the library's
        ExportCheckpoint.from_json((V1 / "query.checkpoint.json").read_text())
