"""The audit archive against an export to a file: `genesys-audit sync` of 1,000,000 records into SQLite vs
`genesys-audit query --split auto --format jsonl` of the same records to a file, as whole processes run in
turn (A B A B ...); peak memory of a sync of 100,000 vs 1,000,000 records; `search --entity-id` and
`history` on the 1M archive (in the process, and as whole commands); bytes per record on disk.

    python -m bench.archive [--records 1000000] [--reps 3] [--lookups 30]

Both commands run with the generated client's rate limit off (`python -m bench.archive cli ...` is
`genesys-audit` with `Client.DEFAULT_RATE_LIMIT = None`): at Genesys's 300 requests a minute, both would
take the same 400 s for 2,000 pages and show nothing of what storing costs. The data comes from the
emulator in its own process, with every record's JSON kept in memory (`--record-cache`), warmed by one
untimed run, so serving is as cheap as it gets. Writes bench/archive_results.json; the figures go into
the "Audit archive" section of bench/RESULTS.md (between its markers, which `python -m bench` keeps) by
hand, with the command that made them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._sections import marked_section
from bench.large_export import emulator_process

__all__ = ["archive_section", "main"]

ROOT = Path(__file__).resolve().parent.parent
END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=30)
SEED = 2026
SMALL_SHARE = 10  # the 100k sync covers a tenth of the interval


BEGIN, END_MARK = "<!-- archive: begin -->", "<!-- archive: end -->"


def archive_section(results: Path) -> str:
    """The audit archive's section of `results` with its markers (empty when there is none), so a report
    rewriting the rest of the file keeps it."""
    return marked_section(results, BEGIN, END_MARK)


def cli(argv: list[str]) -> int:
    """`genesys-audit` with the client's rate limit off."""
    import genesys_cloud_audit
    from genesys_cloud_audit.workflows.cli import main as genesys_audit

    genesys_cloud_audit.Client.DEFAULT_RATE_LIMIT = None
    return genesys_audit(argv)


