"""The official SDK's side of the benchmark; runs in the SDK's own venv (bench/.venv-sdk).

``python -m bench.sdk export URL RECORDS REPS`` pages through a query with AuditApi, reading the same
four fields as the other variants; ``python -m bench.sdk parse REPS PAGES`` deserialises the first PAGES cached pages
with the SDK's ApiClient. Both print JSON. Only the standard library and the SDK are imported.
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from typing import Any

from bench._timing import timed_exports
from bench.pages import PAGE_SIZE, load_pages, page_body, transaction_id

__all__ = ["SDK_VERSION", "main"]

SDK_VERSION = "269.0.0"


def _api(url: str) -> Any:
    import PureCloudPlatformClientV2 as sdk

    sdk.configuration.host = url
    sdk.configuration.access_token = "bench-dummy-token"
    client = sdk.ApiClient(host=url)
    client.access_token = "bench-dummy-token"
    return sdk.AuditApi(client)


def _export(url: str, records: int) -> int:
    api = _api(url)
    count = 0
    cursor = None
    last: tuple[Any, ...] = ()
    while True:
        kwargs: dict[str, Any] = {"page_size": PAGE_SIZE}
        if cursor:
            kwargs["cursor"] = cursor
        page = api.get_audits_query_transaction_id_results(transaction_id(records), **kwargs)
        for record in page.entities:
            last = (record.id, record.event_date, record.service_name, record.action)
            count += 1
        cursor = page.cursor
        if not cursor:
            break
    if not isinstance(last[1], datetime.datetime):
        raise SystemExit("the SDK did not decode eventDate to a datetime")
    return count


class _Body:
    """What ApiClient.deserialize reads from a urllib3 response."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def getheader(self, name: str) -> str | None:
        return "application/json" if name.lower() == "content-type" else None


def _parse(reps: int, page_count: int) -> dict[str, Any]:
    import PureCloudPlatformClientV2 as sdk

    client = sdk.ApiClient()
    pages = load_pages()[:page_count]
    total = len(pages) * PAGE_SIZE
    bodies = [page_body(pages, transaction_id(total), i, total) for i in range(len(pages))]
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        for body in bodies:
            client.deserialize(_Body(body), "AuditQueryExecutionResultsResponse")
        times.append(time.perf_counter() - started)
    return {"records": total, "times": times}


def main(argv: list[str]) -> None:
    if argv[0] == "export":
        url, records, reps = argv[1], int(argv[2]), int(argv[3])
        times = timed_exports(lambda: _export(url, records), reps, records, "the SDK")
        print(json.dumps({"variant": "sdk", "records": records, "times": times}))
    elif argv[0] == "parse":
        print(json.dumps(_parse(int(argv[1]), int(argv[2]))))
    else:
        raise SystemExit(f"unknown mode {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
