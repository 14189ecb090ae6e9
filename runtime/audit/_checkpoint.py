"""The one checkpoint format of audit exports, and its codec: versioned JSON, validated when loaded.

A checkpoint says exactly which records an export has handed out: the query (its fields other than the
interval) and, for each of its sub-queries in the order their records come out, the sub-interval, the
query's transaction id, the page being read (cursor, or page number for a realtime query), how many of
that page's records were handed out (`skip`), how many records in all, and whether it is done. A
one-query export has one part; a split export one per sub-interval. The command line's sidecar file is
the same document with a `file` member (command, format, parameters, and the bytes, records and pages of
the partial file).

    {"version": 2, "kind": "query", "query": {"serviceName": "Architect"},
     "parts": [{"interval": "...", "transactionId": "...", "cursor": "...", "skip": 0,
                "recordsRead": 500, "done": false}]}

Loading checks every field (type, range, presence, consistency) and names the one that is wrong as a
JSON pointer. Version 1 documents (the split export's and the command line's) are upgraded as they load.
Version 3 adds `"split": "auto"`: an adaptive plan, whose parts were chosen from the data as the export
went (each part's query may cover more than its interval; only the records inside it are its own). A
checkpoint is written in the oldest version that describes it, so a fixed plan stays readable by
clients that know only version 2, and one that knows no adaptive plan refuses to resume one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from ._errors import CheckpointError, IntervalError
from ._limits import AUTO
from ._query_args import format_interval, query_fields

__all__ = ["ExportCheckpoint", "PartCheckpoint"]

CHECKPOINT_VERSION = 3
_FIXED_VERSION = 2  # what a checkpoint of a fixed plan is written as
QUERY = "query"
REALTIME = "realtime"
_KINDS = (QUERY, REALTIME)

T = TypeVar("T")


@dataclass(frozen=True)
class PartCheckpoint:
    """How far one sub-query got.

    Attributes:
        interval: Its `start/end` interval.
        transaction_id: The audit query's id; None until it is created (or after it vanished).
        cursor: The cursor of the page being read (None for the first page).
        skip: Records of that page already handed out.
        records_read: Records of this sub-query handed out, across resumptions.
        done: Every record of it has been handed out.
        page_number: The page being read, for a realtime query (None for an audit query).
    """

    interval: str
    transaction_id: str | None = None
    cursor: str | None = None
    skip: int = 0
    records_read: int = 0
    done: bool = False
    page_number: int | None = None


@dataclass(frozen=True)
class ExportCheckpoint:
    """Where an export stands: the query without its interval, and every sub-query's progress.

    `to_json()` / `from_json()` store it anywhere; pass it (or its JSON) back to `resume_audits` or to
    `export_audits(checkpoint=...)` to hand out exactly the records not handed out before.
    """

    query: Mapping[str, Any]
    parts: tuple[PartCheckpoint, ...] = ()
    kind: str = QUERY
    #: The parts were chosen from the data (split="auto"): more may be cut out of them as the export goes.
    adaptive: bool = False

    @property
    def records_read(self) -> int:
        return sum(part.records_read for part in self.parts)

    @property
    def done(self) -> bool:
        return all(part.done for part in self.parts)

    def to_dict(self) -> dict[str, Any]:
        return encode(self)

    def to_json(self) -> str:
        return json.dumps(encode(self))

    @classmethod
    def from_dict(cls, data: object) -> ExportCheckpoint:
        """Reads and validates a decoded checkpoint; raises CheckpointError naming what is wrong."""
        return decode(data)[0]

    @classmethod
    def from_json(cls, text: str) -> ExportCheckpoint:
        return decode(parse_json(text))[0]


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


# Encoding


def _part(part: PartCheckpoint, kind: str) -> dict[str, Any]:
    position: dict[str, Any] = (
        {"pageNumber": part.page_number}
        if kind == REALTIME
        else {"transactionId": part.transaction_id, "cursor": part.cursor}
    )
    return {"interval": part.interval, **position, "skip": part.skip, "recordsRead": part.records_read,
            "done": part.done}  # fmt: skip


def encode(checkpoint: ExportCheckpoint, file: FileFacts | None = None) -> dict[str, Any]:
    """The checkpoint (and the command line's file facts) as a JSON-ready dict of this version."""
    data: dict[str, Any] = {
        "version": CHECKPOINT_VERSION if checkpoint.adaptive else _FIXED_VERSION,
        "kind": checkpoint.kind,
        "query": dict(checkpoint.query),
        "parts": [_part(part, checkpoint.kind) for part in checkpoint.parts],
    }
    if checkpoint.adaptive:
        data["split"] = AUTO
    if file is not None:
        data["file"] = {"command": file.command, "format": file.format, "parameters": file.parameters,
                        "bytes": file.bytes, "records": file.records, "pages": file.pages}  # fmt: skip
    return data


# Decoding


def parse_json(text: str, origin: str = "checkpoint") -> object:
    try:
        return json.loads(text)
    except ValueError as error:
        raise CheckpointError(f"{origin}: not JSON ({error})") from None
    except RecursionError:
        raise CheckpointError(f"{origin}: not a checkpoint (nested too deeply)") from None


@dataclass
class _Reader:
    """Reads the fields of one JSON object, naming a wrong one by its JSON pointer."""

    data: Mapping[str, Any]
    pointer: str
    origin: str
    version: int | None = None
    seen: set[str] = field(default_factory=set)

    def fail(self, key: str, problem: str) -> CheckpointError:
        where = f"{self.pointer}/{key}" if key else self.pointer or "/"
        return CheckpointError(f"{self.origin}: {where}: {problem}", version=self.version)

    def _value(self, key: str, check: Callable[[Any], bool], expected: str, default: Any, required: bool) -> Any:
        if key not in self.data or (self.data[key] is None and not required):
            if required:
                raise self.fail(key, f"missing; expected {expected}")
            return default
        value = self.data[key]
        if not check(value):
            raise self.fail(key, f"expected {expected}, not {json.dumps(value)[:60]}")
        return value

    def text(self, key: str, *, required: bool = True) -> Any:
        expected = "a non-empty string" if required else "a non-empty string or null"
        return self._value(key, lambda v: isinstance(v, str) and bool(v), expected, None, required)

    def count(self, key: str, *, minimum: int = 0, default: int | None = 0, required: bool = False) -> Any:
        def valid(value: Any) -> bool:
            return isinstance(value, int) and not isinstance(value, bool) and value >= minimum

        return self._value(key, valid, f"an integer of at least {minimum}", default, required)

    def flag(self, key: str) -> bool:
        return bool(self._value(key, lambda v: isinstance(v, bool), "true or false", False, False))

    def object(self, key: str) -> _Reader:
        value = self._value(key, lambda v: isinstance(v, dict), "an object", None, True)
        return _Reader(value, f"{self.pointer}/{key}", self.origin, self.version)

    def objects(self, key: str) -> list[_Reader]:
        value = self._value(key, lambda v: isinstance(v, list) and bool(v), "a non-empty list", None, True)
        readers = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{key}/{index}", "expected an object")
            readers.append(_Reader(item, f"{self.pointer}/{key}/{index}", self.origin, self.version))
        return readers


def _read_part(reader: _Reader, kind: str) -> PartCheckpoint:
    try:  # sent as the rule has it (a duration side of an older checkpoint resolved)
        interval = format_interval(reader.text("interval"))
    except IntervalError as error:
        raise reader.fail("interval", str(error)) from None
    if kind == REALTIME:
        part = PartCheckpoint(interval, page_number=reader.count("pageNumber", minimum=1, required=True))
    else:
        part = PartCheckpoint(
            interval, reader.text("transactionId", required=False), reader.text("cursor", required=False)
        )
        if part.transaction_id is None and part.cursor is not None:
            raise reader.fail("cursor", "a cursor without a transactionId")
    skip = reader.count("skip")
    if part.transaction_id is None and kind == QUERY and skip:
        raise reader.fail("skip", "records skipped in a query that was not created")
    done = reader.flag("done")
    if done and skip:
        raise reader.fail("skip", "records skipped in a finished part")
    if done and part.cursor is not None:
        raise reader.fail("cursor", "a page still to read in a finished part")
    return replace(part, skip=skip, records_read=reader.count("recordsRead"), done=done)


def _read_file(reader: _Reader, checkpoint: ExportCheckpoint) -> FileFacts:
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


def _decode_current(
    data: Mapping[str, Any], origin: str, version: int = CHECKPOINT_VERSION
) -> tuple[ExportCheckpoint, FileFacts | None]:
    reader = _Reader(data, "", origin, version)
    kind = reader.text("kind")
    adaptive = False
    if version >= CHECKPOINT_VERSION and "split" in data:
        if data["split"] != AUTO:
            raise reader.fail("split", f"expected {json.dumps(AUTO)} (an adaptive plan) or no split member")
        if kind != QUERY:
            raise reader.fail("split", "only an audit query export has an adaptive plan")
        adaptive = True
    if kind not in _KINDS:
        raise reader.fail("kind", f"expected one of {', '.join(_KINDS)}, not {kind!r}")
    query = reader.object("query").data
    parts = tuple(_read_part(part, kind) for part in reader.objects("parts"))
    if kind == REALTIME and len(parts) != 1:
        raise reader.fail("parts", "a realtime export has exactly one part")
    if kind == REALTIME and reader.object("query").count("pageSize", minimum=1, default=None) is None:
        raise reader.fail("query/pageSize", "missing; expected the realtime query's page size")
    checkpoint = ExportCheckpoint(dict(query), parts, kind, adaptive)
    file = _read_file(reader.object("file"), checkpoint) if "file" in data else None
    return checkpoint, file


def decode(data: object, origin: str = "checkpoint") -> tuple[ExportCheckpoint, FileFacts | None]:
    """A checkpoint and, for a command line sidecar, its file facts, from decoded JSON of any version
    this client reads (version 1 is upgraded); raises CheckpointError naming the field that is wrong."""
    if not isinstance(data, dict):
        raise CheckpointError(f"{origin}: expected a JSON object")
    version = data.get("version")
    if version in (_FIXED_VERSION, CHECKPOINT_VERSION):
        return _decode_current(data, origin, version)
    if version == 1:
        return _decode_current(_upgrade_v1(data, origin), origin, _FIXED_VERSION)
    if version is None and "transactionId" in data:
        raise CheckpointError(
            f"{origin}: a one-query checkpoint of version 0 (written before checkpoints had versions) does not "
            "say which query it belongs to, so it cannot be resumed; start the export again",
            version=0,
        )
    if isinstance(version, int) and not isinstance(version, bool):
        raise CheckpointError(
            f"{origin}: checkpoint version {version} is not one this client reads (versions 1 to "
            f"{CHECKPOINT_VERSION}); start the export again",
            version=version,
        )
    raise CheckpointError(f"{origin}: /version: missing; not an export checkpoint")


# Version 1: the split export's checkpoint ({"version": 1, "query", "parts"}) and the command line's
# sidecar ({"version": 1, "command", "params", "transaction_id", "cursor", "page_number", "pages",
# "records", "bytes", "skip", "complete", "parts": <a split export's checkpoint> or null}).


def _upgrade_v1(data: Mapping[str, Any], origin: str) -> dict[str, Any]:
    reader = _Reader(data, "", origin, 1)
    if "command" not in data:
        reader.object("query")
        return {**data, "version": _FIXED_VERSION, "kind": QUERY}
    command = reader.text("command")
    params = reader.object("params")
    interval = params.text("interval")
    records, complete = reader.count("records", required=True), reader.flag("complete")
    try:
        filters = [(name, value) for name, value in params.data.get("filters") or []]
        query = query_fields(params.data.get("service") or None, filters, params.data.get("sort") or None)
    except (TypeError, ValueError) as error:
        raise params.fail("", f"not the parameters of an export ({error})") from None
    file = {"command": command, "format": params.text("format"), "parameters": params.data,
            "bytes": reader.count("bytes", required=True), "records": records,
            "pages": reader.count("pages", required=True)}  # fmt: skip
    position = {"skip": 0, "recordsRead": records, "done": complete}
    if command == REALTIME:
        query["pageSize"] = params.count("page_size", minimum=1, required=True)
        parts = [{"interval": interval, "pageNumber": reader.count("page_number", minimum=1, default=1), **position}]
        return {"version": _FIXED_VERSION, "kind": REALTIME, "query": query, "parts": parts, "file": file}
    if data.get("parts") is not None:
        split = reader.object("parts")
        return {"version": _FIXED_VERSION, "kind": QUERY, "query": split.object("query").data,
                "parts": split.data.get("parts"), "file": file}  # fmt: skip
    transaction_id = reader.text("transaction_id", required=False)
    if reader.count("skip"):
        # A vanished query was being run again, skipping what the file held: run it again from the start.
        part = {"interval": interval, "transactionId": None, "cursor": None, **position}
    else:
        part = {"interval": interval, "transactionId": transaction_id,
                "cursor": reader.text("cursor", required=False) if transaction_id else None, **position}  # fmt: skip
    return {"version": _FIXED_VERSION, "kind": QUERY, "query": query, "parts": [part], "file": file}
