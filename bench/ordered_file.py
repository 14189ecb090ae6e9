"""An ordered adaptive export to a file against one query and an unordered one (issue 25, item 2).

``python -m bench.ordered_file [--reps 3] [--delay 0.05] [--records 60000] [--write]`` runs the emulator in
its own process with a dense range (60,000 records over 5 days, `--record-cache`, warmed by one export),
every Audit API request delayed `--delay` seconds, and runs in turn, as whole processes (A B C A B C ...):

- one query: ``genesys-audit query --interval I --output FILE``;
- ordered: ``... --split auto`` (the default order; pages past its buffer wait on disk beside FILE);
- unordered: ``... --split auto --unordered``.

For each it reports the median wall time, the Audit API requests the emulator answered (token requests
left out) and the peak RSS of the process (`ru_maxrss` from `wait4`, so this process's own size is
not in it), and the ratios: time and requests against one query, and the ordered export's peak memory
against the unordered one's. The ordered file must be byte for byte the one query's, the unordered one
the same lines in another order. `--write` puts the figures in their own section of bench/RESULTS.md
(between markers, which `python -m bench` keeps).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._sections import marked_section, write_marked_section
from bench.large_export import _EmulatorProcess, emulator_process
from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

__all__ = ["kept_section", "main"]

RESULTS = Path(__file__).with_name("RESULTS.md")
BEGIN, END_MARK = "<!-- ordered_file: begin -->", "<!-- ordered_file: end -->"
END = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 5
INTERVAL = f"{(END - timedelta(days=DAYS)).isoformat()}/{END.isoformat()}"
RUNS = {"one query": [], "ordered": ["--split", "auto"], "unordered": ["--split", "auto", "--unordered"]}
# Issue 25's bounds for the ordered export to a file.
MIN_SPEED, MAX_REQUESTS, MAX_MEMORY = 2.0, 1.3, 1.1


def _tool() -> str:
    script = Path(sys.executable).parent / "genesys-audit"
    if not script.exists():
        raise RuntimeError(f"no genesys-audit next to {sys.executable}")
    return str(script)


def _requests(emu: _EmulatorProcess) -> int:
    stats = emu.stats()
    return sum(sum(counts.values()) for route, counts in stats["by_route"].items() if "oauth" not in route)


def _run(emu: _EmulatorProcess, delay: float, name: str, output: Path) -> tuple[float, int, float]:
    """Wall seconds, Audit API requests and peak RSS (MiB) of one export to `output`."""
    for leftover in (output, output.with_name(output.name + ".checkpoint.json")):
        leftover.unlink(missing_ok=True)
    emu.reset()
    emu.add_fault(f"delay:path=^/api/v2/audits:seconds={delay}")
    command = [_tool(), "query", "--interval", INTERVAL, "--base-url", emu.base_url, "--output", str(output),
               "--quiet", *RUNS[name]]  # fmt: skip
    env = {**os.environ, "GENESYSCLOUD_OAUTHCLIENT_ID": DEFAULT_CLIENT_ID,
           "GENESYSCLOUD_OAUTHCLIENT_SECRET": DEFAULT_CLIENT_SECRET}  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.stderr is not None
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(f"{name} failed ({process.returncode}):\n{errors[-2000:]}")
    return elapsed, _requests(emu), usage.ru_maxrss / 1024


def _check(outputs: dict[str, Path]) -> None:
    one = outputs["one query"].read_bytes()
    if outputs["ordered"].read_bytes() != one:
        raise RuntimeError("the ordered export's file differs from the one query's")
    if sorted(outputs["unordered"].read_bytes().splitlines()) != sorted(one.splitlines()):
        raise RuntimeError("the unordered export's file holds other records than the one query's")


def measure(reps: int, delay: float, records: int) -> dict[str, Any]:
    options = ["--records", str(records), "--seed", "7", "--data-start", (END - timedelta(days=DAYS)).isoformat(),
               "--data-end", END.isoformat(), "--record-cache", str(records)]  # fmt: skip
    scratch = Path(tempfile.mkdtemp(prefix="bench-ordered-"))
    samples: dict[str, list[tuple[float, int, float]]] = {name: [] for name in RUNS}
    try:
        with emulator_process(options) as emu:
            outputs = {name: scratch / f"{name.replace(' ', '-')}.jsonl" for name in RUNS}
            _run(emu, 0.0, "one query", outputs["one query"])  # renders every record into the cache
            for _ in range(reps):
                for name in RUNS:
                    samples[name].append(_run(emu, delay, name, outputs[name]))
                    print(f"  {name:<10} {samples[name][-1][0]:6.2f} s  {samples[name][-1][1]:4} requests  "
                          f"{samples[name][-1][2]:6.1f} MiB", flush=True)  # fmt: skip
            _check(outputs)
            leftovers = [path.name for path in scratch.iterdir() if path.name not in {p.name for p in outputs.values()}]
            if leftovers:
                raise RuntimeError(f"files left beside the outputs: {leftovers}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = {name: {"seconds": statistics.median(s for s, _, _ in runs), "requests": runs[-1][1],
                   "peak_mib": statistics.median(m for _, _, m in runs)} for name, runs in samples.items()}  # fmt: skip
    one, ordered, unordered = rows["one query"], rows["ordered"], rows["unordered"]
    return {
        "rows": rows,
        "records": records,
        "delay": delay,
        "reps": reps,
        "speed_vs_one_query": round(one["seconds"] / ordered["seconds"], 2),
        "unordered_speed_vs_one_query": round(one["seconds"] / unordered["seconds"], 2),
        "requests_vs_one_query": round(ordered["requests"] / one["requests"], 3),
        "memory_vs_unordered": round(ordered["peak_mib"] / unordered["peak_mib"], 3),
    }


def kept_section(results: Path) -> str:
    """This bench's section of `results` with its markers (empty when there is none)."""
    return marked_section(results, BEGIN, END_MARK)


