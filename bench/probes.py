"""Small measurements that each run in a fresh interpreter: decoding speed, memory, import cost.

``python -m bench.probes parse REPS`` | ``memory URL RECORDS`` | ``import MODULE...``; each prints JSON.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any

__all__ = ["main"]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parse(reps: int) -> dict[str, Any]:
    from genesys_cloud_audit.models import AuditQueryExecutionResultsResponse

    from bench.pages import PAGE_SIZE, load_pages, page_body, transaction_id

    pages = load_pages()
    total = len(pages) * PAGE_SIZE
    bodies = [page_body(pages, transaction_id(total), i, total) for i in range(len(pages))]
    json_times, ours_times = [], []
    for _ in range(reps):
        started = time.perf_counter()
        for body in bodies:
            json.loads(body)
        json_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for body in bodies:
            AuditQueryExecutionResultsResponse.from_dict(json.loads(body))
        ours_times.append(time.perf_counter() - started)
    return {"records": total, "json_times": json_times, "ours_times": ours_times}


def _memory(url: str, records: int) -> dict[str, Any]:
    from genesys_cloud_audit import Client
    from genesys_cloud_audit.api.audit import get_audits_query_transaction_id_results as results

    from bench.pages import PAGE_SIZE, transaction_id

    count = 0
    with Client(base_url=url, access_token="bench-dummy-token") as client:
        baseline = _rss_mb()
        for record in results.paginate(transaction_id(records), client=client, page_size=PAGE_SIZE):
            _ = (record.id, record.event_date, record.service_name, record.action)
            count += 1
    if count != records:
        raise SystemExit(f"read {count} records, expected {records}")
    return {"records": records, "baseline_rss_mb": baseline, "peak_rss_mb": _peak_rss_mb()}


def _import(modules: list[str]) -> dict[str, Any]:
    before = _rss_mb()
    started = time.perf_counter()
    for module in modules:
        __import__(module)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "rss_mb": _rss_mb() - before}


def main(argv: list[str]) -> None:
    if argv[0] == "parse":
        result = _parse(int(argv[1]))
    elif argv[0] == "memory":
        result = _memory(argv[1], int(argv[2]))
    elif argv[0] == "import":
        result = _import(argv[1:])
    else:
        raise SystemExit(f"unknown probe {argv[0]!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
