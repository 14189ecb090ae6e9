"""The archive as a Hive-partitioned Parquet dataset: DuckDB reads it as it is, its counts and ids match
SQLite's, a re-run (even one that stopped between a file and its marker) never duplicates a record, late
records land in their own day, and a folder that is not the archive's dataset is refused untouched."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from genesys_cloud_audit import ArchiveError, ArchiveFileError, AuditArchive, sync_audits
from genesys_cloud_audit.workflows._archive import _parquet

from emulator import run_emulator
from tests.archive.archive_helpers import DATA_START, FAST_WAIT, archived_ids, client_for, dataset, hours, make_config

WHO_DELETED = """
    SELECT event_date, user_name, user_id, entity_name
    FROM read_parquet(?, hive_partitioning = true)
    WHERE entity_type = 'Flow' AND action = 'Delete' AND entity_name = ?
    ORDER BY event_date
"""


def _files(folder: Path) -> str:
    return str(folder / "*" / "*.parquet")


def _duckdb(query: str, *parameters: Any) -> list[tuple[Any, ...]]:
    with duckdb.connect() as connection:
        return connection.execute(query, list(parameters)).fetchall()


def _sqlite(db: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(query).fetchall()


def _synced(tmp_path: Path, **config: Any) -> tuple[Path, Path, Any]:
    """A month of 3,000 records synced into an archive with its Parquet dataset: (archive, dataset, result)."""
    db, folder = tmp_path / "audit.db", tmp_path / "parquet"
    with run_emulator(make_config(records=3000, **config)) as emulator, client_for(emulator) as client:
        until = DATA_START + timedelta(days=31)
        result = sync_audits(client, db=db, since=DATA_START, until=until, parquet=folder, wait_policy=FAST_WAIT)
    return db, folder, result


def test_duckdb_reads_the_dataset_with_sqlites_counts_ids_and_changes(tmp_path: Path) -> None:
    db, folder, result = _synced(tmp_path, history_every=20)
    assert result.parquet_files == len(list(folder.glob("date=*/part-*.parquet"))) == 31
    ((count, distinct),) = _duckdb(f"SELECT count(*), count(DISTINCT id) FROM read_parquet('{_files(folder)}')")
    assert count == distinct == 3000
    parquet_ids = [row[0] for row in _duckdb(f"SELECT id FROM read_parquet('{_files(folder)}') ORDER BY seq")]
    assert parquet_ids == archived_ids(db)
    days = _duckdb(
        f"SELECT count(*) FROM read_parquet('{_files(folder)}', hive_partitioning = true) "
        "WHERE strftime(event_date, '%Y-%m-%d') <> CAST(date AS VARCHAR)"
    )
    assert days == [(0,)]
    changes = _duckdb(
        f"SELECT id, to_json(property_changes) FROM read_parquet('{_files(folder)}') "
        "WHERE len(property_changes) > 0 ORDER BY id"
    )
    stored = _sqlite(
        db,
        "SELECT r.id, json_group_array(json_object('property', c.property, 'old_values', "
        "json(c.old_values), 'new_values', json(c.new_values))) FROM records r JOIN property_changes c "
        "ON c.seq = r.seq GROUP BY r.seq ORDER BY r.id",
    )
    assert [(i, json.loads(c)) for i, c in changes] == [(i, json.loads(c)) for i, c in stored]
    raw = dict(_duckdb(f"SELECT id, raw FROM read_parquet('{_files(folder)}')"))
    assert raw == dict(_sqlite(db, "SELECT id, raw FROM records"))


def test_the_readmes_who_deleted_this_flow_query_answers_as_search_does(tmp_path: Path) -> None:
    db, folder, _ = _synced(tmp_path)
    with AuditArchive(db) as archive:
        deleted = archive.search(action="Delete", service="Architect")
        flow = next(record for record in deleted if record.entity_type == "Flow")
        expected = [
            (r.event_date, r.user_name, r.user_id)
            for r in archive.search(entity_name=str(flow.entity_name))
            if r.action == "Delete" and r.entity_type == "Flow"
        ]
    answer = _duckdb(WHO_DELETED, _files(folder), flow.entity_name)
    assert [
        (f"{when:%Y-%m-%dT%H:%M:%S}.{when.microsecond // 1000:03d}Z", name, user) for when, name, user, _ in answer
    ] == expected


def test_a_rerun_never_duplicates_a_record_even_after_stopping_between_a_file_and_its_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, folder = tmp_path / "audit.db", tmp_path / "parquet"
    monkeypatch.setattr(_parquet, "BLOCK", 1000)  # three blocks of the 3,000 records, the last rewritten
    present = DATA_START + timedelta(days=20)
    config = make_config(records=3000, now=present, late_percent=10, late_by=3600)
    with run_emulator(config) as emulator, client_for(emulator) as client:
        sync_audits(client, db=db, since=DATA_START, until=present, parquet=folder, wait_policy=FAST_WAIT)
        first = _duckdb(f"SELECT count(*), count(DISTINCT id) FROM read_parquet('{_files(folder)}')")[0]
        saved = _parquet._Dataset.save

        def stop_after_files(self: Any, through: int) -> None:
            raise OSError("stopped before the marker")

        emulator.app.config.update({"now": (present + hours(30)).isoformat()})
        monkeypatch.setattr(_parquet._Dataset, "save", stop_after_files)
        with pytest.raises(OSError, match="stopped before the marker"):
            sync_audits(client, db=db, until=present + hours(30), parquet=folder, wait_policy=FAST_WAIT)
        monkeypatch.setattr(_parquet._Dataset, "save", saved)
        again = sync_audits(client, db=db, until=present + hours(30), parquet=folder, wait_policy=FAST_WAIT)
        data = dataset(emulator)
    ((count, distinct),) = _duckdb(f"SELECT count(*), count(DISTINCT id) FROM read_parquet('{_files(folder)}')")
    assert first[0] == first[1] < count == distinct == len(archived_ids(db))
    assert again.records_added == 0  # the archive had them all; only the dataset caught up
    late = {data.record_id(i) for i in range(data.count) if data.visible_ms(i) != data.event_ms(i)}
    in_dataset = {row[0] for row in _duckdb(f"SELECT id FROM read_parquet('{_files(folder)}')")}
    assert late & in_dataset and in_dataset == set(archived_ids(db))
    assert not list(folder.glob("*/.writing-*"))


def test_a_folder_that_is_not_the_archives_dataset_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db, other_db = tmp_path / "audit.db", tmp_path / "other.db"
    with run_emulator(make_config(records=600)) as emulator, client_for(emulator) as client:
        until = DATA_START + timedelta(days=31)
        sync_audits(client, db=db, since=DATA_START, until=until, wait_policy=FAST_WAIT)
        sync_audits(
            client, db=other_db, since=DATA_START, until=until, parquet=tmp_path / "theirs", wait_policy=FAST_WAIT
        )
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.csv").write_text("a,b\n")
    for folder, problem in ((mine, "not empty, and not a Parquet dataset"), (tmp_path / "theirs", "another archive")):
        before = sorted((path, path.stat().st_mtime_ns) for path in folder.rglob("*"))
        with pytest.raises(ArchiveFileError, match=problem):
            _parquet.write_dataset(db, folder)
        assert sorted((path, path.stat().st_mtime_ns) for path in folder.rglob("*")) == before


def test_without_pyarrow_the_dataset_is_refused_with_the_install_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(_parquet.importlib, "import_module", missing)
    with pytest.raises(ArchiveError, match=r"pip install 'genesys-cloud-audit\[parquet\]'"):
        _parquet.write_dataset(tmp_path / "audit.db", tmp_path / "parquet")
