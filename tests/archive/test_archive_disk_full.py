"""A full disk: the sync stops with one clear line (exit status 74), the archive keeps every page committed
before and passes SQLite's integrity check, and the next sync, with room again, ends exact.

The real thing is a small tmpfs, mounted in a mount namespace of the test's own (`unshare`, as root or in
a user namespace); where neither is allowed the test says so and skips. A file size limit (RLIMIT_FSIZE,
which makes writes fail with EFBIG) is the second way to fill the disk, and runs everywhere.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import Emulator
from tests.archive.archive_helpers import CLI, archived_ids, dataset, integrity, visible_ids
from tests.cli.cli_helpers import cli_env
from tests.support.emulator_process import ROOT

SPAN = ["--since", "2026-10-01T00:00:00Z", "--until", "2026-11-01T00:00:00Z"]


def _namespace(folder: Path) -> list[str] | None:
    """The `unshare` command that may mount a tmpfs on `folder`, or None when none can here."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return None
    for command in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        probe = subprocess.run(
            [*command, "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
            capture_output=True,
            timeout=30,
            check=False,
        )
        if probe.returncode == 0:
            return command
    return None


def test_a_full_tmpfs_stops_the_sync_in_one_line_and_the_archive_is_intact_and_resumable(
    emulator: Emulator, tmp_path: Path
) -> None:
    folder = tmp_path / "small-disk"
    folder.mkdir()
    command = _namespace(folder)
    if command is None:
        pytest.skip("no tmpfs can be mounted here (unshare --mount is not allowed); the file size limit test covers it")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [*command, sys.executable, "-m", "tests.archive.disk_full_scenario", str(folder), emulator.base_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    full, after = seen["full"], seen["after_full"]
    assert full["status"] == 74, full
    (line,) = full["stderr"].splitlines()
    db = folder / "audit.db"
    assert line in (  # the archive's next page, or the pages fetched ahead waiting on disk beside it, met the limit
        f"genesys-audit: error: {db}: the disk is full; the page being written was rolled back and "
        "the archive is intact: free some space and sync again to carry on",
        f"genesys-audit: error: {db}: the disk is full; the archive is intact: free some space and sync again to carry on",
    )
    assert after["integrity"] == "ok" and 0 < len(after["ids"]) < 3000 and after["unfinished"] == 1
    assert seen["again"] == {"status": 0, "stderr": ""}
    final = seen["after_again"]
    assert final["integrity"] == "ok" and final["ids"][: len(after["ids"])] == after["ids"]
    assert len(final["ids"]) == len(set(final["ids"])) and set(final["ids"]) == visible_ids(dataset(emulator))
    assert not any(folder.iterdir())  # the tmpfs went with its namespace; nothing was written here


def _limited(megabytes: float) -> None:
    limit = int(megabytes * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_file_size_limit_stops_the_sync_in_one_line_and_the_archive_is_intact_and_resumable(
    emulator: Emulator, tmp_path: Path
) -> None:
    db = tmp_path / "audit.db"
    env = cli_env(GENESYSCLOUD_API_REGION=emulator.base_url)
    run = [*CLI, "sync", "--db", str(db), *SPAN, "--quiet"]
    full = subprocess.run(
        run, env=env, capture_output=True, text=True, timeout=300, check=False, preexec_fn=lambda: _limited(2.5)
    )
    assert full.returncode == 74, full.stderr
    (line,) = full.stderr.splitlines()
    assert line.startswith(f"genesys-audit: error: {db}: writing failed (disk I/O error")
    assert "a file size limit was reached" in line and line.endswith("fix it and sync again to carry on")
    kept = archived_ids(db)
    assert integrity(db) == "ok" and 0 < len(kept) < 3000
    again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert (again.returncode, again.stderr) == (0, "")
    ids = archived_ids(db)
    assert ids[: len(kept)] == kept and len(ids) == len(set(ids)) and set(ids) == visible_ids(dataset(emulator))
    assert integrity(db) == "ok"
