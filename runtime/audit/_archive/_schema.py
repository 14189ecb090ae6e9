"""Opening an archive file: refusing one that is not an archive, and migrating one that is to this schema.

An archive is a SQLite database whose header carries this client's application id and whose user version
is its schema version. Before SQLite is let near a file, its first bytes must be SQLite's header (or the
file empty or absent, for a new archive); then the application id must be ours (or the database empty of
tables), and the schema version one this client knows. Anything else is refused in one line naming the
file, which is never written to. Migrations run on open, each in its own transaction.

Writers use WAL with synchronous=NORMAL: a commit survives the process being killed at any moment, and a
power cut can only lose the latest commits whole (each page commits with its checkpoint, so the archive
and its high-water mark always agree).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import urllib.parse
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

__all__: list[str] = []

APPLICATION_ID = 0x47434155  # "GCAU": a Genesys Cloud audit archive
_SQLITE_HEADER = b"SQLite format 3\x00"
_PAGE_CACHE_KIB = 16_384  # a writer's page cache: bounded, so a sync's memory stays flat however large
# The WAL is copied into the database (and both synced) once it holds this much, not after every page's
# commit (a page of 500 records writes more than SQLite's default of 4 MB); then cut back to this size.
_WAL_BYTES = 64 * 1024 * 1024

_V1 = (
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID""",
    # One row per audit record: what people filter on as typed columns, and the record as the API sent it.
    # `seq` numbers records in the order they entered the archive (the Parquet dataset is cut by it). A
    # record is stored once: its key is its eventDate and id (an audit record's id never changes its
    # date), an index that grows at its end as records arrive in date order, where one on the random id
    # alone would rewrite a page of it for nearly every record a page commits.
    """CREATE TABLE records (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL,
        event_date TEXT NOT NULL,
        service_name TEXT,
        level TEXT,
        action TEXT,
        entity_type TEXT,
        entity_id TEXT,
        entity_name TEXT,
        user_id TEXT,
        user_name TEXT,
        client_id TEXT,
        remote_ip TEXT,
        status TEXT,
        transaction_id TEXT,
        message TEXT,
        raw TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX records_by_date ON records (event_date, id)",
    "CREATE INDEX records_by_entity ON records (entity_id, event_date)",
    # One row per property change of a record, in the record's order; values as JSON arrays of strings.
    """CREATE TABLE property_changes (
        seq INTEGER NOT NULL,
        position INTEGER NOT NULL,
        property TEXT,
        old_values TEXT NOT NULL,
        new_values TEXT NOT NULL,
        PRIMARY KEY (seq, position)
    ) WITHOUT ROWID""",
    # What the archive holds of each service (kept with each page, so `status` reads no record).
    """CREATE TABLE services (
        service TEXT PRIMARY KEY,
        records INTEGER NOT NULL,
        first TEXT NOT NULL,
        last TEXT NOT NULL
    ) WITHOUT ROWID""",
    # A sync stream: one query (service and filters) kept current, with the export in progress (its
    # interval and checkpoint, committed with each page's records) and what it covers.
    """CREATE TABLE streams (
        stream TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        export_interval TEXT,
        checkpoint TEXT
    ) WITHOUT ROWID""",
    """CREATE TABLE coverage (
        stream TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        PRIMARY KEY (stream, start)
    ) WITHOUT ROWID""",
    """CREATE TABLE runs (
        run INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        until TEXT NOT NULL,
        outcome TEXT NOT NULL,
        records_read INTEGER NOT NULL DEFAULT 0,
        records_added INTEGER NOT NULL DEFAULT 0,
        message TEXT
    )""",
)

_TABLES = {"meta", "records", "property_changes", "services", "streams", "coverage", "runs"}  # every version has these

#: The typed columns of `records` after `seq`, in table order (the raw JSON text comes last).
COLUMNS = (
    "id",
    "event_date",
    "service_name",
    "level",
    "action",
    "entity_type",
    "entity_id",
    "entity_name",
    "user_id",
    "user_name",
    "client_id",
    "remote_ip",
    "status",
    "transaction_id",
    "message",
    "raw",
)

#: Schema version N is reached by running MIGRATIONS[N - 1] on version N - 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1,)
SCHEMA_VERSION = len(MIGRATIONS)


def _refuse(path: Path, problem: str) -> Exception:
    from ._errors import ArchiveFileError  # loaded only to fail: reading stays free of the HTTP client

    return ArchiveFileError(f"{path}: {problem}")


def _check_file(path: Path, *, create: bool) -> bool:
    """Whether `path` is to become a new archive; refuses anything there that is not a SQLite database."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if not create:
            raise _refuse(path, "no archive here (`genesys-audit sync --db` creates one)") from None
        if not path.parent.is_dir():
            raise _refuse(path, f"the folder {path.parent} does not exist") from None
        return True
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "not a regular file; an archive is a SQLite database file")
    if info.st_size == 0:
        if not create:
            raise _refuse(path, "an empty file, not an archive yet (`genesys-audit sync --db` fills it)")
        return True
    with open(path, "rb") as file:
        header = file.read(len(_SQLITE_HEADER))
    if header != _SQLITE_HEADER:
        raise _refuse(path, "not an audit archive (not a SQLite database); it was left untouched")
    return False


