"""Adaptive splitting (`span="auto"`, the default of `export_audits`) against one query, on every data shape.

``python -m bench.auto_split [--reps 3] [--delay 0.05] [--concurrency 8] [--shapes even,...]`` runs
organizations on the emulator, each in its own process, with every Audit API request taking `--delay`
seconds and queries needing the emulator's default two pending polls. Each data shape
(emulator/shapes.py) has its organizations:

- even: a sparse year, 2,000 records over 365 days (with `--fixed-span`, 1-day sub-queries too, which the
  rate limit holds to about six minutes), and a dense range, 60,000 records over 5 days;
- clustered: a year whose 30,000 records all fall in three bursts of 0.8 days;
- diurnal: 30,000 records over 28 days, in working hours on weekdays;
- bursty: 30,000 records over 30 days, half of them in four spikes at 50 times the base rate;
- extra-fields: the dense range, every record with fields and some with enum values the spec does not list.

Each is exported as one query, then with `span="auto"` ordered (the default), unordered, and ordered with a
larger buffer.

The emulator keeps every record's JSON once rendered (`--record-cache`) and one unmeasured export
warms it, so its answers take the delay rather than its own rendering (one Python process for every
concurrent request).

For each export it prints the best wall time of `--reps`, the Audit API requests the emulator answered
(token requests left out), and the rate-limit bound: ceil(records/500) pages plus the export's other
requests (creating and polling queries), at Genesys's 300 a minute. Every export's records are checked
against the one query's, in order. A report, not a pass/fail test; about a minute. `--write` puts the
figures in their own section of bench/RESULTS.md (between markers, which `python -m bench` keeps).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from genesys_cloud_audit import Client, export_audits, query_audits

from bench._sections import marked_section, write_marked_section
from bench.large_export import _EmulatorProcess, emulator_process
from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

__all__ = ["kept_section", "main"]

RESULTS = Path(__file__).with_name("RESULTS.md")
BEGIN, END_MARK = "<!-- auto_split: begin -->", "<!-- auto_split: end -->"

END = datetime(2026, 11, 1, tzinfo=UTC)
PAGE = 500
PER_MINUTE = 300


@dataclass(frozen=True)
class Scenario:
    name: str
    records: int
    days: int
    shape: str = "even"

    @property
    def interval(self) -> tuple[datetime, datetime]:
        return END - timedelta(days=self.days), END

    @property
    def label(self) -> str:
        return f"{self.shape}: {self.name}"


SPARSE = Scenario("sparse year", 2_000, 365)
DENSE = Scenario("dense range", 60_000, 5)
SCENARIOS = {
    "even": (SPARSE, DENSE),
    "clustered": (Scenario("a year in 3 bursts of 0.8 days", 30_000, 365, "clustered"),),
    "diurnal": (Scenario("4 weeks of working hours", 30_000, 28, "diurnal"),),
    "bursty": (Scenario("30 days with 4 spikes of 50x", 30_000, 30, "bursty"),),
    "extra-fields": (Scenario("dense range", 60_000, 5, "extra-fields"),),
}


def _emulator(scenario: Scenario) -> AbstractContextManager[_EmulatorProcess]:
    start, end = scenario.interval
    return emulator_process([
        "--records", str(scenario.records), "--seed", "7", "--data-start", start.isoformat(),
        "--data-end", end.isoformat(), "--record-cache", str(scenario.records), "--shape", scenario.shape,
    ])  # fmt: skip


def _audit_requests(stats: dict[str, Any]) -> tuple[int, int]:
    """Audit API requests answered, and of those the results pages."""
    routes = {route: sum(counts.values()) for route, counts in stats["by_route"].items() if "oauth" not in route}
    return sum(routes.values()), sum(count for route, count in routes.items() if route.endswith("/results"))


def _client(emu: _EmulatorProcess) -> Client:
    """A client of its own for each export: its rate limiter (300 a minute) starts empty, as in a new process."""
    return Client(base_url=emu.base_url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET)


def _measure(
    emu: _EmulatorProcess, delay: float, reps: int, export: Callable[[Client], Iterator[Any]]
) -> tuple[float, list[str], int, int]:
    best, ids, requests, pages = float("inf"), [], 0, 0
    for _ in range(reps):
        with _client(emu) as client:
            emu.reset()
            emu.add_fault(f"delay:path=^/api/v2/audits:seconds={delay}")
            started = time.monotonic()
            ids = [str(record.id) for record in export(client)]
            best = min(best, time.monotonic() - started)
        requests, pages = _audit_requests(emu.stats())
    return best, ids, requests, pages


def _row(
    label: str, seconds: float, records: int, requests: int, pages: int, base: tuple[float, int]
) -> dict[str, Any]:
    overhead = requests - pages
    bound = (-(-records // PAGE) + overhead) / PER_MINUTE * 60
    row = {"export": label, "seconds": round(seconds, 3), "records": records, "requests": requests,
           "pages": pages, "other_requests": overhead, "speed_vs_one_query": round(base[0] / seconds, 2),
           "requests_vs_one_query": round(requests / base[1], 3), "rate_limit_bound_s": round(bound, 1),
           "share_of_bound": round(seconds / bound, 3)}  # fmt: skip
    print(
        f"  {label:<24} {seconds:6.2f} s  {requests:4} requests ({pages} pages + {overhead} other)  "
        f"{row['speed_vs_one_query']:5.2f}x as fast, {row['requests_vs_one_query']:.3f}x the requests of one query; "
        f"rate-limit bound {bound:5.1f} s ({seconds / bound:.2f}x)"
    )
    return row


def _scenario(scenario: Scenario, args: argparse.Namespace) -> list[dict[str, Any]]:
    print(
        f"{scenario.label}: {scenario.records:,} records over {scenario.days} days, {args.delay * 1000:g} ms a request"
    )
    interval = scenario.interval
    with _emulator(scenario) as emu:
        exports: list[tuple[str, Callable[[Client], Iterator[Any]]]] = [
            ("one query", lambda client: query_audits(client, interval=interval, sort="ascending")),
            (f"auto x{args.concurrency}", lambda client: export_audits(
                client, interval=interval, concurrency=args.concurrency)),
            (f"auto x{args.concurrency} unordered", lambda client: export_audits(
                client, interval=interval, concurrency=args.concurrency, ordered=False)),
            (f"auto x{args.concurrency} buffer {args.buffer_pages}", lambda client: export_audits(
                client, interval=interval, concurrency=args.concurrency, buffer_pages=args.buffer_pages)),
        ]  # fmt: skip
        if scenario is SPARSE and args.fixed_span:
            exports.append((
                f"1d x{args.concurrency}",
                lambda client: export_audits(
                    client, interval=interval, span=timedelta(days=1), concurrency=args.concurrency),
            ))  # fmt: skip
        rows, expected, base = [], None, (0.0, 0)
        with _client(emu) as client:
            for _ in exports[0][1](client):  # renders every record once into the emulator's cache
                pass
        for label, export in exports:
            seconds, ids, requests, pages = _measure(emu, args.delay, args.reps, export)
            if expected is None:
                expected, base = ids, (seconds, requests)
            same = ids == expected if "unordered" not in label else sorted(ids) == sorted(expected or [])
            assert same and len(set(ids)) == len(ids), f"{label} differs from one query"
            rows.append({"shape": scenario.shape, "scenario": scenario.name,
                         **_row(label, seconds, len(ids), requests, pages, base)})  # fmt: skip
        return rows


def kept_section(results: Path) -> str:
    """The adaptive-splitting section of `results` with its markers (empty when there is none), so a
    report rewriting the rest of the file keeps it."""
    return marked_section(results, BEGIN, END_MARK)


# Issue 25's bounds for `--split auto` on every shape.
MAX_REQUESTS_VS_ONE_QUERY = 1.25
MIN_SPEED_WITHOUT_GAIN = 0.9  # "never more than 10% slower than one query when there is nothing to gain"


def _section(rows: list[dict[str, Any]], command: str) -> str:
    lines = [
        BEGIN,
        "## Adaptive splitting on every data shape (issue 15, deliverable 5; shapes: issue 25)",
        "",
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}. "
        f"Command: `{command}`.",
        "Emulator in its own process (one per organization, `--shape` as named), every Audit API request "
        "delayed 50 ms, two pending polls per query;",
        "a fresh client (and rate limiter, 300 a minute) per export; best wall time of the repetitions. Each "
        "export's records are checked against the one query's (in order; unordered: as a set).",
        "",
        "| shape | organization | export | wall (s) | requests (pages + other) | speed vs one query "
        "| requests vs one query | rate-limit bound (s) | wall / bound |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['shape']} | {row['scenario']} | {row['export']} | {row['seconds']:.2f} | {row['requests']} "
            f"({row['pages']} + {row['other_requests']}) | {row['speed_vs_one_query']:.2f}x | "
            f"{row['requests_vs_one_query']:.3f}x | {row['rate_limit_bound_s']:.1f} | {row['share_of_bound']:.2f} |"
        )
    lines += ["", *_summary(rows), "", *_HOW, END_MARK]
    return "\n".join(lines)


_HOW = [
    "How (runtime/audit/_adaptive.py): every page any sub-query reads is evidence, its records and the time it "
    "showed in full, so empty stretches (a sub-query's start before its first record, a sub-query that came back "
    "empty) lower the density the rest of a part is estimated at. A new query must take over pages worth four "
    "times its requests; a cut extrapolates at most 128 times the time its part showed since it began or was "
    "last cut; a part that was cut is weighed again only after reading a query's worth of pages; and all new "
    "queries together must fit in 15% of the pages seen plus one part's estimate. The part that is cut keeps "
    "reading its own query through its first piece.",
    "",
    "Before (the split of issue 15, at commit 5e538a4; `python -m bench.auto_split --shapes clustered,diurnal,"
    "bursty --reps 1`, load average 2 to 9): requests vs one query 3.969x clustered, 1.547x diurnal, 2.641x "
    "bursty; its first page's density was assumed for the whole rest of the interval, cut into up to "
    "`concurrency` equal spans at once.",
    "",
    "The library's ordered export (the rows above, records handed to the caller) keeps its bounded buffer; the "
    "command line's ordered export to a file spills the pages past it to disk: see the next section.",
]


def _summary(rows: list[dict[str, Any]]) -> list[str]:
    """Per organization: the default export (auto, ordered) against issue 25's bounds, and ordered vs
    unordered."""
    lines = [
        f"Against issue 25's bounds for the default `--split auto` (ordered): at most {MAX_REQUESTS_VS_ONE_QUERY}x "
        f"the requests of one query on every shape, and at least {MIN_SPEED_WITHOUT_GAIN}x its speed where "
        "splitting has nothing to gain (here: fewer than 20 pages, i.e. the sparse year).",
        "",
        "| shape | organization | auto: requests vs one query | auto: speed vs one query | unordered: speed "
        "vs one query | ordered / unordered wall | bounds |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    scenarios = dict.fromkeys((row["shape"], row["scenario"]) for row in rows)
    for shape, scenario in scenarios:
        mine = {row["export"]: row for row in rows if (row["shape"], row["scenario"]) == (shape, scenario)}
        auto = next(row for label, row in mine.items() if label.startswith("auto") and label.count(" ") == 1)
        unordered = next(row for label, row in mine.items() if label.endswith("unordered"))
        one = mine["one query"]
        problems = []
        if auto["requests_vs_one_query"] > MAX_REQUESTS_VS_ONE_QUERY:
            problems.append(f"{auto['requests_vs_one_query']:.2f}x the requests")
        if one["pages"] < 20 and auto["speed_vs_one_query"] < MIN_SPEED_WITHOUT_GAIN:
            problems.append(f"{1 / auto['speed_vs_one_query']:.2f}x the time with nothing to gain")
        verdict = "met" if not problems else "**not met**: " + ", ".join(problems)
        lines.append(
            f"| {shape} | {scenario} | {auto['requests_vs_one_query']:.3f}x | {auto['speed_vs_one_query']:.2f}x | "
            f"{unordered['speed_vs_one_query']:.2f}x | {auto['seconds'] / unordered['seconds']:.2f}x | {verdict} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--buffer-pages", type=int, default=12, help="an ordered export's pages ahead, per sub-query")
    parser.add_argument("--fixed-span", action="store_true", help="also export the sparse year in 1-day sub-queries")
    parser.add_argument("--write", action="store_true", help="put the figures in bench/RESULTS.md")
    parser.add_argument("--shapes", default=",".join(SCENARIOS),
                        help=f"data shapes, comma-separated (default: all, {','.join(SCENARIOS)})")  # fmt: skip
    args = parser.parse_args()
    shapes = [shape.strip() for shape in args.shapes.split(",") if shape.strip()]
    unknown = [shape for shape in shapes if shape not in SCENARIOS]
    if unknown or not shapes:
        parser.error(f"--shapes: unknown {', '.join(unknown) or 'none given'}; known: {', '.join(SCENARIOS)}")
    rows = [row for shape in shapes for scenario in SCENARIOS[shape] for row in _scenario(scenario, args)]
    print(json.dumps(rows))
    if args.write:
        section = _section(rows, "python -m bench.auto_split " + " ".join(sys.argv[1:]))
        write_marked_section(RESULTS, section, BEGIN, END_MARK)


if __name__ == "__main__":
    main()
