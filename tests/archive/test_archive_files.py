"""What an archive file may be: a file that is not one is refused in one line naming it, and never written;
an archive is versioned and migrated on open; records are stored once, as sent, whatever their shape."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from genesys_cloud_audit import ArchiveFileError, AuditArchive
from genesys_cloud_audit.workflows._archive._coverage import canonical_date, parse_instant, to_export, uncovered
from genesys_cloud_audit.workflows._archive._lock import SyncLock
from genesys_cloud_audit.workflows._archive._schema import APPLICATION_ID, SCHEMA_VERSION, open_for_writing
from genesys_cloud_audit.workflows._archive._store import ArchiveWriter

from tests.archive.archive_helpers import hours


def _digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def _foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        connection.execute("INSERT INTO invoices (total) VALUES (9.5)")
    connection.close()


def _damaged_archive(path: Path) -> None:
    open_for_writing(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's schema records, overwritten
    path.write_bytes(bytes(data))


def _newer_archive(path: Path) -> None:
    open_for_writing(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()


FILES = {
    "text": (
        lambda path: path.write_text("id,eventDate\n1,2026-10-01\n"),
        "not an audit archive (not a SQLite database)",
    ),
    "foreign database": (_foreign_database, "a SQLite database of another program"),
    "damaged archive": (_damaged_archive, "left"),
    "newer schema": (_newer_archive, f"schema version {SCHEMA_VERSION + 1} is newer than this client's"),
    "truncated header": (lambda path: path.write_bytes(b"SQLite format 3\x00\x10\x00"), "left untouched"),
}


@pytest.mark.parametrize("kind", list(FILES))
def test_a_file_that_is_not_an_archive_is_refused_in_one_line_and_left_untouched(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "audit.db"
    make, problem = FILES[kind]
    make(path)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = _digest(path)
    for opener in (open_for_writing, AuditArchive):
        with pytest.raises(ArchiveFileError) as caught:
            opener(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: ") and problem in message and "\n" not in message, message
    assert _digest(path) == before
    assert not path.with_name("audit.db-wal").exists() or kind in ("damaged archive", "newer schema")


def test_a_folder_or_a_missing_archive_is_refused_and_an_empty_file_becomes_one(tmp_path: Path) -> None:
    with pytest.raises(ArchiveFileError, match="not a regular file"):
        open_for_writing(tmp_path)
    with pytest.raises(ArchiveFileError, match="no archive here"):
        AuditArchive(tmp_path / "absent.db")
    with pytest.raises(ArchiveFileError, match="does not exist"):
        open_for_writing(tmp_path / "no-such-folder" / "audit.db")
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(ArchiveFileError, match="an empty file"):
        AuditArchive(empty)
    open_for_writing(empty).close()
    with AuditArchive(empty) as archive:
        assert archive.status().records == 0


def test_an_archive_carries_its_id_and_schema_version_and_opens_again_without_migrating(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    open_for_writing(path).close()
    first = sqlite3.connect(path)
    identity = first.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()
    assert first.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert first.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert first.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    first.close()
    open_for_writing(path).close()
    with sqlite3.connect(path) as again:
        assert again.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone() == identity
    again.close()


def test_an_empty_sqlite_database_without_tables_is_taken_as_a_new_archive(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    sqlite3.connect(path).execute("VACUUM").connection.close()
    assert path.read_bytes().startswith(b"SQLite format 3")
    open_for_writing(path).close()
    with AuditArchive(path) as archive:
        assert list(archive) == []


def _page(*records: dict[str, object]) -> list[bytes]:
    return [json.dumps(record).encode() for record in records]


def test_records_are_stored_once_by_id_as_sent_with_their_property_changes(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    writer = ArchiveWriter(path)
    stream = writer.stream("{}", "all services")
    run = writer.begin_run(stream.key, parse_instant("2026-11-01T00:00:00+00:00"))
    with_changes = {
        "id": "a",
        "eventDate": "2026-10-01T12:00:00+02:00",
        "newField": {"kept": [1, 2.50]},
        "level": "SOMETHING_NEW",
        "entity": {"id": "e1", "name": "Main IVR"},
        "propertyChanges": [
            {"property": "name", "oldValues": ["old"], "newValues": ["new", "newer"]},
            {"property": "state", "oldValues": [], "newValues": []},
        ],
    }
    without_id = {"eventDate": "2026-10-02T00:00:00.000Z", "message": {"messageWithParams": "{x} happened"}}
    assert writer.write_page(run, stream.key, "i", _page(with_changes, without_id, with_changes), "{}") == 2
    assert (
        writer.write_page(
            run, stream.key, "i", _page(without_id, {"id": "b", "eventDate": "2026-10-03T00:00:00Z"}), "{}"
        )
        == 1
    )
    writer.end_run(run, "ok")
    writer.close()
    with AuditArchive(path) as archive:
        records = list(archive)
        history = archive.history("e1")
    assert [record.id for record in records][::2] == ["a", "b"]
    assert records[1].id == "sha256:" + hashlib.sha256(_page(without_id)[0]).hexdigest()
    assert records[0].to_dict() == with_changes and records[0].level == "SOMETHING_NEW"
    assert records[0].event_date == "2026-10-01T10:00:00.000Z" and records[1].message == "{x} happened"
    (entry,) = history
    assert [(c.property, c.old_values, c.new_values) for c in entry.changes] == [
        ("name", ("old",), ("new", "newer")),
        ("state", (), ()),
    ]


def test_a_second_sync_lock_is_refused_while_the_first_holds_it(tmp_path: Path) -> None:
    from genesys_cloud_audit import ArchiveBusyError

    path = tmp_path / "audit.db"
    with SyncLock(path):
        with pytest.raises(ArchiveBusyError) as caught:
            SyncLock(path).acquire()
        assert caught.value.pid == os.getpid() and f"process {os.getpid()}" in str(caught.value)
    SyncLock(path).acquire().release()  # free again once released


def test_intervals_to_export_are_what_is_not_covered_begun_an_overlap_early() -> None:
    def at(hour: int) -> object:
        return parse_instant("2026-10-01T00:00:00+00:00") + hours(hour)

    covered = [(at(10), at(20)), (at(30), at(40))]
    assert uncovered((at(0), at(50)), covered) == [(at(0), at(10)), (at(20), at(30)), (at(40), at(50))]
    assert to_export((at(0), at(50)), covered, hours(2)) == [(at(0), at(10)), (at(18), at(30)), (at(38), at(50))]
    assert to_export((at(15), at(40)), covered, hours(2)) == [(at(18), at(30))]
    assert to_export((at(10), at(20)), covered, hours(2)) == []
    assert canonical_date("2026-10-01T12:00:00Z") == "2026-10-01T12:00:00.000Z"
    assert canonical_date("2026-10-01T12:00:00.5+01:00") == "2026-10-01T11:00:00.500Z"


def test_a_run_that_never_ended_shows_as_stopped_unless_a_sync_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    writer = ArchiveWriter(path)
    writer.begin_run(writer.stream("{}", "all services").key, parse_instant("2026-11-01T00:00:00+00:00"))
    writer.close()  # as a sync killed mid-way leaves it
    with AuditArchive(path) as archive:
        (stream,) = archive.status().streams
        assert stream.last_run is not None and stream.last_run.outcome == "stopped"
        with SyncLock(path):
            (running,) = archive.status().streams
        assert running.last_run is not None and running.last_run.outcome == "running"
