"""`AuditArchive`: the answers an archive gives, read-only (a sync may run meanwhile).

`search` finds records by entity, user, action, service, time and words of their message; `history` gives
every change to one entity in time order with old and new values; `status` says what the archive covers,
where its streams have gaps, and which gap is about to fall out of the API's retention. Reading needs
nothing but the standard library: the HTTP client is never loaded.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from ._coverage import RETENTION, Span, instant_text, parse_instant, uncovered
from ._schema import COLUMNS, SCHEMA_VERSION, archive_error, open_for_reading

__all__ = [
    "ArchiveStatus",
    "ArchivedRecord",
    "AuditArchive",
    "ChangedProperty",
    "HistoryEntry",
    "RunSummary",
    "ServiceSummary",
    "StreamSummary",
]

#: How long before a gap starts falling out of the API's retention `status` warns of it.
WARN_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class ArchivedRecord:
    """A record as archived: its typed columns, and `raw`, its JSON text as the API sent it."""

    id: str
    event_date: str
    service_name: str | None
    level: str | None
    action: str | None
    entity_type: str | None
    entity_id: str | None
    entity_name: str | None
    user_id: str | None
    user_name: str | None
    client_id: str | None
    remote_ip: str | None
    status: str | None
    transaction_id: str | None
    message: str | None
    raw: str

    def to_dict(self) -> dict[str, Any]:
        """The record as the API sent it, every field included."""
        value: dict[str, Any] = json.loads(self.raw)
        return value


@dataclass(frozen=True)
class ChangedProperty:
    """One property change of a record: its old and new values."""

    property: str | None
    old_values: tuple[str, ...]
    new_values: tuple[str, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One record of an entity's history: when, who, what, and the properties it changed."""

    event_date: str
    id: str
    action: str | None
    service_name: str | None
    entity_type: str | None
    entity_name: str | None
    user_id: str | None
    user_name: str | None
    status: str | None
    changes: tuple[ChangedProperty, ...]


@dataclass(frozen=True)
class ServiceSummary:
    service: str | None
    records: int
    first: str
    last: str


@dataclass(frozen=True)
class RunSummary:
    """A sync run: `outcome` is ok, failed, interrupted, running, or stopped (it never ended, and no sync
    holds the archive's lock: killed, or the machine went down; the next sync carries its export on)."""

    started: str
    finished: str | None
    until: str
    outcome: str
    records_read: int
    records_added: int
    message: str | None


@dataclass(frozen=True)
class StreamSummary:
    """A sync stream: what it covers, its gaps (the last one reaching to now), its unfinished export."""

    label: str
    covered: tuple[Span, ...]
    gaps: tuple[Span, ...]
    exporting: str | None
    last_run: RunSummary | None


