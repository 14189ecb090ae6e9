"""Timed exports of every record of one query, one client per process.

``python -m bench.export VARIANT URL RECORDS REPS`` prints a JSON object with the wall time of each
repetition. Every variant reads id, eventDate (as a datetime), serviceName and action of every record.
Variants: floor-sync, floor-async (httpx + json.loads following cursors), ours-sync, ours-async
(the generated client's paginate / paginate_async), floor-query (httpx: create the query, poll its
status, then page) and ours-query (`query_audits`, which does the same).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import sys
from collections.abc import Callable
from typing import Any

from bench._timing import timed_exports
from bench.pages import PAGE_SIZE, transaction_id

__all__ = ["main"]

_TOKEN = "bench-dummy-token"


_INTERVAL = "2026-01-01T00:00:00Z/2026-02-01T00:00:00Z"


def _path(records: int) -> str:
    return f"/api/v2/audits/query/{transaction_id(records)}/results"


def _read_page(page: dict[str, Any]) -> int:
    """What the floor does with a page: reads the four fields of each record, the date parsed."""
    for record in page["entities"]:
        _read(
            record["id"],
            datetime.datetime.fromisoformat(record["eventDate"]),
            record["serviceName"],
            record["action"],
        )
    return len(page["entities"])


def _floor_pages(http: Any, records: int) -> int:
    count = 0
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"pageSize": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        page = json.loads(http.get(_path(records), params=params).content)
        count += _read_page(page)
        cursor = page.get("cursor")
        if not cursor:
            return count


def _floor_query(url: str, records: int) -> int:
    import httpx

    headers = {"Authorization": f"Bearer {_TOKEN}", "X-Bench-Records": str(records)}
    with httpx.Client(base_url=url, headers=headers) as http:
        query = json.loads(http.post("/api/v2/audits/query", json={"interval": _INTERVAL}).content)
        while json.loads(http.get(f"/api/v2/audits/query/{query['id']}").content)["state"] != "Succeeded":
            pass
        return _floor_pages(http, records)


def _ours_query(url: str, records: int) -> int:
    from genesys_cloud_audit import Client, query_audits

    count = 0
    headers = {"X-Bench-Records": str(records)}
    with Client(base_url=url, access_token=_TOKEN, httpx_args={"headers": headers}) as client:
        for record in query_audits(client, interval=_INTERVAL):
            _read(record.id, record.event_date, record.service_name, record.action)
            count += 1
    return count


def _floor_sync(url: str, records: int) -> int:
    import httpx

    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {_TOKEN}"}) as http:
        return _floor_pages(http, records)


async def _floor_async(url: str, records: int) -> int:
    import httpx

    count = 0
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {_TOKEN}"}) as http:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"pageSize": PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            page = json.loads((await http.get(_path(records), params=params)).content)
            count += _read_page(page)
            cursor = page.get("cursor")
            if not cursor:
                return count


def _ours_sync(url: str, records: int) -> int:
    from genesys_cloud_audit import Client
    from genesys_cloud_audit.api.audit import get_audits_query_transaction_id_results as results

    count = 0
    with Client(base_url=url, access_token=_TOKEN) as client:
        for record in results.paginate(transaction_id(records), client=client, page_size=PAGE_SIZE):
            _read(record.id, record.event_date, record.service_name, record.action)
            count += 1
    return count


async def _ours_async(url: str, records: int) -> int:
    from genesys_cloud_audit import Client
    from genesys_cloud_audit.api.audit import get_audits_query_transaction_id_results as results

    count = 0
    async with Client(base_url=url, access_token=_TOKEN) as client:
        async for record in results.paginate_async(transaction_id(records), client=client, page_size=PAGE_SIZE):
            _read(record.id, record.event_date, record.service_name, record.action)
            count += 1
    return count


_last: tuple[object, ...] = ()


def _read(*fields: object) -> None:
    global _last
    _last = fields


_VARIANTS: dict[str, Callable[[str, int], int]] = {
    "floor-sync": _floor_sync,
    "floor-async": lambda url, records: asyncio.run(_floor_async(url, records)),
    "ours-sync": _ours_sync,
    "ours-async": lambda url, records: asyncio.run(_ours_async(url, records)),
    "floor-query": _floor_query,
    "ours-query": _ours_query,
}


def main(argv: list[str]) -> None:
    variant, url, records, reps = argv[0], argv[1], int(argv[2]), int(argv[3])
    run = _VARIANTS[variant]

    def export() -> int:
        count = run(url, records)
        if not isinstance(_last[1], datetime.datetime):
            raise SystemExit(f"{variant} did not decode eventDate to a datetime")
        return count

    times = timed_exports(export, reps, records, variant)
    print(json.dumps({"variant": variant, "records": records, "times": times}))


if __name__ == "__main__":
    main(sys.argv[1:])
