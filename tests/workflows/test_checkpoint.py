"""The checkpoint codec (workflows/_checkpoint.py): round trips, every validation error, older versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from genesys_cloud_audit import CheckpointError, ConfigurationError, ExportCheckpoint, PartCheckpoint
from genesys_cloud_audit.workflows._checkpoint import CHECKPOINT_VERSION, FieldReader, decode, digest, encode

from tests.support.pointers import changed

V1 = Path(__file__).parents[1] / "fixtures" / "checkpoints" / "v1"
DAY = "2026-10-01T00:00:00.000Z/2026-10-02T00:00:00.000Z"
NEXT_DAY = "2026-10-02T00:00:00.000Z/2026-10-03T00:00:00.000Z"

SPLIT = ExportCheckpoint(
    {"serviceName": "Architect", "sort": [{"name": "Timestamp", "sortOrder": "ascending"}]},
    (
        PartCheckpoint(DAY, "tx-1", None, 0, 120, True),
        PartCheckpoint(NEXT_DAY, "tx-2", "c-7", 13, 513, False),
    ),
)
REALTIME = ExportCheckpoint(
    {"pageSize": 50}, (PartCheckpoint(DAY, page_number=3, skip=4, records_read=104),), "realtime"
)
#: A writer's own member (the command line adds one naming its file: tests/cli/test_cli_sidecar.py).
NOTE = {"note": {"by": "a writer", "pages": 3}}


def valid() -> dict[str, Any]:
    return encode(SPLIT, NOTE)


def read_note(reader: FieldReader, checkpoint: ExportCheckpoint) -> dict[str, Any]:
    note = reader.object("note")
    note.text("by")
    note.count("pages", required=True)
    return dict(note.data)


ADAPTIVE = ExportCheckpoint(
    {"sort": [{"name": "Timestamp", "sortOrder": "ascending"}]},
    (
        PartCheckpoint("2026-10-01T00:00:00.000Z/2026-10-01T00:14:24.000Z", "tx-1", None, 0, 480, True),
        PartCheckpoint("2026-10-01T00:14:24.000Z/2026-10-02T00:00:00.000Z", "tx-2", "c-3", 7, 1007, False),
    ),
    adaptive=True,
)


def signed(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with the digest of what it now says (a checkpoint changed by someone who knows the format)."""
    return {**data, "digest": digest(data)}


def test_every_checkpoint_is_written_in_version_four_with_its_digest() -> None:
    for checkpoint in (SPLIT, ADAPTIVE, REALTIME):
        data = checkpoint.to_dict()
        assert CHECKPOINT_VERSION == 4 and data["version"] == 4
        assert data["digest"] == digest(data) and data["digest"].startswith("sha256:") and len(data["digest"]) == 71
    assert "split" not in SPLIT.to_dict() and ADAPTIVE.to_dict()["split"] == "auto"
    assert ExportCheckpoint.from_json(ADAPTIVE.to_json()) == ADAPTIVE
    assert decode(encode(ADAPTIVE, NOTE), "checkpoint", read_note) == (ADAPTIVE, NOTE["note"])


def test_a_writers_members_are_its_own_and_the_digest_covers_them() -> None:
    data = valid()
    assert data["note"] == NOTE["note"] and decode(data) == (SPLIT, None)  # the library reads past them
    assert ExportCheckpoint.from_dict(data) == SPLIT
    for name in ("version", "kind", "query", "parts", "split", "digest"):
        with pytest.raises(ValueError, match=f"named like the format's: {name}"):
            encode(SPLIT, {name: 1})
    with pytest.raises(CheckpointError, match=r"^checkpoint: /note/pages: missing"):
        decode(change("/note/pages", ...), "checkpoint", read_note)  # read before the digest is checked


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("/parts/1/skip", 14),
        ("/note/pages", 3),  # unchanged: loads
        ("/parts/1/cursor", "c-8"),
        ("/parts/0/done", False),
        ("/query/serviceName", "Routing"),
        ("/note/by", "another writer"),
        ("/kind", "query"),  # the same value: nothing changed, so it loads
        ("/digest", "sha256:" + "0" * 64),
        ("/digest", ...),
    ],
)
def test_a_change_that_leaves_every_field_plausible_is_refused_by_the_digest(path: str, value: object) -> None:
    if value in ("query", 3):
        assert decode(change(path, value)) == (SPLIT, None)
        return
    with pytest.raises(CheckpointError, match=r"^audit\.jsonl\.checkpoint\.json: /digest: ") as caught:
        decode(change(path, value), "audit.jsonl.checkpoint.json")
    assert caught.value.version == 4 and "\n" not in str(caught.value)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_later_checkpoint_passed_off_as_an_earlier_version_is_refused(version: int) -> None:
    with pytest.raises(CheckpointError, match=r"/digest|/version: 1, but the checkpoint carries the digest"):
        decode(change("/version", version))


