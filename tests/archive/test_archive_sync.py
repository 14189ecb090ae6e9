"""sync_audits against the emulator: a backfill, incremental syncs that read only the overlap, several
streams, a failed sync carried on from its last committed page, late records inside and outside the
overlap, records arriving as the emulator's present moves, and what the archive answers afterwards."""

from __future__ import annotations

import errno
import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from genesys_cloud_audit import ApiError, ArchiveWriteError, AuditArchive, sync_audits
from genesys_cloud_audit.workflows import _spill

from emulator import Emulator, run_emulator
from emulator.data import encode_json, to_millis
from tests.archive.archive_helpers import (
    DATA_END,
    DATA_START,
    FAST_WAIT,
    archived_ids,
    client_for,
    dataset,
    hours,
    integrity,
    make_config,
    visible_ids,
)


def test_a_first_sync_backfills_exactly_the_emulators_records_as_sent(emulator: Emulator, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    with client_for(emulator) as client:
        result = sync_audits(client, db=db, since=DATA_START, until=DATA_END, wait_policy=FAST_WAIT)
    data = dataset(emulator)
    ids = archived_ids(db)
    assert len(ids) == len(set(ids)) == data.count
    assert set(ids) == visible_ids(data)
    assert (result.records_read, result.records_added, result.records_total) == (data.count, data.count, data.count)
    assert result.covered == ((DATA_START, DATA_END),) and not result.resumed
    with sqlite3.connect(db) as connection:
        raw = dict(connection.execute("SELECT id, raw FROM records"))
        columns = connection.execute(
            "SELECT event_date, service_name, action, entity_id, user_name FROM records WHERE id = ?",
            (data.record_id(7),),
        ).fetchone()
    for index in (0, 7, data.count - 1):  # the record as the API sent it (laid out as json.dumps lays it out)
        sent = data.record(index, expand_user=True)
        assert raw[data.record_id(index)] == json.dumps(json.loads(encode_json(sent)), ensure_ascii=False)
    record = data.record(7, expand_user=True)
    assert columns == (
        record["eventDate"],
        record["serviceName"],
        record["action"],
        record["entity"]["id"],
        record["user"]["name"],
    )


def test_a_second_sync_adds_nothing_and_reads_only_the_overlap(emulator: Emulator, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    data = dataset(emulator)
    with client_for(emulator) as client:
        sync_audits(client, db=db, since=DATA_START, until=DATA_END, wait_policy=FAST_WAIT)
        emulator.reset()
        again = sync_audits(client, db=db, until=DATA_END + timedelta(minutes=10), wait_policy=FAST_WAIT)
    in_overlap = len(data.index_range(to_millis(DATA_END - hours(1)), to_millis(DATA_END)))
    assert 0 < in_overlap < 500
    assert (again.records_read, again.records_added, again.records_total) == (in_overlap, 0, data.count)
    assert again.intervals == ("2026-10-31T23:00:00.000Z/2026-11-01T00:10:00.000Z",)
    routes = emulator.stats()["by_route"]
    assert emulator.stats()["queries_created"] == 1
    assert sum(routes["GET /api/v2/audits/query/{transactionId}/results"].values()) == 1  # one page


def test_each_stream_keeps_its_own_high_water_mark_and_shared_records_are_stored_once(
    emulator: Emulator, tmp_path: Path
) -> None:
    db = tmp_path / "audit.db"
    data = dataset(emulator)
    routing = {data.record_id(i) for i in range(data.count) if data.key(i).service == "Routing"}
    deletes = {data.record_id(i) for i in range(data.count) if data.key(i).action == "Delete"}
    middle = DATA_START + timedelta(days=15)
    with client_for(emulator) as client:
        first = sync_audits(
            client, db=db, since=DATA_START, until=middle, service_name="Routing", wait_policy=FAST_WAIT
        )
        second = sync_audits(
            client, db=db, since=DATA_START, until=DATA_END, filters={"Action": "Delete"}, wait_policy=FAST_WAIT
        )
        third = sync_audits(client, db=db, since=DATA_START, until=DATA_END, wait_policy=FAST_WAIT)
    early_routing = {data.record_id(i) for i in data.index_range(to_millis(DATA_START), to_millis(middle))} & routing
    assert set(archived_ids(db)) == visible_ids(data)
    assert first.records_added == len(early_routing) and first.stream == "service Routing"
    assert second.records_added == len(deletes - early_routing) and second.stream == "Action=Delete"
    assert third.records_added == data.count - len(early_routing | deletes)
    with AuditArchive(db) as archive:
        streams = {stream.label: stream.covered for stream in archive.status(now=DATA_END).streams}
    assert streams == {
        "service Routing": ((DATA_START, middle),),
        "Action=Delete": ((DATA_START, DATA_END),),
        "all services": ((DATA_START, DATA_END),),
    }


def test_a_failed_sync_is_carried_on_from_its_last_committed_page(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    with run_emulator(make_config(records=6000)) as emulator, client_for(emulator) as client:
        data = dataset(emulator)
        emulator.add_fault("500:path=/results:skip=4:count=1000")  # every results page after the fourth fails
        with pytest.raises(ApiError):
            sync_audits(client, db=db, since=DATA_START, until=DATA_END, concurrency=1, wait_policy=FAST_WAIT)
        kept = archived_ids(db)
        with sqlite3.connect(db) as connection:
            interval, checkpoint = connection.execute("SELECT export_interval, checkpoint FROM streams").fetchone()
            outcome = connection.execute("SELECT outcome FROM runs").fetchone()[0]
        assert len(kept) == 4 * 500 and interval and json.loads(checkpoint)["parts"][0]["recordsRead"] == 2000
        assert outcome == "failed"
        emulator.reset()
        result = sync_audits(client, db=db, until=DATA_END, wait_policy=FAST_WAIT)
    assert result.resumed and result.records_read == data.count - 2000
    ids = archived_ids(db)
    assert ids[:2000] == kept and len(ids) == len(set(ids)) and set(ids) == visible_ids(data)


def test_late_records_inside_the_overlap_are_caught_as_the_present_moves(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    present = DATA_START + timedelta(days=20)
    config = make_config(records=4000, now=present, late_percent=20, late_by=40 * 60)
    with run_emulator(config) as emulator, client_for(emulator) as client:
        data = dataset(emulator)
        for step in range(4):  # records arrive; some of them after newer ones
            emulator.app.config.update({"now": present.isoformat()})
            sync_audits(client, db=db, since=DATA_START, until=present, wait_policy=FAST_WAIT)
            ids = archived_ids(db)
            assert len(ids) == len(set(ids)) and set(ids) == visible_ids(data, present), step
            present += hours(3)
    late = [i for i in range(data.count) if data.visible_ms(i) != data.event_ms(i)]
    assert len(late) > 500  # the guarantee was exercised


def test_a_record_later_than_the_overlap_can_be_missed_and_exactly_those_are(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    first, second = DATA_START + timedelta(days=20), DATA_START + timedelta(days=20, hours=8)
    config = make_config(records=4000, now=first, late_percent=30, late_by=5 * 3600)
    with run_emulator(config) as emulator, client_for(emulator) as client:
        data = dataset(emulator)
        sync_audits(client, db=db, since=DATA_START, until=first, wait_policy=FAST_WAIT)
        emulator.app.config.update({"now": second.isoformat()})
        sync_audits(client, db=db, until=second, overlap=hours(1), wait_policy=FAST_WAIT)
    edge, seen_first = to_millis(first - hours(1)), to_millis(first)
    missed = {
        data.record_id(i)
        for i in range(data.count)
        if data.event_ms(i) < edge and seen_first < data.visible_ms(i) <= to_millis(second)
    }
    assert missed  # records more than an hour late, dated before the overlap: the limit of the guarantee
    assert set(archived_ids(db)) == visible_ids(data, second) - missed


def test_history_gives_a_tracked_queues_changes_chained_in_time_order(tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    with run_emulator(make_config(history_every=25)) as emulator, client_for(emulator) as client:
        data = dataset(emulator)
        sync_audits(client, db=db, since=DATA_START, until=DATA_END, wait_policy=FAST_WAIT)
    tracked = [i for i in range(data.count) if data.tracked_change(i) and data.tracked_change(i)[0] == 2]
    queue = data.entity_id(data.key(tracked[0]))
    with AuditArchive(db) as archive:
        history = archive.history(queue)
    assert [entry.event_date for entry in history] == sorted(entry.event_date for entry in history)
    chained = [entry for entry in history if entry.changes and "of queue 3" in "".join(entry.changes[0].new_values)]
    assert [entry.id for entry in chained] == [data.record_id(i) for i in tracked]
    last: dict[str | None, tuple[str, ...]] = {}
    for entry in chained:
        (change,) = entry.changes
        assert change.old_values == last.get(change.property, ())  # the old value is the one set before
        last[change.property] = change.new_values
    assert len(history) > len(chained)  # the queue's other records are in its history too
    assert all(entry.entity_name == history[0].entity_name for entry in history)


def test_search_finds_what_each_criterion_names(emulator: Emulator, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    with client_for(emulator) as client:
        sync_audits(client, db=db, since=DATA_START, until=DATA_END, wait_policy=FAST_WAIT)
    with AuditArchive(db) as archive:
        everything = list(archive)
        sample = everything[123]
        since, until = "2026-10-05T00:00:00Z", "2026-10-07T12:00:00+02:00"

        def expect(keep: object) -> list[str]:
            matched = [record for record in everything if keep(record)]  # type: ignore[operator]
            return [record.id for record in sorted(matched, key=lambda record: record.event_date)]

        def ids(**criteria: object) -> list[str]:
            return [record.id for record in archive.search(**criteria)]  # type: ignore[arg-type]

        assert ids(entity_id=sample.entity_id) == expect(lambda r: r.entity_id == sample.entity_id)
        assert ids(entity_name=str(sample.entity_name).upper()) == expect(lambda r: r.entity_name == sample.entity_name)
        assert ids(user=str(sample.user_name).lower()) == expect(lambda r: r.user_name == sample.user_name)
        assert ids(user=sample.user_id) == expect(lambda r: r.user_id == sample.user_id)
        assert ids(action="delete", service="Architect") == expect(
            lambda r: r.action == "Delete" and r.service_name == "Architect"
        )
        assert ids(entity_type="flow", action="DELETE") == expect(
            lambda r: (r.entity_type, r.action) == ("Flow", "Delete")
        )
        assert ids(since=since, until=until) == expect(lambda r: "2026-10-05" <= r.event_date < "2026-10-07T10")
        words = str(sample.message).split()[:2]
        assert sample.id in ids(text=" ".join(word.upper() for word in words))
        assert ids(text=" ".join(words)) == expect(lambda r: all(w.lower() in str(r.message).lower() for w in words))
        assert ids(text="100%_") == [] and len(ids(limit=5)) == 5
        assert sample.to_dict()["id"] == sample.id


def test_status_warns_of_a_gap_before_it_falls_out_of_retention(emulator: Emulator, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    with client_for(emulator) as client:
        sync_audits(client, db=db, since=DATA_START, until=DATA_END, wait_policy=FAST_WAIT)
    with AuditArchive(db) as archive:
        soon = archive.status(now=DATA_END + timedelta(days=350))
        fine = archive.status(now=DATA_END + timedelta(days=300))
        lost = archive.status(now=DATA_END + timedelta(days=400))
    (stream,) = soon.streams
    assert stream.gaps == ((DATA_END, DATA_END + timedelta(days=350)),)
    assert fine.warnings == ()
    (warning,) = soon.warnings
    assert "from 2026-11-01T00:00:00.000Z" in warning and "drops them from 2027-11-01 (in 15 days)" in warning
    (gone,) = lost.warnings
    assert "past the API's retention" in gone and "before 2026-12-06T00:00:00.000Z" in gone
    assert soon.records == 3000 and soon.bytes_per_record > 500
    with sqlite3.connect(db) as connection:
        counted = connection.execute(
            "SELECT service_name, count(*), min(event_date), max(event_date) FROM records "
            "GROUP BY service_name ORDER BY service_name"
        ).fetchall()
    assert [(s.service, s.records, s.first, s.last) for s in soon.services] == counted
    assert stream.last_run is not None and stream.last_run.outcome == "ok" and stream.last_run.records_added == 3000


def test_an_unfinished_export_whose_checkpoint_cannot_be_used_is_started_over(
    emulator: Emulator, tmp_path: Path
) -> None:
    db = tmp_path / "audit.db"
    with client_for(emulator) as client:
        sync_audits(client, db=db, since=DATA_START, until=DATA_END, wait_policy=FAST_WAIT)
        with sqlite3.connect(db) as connection:  # as a newer client might leave it
            connection.execute(
                "UPDATE streams SET export_interval = ?, checkpoint = ?",
                ("2026-10-20T00:00:00.000Z/2026-11-01T00:00:00.000Z", '{"version": 99}'),
            )
        connection.close()
        result = sync_audits(client, db=db, until=DATA_END, wait_policy=FAST_WAIT)
    data = dataset(emulator)
    assert result.resumed and result.records_added == 0
    assert result.records_read == len(data.index_range(to_millis(DATA_START + timedelta(days=19)), to_millis(DATA_END)))
    assert set(archived_ids(db)) == visible_ids(data)


def _delayed_head(emulator: Emulator) -> None:
    """Every results page takes a little while: the sub-queries after the one being stored run ahead."""
    emulator.add_fault("delay:path=/results:seconds=0.02")


def test_pages_fetched_ahead_wait_on_disk_beside_the_archive_and_leave_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "audit.db"
    spilled: list[int] = []
    real_write = _spill.Spill.write

    def counted(self: _spill.Spill, records: Any) -> Any:
        spilled.append(len(records))
        assert self.folder == tmp_path
        return real_write(self, records)

    monkeypatch.setattr(_spill.Spill, "write", counted)
    with run_emulator(make_config(records=6000)) as emulator, client_for(emulator) as client:
        _delayed_head(emulator)
        result = sync_audits(client, db=db, since=DATA_START, until=DATA_END, page_size=100, wait_policy=FAST_WAIT)
        data = dataset(emulator)
    ids = archived_ids(db)
    assert spilled and result.records_added == data.count == len(ids) == len(set(ids))
    assert set(ids) == visible_ids(data)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "audit.db",
        "audit.db-shm",
        "audit.db-wal",
        "audit.db.lock",
    ]


def test_a_full_disk_for_the_pages_fetched_ahead_is_one_line_and_the_next_sync_ends_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "audit.db"
    real_pwrite = _spill.os.pwrite

    def full(fd: int, data: Any, offset: int) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    with run_emulator(make_config(records=6000)) as emulator, client_for(emulator) as client:
        _delayed_head(emulator)
        monkeypatch.setattr(_spill.os, "pwrite", full)
        with pytest.raises(ArchiveWriteError) as raised:
            sync_audits(client, db=db, since=DATA_START, until=DATA_END, page_size=100, wait_policy=FAST_WAIT)
        assert str(raised.value) == (
            f"{db}: the disk is full; the archive is intact: free some space and sync again to carry on"
        )
        assert integrity(db) == "ok"
        monkeypatch.setattr(_spill.os, "pwrite", real_pwrite)
        emulator.reset()
        result = sync_audits(client, db=db, until=DATA_END, page_size=100, wait_policy=FAST_WAIT)
        data = dataset(emulator)
    ids = archived_ids(db)
    assert result.resumed and len(ids) == len(set(ids)) and set(ids) == visible_ids(data)
