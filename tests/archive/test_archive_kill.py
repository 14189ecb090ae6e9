"""Exactness under faults: a sync of 200,000 records, under 429s, 503s and dropped and lost answers, killed
with SIGKILL at 10 random moments and run again each time, ends with exactly the emulator's records: none
lost, none twice. SQLite's integrity check passes after every kill.

The emulator runs in its own process with every fault of the soak test (tests/bulk/test_fault_soak.py),
keeping the records' JSON between runs; the sync runs in a process of its own (`sync_child`, the library's
`sync_audits` with a faster rate limit), killed at moments drawn from a seeded generator (the seed is in
the failure message): the first soon after its start, the others once the archive holds a random number
of records, plus a random fraction of a second.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from emulator.data import AuditDataset
from tests.archive.archive_helpers import archived_ids, integrity
from tests.support.emulator_process import ROOT, EmulatorProcess, clean_run, large_dataset

pytestmark = pytest.mark.slow  # a sync of 200,000 records killed ten times

RECORDS = 200_000
SEED = 21
END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=30)
KILLS = 10
KILL_SEED = int(os.environ.get("ARCHIVE_KILL_SEED", "2024"))


@pytest.fixture(scope="module")
def faulty_emulator() -> Iterator[EmulatorProcess]:
    faults = ("429:every=20:retry_after=0", "503:every=20:skip=10", "drop:every=100:skip=3", "lose:every=100:skip=53")
    yield from clean_run(*large_dataset(RECORDS, SEED, START, END), *(f"--fault={fault}" for fault in faults))


def _sync(db: Path, emulator: EmulatorProcess) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "tests.archive.sync_child",
        str(db),
        emulator.base_url,
        START.isoformat(),
        END.isoformat(),
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _unfinished(db: Path) -> bool:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return bool(connection.execute("SELECT count(*) FROM streams WHERE checkpoint IS NOT NULL").fetchone()[0])
    except sqlite3.OperationalError:  # killed before the archive was made
        return False
    finally:
        connection.close()


def _wait_for_records(db: Path, count: int, child: subprocess.Popen[str]) -> None:
    """Waits until the archive holds at least `count` records (read-only reads beside the writer)."""
    while child.poll() is None:
        if db.exists():
            connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                if connection.execute("SELECT count(*) FROM records").fetchone()[0] >= count:
                    return
            except sqlite3.OperationalError:  # the archive is being made
                pass
            finally:
                connection.close()
        time.sleep(0.05)


def test_a_sync_killed_at_ten_random_moments_ends_with_exactly_the_emulators_records(
    faulty_emulator: EmulatorProcess, tmp_path: Path
) -> None:
    db = tmp_path / "audit.db"
    rng = random.Random(KILL_SEED)
    counts: list[int] = []
    mid_export = 0
    # The first kill comes soon after the start (maybe before the archive exists); each later one once the
    # archive holds a record count drawn at random (the moments spread over the sync, however fast it runs),
    # plus a random fraction of a second, so that it lands anywhere between two page commits.
    targets = sorted(rng.sample(range(1, int(RECORDS * 0.9)), KILLS - 1))
    for kill in range(KILLS):
        child = _sync(db, faulty_emulator)
        if kill:
            _wait_for_records(db, targets[kill - 1], child)
        time.sleep(rng.uniform(0.0, 0.5) if kill else rng.uniform(0.2, 1.0))
        assert child.poll() is None, f"seed {KILL_SEED}: the sync ended before kill {kill}: {child.communicate()}"
        child.send_signal(signal.SIGKILL)
        child.communicate()
        if not db.exists():
            counts.append(0)
            continue
        assert integrity(db) == "ok", f"seed {KILL_SEED}, kill {kill}"
        counts.append(len(archived_ids(db)))
        mid_export += _unfinished(db)
    assert counts == sorted(counts), f"seed {KILL_SEED}: the archive lost records after a kill: {counts}"
    assert mid_export >= KILLS // 2 and 0 < counts[-1] < RECORDS, (KILL_SEED, counts, mid_export)
    final = _sync(db, faulty_emulator)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    assert json.loads(out)["resumed"]
    ids = archived_ids(db)
    data = AuditDataset(seed=SEED, count=RECORDS, start=START, end=END)
    assert len(ids) == len(set(ids)) == RECORDS
    assert set(ids) == {data.record_id(index) for index in range(RECORDS)}
    assert integrity(db) == "ok" and not _unfinished(db)
    stats = faulty_emulator.stats()  # the faults fired throughout: the 429 rule alone answers one request in 20
    assert stats["faults_fired"] >= stats["requests"] // 20 > 0, stats
