"""The one checkpoint format of audit exports, and its codec: versioned JSON, validated when loaded.

A checkpoint says exactly which records an export has handed out: the query (its fields other than the
interval) and, for each of its sub-queries in the order their records come out, the sub-interval, the
query's transaction id, the page being read (cursor, or page number for a realtime query), how many of
that page's records were handed out (`skip`), how many records in all, and whether it is done. A
one-query export has one part; a split export one per sub-interval. A writer may add members of its
own (`encode(checkpoint, members)`), which the digest covers and `decode(..., members=reader)` reads
back before the digest is checked. `"split": "auto"` marks an adaptive plan, whose parts were chosen
from the data as the export went (each part's query may cover more than its interval; only the records
inside it are its own). `digest` is the SHA-256 of the rest of the document, written as JSON with sorted keys, no spaces
and ASCII escapes (`json.dumps(..., sort_keys=True, separators=(",", ":"))`).

    {"version": 4, "kind": "query", "query": {"serviceName": "Architect"},
     "parts": [{"interval": "...", "transactionId": "...", "cursor": "...", "skip": 0,
                "recordsRead": 500, "done": false}], "digest": "sha256:..."}

Loading checks every field (type, range, presence), their consistency with each other (records skipped
in a page are records handed out; nothing is skipped or still to read in a finished part), and then the
digest: any change to a checkpoint, a bit flipped on disk or a value edited by hand, is refused naming
the field (or `/digest`) as a JSON pointer, before anything is sent. Versions 1 to 3 carry no digest
(the split export's version 1 document is upgraded as it loads; version 3 added the adaptive plan) and
still resume after the same field checks; a digest in one is checked too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, overload

from ._errors import CheckpointError, IntervalError
from ._limits import AUTO
from ._query_args import format_interval

__all__ = ["ExportCheckpoint", "PartCheckpoint"]  # and, for writers that add members: encode, decode, FieldReader

CHECKPOINT_VERSION = 4  # 4: the digest; 3: the adaptive plan; 2: one format for every export; 1: before
_READ_VERSIONS = (2, 3, CHECKPOINT_VERSION)  # read as they are (version 1 is upgraded first)
_ADAPTIVE_SINCE = 3
_DIGEST = "digest"
QUERY = "query"
REALTIME = "realtime"
_KINDS = (QUERY, REALTIME)
#: The format's own top-level members (a writer's added members must be named otherwise).
_FORMAT_MEMBERS = frozenset({"version", "kind", "query", "parts", "split", _DIGEST})

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


# Encoding


def _part(part: PartCheckpoint, kind: str) -> dict[str, Any]:
    position: dict[str, Any] = (
        {"pageNumber": part.page_number}
        if kind == REALTIME
        else {"transactionId": part.transaction_id, "cursor": part.cursor}
    )
    return {
        "interval": part.interval,
        **position,
        "skip": part.skip,
        "recordsRead": part.records_read,
        "done": part.done,
    }


def digest(data: Mapping[str, Any]) -> str:
    """The digest of a checkpoint document: SHA-256 over its canonical JSON without the digest itself."""
    content = {key: value for key, value in data.items() if key != _DIGEST}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return "sha256:" + hashlib.sha256(canonical.encode("ascii")).hexdigest()


def encode(checkpoint: ExportCheckpoint, members: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The checkpoint as a JSON-ready dict of this version, with a writer's own JSON-ready `members`
    (which the digest covers; none may be named like a member of the format)."""
    data: dict[str, Any] = {
        "version": CHECKPOINT_VERSION,
        "kind": checkpoint.kind,
        "query": dict(checkpoint.query),
        "parts": [_part(part, checkpoint.kind) for part in checkpoint.parts],
    }
    if checkpoint.adaptive:
        data["split"] = AUTO
    clashing = sorted(_FORMAT_MEMBERS & set(members or {}))
    if clashing:
        raise ValueError(f"a writer's checkpoint members cannot be named like the format's: {', '.join(clashing)}")
    data.update(members or {})
    data[_DIGEST] = digest(data)
    return data


