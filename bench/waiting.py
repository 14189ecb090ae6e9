"""Time from creating an audit query to its first record, against the emulator (a report, not a test).

``python -m bench.waiting VARIANT URL`` prints a JSON object: the seconds from the create request to
the first record, and the status polls sent. The token is fetched before the clock starts.
Variants: floor (httpx: create, then poll the status every 10 ms until Succeeded, then read the first
page: the least idle time a poller can have) and ours (`query_audits`, the library's own schedule).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

__all__ = ["main"]

_CLIENT = ("emulator-client", "emulator-secret")
_PAGE_SIZE = 500


_STATUS_ROUTE = "GET /api/v2/audits/query/{transactionId}"


def _status_polls(http: Any) -> int:
    """Status polls the emulator has answered so far."""
    return sum(http.get("/_emulator/stats").json()["by_route"].get(_STATUS_ROUTE, {}).values())


def _interval(http: Any) -> str:
    config = http.get("/_emulator/config").json()
    return f"{config['span_start']}/{config['data_end']}"


def _floor(url: str) -> dict[str, Any]:
    import httpx

    with httpx.Client(base_url=url) as http:
        token = http.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=_CLIENT).json()
        http.headers["Authorization"] = f"Bearer {token['access_token']}"
        interval = _interval(http)
        started = time.perf_counter()
        query = http.post("/api/v2/audits/query", json={"interval": interval}).json()
        polls = 0
        while True:
            polls += 1
            if http.get(f"/api/v2/audits/query/{query['id']}").json()["state"] == "Succeeded":
                break
            time.sleep(0.01)
        page = json.loads(
            http.get(f"/api/v2/audits/query/{query['id']}/results", params={"pageSize": _PAGE_SIZE}).content
        )
        assert page["entities"], "the query found no records"
        return {"seconds": time.perf_counter() - started, "polls": polls}


def _ours(url: str) -> dict[str, Any]:
    import httpx
    from genesys_cloud_audit import Client, query_audits

    with Client(base_url=url, client_id=_CLIENT[0], client_secret=_CLIENT[1]) as client:
        with httpx.Client(base_url=url) as http:
            interval = _interval(http)
            before = _status_polls(http)
        client.auth.token(client._sync_http())  # the token is not part of waiting
        started = time.perf_counter()
        next(query_audits(client, interval=interval, page_size=_PAGE_SIZE))
        seconds = time.perf_counter() - started
        with httpx.Client(base_url=url) as http:
            after = _status_polls(http)
    return {"seconds": seconds, "polls": after - before}


def main(argv: list[str]) -> None:
    variant, url = argv[0], argv[1]
    result = {"floor": _floor, "ours": _ours}[variant](url)
    print(json.dumps({"variant": variant, **result}))


if __name__ == "__main__":
    main(sys.argv[1:])
