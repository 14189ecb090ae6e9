"""allowRedirect=true on the results: large results answer pages with a downloadUrl instead of records."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from emulator import Emulator
from tests.emulator.emu_helpers import WHOLE_SPAN, run_query, walk_results

ONE_DAY = "2026-10-01T00:00:00.000Z/2026-10-02T00:00:00.000Z"  # about 65 of the 2000 records


def results(client: httpx.Client, tx: str, **params: Any) -> httpx.Response:
    return client.get(f"/api/v2/audits/query/{tx}/results", params=params)


def redirect_over(client: httpx.Client, value: int | None) -> None:
    assert client.patch("/_emulator/config", json={"redirect_over": value}).status_code == 200


def test_off_by_default(client: httpx.Client) -> None:
    tx = run_query(client, {"interval": WHOLE_SPAN})
    page = results(client, tx, allowRedirect="true", pageSize=10).json()
    assert len(page["entities"]) == 10
    assert "downloadUrl" not in page


def test_a_large_result_answers_download_urls(client: httpx.Client, emulator: Emulator) -> None:
    redirect_over(client, 1000)
    tx = run_query(client, {"interval": WHOLE_SPAN})
    plain = results(client, tx, pageSize=50).json()
    large = results(client, tx, pageSize=50, allowRedirect="true").json()
    assert set(large) == {"id", "pageSize", "cursor", "downloadUrl"}  # no entities: not the last page
    assert large["cursor"] == plain["cursor"]
    assert large["downloadUrl"].startswith(emulator.base_url + "/_emulator/downloads/")
    download = httpx.get(large["downloadUrl"])  # presigned: no token
    assert download.status_code == 200
    assert download.json() == plain["entities"]
    stats = emulator.stats()
    assert (stats["redirected"], stats["downloads"], stats["validation_errors"]) == (1, 1, 0)


def test_following_the_cursors_and_downloads_gives_every_record(client: httpx.Client) -> None:
    redirect_over(client, 0)
    tx = run_query(client, {"interval": WHOLE_SPAN})
    downloaded: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"pageSize": 500, "allowRedirect": "true", **({"cursor": cursor} if cursor else {})}
        page = results(client, tx, **params).json()
        assert "entities" not in page
        downloaded.extend(httpx.get(page["downloadUrl"]).json())
        cursor = page.get("cursor")
        if cursor is None:
            break
    assert downloaded == walk_results(client, tx, pageSize=500)


def test_small_results_and_false_keep_records(client: httpx.Client) -> None:
    redirect_over(client, 1000)
    small = run_query(client, {"interval": ONE_DAY})
    assert "entities" in results(client, small, allowRedirect="true").json()
    large = run_query(client, {"interval": WHOLE_SPAN})
    assert "entities" in results(client, large, allowRedirect="false").json()
    assert "entities" in results(client, large, allowRedirect="False").json()


def test_bad_allow_redirect(client: httpx.Client) -> None:
    tx = run_query(client, {"interval": ONE_DAY})
    answer = results(client, tx, allowRedirect="maybe")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid.query.param.value"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url[:-2] + ("AA" if not url.endswith("AA") else "BB"),  # the signature
        lambda url: url.replace("/50/", "/500/"),  # the page size
        lambda url: url.replace("/50/0/", "/50/1/"),  # expand
        lambda url: url.rsplit("/", 1)[0],  # a part missing
    ],
)
def test_a_tampered_download_url_is_refused(client: httpx.Client, tamper: Any) -> None:
    redirect_over(client, 0)
    tx = run_query(client, {"interval": WHOLE_SPAN})
    url = results(client, tx, pageSize=50, allowRedirect="true").json()["downloadUrl"]
    assert httpx.get(url).status_code == 200
    assert httpx.get(tamper(url)).status_code == 404


def test_bad_runtime_setting(client: httpx.Client) -> None:
    for value in (-1, "10", True, 1.5):
        assert client.patch("/_emulator/config", json={"redirect_over": value}).status_code == 400
    redirect_over(client, None)
