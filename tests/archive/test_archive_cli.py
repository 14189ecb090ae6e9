"""genesys-audit sync, search and history as a user runs them: from cron (quiet, exit statuses, a second
sync refused in one line), the answers in each format, and the read commands never loading the client."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from genesys_cloud_audit.workflows._archive._lock import SyncLock

from emulator import Emulator, run_emulator
from tests.archive.archive_helpers import CLI, archived_ids, dataset, make_config, visible_ids
from tests.cli.cli_helpers import cli_env

SPAN = ["--since", "2026-10-01T00:00:00Z", "--until", "2026-11-01T00:00:00Z"]


@pytest.fixture(scope="module")
def served() -> Iterator[Emulator]:
    with run_emulator(make_config(records=2500, history_every=30)) as emulator:
        yield emulator


def run(emulator: Emulator, *args: str) -> subprocess.CompletedProcess[str]:
    env = cli_env(GENESYSCLOUD_API_REGION=emulator.base_url)
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def archive(served: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("archive") / "audit.db"
    done = run(served, "sync", "--db", str(db), *SPAN)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert f"{db}: 2,500 new records (2,500 read) for all services" in done.stderr
    return db


def test_sync_fills_the_archive_and_quiet_leaves_nothing_on_stderr(served: Emulator, archive: Path) -> None:
    assert set(archived_ids(archive)) == visible_ids(dataset(served))
    again = run(served, "sync", "--db", str(archive), "--until", "2026-11-01T00:30:00Z", "--quiet")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    assert len(archived_ids(archive)) == 2500


def test_a_second_sync_is_refused_in_one_line_while_one_runs(served: Emulator, archive: Path) -> None:
    before = served.stats()["requests"]
    with SyncLock(archive):
        refused = run(served, "sync", "--db", str(archive), "--quiet")
    assert refused.returncode == 75, refused.stderr
    (line,) = refused.stderr.splitlines()
    assert line.startswith(f"genesys-audit: error: {archive}: another sync (process ") and "is running" in line
    assert served.stats()["requests"] == before  # nothing is asked of the API without the lock


def test_a_file_that_is_not_an_archive_is_refused_with_status_65_and_never_written(
    served: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my notes\n")
    for command in (["sync", "--db", str(path)], ["search", "--db", str(path)], ["history", "x", "--db", str(path)]):
        refused = run(served, *command)
        assert refused.returncode == 65, refused.stderr
        (line,) = refused.stderr.splitlines()
        assert (
            line == f"genesys-audit: error: {path}: not an audit archive (not a SQLite database); it was left untouched"
        )
    assert path.read_text() == "my notes\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.db",
        "notes.db.lock",
    ]


def test_search_writes_each_format_and_its_csv_is_the_querys(served: Emulator, archive: Path) -> None:
    jsonl = run(served, "search", "--db", str(archive), "--service", "Architect", "--format", "jsonl")
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert records and all(record["serviceName"] == "Architect" for record in records)
    assert [r["eventDate"] for r in records] == sorted(r["eventDate"] for r in records)
    found = run(served, "search", "--db", str(archive), "--service", "Architect", "--format", "csv")
    exported = run(
        served,
        "query",
        "--interval",
        "2026-10-01T00:00:00Z/2026-11-01T00:00:00Z",
        "--service",
        "Architect",
        "--sort",
        "ascending",
        "--expand-user",
        "--format",
        "csv",
    )
    assert found.returncode == exported.returncode == 0
    assert found.stdout == exported.stdout  # the same columns, cells and order as an export of the same records
    name = records[0]["entity"]["name"]
    table = run(served, "search", "--db", str(archive), "--entity-name", name.upper(), "--limit", "1")
    lines = table.stdout.splitlines()
    assert lines[0].startswith("eventDate") and len(lines) == 3 and name in lines[2]
    none = run(served, "search", "--db", str(archive), "--user", "nobody at all")
    assert (none.returncode, none.stdout.count("\n")) == (0, 2)
    assert none.stderr == f"genesys-audit: no records in {archive} match\n"


def test_history_shows_who_changed_what_when_in_each_format(served: Emulator, archive: Path) -> None:
    data = dataset(served)
    tracked = [i for i in range(data.count) if data.tracked_change(i) and data.tracked_change(i)[0] == 0]
    queue = data.entity_id(data.key(tracked[0]))
    table = run(served, "history", queue, "--db", str(archive))
    assert table.returncode == 0, table.stderr
    assert 'name: (none) -> "name of queue 1, revision 0"' in table.stdout
    assert 'name: "name of queue 1, revision 0" -> "name of queue 1, revision 3"' in table.stdout
    entries = [
        json.loads(line)
        for line in run(served, "history", queue, "--db", str(archive), "--format", "jsonl").stdout.splitlines()
    ]
    assert [e["eventDate"] for e in entries] == sorted(e["eventDate"] for e in entries)
    assert {data.record_id(i) for i in tracked} <= {e["id"] for e in entries}
    rows = list(csv.reader(io.StringIO(run(served, "history", queue, "--db", str(archive), "--format", "csv").stdout)))
    assert rows[0][-3:] == ["property", "oldValues", "newValues"]
    assert sum(len(e["propertyChanges"]) or 1 for e in entries) == len(rows) - 1
    unknown = run(served, "history", "no-such-entity", "--db", str(archive), "--format", "jsonl")
    assert (unknown.returncode, unknown.stdout) == (0, "") and "no records of entity no-such-entity" in unknown.stderr


def test_sync_status_says_what_the_archive_covers(served: Emulator, archive: Path) -> None:
    text = run(served, "sync", "--db", str(archive), "--status")
    assert text.returncode == 0, text.stderr
    assert "stream all services" in text.stdout and "covers  2026-10-01T00:00:00.000Z to 2026-11-01T00:" in text.stdout
    assert "2,500 records" in text.stdout and "last run started" in text.stdout
    data = json.loads(run(served, "sync", "--db", str(archive), "--status", "--format", "json").stdout)
    assert data["records"] == 2500 and data["streams"][0]["covered"][0][0] == "2026-10-01T00:00:00.000Z"
    assert sum(service["records"] for service in data["services"]) == 2500


def test_sync_status_warns_on_stderr_of_a_gap_about_to_fall_out_of_retention(served: Emulator, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    now = datetime.now(UTC)
    since, until = (now - timedelta(days=days) for days in (361, 360))
    assert (
        run(served, "sync", "--db", str(db), "--since", since.isoformat(), "--until", until.isoformat()).returncode == 0
    )
    status = run(served, "sync", "--db", str(db), "--status")
    assert status.returncode == 0
    (warning,) = status.stderr.splitlines()
    falls_out = (until + timedelta(days=365)).strftime("%Y-%m-%d")
    assert warning.startswith("genesys-audit: warning: all services: records from ")
    assert f"the API drops them from {falls_out} (in 4 days)" in warning or f"from {falls_out} (in 5 days)" in warning


def test_bad_option_combinations_are_usage_errors(served: Emulator, tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    for args, problem in (
        (["sync", "--db", db, "--status", "--since", "7d"], "--since does not go with --status"),
        (["sync", "--db", db, "--format", "json"], "--format goes with --status"),
        (["sync", "--db", db, "--since", "2026-10-01T00:00:00"], "has no time zone"),
        (["sync", "--db", db, "--overlap", "5x"], "duration must be"),
        (["search", "--db", db, "--limit", "0"], "expected a whole number"),
        (["history", "--db", db], "the following arguments are required: ENTITY_ID"),
    ):
        done = run(served, *args)
        assert done.returncode == 2 and problem in done.stderr, (args, done.stderr)
    assert not (tmp_path / "a.db").exists()


def test_the_read_commands_never_load_the_http_client(served: Emulator, archive: Path) -> None:
    env = cli_env()
    for command in (
        ["search", "--db", str(archive), "--limit", "1", "--format", "csv"],
        ["history", "x", "--db", str(archive)],
    ):
        done = subprocess.run(
            [CLI[0], "-X", "importtime", *CLI[1:], *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
        assert "sqlite3" in imported and not {"httpx", "httpcore"} & imported


def test_sync_with_parquet_writes_the_dataset_and_says_so(served: Emulator, tmp_path: Path) -> None:
    db, folder = tmp_path / "audit.db", tmp_path / "parquet"
    done = run(served, "sync", "--db", str(db), *SPAN, "--parquet", str(folder))
    assert done.returncode == 0, done.stderr
    files = sorted(folder.glob("date=*/part-*.parquet"))
    assert len(files) == 31 and (folder / "_genesys_audit_archive.json").exists()
    assert done.stderr.splitlines()[-1] == f"genesys-audit: {folder}: 31 Parquet files written"
    again = run(served, "sync", "--db", str(db), "--until", "2026-11-01T00:00:00Z", "--parquet", str(folder), "-q")
    assert (again.returncode, again.stderr) == (0, "") and sorted(folder.glob("date=*/part-*.parquet")) == files
