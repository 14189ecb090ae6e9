"""Writing an archive: each page of records in one transaction with its export's checkpoint.

A page's records are inserted unless they are stored already (by eventDate and id: records read twice, in
an overlap, a re-run or by two streams, are stored once); the stream's export interval and checkpoint, and the run's counts, change in
the same transaction. A stream's coverage grows only when its export has finished, so what the archive
says it covers never runs ahead of what it holds.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._coverage import Span, instant_text, merged, parse_instant
from ._rows import rows
from ._schema import COLUMNS, archive_error, open_for_writing

__all__: list[str] = []

_RECORDS = f"INSERT OR IGNORE INTO records ({', '.join(COLUMNS)}) VALUES "
_CHANGES = "INSERT INTO property_changes (seq, position, property, old_values, new_values) VALUES "
_SERVICES = """INSERT INTO services (service, records, first, last) VALUES (?, ?, ?, ?)
    ON CONFLICT (service) DO UPDATE SET records = records + excluded.records, first = min(first, excluded.first),
    last = max(last, excluded.last)"""


def _insert_many(db: sqlite3.Connection, head: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Inserts `rows` with as few statements as SQLite's variable limit allows: one statement is one step
    with the GIL released, where a statement per row would hand the GIL back and forth for each (and wait
    for it, while the export's threads decode pages)."""
    if not rows:
        return
    width = len(rows[0])
    per_statement = max(1, db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width)
    one = "(" + ", ".join("?" * width) + ")"
    for at in range(0, len(rows), per_statement):
        chunk = rows[at : at + per_statement]
        db.execute(head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row])


@dataclass
class StreamState:
    """A sync stream as stored: its export in progress (interval and checkpoint JSON) and its coverage."""

    key: str
    label: str
    export_interval: str | None
    checkpoint: str | None
    coverage: list[Span]


def _now() -> str:
    return instant_text(datetime.now(UTC))


class ArchiveWriter:
    """The archive at `path`, open for one sync (which holds its lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection = open_for_writing(path)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self.connection
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            if connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already (a full disk does)
                    connection.execute("ROLLBACK")
            raise archive_error(self.path, error) from None

    def stream(self, key: str, label: str) -> StreamState:
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO streams (stream, label) VALUES (?, ?)", (key, label))
            export_interval, checkpoint = db.execute(
                "SELECT export_interval, checkpoint FROM streams WHERE stream = ?", (key,)
            ).fetchone()
            spans = db.execute("SELECT start, end FROM coverage WHERE stream = ? ORDER BY start", (key,)).fetchall()
        coverage = [(parse_instant(start), parse_instant(end)) for start, end in spans]
        return StreamState(key, label, export_interval, checkpoint, coverage)

    def begin_run(self, key: str, until: datetime) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (stream, started, until, outcome) VALUES (?, ?, ?, 'running')",
                (key, _now(), instant_text(until)),
            )
        return int(cursor.lastrowid or 0)

    def end_run(self, run: int, outcome: str, message: str | None = None) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE runs SET finished = ?, outcome = ?, message = ? WHERE run = ?", (_now(), outcome, message, run)
            )

    def write_page(self, run: int, key: str, interval: str, records: Sequence[bytes], checkpoint: str) -> int:
        """Stores the records not stored yet, the stream's checkpoint and the run's counts, in one
        transaction; returns how many records were new."""
        decoded = [rows(record) for record in records]
        with self._transaction() as db:
            before = db.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()[0]
            _insert_many(db, _RECORDS, [row for row, _ in decoded])  # a record stored already is left out
            added = db.execute("SELECT event_date, id, seq FROM records WHERE seq > ?", (before,)).fetchall()
            seqs = {(event_date, record_id): seq for event_date, record_id, seq in added}
            changes: list[tuple[Any, ...]] = []
            services: dict[str, list[Any]] = {}  # service -> [records, first, last] of those added
            for row, record_changes in decoded:
                seq = seqs.pop((row[1], row[0]), None)  # the first of a record the page holds twice
                if seq is not None:
                    changes.extend((seq, *change) for change in record_changes)
                    held = services.setdefault(row[2] or "", [0, row[1], row[1]])
                    held[0], held[1], held[2] = held[0] + 1, min(held[1], row[1]), max(held[2], row[1])
            _insert_many(db, _CHANGES, changes)
            db.executemany(_SERVICES, [(service, *held) for service, held in services.items()])
            db.execute(
                "UPDATE streams SET export_interval = ?, checkpoint = ? WHERE stream = ?", (interval, checkpoint, key)
            )
            db.execute(
                "UPDATE runs SET records_read = records_read + ?, records_added = records_added + ? WHERE run = ?",
                (len(records), len(added), run),
            )
        return len(added)

    def finish_export(self, key: str, span: Span) -> list[Span]:
        """The stream's export of `span` has handed out every record: it now covers `span` (and the export
        in progress is cleared). Returns the stream's coverage."""
        with self._transaction() as db:
            spans = db.execute("SELECT start, end FROM coverage WHERE stream = ?", (key,)).fetchall()
            coverage = merged([*((parse_instant(a), parse_instant(b)) for a, b in spans), span])
            db.execute("DELETE FROM coverage WHERE stream = ?", (key,))
            db.executemany(
                "INSERT INTO coverage (stream, start, end) VALUES (?, ?, ?)",
                [(key, instant_text(a), instant_text(b)) for a, b in coverage],
            )
            db.execute("UPDATE streams SET export_interval = NULL, checkpoint = NULL WHERE stream = ?", (key,))
        return coverage

    def record_count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM records").fetchone()[0])

    def close(self) -> None:
        self.connection.close()