def _uri(path: Path, mode: str) -> str:
    return f"file:{urllib.parse.quote(str(path.absolute()))}?mode={mode}"


def _check_identity(connection: sqlite3.Connection, path: Path) -> int:
    """The schema version of an archive of ours; refuses another program's database or a newer schema."""
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if application_id != APPLICATION_ID:
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if application_id != 0 or tables:
            raise _refuse(path, "a SQLite database of another program, not an audit archive; it was left untouched")
    if version > SCHEMA_VERSION:
        raise _refuse(
            path, f"archive schema version {version} is newer than this client's ({SCHEMA_VERSION}): upgrade it"
        )
    if version:  # reading the schema reads the first page: a damaged one is found before anything is written
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if missing := sorted(_TABLES - tables):
            raise _refuse(path, f"an archive without its table {missing[0]}; it was left untouched")
    return int(version)


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    while True:
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = _check_identity(connection, path)  # again: another process may have migrated it
            if version == SCHEMA_VERSION:
                connection.execute("COMMIT")
                return
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
            if version == 0:
                made = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                connection.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("archive_id", str(uuid.uuid4())), ("created", made)],
                )
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def _guarded(path: Path, step: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
    try:
        return step()
    except sqlite3.Error as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in (5, 6, 10, 13, 14):  # busy, locked, I/O, full, can't open
            raise archive_error(path, error) from None
        raise _refuse(path, f"not a usable audit archive ({error}); it was left untouched") from None


def open_for_writing(path: Path) -> sqlite3.Connection:
    """The archive at `path`, created if absent (or empty), migrated to this schema, in WAL mode."""
    new = _check_file(path, create=True)

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(
            _uri(path, "rwc" if new else "rw"), uri=True, isolation_level=None, check_same_thread=False, timeout=30
        )
        try:
            _check_identity(connection, path)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
            page_size = connection.execute("PRAGMA page_size").fetchone()[0]
            connection.execute(f"PRAGMA wal_autocheckpoint = {_WAL_BYTES // page_size}")
            connection.execute(f"PRAGMA journal_size_limit = {_WAL_BYTES}")
            _migrate(connection, path)
        except BaseException:
            connection.close()
            raise
        return connection

    return _guarded(path, connect)


def open_for_reading(path: Path) -> sqlite3.Connection:
    """The archive at `path`, read-only; refuses a file that is not one, or an archive of a newer schema."""
    _check_file(path, create=False)

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(_uri(path, "ro"), uri=True, isolation_level=None, timeout=30)
        try:
            version = _check_identity(connection, path)
            if version < SCHEMA_VERSION:
                raise _refuse(path, f"archive schema version {version}: run `genesys-audit sync` once to migrate it")
        except BaseException:
            connection.close()
            raise
        return connection

    return _guarded(path, connect)


def archive_error(path: Path, error: sqlite3.Error) -> Exception:
    """An SQLite failure as the archive error that says what happened to `path`, and what to do."""
    from ._errors import ArchiveError, ArchiveWriteError

    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == 13:  # SQLITE_FULL
        return ArchiveWriteError(
            f"{path}: the disk is full; the page being written was rolled back and the archive is intact: "
            "free some space and sync again to carry on"
        )
    if code == 10:  # SQLITE_IOERR (a file size limit shows as one)
        return ArchiveWriteError(
            f"{path}: writing failed ({error}: the disk is full, a file size limit was reached, or the disk "
            "failed); the archive keeps every page committed before: fix it and sync again to carry on"
        )
    if code in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return _refuse(path, f"the database is damaged ({error}); it was left as it is")
    if code == 14:  # SQLITE_CANTOPEN
        return ArchiveError(f"{path}: cannot open the database ({error}): check the folder's permissions")
    if code in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
        return ArchiveError(f"{path}: the database is locked by another program ({error}); try again")
    return ArchiveError(f"{path}: {error}")
