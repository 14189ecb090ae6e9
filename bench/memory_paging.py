"""Peak memory while iterating an audit export of 20,000 and of 200,000 records (a report, not a test).

    .venv/bin/python bench/memory_paging.py [--small 20000] [--large 200000] [--page-size 500]

Runs the emulator on 127.0.0.1, iterates every record with `query_audits` under tracemalloc and prints
both peaks and their ratio. Paging keeps one page in memory at a time, so the ratio stays near 1.
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc

from genesys_cloud_audit import Client, WaitPolicy, query_audits

from emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, EmulatorConfig, run_emulator

__all__ = ["peak_while_iterating"]


def peak_while_iterating(records: int, page_size: int = 500) -> tuple[int, int]:
    """(records seen, peak bytes traced) for one whole export from a fresh emulator."""
    with (
        run_emulator(EmulatorConfig(records=records, validate=False)) as emu,
        Client(base_url=emu.base_url, client_id=DEFAULT_CLIENT_ID, client_secret=DEFAULT_CLIENT_SECRET) as client,
    ):
        export = query_audits(
            client,
            interval=(emu.config.span_start, emu.config.data_end),
            page_size=page_size,
            wait_policy=WaitPolicy(first_interval=0.01, max_interval=0.05),
        )
        gc.collect()
        tracemalloc.start()
        try:
            seen = sum(1 for _ in export)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return seen, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()
    small = peak_while_iterating(args.small, args.page_size)
    large = peak_while_iterating(args.large, args.page_size)
    for seen, peak in (small, large):
        print(f"{seen:>8} records: peak {peak / 1e6:7.2f} MB")
    print(f"ratio large/small: {large[1] / small[1]:.2f}")


if __name__ == "__main__":
    main()
