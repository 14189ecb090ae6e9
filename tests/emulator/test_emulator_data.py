"""Generated data: determinism, time order, realism, and huge organizations."""

from __future__ import annotations

import re
import tracemalloc
from datetime import UTC, datetime

import httpx

from emulator import run_emulator
from emulator.data import AuditDataset
from emulator.messages import Response, encode_json
from tests.emulator.emu_helpers import (
    DATA_END,
    DATA_START,
    get_token,
    make_config,
    run_query,
    walk_results,
)

DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _dataset(seed: int = 7, count: int = 2000) -> AuditDataset:
    return AuditDataset(seed=seed, count=count, start=DATA_START, end=DATA_END)


def test_records_are_deterministic_and_seeded() -> None:
    a, b = _dataset(), _dataset()
    assert [a.record(i) for i in range(0, 2000, 97)] == [b.record(i) for i in range(0, 2000, 97)]
    other = _dataset(seed=8)
    assert a.record(5)["id"] != other.record(5)["id"]


def test_same_seed_same_bytes_over_http() -> None:
    bodies = []
    for _ in range(2):
        with (
            run_emulator(make_config()) as emu,
            httpx.Client(base_url=emu.base_url) as client,
        ):
            client.headers["Authorization"] = f"Bearer {get_token(client)}"
            tx = run_query(client, {"interval": "2026-10-03T00:00:00Z/2026-10-09T00:00:00Z"})
            page = client.get(f"/api/v2/audits/query/{tx}/results", params={"pageSize": 200})
            bodies.append(page.content)
    assert bodies[0] == bodies[1]


def test_event_dates_are_ordered_and_in_span() -> None:
    dataset = _dataset()
    dates = [dataset.record(i)["eventDate"] for i in range(dataset.count)]
    assert all(DATE.match(d) for d in dates)
    assert dates == sorted(dates)
    assert dates[0] >= "2026-10-01T00:00:00.000Z" and dates[-1] < "2026-11-01T00:00:00.000Z"


def test_records_look_real() -> None:
    dataset = _dataset()
    records = [dataset.record(i) for i in range(dataset.count)]
    assert {r["level"] for r in records} == {"USER", "SYSTEM", "GENESYS_INTERNAL"}
    assert {r["status"] for r in records} == {"SUCCESS", "FAILURE", "WARNING"}
    assert len({r["serviceName"] for r in records}) >= 14
    assert any(r["client"] == {"id": ""} for r in records)
    assert any(r["initiatingAction"] == {} for r in records)
    assert any(r["initiatingAction"] != {} for r in records)
    assert any(r["application"] == "" for r in records)
    assert any(r["propertyChanges"] for r in records)
    assert any(r["entityChanges"] for r in records)
    assert any(r["userHomeOrgId"] != dataset.org_id for r in records)
    assert len({r["id"] for r in records}) == len(records)


def test_million_records_narrow_interval_without_materialising() -> None:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
    tracemalloc.start()
    config = make_config(records=1_000_000, data_start=start, data_end=end)
    with run_emulator(config) as emu, httpx.Client(base_url=emu.base_url) as client:
        client.headers["Authorization"] = f"Bearer {get_token(client)}"
        interval = "2026-12-20T12:00:00.000Z/2026-12-20T13:00:00.000Z"  # inside the realtime window
        records = walk_results(client, run_query(client, {"interval": interval}), pageSize=500)
        dataset = emu.app.dataset
        span = dataset.index_range(
            int(datetime(2026, 12, 20, 12, tzinfo=UTC).timestamp() * 1000),
            int(datetime(2026, 12, 20, 13, tzinfo=UTC).timestamp() * 1000),
        )
        realtime = client.post("/api/v2/audits/query/realtime", json={"interval": interval, "pageSize": 10}).json()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert 50 < len(records) == len(span) < 300  # ~114 records an hour
    assert [r["id"] for r in records] == [dataset.record(i)["id"] for i in span]
    assert all("2026-12-20T12:00:00.000Z" <= r["eventDate"] < "2026-12-20T13:00:00.000Z" for r in records)
    assert dataset.event_ms(span.start - 1) < dataset.event_ms(span.start)
    assert realtime["total"] == len(span)
    assert peak < 60 * 1024 * 1024  # far less than a million records would take


def test_the_record_cache_serves_the_same_bytes_and_is_bounded() -> None:
    plain = _dataset()
    cached = AuditDataset(seed=7, count=2000, start=DATA_START, end=DATA_END, cache_records=100)
    indices = [5, 6, 7, 1999, 0]
    expected = encode_json([plain.record(i, expand_user=True) for i in indices])
    assert plain.encoded_records(indices, expand_user=True) == expected
    assert cached.encoded_records(indices, expand_user=True) == expected
    assert cached.encoded_records(indices, expand_user=True) == expected  # from the cache
    assert cached.encoded_records([], expand_user=False) == b"[]"
    assert cached._encoded is not None and cached._encoded.cache_info().hits == len(indices)
    cached.encoded_records(range(500))
    assert cached._encoded.cache_info().currsize == 100


def test_a_response_with_an_encoded_array_is_byte_for_byte_the_plain_one() -> None:
    records = [_dataset().record(i) for i in range(3)]
    head = {"id": "tx", "pageSize": 3, "cursor": "c"}
    spliced = Response.json_with_array(200, head, "entities", encode_json(records))
    assert spliced.body == Response.json(200, {**head, "entities": records}).body
    assert spliced.json_value() == {**head, "entities": records}
    assert Response.json_with_array(200, {}, "entities", b"[]").body == b'{"entities":[]}'