def test_earlier_versions_without_a_digest_still_load() -> None:
    for checkpoint, version in ((SPLIT, 2), (ADAPTIVE, 3)):
        data = {key: value for key, value in checkpoint.to_dict().items() if key != "digest"}
        assert decode({**data, "version": version})[0] == checkpoint


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"version": 4, "version": 4}', "the member 'version' appears twice"),
        ('{"version": 4, "kind": "query", "query": {}, "parts": [{"skip": NaN}]}', "NaN is not a JSON number"),
        ('{"version": 4, "parts": [{"recordsRead": Infinity}]}', "Infinity is not a JSON number"),
    ],
)
def test_json_a_writer_never_writes_is_refused(document: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        ExportCheckpoint.from_json(document)


def test_records_skipped_in_a_page_must_have_been_handed_out() -> None:
    data = change("/parts/1/recordsRead", 13)
    data["parts"][1]["skip"] = 14
    with pytest.raises(CheckpointError, match="/parts/1/skip: 14 records of the page handed out, but only 13"):
        decode(signed(data))
    unsigned = SPLIT.to_dict()
    unsigned["parts"][1]["recordsRead"] = 512  # plausible on its own, but not what was written
    with pytest.raises(CheckpointError, match="/digest: does not match"):
        decode(unsigned)


@pytest.mark.parametrize(
    ("split", "kind", "message"),
    [
        ("1d", "query", '/split: expected "auto"'),
        (True, "query", '/split: expected "auto"'),
        ("auto", "realtime", "/split: only an audit query export"),
    ],
)
def test_a_bad_split_member_is_refused(split: object, kind: str, message: str) -> None:
    data = {**ADAPTIVE.to_dict(), "split": split, "kind": kind}
    with pytest.raises(CheckpointError, match=message):
        decode(data)


@pytest.mark.parametrize("checkpoint", [SPLIT, REALTIME, ExportCheckpoint({}, (PartCheckpoint(DAY),))])
def test_round_trip_through_json(checkpoint: ExportCheckpoint) -> None:
    assert ExportCheckpoint.from_json(checkpoint.to_json()) == checkpoint
    assert ExportCheckpoint.from_dict(json.loads(json.dumps(checkpoint.to_dict()))) == checkpoint


def test_round_trip_with_a_writers_members_and_what_the_json_looks_like() -> None:
    data = json.loads(json.dumps(valid()))
    assert decode(data, "checkpoint", read_note) == (SPLIT, NOTE["note"])
    assert data["parts"][1] == {
        "interval": NEXT_DAY,
        "transactionId": "tx-2",
        "cursor": "c-7",
        "skip": 13,
        "recordsRead": 513,
        "done": False,
    }
    assert data["note"]["pages"] == 3
    assert "transactionId" not in encode(REALTIME)["parts"][0]
    assert ExportCheckpoint.from_dict(data) == SPLIT  # a document with added members is a checkpoint too


def test_totals() -> None:
    assert SPLIT.records_read == 633 and not SPLIT.done
    assert ExportCheckpoint({}, (PartCheckpoint(DAY, "t", done=True),)).done


def change(path: str, value: object) -> dict[str, Any]:
    """The valid document with the field at the JSON pointer `path` set (or removed, for ...)."""
    return changed(valid(), path, value)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("/kind", ..., "/kind: missing"),
        ("/kind", "batch", "/kind: expected one of query, realtime"),
        ("/query", ..., "/query: missing"),
        ("/query", [], "/query: expected an object"),
        ("/parts", ..., "/parts: missing"),
        ("/parts", [], "/parts: expected a non-empty list"),
        ("/parts/1", "part", "/parts/1: expected an object"),
        ("/parts/0/interval", ..., "/parts/0/interval: missing"),
        ("/parts/0/interval", 7, "/parts/0/interval: expected a non-empty string"),
        ("/parts/0/interval", "2026-10-01T00:00:00/2026-10-02T00:00:00", "/parts/0/interval: '2026-10-01T00:00:00'"),
        ("/parts/0/interval", NEXT_DAY.split("/")[1] + "/" + DAY.split("/")[0], "/parts/0/interval: the interval ends"),
        ("/parts/0/transactionId", 12, "/parts/0/transactionId: expected a non-empty string or null"),
        ("/parts/0/transactionId", "", "/parts/0/transactionId: expected a non-empty string or null"),
        ("/parts/1/cursor", ["c"], "/parts/1/cursor: expected a non-empty string or null"),
        ("/parts/1/transactionId", None, "/parts/1/cursor: a cursor without a transactionId"),
        ("/parts/1/skip", -1, "/parts/1/skip: expected an integer of at least 0"),
        ("/parts/1/skip", 1.5, "/parts/1/skip: expected an integer of at least 0"),
        ("/parts/1/skip", True, "/parts/1/skip: expected an integer of at least 0"),
        ("/parts/1/recordsRead", "513", "/parts/1/recordsRead: expected an integer of at least 0"),
        ("/parts/1/done", "no", "/parts/1/done: expected true or false"),
        ("/parts/1/done", True, "/parts/1/skip: records skipped in a finished part"),
        ("/parts/0/cursor", "c2", "/parts/0/cursor: a page still to read in a finished part"),
    ],
)
def test_every_field_is_validated_and_named(path: str, value: object, message: str) -> None:
    with pytest.raises(CheckpointError) as caught:
        decode(change(path, value), "audit.jsonl.checkpoint.json")
    assert str(caught.value).startswith("audit.jsonl.checkpoint.json: ")
    assert message in str(caught.value)
    assert caught.value.version == 4 and "\n" not in str(caught.value)


