"""Small measurements that each run in a fresh interpreter: decoding speed, memory, import cost.

``python -m bench.probes parse REPS [SHAPE]`` | ``memory paginate|query_audits URL RECORDS`` |
``import MODULE...``; each prints JSON.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["main"]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM is its own memory's high-water mark; ru_maxrss (the fallback off
    Linux) starts a child at its parent's RSS at the fork, so a large parent would hide the child's."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parsers(lenient_pages: list[int]) -> dict[str, Callable[[bytes], object]]:
    """Each way of decoding one page measured: plain dicts (json, orjson when installed, msgspec) and
    the generated models: as the client decodes a page (the fast path when it fits the spec, else the
    stand-ins once a page has taught them, else the lenient path; `lenient_pages` counts the pages that
    took the lenient path), and the lenient path alone."""
    import msgspec
    from genesys_cloud_audit._core._decoding import decode_json, parse_json
    from genesys_cloud_audit.models import AuditQueryExecutionResultsResponse as Page

    def counted(data: object) -> Page:
        lenient_pages[0] += 1
        return Page.from_dict(data)  # type: ignore[arg-type]

    parsers: dict[str, Callable[[bytes], object]] = {"json.loads": json.loads}
    try:
        import orjson

        parsers["orjson.loads"] = orjson.loads
    except ImportError:
        pass
    parsers["msgspec"] = msgspec.json.Decoder().decode
    parsers["ours-fast"] = lambda body: decode_json(body, counted, Page)
    parsers["ours-lenient"] = lambda body: Page.from_dict(parse_json(body))
    return parsers


def _parse(reps: int, shape: str) -> dict[str, Any]:
    from bench.pages import PAGE_SIZE, load_pages, page_body, transaction_id

    pages = load_pages(shape)
    total = len(pages) * PAGE_SIZE
    bodies = [page_body(pages, transaction_id(total), i, total) for i in range(len(pages))]
    lenient_pages = [0]
    parsers = _parsers(lenient_pages)
    times: dict[str, list[float]] = {name: [] for name in parsers}
    # Interleaved, so that a slower spell of the machine hits every parser alike; CPU time, not wall time
    # (decoding waits for nothing, and on a busy machine wall time also counts the other processes' turns).
    for _ in range(reps):
        for name, parse in parsers.items():
            started = time.process_time()
            for body in bodies:
                parse(body)
            times[name].append(time.process_time() - started)
    return {"records": total, "shape": shape, "times": times, "pages": len(bodies) * reps,
            "lenient_pages": lenient_pages[0]}  # fmt: skip


def _memory(variant: str, url: str, records: int) -> dict[str, Any]:
    from genesys_cloud_audit import Client, query_audits
    from genesys_cloud_audit.api.audit import get_audits_query_transaction_id_results as results

    from bench.pages import PAGE_SIZE, transaction_id

    count = 0
    headers = {"X-Bench-Records": str(records)}
    with Client(base_url=url, access_token="bench-dummy-token", httpx_args={"headers": headers}) as client:
        baseline = _rss_mb()
        if variant == "paginate":
            iterator: Any = results.paginate(transaction_id(records), client=client, page_size=PAGE_SIZE)
        else:
            iterator = query_audits(client, interval="2026-01-01T00:00:00Z/2026-02-01T00:00:00Z")
        for record in iterator:
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
        result = _parse(int(argv[1]), argv[2] if len(argv) > 2 else "even")
    elif argv[0] == "memory":
        result = _memory(argv[1], argv[2], int(argv[3]))
    elif argv[0] == "import":
        result = _import(argv[1:])
    else:
        raise SystemExit(f"unknown probe {argv[0]!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
