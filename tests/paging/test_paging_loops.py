"""Servers that never let paging advance: the generated pagers, the export and `genesys-audit query` stop
with PagingError naming the operation and the position, and nothing is handed out or written twice."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from genesys_cloud_audit import PagingError, WaitPolicy, query_audits, realtime_audits
from genesys_cloud_audit.api.audit import get_audits_query_transaction_id_results as results
from genesys_cloud_audit.api.audit import post_audits_query_realtime as realtime
from genesys_cloud_audit.models import AuditRealtimeQueryRequest

from tests.cli.cli_helpers import cli_env, query_args, run_cli
from tests.support.clients import make_client
from tests.support.scripted_server import ScriptedServer, cursor_loop, json_response, page_loop, token_issuer

TX = "tx-loop"
RESULTS = f"/api/v2/audits/query/{TX}/results"
REALTIME = "/api/v2/audits/query/realtime"
INTERVAL = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
FAST = WaitPolicy(first_interval=0.0, max_interval=0.01, deadline=10.0)


def serve_a_succeeded_query(server: ScriptedServer) -> None:
    server.set_default("POST", "/api/v2/audits/query", json_response(202, {"id": TX, "state": "Queued"}))
    server.set_default("GET", f"/api/v2/audits/query/{TX}", json_response(200, {"id": TX, "state": "Succeeded"}))


@pytest.mark.parametrize(("repeat_after", "stuck_at"), [(0, "c0"), (3, "c3")])
def test_paginate_stops_at_a_repeated_cursor_sync_and_async(
    scripted_server: ScriptedServer, repeat_after: int, stuck_at: str
) -> None:
    scripted_server.set_default("GET", RESULTS, cursor_loop(repeat_after=repeat_after))
    with make_client(scripted_server) as client:
        pager = results.paginate(TX, client=client, page_size=2)
        got: list[str] = []
        with pytest.raises(PagingError) as caught:
            got.extend(str(record.id) for record in pager)
        assert len(got) == len(set(got)) == 2 * max(repeat_after, 1)  # the pages before the repeat
        assert caught.value.operation_id == "getAuditsQueryTransactionIdResults"
        assert caught.value.cursor == stuck_at and str(caught.value).startswith(
            "getAuditsQueryTransactionIdResults: paging does not advance: the page fetched with cursor "
            f"'{stuck_at}' names as the next page"
        )
        assert (pager.cursor, pager.skip) == (stuck_at, 0)

        async def read_async() -> list[str]:
            seen: list[str] = []
            with pytest.raises(PagingError, match="getAuditsQueryTransactionIdResults"):
                async for record in results.paginate_async(TX, client=client, page_size=2):
                    seen.append(str(record.id))
            await client.aclose()
            return seen

        assert len(asyncio.run(read_async())) == len(got)


def test_the_export_stops_at_a_repeated_cursor_and_its_checkpoint_repeats_nothing(
    scripted_server: ScriptedServer,
) -> None:
    serve_a_succeeded_query(scripted_server)
    scripted_server.set_default("GET", RESULTS, cursor_loop(repeat_after=1))
    with make_client(scripted_server) as client:
        export = query_audits(client, interval=INTERVAL, page_size=2, wait_policy=FAST)
        got = []
        with pytest.raises(PagingError, match="cursor 'c1'"):
            got.extend(str(record.id) for record in export)
    part = export.checkpoint().parts[0]
    assert len(got) == len(set(got)) == 2 and export.records_read == 2
    assert (part.cursor, part.skip, part.done) == ("c1", 0, False)


def test_realtime_paging_stops_when_the_server_ignores_the_page_number(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", REALTIME, page_loop(page_count=50))
    with make_client(scripted_server) as client:
        pager = realtime.paginate(client=client, body=AuditRealtimeQueryRequest(interval=INTERVAL, page_size=2))
        got = []
        with pytest.raises(PagingError) as caught:
            got.extend(str(record.id) for record in pager)
        assert got == ["p1-r0", "p1-r1"] and pager.page_number == 2
        assert str(caught.value).startswith("postAuditsQueryRealtime: paging does not advance: page 2 repeats page 1")
        assert caught.value.page_number == 2 and len(scripted_server.requests_to(REALTIME)) == 2


def test_realtime_paging_stops_when_the_page_count_keeps_growing(scripted_server: ScriptedServer) -> None:
    scripted_server.set_default("POST", REALTIME, page_loop(page_count=lambda number: number + 1))
    with make_client(scripted_server) as client:
        export = realtime_audits(client, interval=INTERVAL, page_size=2)
        got = []
        with pytest.raises(PagingError, match=r"postAuditsQueryRealtime: .*page count grew from 2 to 24"):
            got.extend(str(record.id) for record in export)
    assert len(got) == len(set(got)) == 44  # 22 pages, then page 23 is refused before it is handed out


def test_the_cli_exits_with_one_line_and_writes_nothing_twice(scripted_server: ScriptedServer, tmp_path: Path) -> None:
    scripted_server.set_default("POST", "/oauth/token", token_issuer())
    serve_a_succeeded_query(scripted_server)
    scripted_server.set_default("GET", RESULTS, cursor_loop(records_per_page=3, repeat_after=2))
    output = tmp_path / "audit.jsonl"
    options = ("--interval", INTERVAL, "--page-size", "3", "--wait-timeout", "10", "--quiet")
    result = run_cli(query_args(scripted_server, output, *options), env=cli_env(), timeout=60)
    assert result.returncode == 1
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("genesys-audit: error:")]
    assert error_lines == [
        "genesys-audit: error: getAuditsQueryTransactionIdResults: paging does not advance: the page fetched "
        "with cursor 'c2' names as the next page a cursor this pager already followed; stopped before handing "
        "out any record of it; the server's pages do not advance: pass --restart to run the query anew"
    ], result.stderr
    assert "Traceback" not in result.stderr
    written = [json.loads(line)["id"] for line in output.with_name(output.name + ".partial").read_text().splitlines()]
    assert written == [f"p{page}-r{index}" for page in range(2) for index in range(3)]
    assert not output.exists()
