"""A 90-day export against the rate-limited emulator: one sequential query vs split concurrent sub-queries.

``python -m bench.large_export [--span-days 3] [--concurrency 8] [--page-delay 0.3]`` prints the wall time
of each, the speedup and the share of requests answered 429. Time is compressed tenfold: the emulator
allows 300 requests per 6 s per token (Genesys: 300 a minute) and the client limits itself to 300 per
6.6 s; each results page takes `--page-delay` seconds and each query 0.3 s to run, like the real API.
The emulator runs in its own process (as the real API would be), so its record generation does not
compete with the client for this process's GIL. A report, not a pass/fail test; about a minute.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from genesys_cloud_audit import Client, WaitPolicy, export_audits, query_audits
from genesys_cloud_audit._core._ratelimit import RateLimiter

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

__all__ = ["main"]

END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(days=90)
RECORDS = 30_000
WAIT = WaitPolicy(first_interval=0.3, growth=1.5, max_interval=2.0, deadline=60.0)


class _EmulatorProcess:
    """`python -m emulator` in a subprocess, driven through its control API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._control = httpx.Client(base_url=base_url, timeout=30)

    def reset(self) -> None:
        self._control.post("/_emulator/reset").raise_for_status()

    def add_fault(self, spec: str) -> None:
        self._control.post("/_emulator/faults", json={"spec": spec}).raise_for_status()

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = self._control.get("/_emulator/stats").json()
        return stats


@contextmanager
def _emulator_process() -> Iterator[_EmulatorProcess]:
    with emulator_process([
        "--records", str(RECORDS), "--seed", "3", "--data-start", START.isoformat(), "--data-end", END.isoformat(),
        "--pending-polls", "0", "--succeed-after", "0.3", "--rate-limit", "300", "--rate-limit-window", "6.0",
    ]) as emu:  # fmt: skip
        yield emu


@contextmanager
def emulator_process(options: list[str]) -> Iterator[_EmulatorProcess]:
    """`python -m emulator` with `options` (on a free port, without validation) in a subprocess."""
    command = [sys.executable, "-m", "emulator", "--port", "0", "--no-validate", *options]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        if found is None:
            raise RuntimeError("the emulator did not print its address")
        yield _EmulatorProcess(found.group(0))
    finally:
        process.terminate()
        process.wait(timeout=30)


def _client(emu: _EmulatorProcess) -> Client:
    return Client(
        base_url=emu.base_url,
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        rate_limit=RateLimiter(300, window=6.6),
    )


def _run(emu: _EmulatorProcess, fault: str, label: str, export: Any) -> tuple[float, list[str], dict[str, Any]]:
    emu.reset()  # counters and queries; the page delay is added again
    emu.add_fault(fault)
    started = time.monotonic()
    ids = [str(record.id) for record in export()]
    elapsed = time.monotonic() - started
    stats = emu.stats()
    share = stats["too_many_requests"] / max(stats["requests"], 1)
    print(f"{label:<28} {elapsed:7.2f} s  {len(ids)} records  {stats['requests']} requests  429 share {share:.2%}")
    return elapsed, ids, {"seconds": round(elapsed, 3), "requests": stats["requests"], "share_429": share}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--span-days", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--page-delay", type=float, default=0.3)
    args = parser.parse_args()
    with _emulator_process() as emu, _client(emu) as client:
        delay = f"delay:path=/results:seconds={args.page_delay}"
        sequential, expected, seq_report = _run(
            emu, delay, "sequential (one query)", lambda: query_audits(client, interval=(START, END), wait_policy=WAIT)
        )
        span = timedelta(days=args.span_days)

        def concurrent_export() -> Any:
            return export_audits(
                client, interval=(START, END), span=span, concurrency=args.concurrency, wait_policy=WAIT
            )

        label = f"split {args.span_days:g}d x{args.concurrency}"
        concurrent, ids, con_report = _run(emu, delay, label, concurrent_export)
    assert ids == expected, "the split export differs from the sequential one"
    print(f"speedup {sequential / concurrent:.2f}x")
    print(json.dumps({"sequential": seq_report, "concurrent": con_report, "speedup": sequential / concurrent}))


if __name__ == "__main__":
    main()