def test_a_query_not_yet_created_has_no_position() -> None:
    data = change("/parts/1/cursor", None)
    data["parts"][1]["transactionId"] = None
    with pytest.raises(CheckpointError, match="/parts/1/skip: records skipped in a query that was not created"):
        decode(data)
    data["parts"][1]["skip"] = 0
    assert decode(signed(data))[0].parts[1].transaction_id is None  # records read before, to skip when re-run


def test_realtime_checkpoints_need_a_page_number_a_page_size_and_one_part() -> None:
    data = encode(REALTIME)
    assert decode(data)[0] == REALTIME
    for path, value, message in [
        ("/parts/0/pageNumber", 0, "/parts/0/pageNumber: expected an integer of at least 1"),
        ("/parts/0/pageNumber", ..., "/parts/0/pageNumber: missing"),
        ("/query/pageSize", ..., "/query/pageSize: missing"),
    ]:
        broken = changed(data, path, value)
        with pytest.raises(CheckpointError, match=message):
            decode(broken)
    two = {**data, "parts": data["parts"] * 2}
    with pytest.raises(CheckpointError, match="/parts: a realtime export has exactly one part"):
        decode(two)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "checkpoint: not JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[1, 2]", "checkpoint: expected a JSON object"),
        ("{}", "/version: missing; not an export checkpoint"),
        ('{"version": "2"}', "/version: missing; not an export checkpoint"),
        ('{"version": 5, "kind": "query"}', "checkpoint version 5 is not one this client reads"),
    ],
)
def test_what_is_not_a_checkpoint_of_a_known_version_is_refused(document: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message) as caught:
        ExportCheckpoint.from_json(document)
    assert isinstance(caught.value, ConfigurationError)
    if "version 5" in message:
        assert caught.value.version == 5


def test_version_0_one_query_checkpoints_are_refused_naming_their_version() -> None:
    with pytest.raises(CheckpointError, match="version 0") as caught:
        ExportCheckpoint.from_json((V1 / "library-query.json").read_text())
    assert caught.value.version == 0 and "start the export again" in str(caught.value)


def test_version_1_split_export_checkpoint_is_upgraded() -> None:
    old = json.loads((V1 / "library-split.json").read_text())
    checkpoint = ExportCheckpoint.from_json((V1 / "library-split.json").read_text())
    assert checkpoint.kind == "query" and dict(checkpoint.query) == {"serviceName": "Architect"}
    assert [part.interval for part in checkpoint.parts] == [part["interval"] for part in old["parts"]]
    assert [(p.transaction_id, p.cursor, p.skip, p.records_read, p.done) for p in checkpoint.parts] == [
        (p["transactionId"], p["cursor"], p["skip"], p["recordsRead"], p["done"]) for p in old["parts"]
    ]
    assert checkpoint.records_read == 151
    assert ExportCheckpoint.from_json(checkpoint.to_json()) == checkpoint  # and saved in version 4