def _env(base_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENESYSCLOUD_")}
    env.update(GENESYSCLOUD_OAUTHCLIENT_ID="emulator-client", GENESYSCLOUD_OAUTHCLIENT_SECRET="emulator-secret",
               GENESYSCLOUD_API_REGION=base_url, PYTHONPATH=str(ROOT))  # fmt: skip
    return env


def _run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (kB) of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    error = process.stderr.read().decode() if process.stderr else ""
    if status != 0:
        raise RuntimeError(f"{' '.join(command[3:6])} failed ({status}): {error[-2000:]}")
    return elapsed, usage.ru_maxrss


def _commands(scratch: Path, until: datetime = END) -> dict[str, list[str]]:
    interval = f"{START.isoformat()}/{until.isoformat()}"
    base = [sys.executable, "-m", "bench.archive", "cli"]
    return {
        "sync": [*base, "sync", "--db", str(scratch / "audit.db"), "--since", START.isoformat(), "--until",
                 until.isoformat(), "--quiet"],
        "query": [*base, "query", "--interval", interval, "--split", "auto", "--expand-user", "--format", "jsonl",
                  "-o", str(scratch / "audit.jsonl"), "--quiet"],
    }  # fmt: skip


def _fresh(scratch: Path) -> None:
    for path in scratch.iterdir():
        path.unlink()


def _lookups(db: Path, count: int, env: dict[str, str]) -> dict[str, Any]:
    from genesys_cloud_audit import AuditArchive

    with AuditArchive(db) as archive:
        entities = [row[0] for row in archive._db.execute(
            "SELECT entity_id FROM records WHERE entity_id IS NOT NULL GROUP BY entity_id ORDER BY random() LIMIT ?",
            (count,))]  # fmt: skip
        search, history, found, changes = [], [], [], []
        for entity in entities:
            started = time.perf_counter()
            records = archive.search(entity_id=entity)
            search.append(time.perf_counter() - started)
            started = time.perf_counter()
            entries = archive.history(entity)
            history.append(time.perf_counter() - started)
            found.append(len(records))
            changes.append(sum(len(entry.changes) for entry in entries))
    base = [sys.executable, "-m", "genesys_cloud_audit.workflows.cli"]
    whole: dict[str, list[float]] = {"search": [], "history": []}
    for entity in entities[: max(5, count // 3)]:
        whole["search"].append(_run([*base, "search", "--db", str(db), "--entity-id", entity, "--format", "jsonl"],
                                    env)[0])  # fmt: skip
        whole["history"].append(_run([*base, "history", entity, "--db", str(db)], env)[0])
    return {
        "entities": len(entities),
        "records_per_entity_median": statistics.median(found),
        "property_changes_per_entity_median": statistics.median(changes),
        "search_ms_median": round(statistics.median(search) * 1000, 2),
        "history_ms_median": round(statistics.median(history) * 1000, 2),
        "search_ms_max": round(max(search) * 1000, 2),
        "history_ms_max": round(max(history) * 1000, 2),
        "whole_process_search_ms_median": round(statistics.median(whole["search"]) * 1000, 1),
        "whole_process_history_ms_median": round(statistics.median(whole["history"]) * 1000, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--lookups", type=int, default=30)
    args = parser.parse_args(argv)
    options = ["--records", str(args.records), "--seed", str(SEED), "--data-start", START.isoformat(), "--data-end",
               END.isoformat(), "--pending-polls", "0", "--record-cache", str(args.records)]  # fmt: skip
    results: dict[str, Any] = {"records": args.records, "reps": args.reps}
    with emulator_process(options) as emulator, tempfile.TemporaryDirectory(prefix="bench-archive-") as folder:
        scratch, env = Path(folder), _env(emulator.base_url)
        commands = _commands(scratch)
        print("warming the emulator's record cache (one untimed query)", file=sys.stderr)
        _run(commands["query"], env)
        times: dict[str, list[float]] = {"sync": [], "query": []}
        peaks: dict[str, list[int]] = {"sync": [], "query": []}
        for rep in range(args.reps):
            for name in ("sync", "query"):
                _fresh(scratch)
                elapsed, peak = _run(commands[name], env)
                times[name].append(elapsed)
                peaks[name].append(peak)
                print(f"rep {rep + 1}: {name} {elapsed:.1f} s, peak {peak / 1024:.0f} MB", file=sys.stderr)
        ratios = [a / b for a, b in zip(times["sync"], times["query"], strict=True)]
        results["sync_vs_query"] = {"ratio_median": round(statistics.median(ratios), 3), "ratios": ratios,
                                    "times_s": times, "peak_rss_kb": peaks}  # fmt: skip
        _fresh(scratch)
        _run(commands["sync"], env)
        db = scratch / "audit.db"
        size = sum(path.stat().st_size for path in scratch.glob("audit.db*"))
        results["bytes_per_record"] = round(size / args.records, 1)
        results["archive_bytes"] = size
        results["jsonl_bytes_per_record"] = None
        results["lookups"] = _lookups(db, args.lookups, env)
        small_until = START + (END - START) / SMALL_SHARE
        small_dir = scratch / "small"
        small_dir.mkdir()
        small = _commands(small_dir, small_until)["sync"]
        small_peaks = []
        for _ in range(args.reps):
            _fresh(small_dir)
            small_peaks.append(_run(small, env)[1])
        from genesys_cloud_audit import AuditArchive

        with AuditArchive(small_dir / "audit.db") as archive:
            small_records = archive.status().records
        results["memory"] = {"records_small": small_records, "peak_rss_kb_small": statistics.median(small_peaks),
                             "peak_rss_kb_large": statistics.median(peaks["sync"]),
                             "ratio": round(statistics.median(peaks["sync"]) / statistics.median(small_peaks), 3)}  # fmt: skip
    (ROOT / "bench" / "archive_results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    if sys.argv[1:2] == ["cli"]:
        sys.exit(cli(sys.argv[2:]))
    main()
