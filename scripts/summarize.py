"""Summarizes a JSON-lines audit export: how many records, their time span, and counts by service and action.

Usage: python scripts/summarize.py out/audit.jsonl [--top N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["main", "summarize"]


def _table(title: str, counts: Counter[str], top: int) -> list[str]:
    lines = [f"{title}:"]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max((len(name) for name, _ in ranked[:top]), default=0)
    lines += [f"  {name.ljust(width)}  {count:>7}" for name, count in ranked[:top]]
    if len(ranked) > top:
        lines.append(f"  ... and {len(ranked) - top} more")
    return lines


def summarize(lines: Iterable[str], top: int = 10) -> list[str]:
    """The summary of the records in `lines` (one JSON object each), as lines of text."""
    services: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    dates: list[str] = []
    total = 0
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        total += 1
        services[str(record.get("serviceName", "?"))] += 1
        actions[str(record.get("action", "?"))] += 1
        if isinstance(record.get("eventDate"), str):
            dates.append(record["eventDate"])
    summary = [f"{total} audit records"]
    if dates:
        summary[0] += f" from {min(dates)} to {max(dates)}"
    return [*summary, *_table("by service", services, top), *_table("by action", actions, top)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Summarize a JSON-lines audit export.")
    parser.add_argument("export", type=Path, help="a file written by `genesys-audit query --format jsonl`")
    parser.add_argument("--top", type=int, default=10, help="rows per table (default 10)")
    args = parser.parse_args(argv)
    try:
        with open(args.export, encoding="utf-8") as stream:
            print("\n".join(summarize(stream, args.top)))
    except (OSError, ValueError) as error:
        print(f"summarize: error: {args.export}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
