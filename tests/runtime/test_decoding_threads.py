"""Fast decoders are built one at a time: msgspec crashes the interpreter when a thread decodes while
another is half-way through building type information (worker threads starting a split export at once
did). The soak that found it is `decode_json` from 8 threads in a fresh process, ~1 crash in 100 runs."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from genesys_cloud_audit._core import _decoding
from genesys_cloud_audit.models import AuditQueryExecutionResultsResponse, AuditRealtimeQueryResultsResponse

BODY = b'{"id": "tx", "pageSize": 1, "entities": [{"id": "a", "eventDate": "2026-01-01T00:00:00.000Z"}]}'


def test_decoders_are_built_one_at_a_time_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_decoding, "_stand_ins", {})
    real = _decoding.msgspec.json.Decoder
    building = 0
    overlap = 0
    built: list[Any] = []
    lock = threading.Lock()

    def slow_decoder(kind: Any, **options: Any) -> Any:
        nonlocal building, overlap
        with lock:
            building += 1
            overlap = max(overlap, building)
        time.sleep(0.02)  # widen the window another thread would have to enter
        try:
            return real(kind, **options)
        finally:
            with lock:
                building -= 1
                built.append(kind)

    monkeypatch.setattr(_decoding, "_decoders", {})
    monkeypatch.setattr(_decoding.msgspec.json, "Decoder", slow_decoder)
    kinds = [AuditQueryExecutionResultsResponse, AuditRealtimeQueryResultsResponse] * 4
    start = threading.Barrier(len(kinds))
    results: list[object] = []

    def decode(kind: Any) -> None:
        start.wait()
        results.append(_decoding.decode_json(BODY, kind.from_dict, kind))

    threads = [threading.Thread(target=decode, args=(kind,)) for kind in kinds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlap == 1
    # Each fast decoder once; BODY has fields the realtime page does not list (id, pageSize), so its
    # stand-ins are built too, once, by the first thread whose lenient decode taught them.
    names = sorted(kind.__name__ for kind in built)
    assert names == sorted({kind.__name__ for kind in kinds} | {"AuditRealtimeQueryResultsResponseStandIn"})
    assert len(results) == len(kinds)