# Decoding


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the member {key!r} appears twice in one object")
        data[key] = value
    return data


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str, origin: str = "checkpoint") -> object:
    """The JSON document `text`, strictly: no member twice in an object, no NaN or Infinity."""
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_constant)
    except ValueError as error:
        raise CheckpointError(f"{origin}: not JSON ({error})") from None
    except RecursionError:
        raise CheckpointError(f"{origin}: not a checkpoint (nested too deeply)") from None


@dataclass
class FieldReader:
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

    def object(self, key: str) -> FieldReader:
        value = self._value(key, lambda v: isinstance(v, dict), "an object", None, True)
        return FieldReader(value, f"{self.pointer}/{key}", self.origin, self.version)

    def objects(self, key: str) -> list[FieldReader]:
        value = self._value(key, lambda v: isinstance(v, list) and bool(v), "a non-empty list", None, True)
        readers = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{key}/{index}", "expected an object")
            readers.append(FieldReader(item, f"{self.pointer}/{key}/{index}", self.origin, self.version))
        return readers


def _read_part(reader: FieldReader, kind: str) -> PartCheckpoint:
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
    records_read = reader.count("recordsRead")
    if kind == QUERY and skip > records_read:
        raise reader.fail("skip", f"{skip} records of the page handed out, but only {records_read} of the part")
    return replace(part, skip=skip, records_read=records_read, done=done)


def _decode_current(
    data: Mapping[str, Any], origin: str, version: int, members: Callable[[FieldReader, ExportCheckpoint], T] | None
) -> tuple[ExportCheckpoint, T | None]:
    reader = FieldReader(data, "", origin, version)
    kind = reader.text("kind")
    adaptive = False
    if version >= _ADAPTIVE_SINCE and "split" in data:
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
    added = members(reader, checkpoint) if members is not None else None
    _check_digest(reader, data, version)
    return checkpoint, added


def _check_digest(reader: FieldReader, data: Mapping[str, Any], version: int) -> None:
    """A checkpoint of version 4 carries the digest of its content (an older one may): it must match."""
    if _DIGEST not in data and version < CHECKPOINT_VERSION:
        return
    given = reader.text(_DIGEST)
    try:
        expected = digest(data)
    except ValueError:  # a value JSON cannot hold (NaN)
        expected = None
    if given != expected:
        raise reader.fail(
            _DIGEST,
            "does not match the checkpoint's content: the file was changed or damaged after it was written, so "
            "it cannot say which records were handed out",
        )


@overload
def decode(data: object, origin: str = ..., members: None = None) -> tuple[ExportCheckpoint, None]: ...
@overload
def decode(
    data: object, origin: str, members: Callable[[FieldReader, ExportCheckpoint], T]
) -> tuple[ExportCheckpoint, T]: ...
def decode(
    data: object, origin: str = "checkpoint", members: Callable[[FieldReader, ExportCheckpoint], T] | None = None
) -> tuple[ExportCheckpoint, T | None]:
    """A checkpoint from decoded JSON of any version this client reads (version 1 is upgraded), and what
    `members` (given the document's reader and the checkpoint) reads of a writer's own members, before
    the digest is checked; raises CheckpointError naming the field that is wrong."""
    if not isinstance(data, dict):
        raise CheckpointError(f"{origin}: expected a JSON object")
    version = data.get("version")
    if version in _READ_VERSIONS and not isinstance(version, bool):
        return _decode_current(data, origin, version, members)
    if version == 1 and not isinstance(version, bool):
        if _DIGEST in data:  # version 1 never had one: a later checkpoint whose version was changed
            raise CheckpointError(
                f"{origin}: /version: 1, but the checkpoint carries the digest that versions 4 and later have"
            )
        return _decode_current(_upgrade_v1(data, origin), origin, 2, members)
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


# Version 1 of the split export's checkpoint: {"version": 1, "query", "parts"}.


def _upgrade_v1(data: Mapping[str, Any], origin: str) -> dict[str, Any]:
    FieldReader(data, "", origin, 1).object("query")
    return {**data, "version": 2, "kind": QUERY}