def _section(figures: dict[str, Any], command: str) -> str:
    load = os.getloadavg()[0]
    lines = [
        BEGIN,
        "## An ordered export to a file at the speed of an unordered one (issue 25, item 2)",
        "",
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}; load average "
        f"{load:.1f} at the end. Command: `{command}`. Emulator in its own process, {figures['records']:,} records "
        f"over {DAYS} days, every Audit API request delayed {figures['delay'] * 1000:g} ms; each export a whole "
        f"`genesys-audit query ... --output FILE` process, run in turn, {figures['reps']} of each; medians.",
        "",
        "| export | wall (s) | Audit API requests | peak RSS (MiB) |",
        "|---|---:|---:|---:|",
    ]
    for name, row in figures["rows"].items():
        flags = " ".join(RUNS[name]) or "(no --split)"
        lines.append(f"| {name} `{flags}` | {row['seconds']:.2f} | {row['requests']} | {row['peak_mib']:.1f} |")
    speed, requests, memory = (figures[key] for key in ("speed_vs_one_query", "requests_vs_one_query",
                                                         "memory_vs_unordered"))  # fmt: skip
    lines += [
        "",
        "| measure | figure | target |",
        "|---|---:|---|",
        f"| ordered `--split auto` to a file: speed vs one query | {speed:.2f}x | >= {MIN_SPEED}x: "
        f"{'met' if speed >= MIN_SPEED else '**not met**'} |",
        f"| the same: requests vs one query | {requests:.3f}x | <= {MAX_REQUESTS}x: "
        f"{'met' if requests <= MAX_REQUESTS else '**not met**'} |",
        f"| the same: peak memory vs the unordered export | {memory:.3f}x | <= {MAX_MEMORY}x: "
        f"{'met' if memory <= MAX_MEMORY else '**not met**'} |",
        f"| (unordered: speed vs one query) | {figures['unordered_speed_vs_one_query']:.2f}x | |",
        "",
        "The ordered export keeps in memory only the pages of the sub-query being written (`buffer_pages`, 2); "
        "the others' pages wait in unnamed files beside the output (runtime/audit/_spill.py) instead of holding "
        "its workers back, and while pages come from disk the checkpoint is saved (and the file synced) once for "
        "up to 8 of them. Its file is byte for byte the one query's, and nothing is left beside it. Before, the "
        "ordered export was held to its in-memory buffer: 1.48x one query (issue 15's figure for the library "
        "export; the issue measured 1.40x against a stand-in server).",
        END_MARK,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--records", type=int, default=60_000)
    parser.add_argument("--write", action="store_true", help="put the figures in bench/RESULTS.md")
    args = parser.parse_args()
    figures = measure(args.reps, args.delay, args.records)
    print({key: value for key, value in figures.items() if key != "rows"})
    if args.write:
        section = _section(figures, "python -m bench.ordered_file " + " ".join(sys.argv[1:]))
        write_marked_section(RESULTS, section, BEGIN, END_MARK)


if __name__ == "__main__":
    main()
