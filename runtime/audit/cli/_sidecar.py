"""The command line's checkpoint document: the library's checkpoint plus a `file` member (command,
format, options, and the bytes, records and pages of `FILE.partial`), which its digest covers.

    {"version": 4, "kind": "query", "query": {...}, "parts": [...],
     "file": {"command": "query", "format": "jsonl", "parameters": {...}, "bytes": 9000, "records": 633,
              "pages": 3}, "digest": "sha256:..."}

Version 1 files, as the command line wrote them before the one format, are upgraded as they load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._checkpoint import QUERY, REALTIME, ExportCheckpoint, FieldReader, decode, encode
from .._errors import CheckpointError
from .._query_args import query_fields

__all__: list[str] = []

_FILE = "file"


@dataclass
class FileFacts:
    """What the command line adds for an export to a file: the command, how the records are written,
    and how far the partial file got (bytes after the last complete page, records and pages in it)."""

    command: str
    format: str
    parameters: dict[str, Any]
    bytes: int = 0
    records: int = 0
    pages: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "format": self.format,
            "parameters": self.parameters,
            "bytes": self.bytes,
            "records": self.records,
            "pages": self.pages,
        }


def encode_sidecar(checkpoint: ExportCheckpoint, facts: FileFacts) -> dict[str, Any]:
    """The checkpoint with its file facts, as a JSON-ready dict of the current version."""
    return encode(checkpoint, {_FILE: facts.to_dict()})


def _read_facts(document: FieldReader, checkpoint: ExportCheckpoint) -> FileFacts | None:
    if _FILE not in document.data:
        return None
    reader = document.object(_FILE)
    facts = FileFacts(
        command=reader.text("command"),
        format=reader.text("format"),
        parameters=reader.object("parameters").data,  # type: ignore[arg-type]
        bytes=reader.count("bytes", required=True),
        records=reader.count("records", required=True),
        pages=reader.count("pages", required=True),
    )
    if facts.records != checkpoint.records_read:
        raise reader.fail("records", f"{facts.records}, but the parts have handed out {checkpoint.records_read}")
    return facts


def decode_sidecar(data: object, origin: str = "checkpoint") -> tuple[ExportCheckpoint, FileFacts | None]:
    """The checkpoint and its file facts (None when it has none) from decoded JSON of any version;
    raises CheckpointError naming the field that is wrong."""
    if isinstance(data, dict) and data.get("version") == 1 and "command" in data and data["version"] is not True:
        if "digest" in data:  # version 1 never had one: a later checkpoint whose version was changed
            raise CheckpointError(
                f"{origin}: /version: 1, but the checkpoint carries the digest that versions 4 and later have"
            )
        data = _upgrade_v1(data, origin)
    return decode(data, origin, _read_facts)


# Version 1: {"version": 1, "command", "params", "transaction_id", "cursor", "page_number", "pages",
# "records", "bytes", "skip", "complete", "parts": <a split export's checkpoint> or null}.


def _upgrade_v1(data: Mapping[str, Any], origin: str) -> dict[str, Any]:
    reader = FieldReader(data, "", origin, 1)
    command = reader.text("command")
    params = reader.object("params")
    interval = params.text("interval")
    records, complete = reader.count("records", required=True), reader.flag("complete")
    try:
        filters = [(name, value) for name, value in params.data.get("filters") or []]
        query = query_fields(params.data.get("service") or None, filters, params.data.get("sort") or None)
    except (TypeError, ValueError) as error:
        raise params.fail("", f"not the parameters of an export ({error})") from None
    file = {
        "command": command,
        "format": params.text("format"),
        "parameters": params.data,
        "bytes": reader.count("bytes", required=True),
        "records": records,
        "pages": reader.count("pages", required=True),
    }
    position = {"skip": 0, "recordsRead": records, "done": complete}
    if command == REALTIME:
        query["pageSize"] = params.count("page_size", minimum=1, required=True)
        parts = [{"interval": interval, "pageNumber": reader.count("page_number", minimum=1, default=1), **position}]
        return {"version": 2, "kind": REALTIME, "query": query, "parts": parts, _FILE: file}
    if data.get("parts") is not None:
        split = reader.object("parts")
        split_query = split.object("query").data
        return {"version": 2, "kind": QUERY, "query": split_query, "parts": split.data.get("parts"), _FILE: file}
    transaction_id = reader.text("transaction_id", required=False)
    if reader.count("skip"):
        # A vanished query was being run again, skipping what the file held: run it again from the start.
        part = {"interval": interval, "transactionId": None, "cursor": None, **position}
    else:
        cursor = reader.text("cursor", required=False) if transaction_id else None
        part = {"interval": interval, "transactionId": transaction_id, "cursor": cursor, **position}
    return {"version": 2, "kind": QUERY, "query": query, "parts": [part], _FILE: file}
