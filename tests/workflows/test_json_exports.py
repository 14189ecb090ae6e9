"""Exports whose records are the JSON text the API sent (JsonAuditExport, JsonBulkExport over
JsonResults): the same records, checkpoints and guarantees as the model exports, every byte of a
record kept (workflows/_producer.py, _exports.py, _bulk.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from genesys_cloud_audit import Client, DecodingError, WaitPolicy, export_audits, query_audits
from genesys_cloud_audit.workflows import _arguments
from genesys_cloud_audit.workflows._bulk import JsonBulkExport
from genesys_cloud_audit.workflows._exports import JsonAuditExport

from emulator import Emulator
from tests.support.clients import make_client
from tests.support.scripted_server import Canned, ScriptedServer, json_response
from tests.workflows.conftest import DATA_END, DATA_START, RECORDS

SPAN = (DATA_START, DATA_END)
FAST = WaitPolicy(first_interval=0.01, growth=1.0, deadline=30.0)
INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"


def json_export(client: Client, **options: object) -> JsonAuditExport:
    arguments = _arguments.query(client, interval=SPAN, wait_policy=FAST, **options)
    return JsonAuditExport(arguments.client, arguments.plan, arguments.settings, arguments.progress)


@pytest.mark.parametrize("page_size", [100, 500])
def test_json_records_are_the_model_records_page_for_page_with_the_same_checkpoints(
    emu: Emulator, client: Client, page_size: int
) -> None:
    models = query_audits(client, interval=SPAN, page_size=page_size, wait_policy=FAST)
    texts = json_export(client, page_size=page_size)
    pages = 0
    for model_batch, text_batch in zip(models.batches(), texts.batches(), strict=True):
        assert all(type(text) is bytes and b"\n" not in text for text in text_batch)
        assert [json.loads(text) for text in text_batch] == [record.to_dict() for record in model_batch]
        ours, theirs = texts.checkpoint().parts[0], models.checkpoint().parts[0]  # two queries: their own cursors
        assert (ours.cursor is None, ours.skip, ours.records_read, ours.done) == (
            theirs.cursor is None,
            theirs.skip,
            theirs.records_read,
            theirs.done,
        )
        pages += 1
    assert pages == -(-RECORDS // page_size) and texts.records_read == RECORDS and texts.done


def test_a_json_export_resumes_exactly_and_reruns_a_vanished_query_without_duplicates(
    emu: Emulator, client: Client
) -> None:
    whole = [text for batch in json_export(client, page_size=100).batches() for text in batch]
    first = json_export(client, page_size=100)
    got = [next(first) for _ in range(250)]  # records one by one: the checkpoint stops mid-page
    saved = first.checkpoint()
    assert saved.parts[0].skip == 50
    resumed = JsonAuditExport(client, saved, first.settings)
    got.extend(next(resumed) for _ in range(300))
    emu.reset()  # the server forgets the query: it is run again, its first 550 records dropped
    got.extend(text for batch in resumed.batches() for text in batch)
    assert got == whole and len(set(got)) == RECORDS


def test_a_split_json_export_hands_out_the_split_model_export_in_order(emu: Emulator, client: Client) -> None:
    options = {"interval": SPAN, "span": timedelta(days=2), "concurrency": 3, "page_size": 100, "wait_policy": FAST}
    with export_audits(client, **options) as models:
        expected = [record.to_dict() for record in models]
    with JsonBulkExport(_arguments.split(client, **options)) as texts:
        got = [json.loads(text) for batch in texts.batches() for text in batch]
        assert texts.done and len(texts.checkpoint().parts) == 5
    assert got == expected and len(got) == RECORDS


RAW_PAGE = (
    b'{"id": "t-1",\n "entities": [\n'
    b'  {"id":"r-1","serviceName":"Routing","level":"FUTURE_LEVEL","eventDate":"2026-11-01T10:00:00+00:00",\r\n'
    b'   "newField":{"n":1.0e2,"big":123456789012345678901234567890,"none":null,"list":[ ]},\n'
    b'   "note":"caf\\u00e9 \\/ \\"quoted\\" \xe2\x82\xac"},\n'
    b'  {"id":"r-2"}\n], "pageSize": 2}'
)
# Each record on one line, a space after each , and : (as json.dumps lays it out), nothing else changed.
RAW_RECORDS = [
    b'{"id": "r-1", "serviceName": "Routing", "level": "FUTURE_LEVEL", "eventDate": "2026-11-01T10:00:00+00:00", '
    b'"newField": {"n": 1.0e2, "big": 123456789012345678901234567890, "none": null, "list": []}, '
    b'"note": "caf\\u00e9 \\/ \\"quoted\\" \xe2\x82\xac"}',
    b'{"id": "r-2"}',
]


def scripted_query(server: ScriptedServer, *pages: bytes) -> None:
    server.set_default("POST", "/api/v2/audits/query", json_response(200, {"id": "t-1", "state": "Succeeded"}))
    answers = (Canned(200, page, {"Content-Type": "application/json"}) for page in pages)
    server.enqueue("GET", "/api/v2/audits/query/t-1/results", *answers)


def test_every_field_and_value_is_kept_as_received_whatever_the_spec_knows(scripted_server: ScriptedServer) -> None:
    scripted_query(scripted_server, RAW_PAGE)
    with make_client(scripted_server) as client:
        arguments = _arguments.query(client, interval=INTERVAL)
        export = JsonAuditExport(client, arguments.plan, arguments.settings)
        assert list(export.batches()) == [RAW_RECORDS]
        assert export.done and export.records_read == 2


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        (b'{"entities": [{"id": "r-1", "eventDate": 5}]}', "eventDate"),
        (b'{"entities": [{"id": "r-1"}, "not a record"]}', "entities"),
        (b'{"entities": {"id": "r-1"}}', "entities"),
        (b'{"entities": [{"id": "r-1"}]', "JSON"),
    ],
)
def test_a_page_that_does_not_fit_the_spec_fails_as_it_does_for_models_and_hands_out_nothing(
    scripted_server: ScriptedServer, page: bytes, problem: str
) -> None:
    scripted_query(scripted_server, page, page)
    with make_client(scripted_server) as client:
        arguments = _arguments.query(client, interval=INTERVAL)
        export = JsonAuditExport(client, arguments.plan, arguments.settings)
        with pytest.raises(DecodingError) as raised:
            next(export)
        with pytest.raises(DecodingError) as by_models:
            next(query_audits(client, interval=INTERVAL))
    assert problem in str(raised.value) and str(raised.value) == str(by_models.value)
    assert export.records_read == 0 and export.checkpoint().parts[0].cursor is None