@dataclass(frozen=True)
class ArchiveStatus:
    """What an archive holds and covers; `warnings` name each gap about to fall out of the API's
    retention (or already past it), with its date."""

    path: str
    schema_version: int
    records: int
    file_bytes: int
    services: tuple[ServiceSummary, ...]
    streams: tuple[StreamSummary, ...]
    warnings: tuple[str, ...]

    @property
    def bytes_per_record(self) -> float:
        return self.file_bytes / self.records if self.records else 0.0


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _bound(name: str, value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_instant(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    if value.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    return instant_text(value)


class AuditArchive:
    """An archive opened for reading; `with AuditArchive("audit.db") as archive: ...`.

    Raises ArchiveFileError when `db` is not an archive (or is of a newer schema), never writing to it.
    """

    def __init__(self, db: str | os.PathLike[str]) -> None:
        self.path = Path(os.fspath(db))
        self._db = open_for_reading(self.path)

    def _rows(self, query: str, parameters: tuple[Any, ...] | dict[str, Any] = ()) -> list[Any]:
        try:
            return self._db.execute(query, parameters).fetchall()
        except sqlite3.Error as error:
            raise archive_error(self.path, error) from None

    def search(
        self,
        *,
        entity_id: str | None = None,
        entity_name: str | None = None,
        entity_type: str | None = None,
        user: str | None = None,
        action: str | None = None,
        service: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        text: str | None = None,
        limit: int | None = None,
    ) -> list[ArchivedRecord]:
        """The records matching every criterion given, in eventDate order.

        `entity_name`, `entity_type`, `action` and `user` (an id, or a name) ignore ASCII case; `service` is as the API
        spells it; `since` is inclusive and `until` exclusive (aware datetimes or ISO-8601 with a zone);
        `text` matches records whose message holds each of its words (ignoring ASCII case).
        """
        clauses: list[str] = []
        values: list[Any] = []

        def where(clause: str, *given: Any) -> None:
            clauses.append(clause)
            values.extend(given)

        if entity_id is not None:
            where("entity_id = ?", entity_id)
        if entity_name is not None:
            where("entity_name = ? COLLATE NOCASE", entity_name)
        if entity_type is not None:
            where("entity_type = ? COLLATE NOCASE", entity_type)
        if user is not None:
            where("(user_id = ? OR user_name = ? COLLATE NOCASE)", user, user)
        if action is not None:
            where("action = ? COLLATE NOCASE", action)
        if service is not None:
            where("service_name = ?", service)
        if (start := _bound("since", since)) is not None:
            where("event_date >= ?", start)
        if (end := _bound("until", until)) is not None:
            where("event_date < ?", end)
        for word in (text or "").split():
            where("message LIKE ? ESCAPE '\\'", _like(word))
        query = f"SELECT {', '.join(COLUMNS)} FROM records"
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        query += " ORDER BY event_date, seq"
        if limit is not None:
            query += " LIMIT ?"
            values.append(int(limit))
        return [ArchivedRecord(*row) for row in self._rows(query, tuple(values))]

    def history(self, entity_id: str) -> list[HistoryEntry]:
        """Every record of the entity, in time order, each with the properties it changed (old -> new)."""
        rows = self._rows(
            """SELECT r.seq, r.event_date, r.id, r.action, r.service_name, r.entity_type, r.entity_name,
                      r.user_id, r.user_name, r.status, c.property, c.old_values, c.new_values
               FROM records AS r LEFT JOIN property_changes AS c ON c.seq = r.seq
               WHERE r.entity_id = ? ORDER BY r.event_date, r.seq, c.position""",
            (entity_id,),
        )
        grouped: dict[int, tuple[Any, list[ChangedProperty]]] = {}  # in time order (dicts keep it)
        for row in rows:
            _, changes = grouped.setdefault(row[0], (row[1:10], []))
            if row[11] is not None:
                changes.append(ChangedProperty(row[10], tuple(json.loads(row[11])), tuple(json.loads(row[12]))))
        return [_entry(fields, changes) for fields, changes in grouped.values()]

    def status(self, *, now: datetime | None = None, warn_within: timedelta = WARN_WITHIN) -> ArchiveStatus:
        """What the archive holds (per service), covers (per stream, with gaps and the last run), and
        warnings for gaps about to fall out of the API's retention (`warn_within` before they start to)."""
        moment = (now or datetime.now(UTC)).astimezone(UTC)
        services = tuple(
            ServiceSummary(service or None, *row)
            for service, *row in self._rows("SELECT service, records, first, last FROM services ORDER BY service")
        )
        streams = tuple(
            self._stream(key, label, export, moment)
            for key, label, export in self._rows("SELECT stream, label, export_interval FROM streams ORDER BY label")
        )
        warnings = tuple(
            warning
            for stream in streams
            for gap in stream.gaps
            if (warning := _warning(stream, gap, moment, warn_within))
        )
        size = sum(_size(self.path.with_name(self.path.name + suffix)) for suffix in ("", "-wal"))
        records = sum(service.records for service in services)
        return ArchiveStatus(str(self.path), SCHEMA_VERSION, records, size, services, streams, warnings)

    def _stream(self, key: str, label: str, exporting: str | None, now: datetime) -> StreamSummary:
        spans = [
            (parse_instant(a), parse_instant(b))
            for a, b in self._rows("SELECT start, end FROM coverage WHERE stream = ? ORDER BY start", (key,))
        ]
        gaps = uncovered((spans[0][0], max(now, spans[-1][1])), spans) if spans else []
        runs = self._rows(
            "SELECT started, finished, until, outcome, records_read, records_added, message FROM runs "
            "WHERE stream = ? ORDER BY run DESC LIMIT 1",
            (key,),
        )
        last = RunSummary(*runs[0]) if runs else None
        if last is not None and last.outcome == "running" and not _sync_running(self.path):
            last = replace(last, outcome="stopped")
        return StreamSummary(label, tuple(spans), tuple(gaps), exporting, last)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AuditArchive:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __iter__(self) -> Iterator[ArchivedRecord]:
        """Every record, in the order they entered the archive."""
        cursor = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM records ORDER BY seq")
        for row in cursor:
            yield ArchivedRecord(*row)


def _entry(fields: tuple[Any, ...], changes: list[ChangedProperty]) -> HistoryEntry:
    event_date, record_id, action, service, entity_type, entity_name, user_id, user_name, status = fields
    return HistoryEntry(
        event_date, record_id, action, service, entity_type, entity_name, user_id, user_name, status, tuple(changes)
    )


def _sync_running(archive: Path) -> bool:
    """Whether a sync holds the archive's lock (see `_lock`)."""
    try:
        fd = os.open(archive.with_name(archive.name + ".lock"), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _day(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d}"


def _warning(stream: StreamSummary, gap: Span, now: datetime, within: timedelta) -> str | None:
    """The warning for a gap whose records fall out of the API's retention soon (or already did)."""
    start, end = gap
    edge = now - RETENTION
    where = f"{stream.label}: records from {instant_text(start)} to {instant_text(min(end, now))} are not archived"
    if start < edge:
        lost_to = min(end, edge)
        return (
            f"{where}; those before {instant_text(lost_to)} are past the API's retention of {RETENTION.days} days "
            f"and may be lost for good: sync now to keep the rest"
        )
    falls_out = start + RETENTION
    if falls_out - now > within:
        return None
    days = (falls_out - now).days
    return (
        f"{where}; the API drops them from {_day(falls_out)} (in {days} day{'s' * (days != 1)}): "
        "run genesys-audit sync to keep them"
    )
