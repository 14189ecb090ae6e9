"""A disk that fills up, for test_archive_disk_full: run inside a mount namespace of its own (`unshare`),
`python -m tests.archive.disk_full_scenario DIR URL` mounts a tmpfs of 3 MB on DIR, syncs an archive into it
with `genesys-audit sync` until the disk is full, checks the archive, gives the tmpfs 64 MB, syncs again,
and prints what it saw as JSON (the tmpfs, and the archive on it, go when the namespace does)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.archive.archive_helpers import CLI
from tests.cli.cli_helpers import cli_env

SPAN = ["--since", "2026-10-01T00:00:00Z", "--until", "2026-11-01T00:00:00Z"]


def _archive(db: Path) -> dict[str, Any]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {
            "integrity": connection.execute("PRAGMA integrity_check").fetchone()[0],
            "ids": [row[0] for row in connection.execute("SELECT id FROM records ORDER BY seq")],
            "unfinished": connection.execute("SELECT count(*) FROM streams WHERE checkpoint IS NOT NULL").fetchone()[0],
        }
    finally:
        connection.close()


def main(folder: str, base_url: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", folder], check=True)
    db = Path(folder) / "audit.db"
    env = cli_env(GENESYSCLOUD_API_REGION=base_url)

    def sync() -> dict[str, Any]:
        done = subprocess.run(
            [*CLI, "sync", "--db", str(db), *SPAN, "--quiet"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return {"status": done.returncode, "stderr": done.stderr}

    full = sync()
    after_full = _archive(db)
    subprocess.run(["mount", "-o", "remount,size=64m", folder], check=True)
    again = sync()
    print(json.dumps({"full": full, "after_full": after_full, "again": again, "after_again": _archive(db)}))


if __name__ == "__main__":
    main(*sys.argv[1:])
