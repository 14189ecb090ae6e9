"""The floor of a JSON-lines export: the least a script can do to write a query's records to a file.

``python -m bench.floor_jsonl URL OUTPUT`` creates the query, polls its status until it has succeeded,
then follows the pages' cursors, writing each record as ``json.dumps(record)`` on a line of OUTPUT:
httpx, ``json.loads`` and ``json.dumps``, nothing else. `genesys-audit query --format jsonl` does the
same work (and keeps a checkpoint), so the two are timed as whole processes side by side.
"""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = ["main"]

_INTERVAL = "2026-01-01T00:00:00Z/2026-02-01T00:00:00Z"
PAGE_SIZE = 500


def main(argv: list[str]) -> None:
    import httpx

    url, output = argv[0], argv[1]
    token = json.loads(httpx.post(f"{url}/oauth/token", data={"grant_type": "client_credentials"}).content)
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token['access_token']}"}) as http:
        query = json.loads(http.post("/api/v2/audits/query", json={"interval": _INTERVAL}).content)
        while json.loads(http.get(f"/api/v2/audits/query/{query['id']}").content)["state"] != "Succeeded":
            pass
        path = f"/api/v2/audits/query/{query['id']}/results"
        with open(output, "w", encoding="utf-8") as out:
            cursor: str | None = None
            while True:
                params: dict[str, Any] = {"pageSize": PAGE_SIZE}
                if cursor:
                    params["cursor"] = cursor
                page = json.loads(http.get(path, params=params).content)
                out.write("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in page["entities"]))
                cursor = page.get("cursor")
                if not cursor:
                    return


if __name__ == "__main__":
    main(sys.argv[1:])
